"""One build at a time per project root: a lock file that a second build finds taken, and refuses clearly.

The lock is an advisory `flock` on data_marts/build.lock, held for the whole run by the process that builds
(the `milspace build` command, or the process of a run launched from the Dagster UI). The operating system
releases it when that process ends, even if it is killed, so a crash never leaves a stale lock behind. Within
one process the lock is re-entrant: the command line takes it first, and the run's resource finds it held.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from pipelines.errors import MilspaceError
from pipelines.paths import Layout


class BuildLocked(MilspaceError):
    """Another build holds the project's build lock."""


_held: dict[Path, tuple[TextIO, int]] = {}
_guard = threading.Lock()


def lock_path(layout: Layout) -> Path:
    return layout.data_marts / "build.lock"


def _holder(handle) -> str:
    handle.seek(0)
    text = handle.read().strip()
    return text or "a process that did not say who it is"


def _cannot_write(layout: Layout, path: Path, exc: OSError) -> MilspaceError:
    """The build cannot write its lock file: one sentence naming the file, the reason and the remedy."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        remedy = "the disk is full (or the quota is used up): free space on it and build again"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        remedy = (
            f"{layout.data_marts} is not writable by this user (or its file system is read-only): the build writes "
            "its lock, working copy and warehouse there. Make it writable (chmod or chown), or build as its owner"
        )
    else:
        remedy = "check that the folder exists and can be written, then build again"
    return MilspaceError(
        f"Cannot write the build lock {path} ({exc.strerror or exc}): {remedy}. Nothing was built; the published "
        "warehouse is unchanged."
    )


def acquire(layout: Layout) -> None:
    """Take the build lock, or raise BuildLocked naming who holds it (MilspaceError if it cannot be written)."""
    path = lock_path(layout)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path = path.resolve()
    except OSError as exc:
        raise _cannot_write(layout, path, exc) from None
    with _guard:
        if path in _held:
            handle, count = _held[path]
            _held[path] = (handle, count + 1)
            return
        try:
            handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        except OSError as exc:
            raise _cannot_write(layout, path, exc) from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            handle.close()
            raise BuildLocked(
                f"Another build of {layout.root} is running ({holder}), so this one did not start. Wait for it "
                f"to finish and run again; the published warehouse is unchanged. (Lock file: {path})"
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            handle.write(f"pid {os.getpid()}, started {started}, command {' '.join(sys.argv[:3])}")
            handle.flush()
        except OSError as exc:
            with contextlib.suppress(OSError):  # closing lets go of the lock, even if the flush fails again
                handle.close()
            raise _cannot_write(layout, path, exc) from None
        _held[path] = (handle, 1)


def release(layout: Layout) -> None:
    path = lock_path(layout).resolve()
    with _guard:
        if path not in _held:
            return
        handle, count = _held[path]
        if count > 1:
            _held[path] = (handle, count - 1)
            return
        del _held[path]
        handle.seek(0)
        handle.truncate()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


@contextmanager
def build_lock(layout: Layout) -> Iterator[None]:
    acquire(layout)
    try:
        yield
    finally:
        release(layout)
