"""Files on disk, handled one way everywhere: a file's fingerprint (the sha256 of the bytes read, from one opened
handle, and its identity), and an atomic write (a temporary file beside the target, then a rename over it, so a
reader never sees half a file)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path


def stamp_of(found: os.stat_result) -> tuple[int, ...]:
    """A file's identity: replaced (another inode), written to (size, modification or change time) or not. The
    change time cannot be set back by a user, so a rewrite that restores the size and modification time shows."""
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    bytes: int
    stamp: tuple[int, ...]


#: What a path is, when it is not a regular file (`stat.S_IFMT` of its mode).
_NOT_REGULAR = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


class NotARegularFile(OSError):
    """The path is a directory, FIFO, device or socket: reading it could hang, or never end (/dev/zero)."""


def fingerprint(path: Path) -> Fingerprint:
    """The sha256 of a regular file's bytes, read from one opened handle, and its identity. Anything but a regular
    file raises NotARegularFile before a byte is read: the file is opened without blocking (a FIFO with no writer
    would wait forever) and checked on the open handle, so it cannot be swapped for a pipe between the check and
    the reading. A file written to while it is hashed raises FileChanged; any other failure, OSError."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        before = os.fstat(descriptor)
        kind = stat.S_IFMT(before.st_mode)
        if kind != stat.S_IFREG:
            raise NotARegularFile(f"it is {_NOT_REGULAR.get(kind, 'not a regular file')}, not a regular file")
        os.set_blocking(descriptor, True)
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    digest = hashlib.sha256()
    size = 0
    with handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
        after = os.fstat(handle.fileno())
    if stamp_of(after) != stamp_of(before) or size != before.st_size:
        raise FileChanged(path)
    return Fingerprint(digest.hexdigest(), size, stamp_of(before))


class FileChanged(OSError):
    """A file was written to, or replaced, while it was being read."""

    def __init__(self, path: Path):
        super().__init__(errno.EAGAIN, "it changed while it was being read")
        self.path = path


def unchanged_since(path: Path, stamp: tuple[int, ...] | None) -> bool:
    """Whether the file at `path` is still the one fingerprinted (same inode, size and times)."""
    try:
        return stamp is None or stamp_of(os.stat(path)) == stamp
    except OSError:
        return False


def write_atomically(path: Path, content: bytes | str) -> None:
    """Write `content` (text as UTF-8) to `path` by way of a temporary file beside it (hidden, named for this
    process) and a rename: a reader sees the old file or the new one, never part of one. The temporary file is
    removed if the write fails."""
    data = content.encode("utf-8", errors="backslashreplace") if isinstance(content, str) else content
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
