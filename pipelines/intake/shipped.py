"""Read one described file and apply its contract: the whole journey of a starter or reference file to
loadable rows, without Dagster (the assets call this; so do the tests)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import polars as pl

from pipelines.intake.contract import apply_contract, bind_references
from pipelines.paths import Layout
from pipelines.schemas import CONTRACTS
from pipelines.shapes import Origin, SourceRecord
from pipelines.sources.datapackage import Resource
from pipelines.sources.described_csv import read_described_csv


@dataclass(frozen=True)
class ValidatedTable:
    """A file after its contract: what loads, what is quarantined, and where it came from."""

    name: str
    file: str
    sha256: str
    bytes: int
    rows_read: int
    valid: pl.DataFrame
    rejected: pl.DataFrame

    @property
    def rejected_rows(self) -> int:
        """Distinct input rows rejected (a row breaking two rules counts once)."""
        return self.rejected.get_column("row").n_unique() if self.rejected.height else 0

    def source_record(self, origin: Origin) -> SourceRecord:
        """This file's row of staging.sources."""
        return SourceRecord(
            file=self.file,
            origin=origin,
            sha256=self.sha256,
            bytes=self.bytes,
            status="loaded",
            source_format="datapackage_csv",
            source=f"milspace {origin} data ({self.name})",
            rows_loaded=self.valid.height,
            rows_rejected=self.rejected_rows,
        )


def validate_resource(
    layout: Layout,
    resource: Resource,
    references: Mapping[str, Collection[str]] | None = None,
) -> ValidatedTable:
    """Read `resource` and split its rows by the contract registered for its name."""
    model = CONTRACTS[resource.name]
    shown = layout.display(resource.path)
    parsed = read_described_csv(resource, shown)
    schema = bind_references(model, references or {})
    checked = apply_contract(
        parsed.frame, parsed.rejected, schema, shown, unique=getattr(model.Config, "unique", ()) or ()
    )
    return ValidatedTable(
        name=resource.name,
        file=shown,
        sha256=parsed.sha256,
        bytes=resource.path.stat().st_size,
        rows_read=parsed.rows_read,
        valid=checked.valid,
        rejected=checked.rejected,
    )


def referenced_targets(name: str) -> list[str]:
    """The reference tables a resource's contract checks its codes against (for example ['nations'])."""
    schema = CONTRACTS[name].to_schema()
    targets = [(c.metadata or {}).get("references") for c in schema.columns.values()]
    return sorted({t for t in targets if t})
