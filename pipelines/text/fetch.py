"""Download the strategy register's documents from their official addresses (`milspace fetch-docs`).

Rules:
- Which rows: a row whose url_kind is ``not_found`` or whose official_url is empty is "skipped". An
  ``announcement_page`` row is downloaded like a document (it is an HTML page about the document) and its message
  says so. Only http and https addresses are fetched; any other scheme fails without a request.
- How: standard library only (urllib.request), with a User-Agent naming milspace; redirects are followed (urllib's
  own limit of 10) only to http and https addresses: a redirect anywhere else (ftp, file ...) fails, naming the
  address, and is not followed. ``timeout`` seconds bound the connection and every read. Proxies come from the
  usual environment variables.
- Deadline: ``deadline`` seconds (default 300) bound each document as a whole, redirects, headers and body
  included, so that a server trickling a byte at a time cannot hold the run. A watchdog thread shuts the
  document's sockets down when it passes, which ends a blocked read; the document fails naming the deadline. (The
  connection being opened at that moment still has its own timeout; a DNS look-up is bounded by neither. With an
  ``opener`` passed in, the deadline is only checked between reads.)
- File name: ``<doc_id><ext>``, the extension from the Content-Type (application/pdf .pdf, text/html .html,
  text/plain .txt, text/markdown .md) or, failing that, from the first bytes (``%PDF-`` .pdf, ``<html`` or
  ``<!doctype html`` .html). Content that is none of these fails and is not kept.
- Size cap: a download stops as soon as it goes past ``max_bytes`` (or before it starts, when Content-Length
  announces more); the partial file is deleted.
- Resume: bytes go to ``<doc_id>.part`` (the extension is only known at the end), and what identifies the
  document goes to the hidden sidecar ``.<doc_id>.part.json``: the address, the first answer's strong ETag or
  else its Last-Modified, and the size it announced. A ``.part`` is resumed only with such a validator: the
  request carries ``Range: bytes=<size>-`` and ``If-Range: <validator>``, and a 206 answer is appended only when
  its Content-Range starts at that byte (with the recorded size as the whole) and it carries the same validator.
  Anything else starts the file over from byte 0 in the same run: a 200 answer, a 206 that cannot be proven to
  continue the same document, a 416 (nothing left to send), or a ``.part`` with no usable sidecar (a server that
  sends no ETag or Last-Modified, a weak ETag, an older milspace). A download that breaks off, or ends short of
  its Content-Length, keeps its ``.part`` for the next run when it has a validator, and is deleted when it has
  none. The ``.part`` becomes the final file by a rename only when complete.
- Manifest: ``manifest.csv`` in the target folder, one row per document (doc_id, url as in the register,
  final_url after redirects, file, sha256, bytes, content_type as the server sent it, fetched_at in UTC),
  rewritten atomically after each download; rows of documents not in this run are kept. A manifest written
  before the final_url column is read, its rows with an empty final_url. A document whose manifest row has the
  same address, and whose file exists with the recorded sha256, is "present" and not downloaded again. When a
  new download gets another extension, the file the manifest named before is removed.
- No network: a failure before the server answered (DNS, refused, unreachable, timeout, reset) names the host
  and the reason. When the first two downloads attempted both fail that way, the rest are not attempted (failed,
  "not attempted: no network ..."), documents already present still count as present, and a last progress line
  says how many documents the build can go on with.
- HTTP errors fail with the status code. ``progress`` gets one line per document, ``[i/n] doc_id: message``; a
  download that was redirected names the final address.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import socket
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPException, HTTPResponse
from pathlib import Path

from pipelines import __version__
from pipelines.errors import InputFileError, MilspaceError
from pipelines.files import fingerprint, write_atomically

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("doc_id", "url", "final_url", "file", "sha256", "bytes", "content_type", "fetched_at")
_MANIFEST_COLUMNS_BEFORE_FINAL_URL = tuple(column for column in MANIFEST_COLUMNS if column != "final_url")
USER_AGENT = f"milspace/{__version__} (strategy document fetcher; Python urllib)"
ACCEPT = "application/pdf, text/html;q=0.9, text/plain;q=0.8, text/markdown;q=0.8, */*;q=0.5"
EXTENSIONS = {"application/pdf": ".pdf", "text/html": ".html", "text/plain": ".txt", "text/markdown": ".md"}
NOT_ATTEMPTED = "not attempted: no network (the first two downloads could not connect)"
CHUNK = 64 * 1024
_DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)\s*\Z")


@dataclass(frozen=True)
class FetchResult:
    doc_id: str
    url: str | None
    status: str  # "downloaded" | "present" | "skipped" | "failed"
    path: Path | None
    sha256: str | None
    bytes: int | None
    message: str
    final_url: str | None = None  # the address the document came from, after redirects


class _Failure(Exception):
    """One document could not be fetched; `connection` marks a failure before the server answered at all."""

    def __init__(self, message: str, *, connection: bool = False, http_status: int | None = None):
        super().__init__(message)
        self.message, self.connection, self.http_status = message, connection, http_status


def fetch_documents(
    documents: Sequence[Mapping[str, str]],
    target: Path,
    *,
    timeout: float = 30.0,
    deadline: float = 300.0,
    max_bytes: int = 50 * 1024 * 1024,
    progress: Callable[[str], None] | None = None,
    opener=None,
) -> list[FetchResult]:
    """Fetch every register row into `target` (see the module docstring for the rules); one result per row."""
    _check_doc_ids(documents)
    target.mkdir(parents=True, exist_ok=True)
    run = _Run(target, _read_manifest(target / MANIFEST), opener, timeout, deadline, max_bytes)
    results = []
    for number, document in enumerate(documents, start=1):
        result = run.fetch(document)
        results.append(result)
        if progress is not None:
            progress(f"[{number}/{len(documents)}] {result.doc_id}: {result.message}")
    if run.offline and progress is not None:
        present = sum(result.status == "present" for result in results)
        progress(
            f"No network: the first two downloads could not connect ({run.first_failure}), "
            f"the build goes on with the {present} documents already in {target}"
        )
    return results


def _check_doc_ids(documents: Sequence[Mapping[str, str]]) -> None:
    seen: set[str] = set()
    for document in documents:
        doc_id = document.get("doc_id") or ""
        if not _DOC_ID.match(doc_id):
            raise MilspaceError(f"Cannot fetch documents: doc_id {doc_id!r} is not usable as a file name.")
        if doc_id in seen:
            raise MilspaceError(f"Cannot fetch documents: doc_id {doc_id!r} appears twice in the register.")
        seen.add(doc_id)


@dataclass
class _Run:
    target: Path
    manifest: dict[str, dict[str, str]]
    opener: urllib.request.OpenerDirector | None  # None: urllib's, with the deadline and the http(s)-only redirects
    timeout: float
    deadline: float
    max_bytes: int
    connection_failures: list[bool] = field(default_factory=list)  # one entry per download attempted
    first_failure: str = ""
    _watchdog: _Deadline | None = None  # the current document's

    def __post_init__(self) -> None:
        if self.opener is None:
            self.opener = urllib.request.build_opener(
                _HttpOnlyRedirects(), _WatchedHTTPHandler(self._watch), _WatchedHTTPSHandler(self._watch)
            )

    def _watch(self, sock: socket.socket) -> None:
        if self._watchdog is not None:
            self._watchdog.watch(sock)

    @property
    def offline(self) -> bool:
        return self.connection_failures[:2] == [True, True]

    def fetch(self, document: Mapping[str, str]) -> FetchResult:
        doc_id = document["doc_id"]
        url = (document.get("official_url") or "").strip() or None
        kind = (document.get("url_kind") or "").strip()
        if url is None:
            return FetchResult(doc_id, None, "skipped", None, None, None, "skipped: the register has no address")
        if kind == "not_found":
            message = "skipped: the register marks the official address as not found"
            return FetchResult(doc_id, url, "skipped", None, None, None, message)
        note = (
            " (an announcement page about the document, not the document itself)" if kind == "announcement_page" else ""
        )
        present = self._present(doc_id, url, note)
        if present is not None:
            return present
        if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
            return FetchResult(doc_id, url, "failed", None, None, None, "failed: the address is not http or https")
        if self.offline:
            return FetchResult(doc_id, url, "failed", None, None, None, NOT_ATTEMPTED)
        return self._attempt(doc_id, url, note)

    def _present(self, doc_id: str, url: str, note: str) -> FetchResult | None:
        row = self.manifest.get(doc_id)
        if row is None or row["url"] != url:
            return None
        path = self.target / row["file"]
        if not path.is_file() or fingerprint(path).sha256 != row["sha256"]:
            return None
        message = f"already present as {path.name}, its sha256 matches the manifest{note}"
        size = path.stat().st_size
        return FetchResult(doc_id, url, "present", path, row["sha256"], size, message, row["final_url"] or None)

    def _attempt(self, doc_id: str, url: str, note: str) -> FetchResult:
        try:
            with _Deadline(self.deadline) as self._watchdog:
                path, content_type, final_url = self._download(doc_id, url)
        except _Failure as failure:
            self.connection_failures.append(failure.connection)
            self.first_failure = self.first_failure or failure.message
            return FetchResult(doc_id, url, "failed", None, None, None, f"failed: {failure.message}")
        finally:
            self._watchdog = None
        self.connection_failures.append(False)
        digest, size = fingerprint(path).sha256, path.stat().st_size
        self._record(doc_id, url, final_url, path, digest, size, content_type)
        redirected = f", redirected to {final_url}" if final_url != url else ""
        message = f"downloaded {size:,} bytes from {_host(url)} to {path.name}{redirected}{note}"
        return FetchResult(doc_id, url, "downloaded", path, digest, size, message, final_url)

    def _download(self, doc_id: str, url: str) -> tuple[Path, str, str]:
        """Download into the .part file (resumed when provably the same document); (file, content type, final url)."""
        part, sidecar = self.target / f"{doc_id}.part", self.target / f".{doc_id}.part.json"
        resume = _Validator.load(sidecar, url, part)
        opened = self._resume(url, resume) if resume is not None else None
        if opened is None:  # nothing provable to resume: the file starts over
            _drop(part, sidecar)
            opened = self._open(url), 0
        response, offset = opened
        with response:
            final_url = getattr(response, "url", None) or url
            host = _host(final_url)
            expected = _expected_total(response, offset)
            if expected is not None and expected > self.max_bytes:
                _drop(part, sidecar)
                raise _Failure(
                    f"the server announced {expected:,} bytes, more than the cap of {self.max_bytes:,} bytes; "
                    "nothing was kept"
                )
            if not offset:  # a new start: remember what identifies this answer, for a resume
                validator = _Validator.of(url, response, expected)
                if validator is None:
                    sidecar.unlink(missing_ok=True)
                else:
                    validator.save(sidecar)
            received, broken_off = self._stream(response, part, offset)
            content_type = (response.headers.get("Content-Type") or "").strip()
        if received > self.max_bytes:
            _drop(part, sidecar)
            raise _Failure(
                f"the document went past the cap of {self.max_bytes:,} bytes (stopped at {received:,} bytes); "
                "the partial file was removed"
            )
        short = broken_off is not None or (expected is not None and received < expected)
        if short or (self._watchdog is not None and self._watchdog.expired and expected is None):
            raise self._incomplete(host, received, expected, broken_off, part, sidecar)
        return self._finish(part, sidecar, doc_id, content_type), content_type, final_url

    def _resume(self, url: str, validator: _Validator) -> tuple[HTTPResponse, int] | None:
        """Ask for the rest of the .part: (the answer, the byte it starts at), or None when the document must be
        asked for again whole (a 416, or a 206 that cannot be proven to continue the .part)."""
        try:
            response = self._open(url, validator)
        except _Failure as failure:
            if failure.http_status == 416:  # nothing after the partial's end
                return None
            raise
        if response.status != 206:  # the whole document, perhaps another version of it: the file starts over
            return response, 0
        if validator.continued_by(response):
            return response, validator.offset
        response.close()
        return None

    def _open(self, url: str, resume: _Validator | None = None) -> HTTPResponse:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
        if resume is not None:
            request.add_header("Range", f"bytes={resume.offset}-")
            request.add_header("If-Range", resume.if_range)
        assert self.opener is not None  # set in __post_init__
        try:
            return self.opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as err:
            err.close()
            raise _Failure(
                f"the server at {_host(url)} answered HTTP {err.code} {err.reason}", http_status=err.code
            ) from None
        except urllib.error.URLError as err:
            self._check_deadline(url)
            reason = err.reason
            connection = isinstance(reason, OSError) and not isinstance(reason, ssl.SSLError)
            raise _Failure(
                f"could not connect to {_host(url)}: {self._reason(reason)}", connection=connection
            ) from None
        except (OSError, HTTPException) as err:
            self._check_deadline(url)
            raise _Failure(f"no valid answer from {_host(url)}: {self._reason(err)}") from None

    def _check_deadline(self, url: str) -> None:
        if self._watchdog is not None and self._watchdog.expired:
            raise _Failure(f"the server at {_host(url)} had not answered within the deadline of {self.deadline:g} s")

    def _stream(self, response: HTTPResponse, part: Path, offset: int) -> tuple[int, str | None]:
        """Write the body to `part` (appending after `offset` bytes): the size of `part` afterwards (one chunk more
        when past the cap), and why the body broke off, or None when it ended."""
        received = offset
        try:
            with part.open("ab" if offset else "wb") as out:
                while chunk := response.read(CHUNK):
                    received += len(chunk)
                    if received > self.max_bytes:
                        break
                    out.write(chunk)
                    if self._watchdog is not None and self._watchdog.expired:  # an opener the watchdog cannot reach
                        return received, "the deadline passed"
        except (OSError, HTTPException) as err:
            return received, self._reason(err)
        return received, None

    def _incomplete(
        self, host: str, received: int, expected: int | None, broken_off: str | None, part: Path, sidecar: Path
    ) -> _Failure:
        """The failure of a download that did not arrive whole; its .part is kept only when it can be resumed."""
        if sidecar.exists():
            then = "run fetch-docs again to resume"
        else:
            _drop(part, sidecar)
            then = "nothing was kept, as the server sent no ETag or Last-Modified to resume by"
        if self._watchdog is not None and self._watchdog.expired:
            return _Failure(
                f"the download from {host} did not finish within the deadline of {self.deadline:g} s "
                f"({received:,} bytes received); {then}"
            )
        if broken_off is not None:
            return _Failure(f"the download from {host} broke off after {received:,} bytes ({broken_off}); {then}")
        return _Failure(f"the connection to {host} closed after {received:,} of {expected:,} bytes; {then}")

    def _finish(self, part: Path, sidecar: Path, doc_id: str, content_type: str) -> Path:
        with part.open("rb") as stream:
            extension = _extension(content_type, stream.read(512))
        if extension is None:
            _drop(part, sidecar)
            raise _Failure(
                f"the server sent {content_type or 'content with no type'}, which is neither PDF, HTML, "
                "plain text nor Markdown; nothing was kept"
            )
        final = self.target / f"{doc_id}{extension}"
        os.replace(part, final)
        sidecar.unlink(missing_ok=True)
        return final

    def _record(
        self, doc_id: str, url: str, final_url: str, path: Path, digest: str, size: int, content_type: str
    ) -> None:
        previous = self.manifest.get(doc_id)
        if previous is not None and previous["file"] != path.name:
            (self.target / previous["file"]).unlink(missing_ok=True)
        fetched_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        values = (doc_id, url, final_url, path.name, digest, str(size), content_type, fetched_at)
        self.manifest[doc_id] = dict(zip(MANIFEST_COLUMNS, values, strict=True))
        _write_manifest(self.target / MANIFEST, self.manifest)

    def _reason(self, err: object) -> str:
        if isinstance(err, socket.gaierror):
            return "the host name could not be resolved (DNS failure)"
        if isinstance(err, ConnectionRefusedError):
            return "the connection was refused"
        if isinstance(err, TimeoutError):
            return f"no answer within {self.timeout:g} s"
        if isinstance(err, OSError) and err.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "the network or host is unreachable"
        if isinstance(err, ssl.SSLError):
            return f"the secure connection failed ({err.reason or err})"
        return str(err) or type(err).__name__


class _Deadline:
    """One document's overall time limit, a context manager. When it passes, `expired` turns true and every socket
    handed to `watch` is shut down, which ends a read blocked on a server that trickles bytes (the per-read timeout
    never fires while a byte keeps coming). It shuts down a duplicate of each socket, which it owns and closes at
    the end: the socket itself may by then be closed, or wrapped in TLS."""

    def __init__(self, seconds: float):
        self.expired = False
        self._duplicates: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        with self._lock:
            for duplicate in self._duplicates:
                duplicate.close()
            self._duplicates.clear()

    def watch(self, sock: socket.socket) -> None:
        duplicate = sock.dup()
        with self._lock:
            self._duplicates.append(duplicate)
            if self.expired:
                _shut_down(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for duplicate in self._duplicates:
                _shut_down(duplicate)


def _shut_down(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # not connected any more


class _WatchedConnections:
    """Mixed into urllib's HTTP and HTTPS handlers: each socket they open is handed to `watch` (the deadline's)."""

    def __init__(self, watch: Callable[[socket.socket], None]):
        super().__init__()
        self._watch_socket = watch

    def do_open(self, http_class, req, **http_conn_args):
        watch = self._watch_socket

        def connection(host, **options):
            made = http_class(host, **options)
            create = made._create_connection  # http.client's hook for opening the socket

            def create_and_watch(*args, **kwargs):
                sock = create(*args, **kwargs)
                watch(sock)
                return sock

            made._create_connection = create_and_watch
            return made

        return super().do_open(connection, req, **http_conn_args)


class _WatchedHTTPHandler(_WatchedConnections, urllib.request.HTTPHandler):
    pass


class _WatchedHTTPSHandler(_WatchedConnections, urllib.request.HTTPSHandler):
    pass


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirects, refusing every hop to an address that is not http or https (urllib would follow ftp)."""

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("Location") or headers.get("URI")
        if location is not None:
            address = urllib.parse.urljoin(req.full_url, location.strip())
            if urllib.parse.urlsplit(address).scheme.lower() not in ("http", "https"):
                fp.close()
                raise _Failure(
                    f"the server at {_host(req.full_url)} redirected to {address}; that address is not http or "
                    "https, so the redirect was not followed"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


@dataclass(frozen=True)
class _Validator:
    """What proves that a resumed download continues the same document: the first answer's strong ETag, else its
    Last-Modified, with the whole size it announced. Kept as JSON in the .part file's sidecar."""

    url: str
    etag: str | None
    last_modified: str | None
    length: int | None
    offset: int = 0  # the size of the .part when loaded to resume it

    @property
    def if_range(self) -> str:
        return self.etag or self.last_modified or ""

    @classmethod
    def of(cls, url: str, response: HTTPResponse, length: int | None) -> _Validator | None:
        etag = (response.headers.get("ETag") or "").strip()
        if etag.startswith("W/"):  # a weak ETag may not be used in If-Range
            etag = ""
        last_modified = (response.headers.get("Last-Modified") or "").strip()
        if not etag and not last_modified:
            return None
        return cls(url, etag or None, last_modified or None, length)

    @classmethod
    def load(cls, sidecar: Path, url: str, part: Path) -> _Validator | None:
        """The validator to resume `part` with; None when there is nothing to resume or nothing proves it."""
        if not part.is_file() or not sidecar.is_file():
            return None
        try:
            saved = json.loads(sidecar.read_text(encoding="utf-8"))
            validator = cls(saved["url"], saved["etag"], saved["last_modified"], saved["length"])
        except (OSError, ValueError, TypeError, KeyError):
            return None
        size = part.stat().st_size
        if validator.url != url or not validator.if_range or not size:
            return None
        if validator.length is not None and size > validator.length:
            return None
        return cls(validator.url, validator.etag, validator.last_modified, validator.length, size)

    def save(self, sidecar: Path) -> None:
        saved = {"url": self.url, "etag": self.etag, "last_modified": self.last_modified, "length": self.length}
        write_atomically(sidecar, json.dumps(saved))

    def continued_by(self, response: HTTPResponse) -> bool:
        """A 206 continues the .part only when it starts at its end, ends at the recorded size and carries the same
        validator; a 206 without the validator is not proof."""
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range") or "")
        if match is None or int(match.group(1)) != self.offset:
            return False
        total = match.group(3)
        if self.length is not None and (total == "*" or int(total) != self.length):
            return False
        if self.etag is not None:
            return (response.headers.get("ETag") or "").strip() == self.etag
        return (response.headers.get("Last-Modified") or "").strip() == self.last_modified


def _drop(part: Path, sidecar: Path) -> None:
    part.unlink(missing_ok=True)
    sidecar.unlink(missing_ok=True)


def _expected_total(response: HTTPResponse, offset: int) -> int | None:
    """The size the file will have when complete, when the server says (Content-Length of what it sends)."""
    length = response.headers.get("Content-Length")
    return offset + int(length) if length and length.strip().isdigit() else None


def _extension(content_type: str, head: bytes) -> str | None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in EXTENSIONS:
        return EXTENSIONS[media_type]
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if start.startswith(b"%pdf-"):
        return ".pdf"
    if start.startswith((b"<html", b"<!doctype html")):
        return ".html"
    return None


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc.rpartition("@")[2]


def _read_manifest(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    fix = "; delete it and run fetch-docs again to download everything"
    try:
        with path.open(newline="", encoding="utf-8") as stream:
            reader = csv.DictReader(stream)
            header = tuple(reader.fieldnames or ())
            if header not in (MANIFEST_COLUMNS, _MANIFEST_COLUMNS_BEFORE_FINAL_URL):
                raise InputFileError(str(path), f"the header must be {','.join(MANIFEST_COLUMNS)}{fix}")
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as err:
        raise InputFileError(str(path), f"it is not a readable CSV file ({err}){fix}") from None
    for number, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            raise InputFileError(str(path), f"the row does not have {len(header)} fields{fix}", row=number)
        row.setdefault("final_url", "")  # a manifest written before the column: not known
        if not row["file"] or Path(row["file"]).name != row["file"]:
            raise InputFileError(str(path), f"{row['file']!r} is not a file name{fix}", row=number, column="file")
    return {row["doc_id"]: row for row in rows}


def _write_manifest(path: Path, manifest: Mapping[str, Mapping[str, str]]) -> None:
    """Write to a temporary file beside the manifest, then rename it over the old one."""
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(manifest[doc_id] for doc_id in sorted(manifest))
    write_atomically(path, text.getvalue())
