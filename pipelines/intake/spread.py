"""Reading and checking the inbox spread over workers (issue 20): the part of the distributed intake that is not
Dagster's. The job in pipelines/assets/intake.py lists the files (`intake_files`) and runs `check_into_store` for
each one as a step of its own, which Dagster's dask executor can run on any worker that sees the project folder;
each worker needs only the file and milspace's code. What a worker finds goes into the intake store by content
(pipelines/intake/store.py), so a retried or duplicated step writes the same entry, and the next `milspace build`,
the one writer, takes every stored file from there instead of reading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.intake import store
from pipelines.intake.inbox import check_file, inbox_entries, printable, starter_line_files
from pipelines.intake.shipped import validate_resource
from pipelines.nations import NationNames
from pipelines.paths import Layout
from pipelines.sources.datapackage import load_package


@dataclass(frozen=True)
class References:
    """The nations and publishers' names a file is checked against, validated as a build validates them."""

    names: NationNames
    codes: list[str]


def references(layout: Layout) -> References:
    """The reference tables nations and nation_names, through their contracts, as the build's input assets read
    them (pipelines/assets/inputs.py), so a worker's store keys are the build's."""
    package = load_package(layout.reference)
    nations = validate_resource(layout, package["nations"])
    codes = nations.valid.get_column("code").to_list()
    names = validate_resource(layout, package["nation_names"], {"nations": codes})
    return References(NationNames.from_pairs(names.valid.select("name", "code").iter_rows()), codes)


def intake_files(layout: Layout) -> list[Path]:
    """The files a build would read (the starter extracts and the regular files of data_raw/inbox/), in order."""
    inbox, _ = inbox_entries(layout)
    return [*starter_line_files(layout), *inbox]


def check_into_store(layout: Layout, path: Path, refs: References) -> dict[str, object]:
    """Read and check one file into the intake store (nothing is read when it is there already); what was found."""
    shown = printable(layout.display(path))
    checked = check_file(path, shown, refs.names, refs.codes, layout=layout)
    return {
        "file": shown,
        "status": checked.status,
        "stored": store.storable(checked) or (checked.status == "loaded" and not checked.streamed),
        "lines": checked.lines.height,
        "rejected": checked.rows_rejected,
        "error": checked.error,
    }
