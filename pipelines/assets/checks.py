"""Asset checks, one per `sql/checks/*.sql` file. Each query returns the rows that break its rule: none is a pass.

A file's header names the check, the asset it guards and its severity: `error` checks block the assets
downstream (a failing one stops the warehouse from being published); `warn` checks are reported only. The other
objects a check's query reads (as sqlglot finds them, pipelines/assets/graph.py) are its additional dependencies.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.assets.graph import Table, asset_key, file_reads
from pipelines.assets.resource import MilspaceResource
from pipelines.assets.shared import frame_table
from pipelines.paths import SQL_DIR
from pipelines.warehouse import header_comment

_HEADER = re.compile(r"^--\s*(check|asset|severity):\s*(\S+)\s*$", re.MULTILINE)
PREVIEW_ROWS = 10


@dataclass(frozen=True)
class CheckSpec:
    name: str
    asset: tuple[str, str]
    severity: str
    description: str
    path: Path
    reads: frozenset[Table]


def check_specs() -> list[CheckSpec]:
    specs = []
    for path in sorted((SQL_DIR / "checks").glob("*.sql")):
        fields = dict(_HEADER.findall(path.read_text(encoding="utf-8")))
        missing = {"check", "asset", "severity"} - fields.keys()
        if missing or fields["severity"] not in ("error", "warn"):
            raise ValueError(f"{path}: header needs '-- check:', '-- asset:' and '-- severity: error|warn'")
        description = "\n".join(line for line in header_comment(path).splitlines() if not _HEADER.match(f"-- {line}"))
        schema, table = fields["asset"].split(".", 1)
        reads = frozenset(file_reads(path))
        specs.append(CheckSpec(fields["check"], (schema, table), fields["severity"], description, path, reads))
    return specs


def _check(spec: CheckSpec) -> dg.AssetChecksDefinition:
    severity = dg.AssetCheckSeverity.ERROR if spec.severity == "error" else dg.AssetCheckSeverity.WARN

    @dg.asset_check(
        asset=asset_key(spec.asset),
        additional_deps=[asset_key(read) for read in sorted(spec.reads - {spec.asset})],
        name=spec.name,
        description=spec.description,
        blocking=spec.severity == "error",
    )
    def _run(context: dg.AssetCheckExecutionContext, milspace: MilspaceResource) -> dg.AssetCheckResult:
        violations = milspace.run.query(spec.path.read_text(encoding="utf-8"))
        preview = violations.head(PREVIEW_ROWS)
        inbox = _inbox_files_named(violations, milspace, context.run.run_id) if violations.height else []
        return dg.AssetCheckResult(
            passed=violations.height == 0,
            severity=severity,
            metadata={
                "violations": violations.height,
                "sql": dg.MetadataValue.path(str(spec.path)),
                "first_violations": frame_table(preview) if preview.height else "none",
                INBOX_FILES: dg.MetadataValue.json(inbox),
            },
        )

    return _run


#: Metadata of a check result: the inbox files its violating rows name (by path, in any text column), so that a
#: blocking check broken by one inbox file sets that file aside instead of stopping every build (pipelines/cli.py).
INBOX_FILES = "inbox_files"


def _inbox_files_named(violations: pl.DataFrame, milspace: MilspaceResource, run_id: str) -> list[str]:
    """The inbox files (as staging.sources names them) that appear in any text cell of the violating rows."""
    loaded = milspace.run.query("SELECT file FROM staging.sources WHERE origin = 'inbox' AND status = 'loaded'")
    texts = [c for c, dtype in violations.schema.items() if dtype == pl.String]
    if not texts or loaded.is_empty():
        return []
    cells = violations.select(pl.concat_str([pl.col(c).fill_null("") for c in texts], separator="\n")).to_series()
    return sorted(f for f in loaded.get_column("file") if cells.str.contains(f, literal=True).any())


def check_reads() -> dict[str, set[Table]]:
    """Every check file (as sql/checks/<name>.sql) and what it reads, the asset it guards included."""
    return {f"sql/checks/{spec.path.name}": {*spec.reads, spec.asset} for spec in check_specs()}


def asset_checks() -> list[dg.AssetChecksDefinition]:
    return [_check(spec) for spec in check_specs()]
