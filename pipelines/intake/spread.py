"""Reading and checking the inbox spread over workers (issue 20): the part of the distributed intake that is not
Dagster's. The job in pipelines/assets/intake.py lists the files (`intake_files`) and runs `check_into_store` for
each one as a step of its own, which Dagster's dask executor can run on any worker that sees the project folder;
each worker needs only the file and milspace's code. What a worker finds goes into the intake store by content
(pipelines/intake/store.py), so a retried or duplicated step writes the same entry, and the next `milspace build`,
the one writer, takes every stored file from there instead of reading it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from pipelines.files import unchanged_since
from pipelines.intake import store
from pipelines.intake.inbox import (
    CheckedFile,
    LineStream,
    changed_while_read,
    check_file,
    inbox_entries,
    printable,
    starter_line_files,
)
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


def check_into_store(layout: Layout, path: Path, refs: References, run_id: str = "") -> dict[str, object]:
    """Read and check one file into the intake store (nothing is read when it is there already); what was found.
    A streamed file (milspace budget lines) is read to its end here too, its checked lines kept as Parquet parts
    (`stream_into_store`), so the build reads no file at all. `run_id` is the Dagster run that reads it."""
    shown = printable(layout.display(path))
    checked = check_file(path, shown, refs.names, refs.codes, layout=layout)
    if checked.status == "loaded" and checked.streamed and not checked.parts:
        checked = stream_into_store(layout, checked, refs.codes, run_id)
    return {
        "file": shown,
        "status": checked.status,
        "stored": store.storable(checked),
        "lines": checked.streamed_rows if checked.streamed else checked.lines.height,
        "rejected": checked.rows_rejected,
        "error": checked.error,
    }


def stream_into_store(layout: Layout, checked: CheckedFile, nation_codes: Collection[str], run_id: str) -> CheckedFile:
    """Read a streamed file batch by batch (one batch in memory) through the BudgetLine contract, each batch's valid
    lines written as a Parquet part in the form of its staging table, and keep the parts, the rejected rows and the
    count in the intake store under the file's key. A file that fails part-way or changes while it is read is not
    kept (the build reads it again, and sets it aside or leaves it, as it does any such file); the file as read."""
    folder = store.store_dir(layout)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".parts-{checked.store_key[:16]}-", dir=folder))
    try:
        stream = LineStream(checked, checked.on_disk, nation_codes)
        written = []
        for number, batch in enumerate(stream):
            written.append(scratch / f"{number:06d}.parquet")
            stream.reader.stored(batch).write_parquet(written[-1], compression="lz4", statistics=False)
        if stream.error is None and not unchanged_since(checked.on_disk, checked.stamp):
            return changed_while_read(checked)
        read = stream.checked()
        if read.status != "loaded" or not written:
            return read
        read_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        read = dataclasses.replace(read, parts=tuple(written), read_by=(run_id, read_at) if run_id else None)
        store.save(layout, checked.store_key, read)
        return read
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
