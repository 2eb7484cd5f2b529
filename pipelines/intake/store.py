"""The intake store: each checked file kept by content, so a file is read and checked once, by whichever process gets
to it first (a build, or a worker of the distributed intake: pipelines/assets/intake.py).

A file read whole by its reader (every published format but the streamed milspace budget lines) is kept, once it
has been read and checked, under `data_marts/intake/<key>/`: its lines, rejected rows, reconciliations and objects
as Parquet files and what else its reader said as JSON. A streamed file is kept only when a worker of the
distributed intake has read it (pipelines/intake/spread.py): its checked lines as the Parquet parts its staging
table is loaded from (`parts/`), which the build loads instead of reading the file; a build that reads a streamed
file itself keeps it in the warehouse instead (staging.streamed_files, by the same key).

The key (`store_key`) is the sha256 of the file's name as shown, the sha256 of its bytes, milspace's code and
libraries (pipelines/fingerprint.py), the known nations and the publishers' names for them: the same key means the
same checked rows, whoever computed them. A build that finds a file's key in the store takes the rows from there
instead of reading the file.

An entry is written into a hidden folder of its own and renamed into place in one step, so a reader sees a whole
entry or none; two processes that check the same file (a retried or duplicated task) write the same entry, and the
second rename finds it there and keeps it. A build removes, after it has published, the entries that neither it nor
any process since it started has used (`prune`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from pipelines.fingerprint import code_fingerprint
from pipelines.paths import Layout

if TYPE_CHECKING:  # inbox.py reads the store as it checks a file
    from pipelines.intake.inbox import CheckedFile

#: Bumped when the layout of an entry changes (older entries are then not found).
FORMAT = 2
#: The frames of a CheckedFile an entry keeps, each as `<name>.parquet`.
FRAMES = ("lines", "rejected", "reconciliations", "objects")
#: The other fields of a CheckedFile an entry keeps (in meta.json); the rest (path, stamp, origin) are the caller's.
FIELDS = ("status", "source_format", "source", "edition", "notes", "error", "skipped", "streamed", "streamed_rows")
#: The folder of an entry that holds a streamed file's checked lines (Parquet files, in the order read).
PARTS = "parts"


def store_dir(layout: Layout) -> Path:
    return layout.data_marts / "intake"


def store_key(shown: str, sha256: str, nation_codes: Collection[str], names: Mapping[str, str]) -> str:
    """What decides a file's checked rows: its name as shown (the rows carry it), its bytes, milspace's code and
    libraries, the known nations and the publishers' names for them."""
    digest = hashlib.sha256(f"intake {FORMAT}\0".encode())
    parts = (shown, sha256, code_fingerprint(), *sorted(nation_codes), json.dumps(sorted(names.items())))
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def storable(checked: CheckedFile) -> bool:
    """Whether a checked file is kept: loaded, and read whole or streamed into parts (a streamed file a build reads
    is kept by the warehouse, and a file that was not loaded costs nothing to look at again)."""
    read = not checked.streamed or bool(checked.parts)
    return checked.status == "loaded" and read and bool(checked.sha256)


def save(layout: Layout, key: str, checked: CheckedFile) -> bool:
    """Keep `checked` under `key`; whether this call wrote the entry (False: it was there already, or it could not
    be written: a full disk or a read-only folder costs the next build a reading, never this one its file)."""
    try:
        return _save(layout, key, checked)
    except OSError:
        return False


def _save(layout: Layout, key: str, checked: CheckedFile) -> bool:
    final = store_dir(layout) / key
    if final.exists():
        os.utime(final)  # used: kept by the next prune
        return False
    final.parent.mkdir(parents=True, exist_ok=True)
    scratch = final.parent / f".{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    scratch.mkdir()
    try:
        for name in FRAMES:
            getattr(checked, name).write_parquet(scratch / f"{name}.parquet", compression="lz4")
        if checked.parts:  # moved, not copied: they were written for this entry, beside it
            (scratch / PARTS).mkdir()
            for number, part in enumerate(checked.parts):
                os.replace(part, scratch / PARTS / f"{number:06d}.parquet")
        meta = {name: getattr(checked, name) for name in FIELDS}
        meta |= {"format": FORMAT, "file": checked.file, "sha256": checked.sha256, "bytes": checked.bytes}
        if checked.read_by is not None:
            meta["read_by"] = [checked.read_by[0], checked.read_by[1].isoformat()]
        (scratch / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            os.rename(scratch, final)
        except OSError:  # another process wrote the same entry first
            return False
        return True
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def load(layout: Layout, key: str, checked: CheckedFile) -> CheckedFile | None:
    """The file as an earlier check found it, from the entry `key` (None: no whole entry); `checked` gives the
    fields that are this reading's own (path, stamp, origin)."""
    folder = store_dir(layout) / key
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("sha256") != checked.sha256:
            return None
        frames: dict[str, Any] = {name: pl.read_parquet(folder / f"{name}.parquet") for name in FRAMES}
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return None
    try:
        os.utime(folder)  # used: kept by the next prune
    except OSError:
        pass
    fields: dict[str, Any] = {
        name: tuple(meta[name]) if isinstance(meta[name], list) else meta[name] for name in FIELDS
    }
    if fields["streamed"]:
        parts = tuple(sorted((folder / PARTS).glob("*.parquet")))
        if not parts and fields["streamed_rows"]:
            return None
        fields |= {"parts": parts}
        if read_by := meta.get("read_by"):
            fields |= {"read_by": (read_by[0], dt.datetime.fromisoformat(read_by[1]))}
    return dataclasses.replace(checked, file=meta["file"], bytes=meta["bytes"], **fields, **frames)


def prune(layout: Layout, *, since: float, used: Collection[str] = ()) -> int:
    """Remove the entries not in `used` and untouched since `since` (a time.time(): every load and save touches
    its entry), and hidden folders an interrupted save left over an hour ago; how many."""
    folder = store_dir(layout)
    removed = 0
    if not folder.is_dir():
        return 0
    for entry in folder.iterdir():
        try:
            stale = entry.name not in used and entry.stat().st_mtime < since
        except OSError:
            continue
        if stale or (entry.name.startswith(".") and entry.stat().st_mtime < time.time() - 3600):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed
