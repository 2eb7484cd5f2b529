"""Whether anything a build reads has changed since the last build: the fingerprint of its inputs and code.

A build reads the files under data_raw/ (inbox, starter, reference tables, strategy documents), milspace's own code
and SQL, the installed libraries and the `MILSPACE_*` settings. Their fingerprint is a sha256 over

- every file and link under data_raw/ (and the shipped starter and reference folders when an installed milspace
  reads them from the package): its path, type, size and modification time in nanoseconds (a file's bytes are not
  read: ten million lines are 1.7 GB, and a changed file has a new modification time; `milspace build --full`
  rebuilds whatever the time stamps say);
- the bytes of every Python, SQL and YAML file of the package and of sql/;
- the Python version, every installed distribution's name and version, and every `MILSPACE_*` setting but
  MILSPACE_ROOT.

After a successful build the CLI writes the fingerprint it computed before reading, with the published warehouse's
and report's identities (device, inode, modification time), to data_marts/last_build.json. The next `milspace
build` with the same fingerprint, the same warehouse file and the same report index builds nothing: the published
warehouse is what a build would make. A build that left an inbox file for later (still being copied in) records
nothing, so the next one reads it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import stat
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.paths import SQL_DIR, Layout

PACKAGE = Path(__file__).resolve().parent
CODE_SUFFIXES = (".py", ".sql", ".yaml", ".yml", ".json", ".csv")


def _identity(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_mtime_ns]


def _walk(folder: Path, digest, label: str) -> None:
    """Each entry under `folder`, in name order: its relative path, type, size and modification time."""
    for current, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(current, d))]:
            path = os.path.join(current, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue  # removed while we looked: the build will not see it either
            relative = os.path.relpath(path, folder)
            link = os.readlink(path) if stat.S_ISLNK(info.st_mode) else ""
            entry = f"{label}\0{relative}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}\0{link}\n"
            digest.update(entry.encode("utf-8", "surrogateescape"))  # a name need not be UTF-8


def _code(digest) -> None:
    """The bytes of milspace's code and SQL (the package, and sql/ where it lives beside it in a checkout)."""
    folders = [PACKAGE] + ([SQL_DIR] if not SQL_DIR.resolve().is_relative_to(PACKAGE) else [])
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(f"code\0{path.relative_to(folder)}\0".encode("utf-8", "surrogateescape"))
                digest.update(hashlib.sha256(path.read_bytes()).digest())


def _environment(digest) -> None:
    digest.update(f"python\0{sys.version}\n".encode())
    versions = sorted({(d.metadata["Name"] or "", d.version) for d in importlib.metadata.distributions()})
    digest.update(json.dumps(versions).encode())
    settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("MILSPACE_") and k != "MILSPACE_ROOT")
    digest.update(json.dumps(settings).encode())


@cache
def code_fingerprint() -> str:
    """The sha256 of milspace's code and SQL, the Python version and the installed distributions (not the settings):
    what decides how a file's bytes become checked rows. A streamed file's checked lines are reused from the
    published warehouse only under the same value (pipelines/intake/staging.py). Computed once per process."""
    digest = hashlib.sha256()
    _code(digest)
    digest.update(f"python\0{sys.version}\n".encode())
    versions = sorted({(d.metadata["Name"] or "", d.version) for d in importlib.metadata.distributions()})
    digest.update(json.dumps(versions).encode())
    return digest.hexdigest()


def inputs_fingerprint(layout: Layout) -> str:
    """The sha256 of everything a build of `layout` reads (see the module's docstring)."""
    digest = hashlib.sha256()
    folders = {layout.data_raw.resolve(): "data_raw"}
    for folder, label in ((layout.starter, "starter"), (layout.reference, "reference")):
        if not folder.resolve().is_relative_to(layout.data_raw.resolve()):
            folders[folder.resolve()] = label
    for folder, label in folders.items():
        _walk(folder, digest, label)
    _code(digest)
    _environment(digest)
    return digest.hexdigest()


@dataclass(frozen=True)
class LastBuild:
    """What data_marts/last_build.json says of the last build recorded there."""

    fingerprint: str
    run_id: str
    finished_at: str
    warehouse: list[int] | None
    report: list[int] | None

    def still_published(self, layout: Layout) -> bool:
        """Whether the warehouse and report index that build published are still the ones in place."""
        return (
            self.warehouse is not None
            and self.warehouse == _identity(layout.warehouse)
            and self.report is not None
            and self.report == _identity(layout.report_index)
        )


def last_build(layout: Layout) -> LastBuild | None:
    """The recorded last build, or None when there is none or the record cannot be read (a build then runs)."""
    try:
        data = json.loads(layout.last_build.read_text(encoding="utf-8"))
        return LastBuild(
            data["fingerprint"], data["run_id"], data["finished_at"], data.get("warehouse"), data.get("report")
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def unchanged_since(layout: Layout, fingerprint: str) -> LastBuild | None:
    """The last build when nothing it read has changed and what it published is in place; else None."""
    last = last_build(layout)
    if last is not None and last.fingerprint == fingerprint and last.still_published(layout):
        return last
    return None


def record_build(layout: Layout, fingerprint: str, run_id: str, finished_at: str) -> None:
    """Write data_marts/last_build.json for a successful build (atomically: a half-written record is never read)."""
    record = {
        "fingerprint": fingerprint,
        "run_id": run_id,
        "finished_at": finished_at,
        "warehouse": _identity(layout.warehouse),
        "report": _identity(layout.report_index),
    }
    temporary = layout.last_build.with_name(f".{layout.last_build.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, layout.last_build)


def forget_build(layout: Layout) -> None:
    """Remove the record, so the next build runs whatever the fingerprint says."""
    try:
        layout.last_build.unlink(missing_ok=True)
    except OSError:
        pass  # a record that cannot be removed cannot be written either: the fingerprint will not match it
