"""fetch-docs against a local HTTP server in a thread: downloads, manifest, resume, caps, timeouts, deadlines,
redirects and no network."""

from __future__ import annotations

import csv
import hashlib
import re
import socket
import threading
import time
import urllib.error
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.errors import InputFileError, MilspaceError
from pipelines.paths import REPO_ROOT
from pipelines.text.fetch import MANIFEST, NOT_ATTEMPTED, fetch_documents

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
HTML = b"<!doctype html><html><body><h1>Space strategy announced</h1></body></html>"
CAP = 1000
BIG = b"x" * 3000
TIMEOUT = 0.3

# path -> (content type or None, body); every one honours Range unless named in NO_RANGE
BODIES = {
    "/doc.pdf": ("application/pdf", PDF),
    "/page.html": ("text/html; charset=utf-8", HTML),
    "/notes.txt": ("text/plain", b"plain notes"),
    "/octet": ("application/octet-stream", PDF),
    "/untyped": (None, b"  <HTML><body>no type</body></HTML>"),
    "/unknown": ("application/zip", b"PK\x03\x04zipdata"),
    "/ranged.pdf": ("application/pdf", PDF),
    "/whole.pdf": ("application/pdf", PDF),
    "/big": ("application/pdf", BIG),
}
NO_RANGE = {"/whole.pdf"}
# a second version of PDF, of the same length, as a changed document on the same address would be
PDF_B = b"%PDF-1.4\n" + bytes(reversed(range(256))) * 8 + b"\n%%EOF\n"
TRICKLE_EVERY = 0.3  # seconds between two bytes of a trickling server
TRICKLE_FOR = 10.0  # and it gives up after this long, so that a client with no deadline does not hang the tests


@dataclass
class Resource:
    """A document at /res/<name> with what the test wants of its server (changed between runs by the test)."""

    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    cut_at: int | None = None  # send only this many bytes of the answer's body, then close the connection
    length: int | None = None  # the Content-Length to announce, when not the true one
    ranges: bool = True  # answers Range requests with 206
    honours_if_range: bool = False  # a correct server; the default is the naive one that sends 206 whatever changed
    offset_error: int = 0  # a 206 that starts this many bytes before the byte asked for


class Handler(BaseHTTPRequestHandler):
    server: FakeServer

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        with self.server.lock:
            self.server.requests.append((self.path, self.headers.get("Range"), self.headers.get("User-Agent")))
            self.server.if_ranges.append(self.headers.get("If-Range"))
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self):
        if self.path in BODIES:
            self._send(*BODIES[self.path])
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/doc.pdf")
            self.end_headers()
        elif self.path.startswith("/goto?"):  # a redirect to whatever address follows the question mark
            self.send_response(302)
            self.send_header("Location", self.path.partition("?")[2])
            self.end_headers()
        elif self.path.startswith("/res/"):
            self._resource(self.server.resources[self.path.removeprefix("/res/")])
        elif self.path == "/trickle-body":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(PDF)))
            self.end_headers()
            self._trickle(PDF)
        elif self.path == "/trickle-head":
            self._trickle(b"HTTP/1.0 200 OK\r\nContent-Type: application/pdf\r\nX-Padding: " + b"x" * 1000)
        elif self.path == "/big-unannounced":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()  # HTTP/1.0 and no Content-Length: the body ends when the connection closes
            for _ in range(64):  # 4 MB unless the client hangs up first
                self.wfile.write(bytes(64 * 1024))
        elif self.path == "/slow":
            self.server.stop.wait(3 * TIMEOUT + 1)
            self._send("application/pdf", PDF)
        else:
            self.send_error(404, "Not Found")

    def _trickle(self, data):
        """One byte every TRICKLE_EVERY seconds, for at most TRICKLE_FOR seconds: never slow enough for a timeout."""
        ends = time.monotonic() + TRICKLE_FOR
        for byte in data:
            if time.monotonic() > ends:
                return
            self.wfile.write(bytes([byte]))
            if self.server.stop.wait(TRICKLE_EVERY):
                return

    def _resource(self, resource: Resource):
        requested = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        start = int(requested.group(1)) if requested and resource.ranges else None
        validator = self.headers.get("If-Range")
        if start is not None and resource.honours_if_range and validator not in (None, resource.etag):
            if validator != resource.last_modified:
                start = None
        if start is not None and start >= len(resource.body):
            self.send_error(416, "Range Not Satisfiable")
            return
        if start is not None:
            start -= resource.offset_error
        body = resource.body[start or 0 :]
        self.send_response(200 if start is None else 206)
        self.send_header("Content-Type", "application/pdf")
        if resource.etag:
            self.send_header("ETag", resource.etag)
        if resource.last_modified:
            self.send_header("Last-Modified", resource.last_modified)
        if start is not None:
            self.send_header("Content-Range", f"bytes {start}-{len(resource.body) - 1}/{len(resource.body)}")
        self.send_header("Content-Length", str(resource.length or len(body)))
        self.end_headers()
        self.wfile.write(body if resource.cut_at is None else body[: resource.cut_at])

    def _send(self, content_type, body):
        requested = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        start = int(requested.group(1)) if requested and self.path not in NO_RANGE else None
        if start is not None and start >= len(body):
            self.send_error(416, "Range Not Satisfiable")
            return
        self.send_response(200 if start is None else 206)
        if content_type:
            self.send_header("Content-Type", content_type)
        if start is not None:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.send_header("Content-Length", str(len(body) - (start or 0)))
        self.end_headers()
        self.wfile.write(body[start or 0 :])


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.requests: list[tuple[str, str | None, str | None]] = []
        self.if_ranges: list[str | None] = []  # the If-Range header of each request
        self.resources: dict[str, Resource] = {}

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def hits(self, path: str) -> int:
        return sum(seen == path for seen, _, _ in self.requests)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def _serve():
    fake = FakeServer()
    thread = threading.Thread(target=fake.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield fake
    fake.stop.set()
    fake.shutdown()
    fake.server_close()


@pytest.fixture
def server():
    yield from _serve()


@pytest.fixture
def other_server():
    """A second server, on another port: another host as far as addresses go."""
    yield from _serve()


@pytest.fixture
def dead_url():
    """An address on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return lambda path: f"http://127.0.0.1:{port}{path}"


def doc(doc_id: str, url: str, kind: str = "document") -> dict[str, str]:
    return {"doc_id": doc_id, "official_url": url, "url_kind": kind}


def fetch(documents, target, **options):
    options.setdefault("timeout", TIMEOUT)
    options.setdefault("max_bytes", CAP * 100)
    return fetch_documents(documents, target, **options)


def manifest_rows(target: Path) -> dict[str, dict[str, str]]:
    with (target / MANIFEST).open(newline="", encoding="utf-8") as stream:
        return {row["doc_id"]: row for row in csv.DictReader(stream)}


def listing(folder: Path) -> list[str]:
    """Every name in the folder, hidden files included."""
    return sorted(path.name for path in folder.iterdir())


def test_download_saves_the_file_and_records_it_in_the_manifest(server, tmp_path):
    [result] = fetch([doc("usa-nds", server.url("/doc.pdf"))], tmp_path)

    assert result.status == "downloaded"
    assert result.path == tmp_path / "usa-nds.pdf"
    assert result.path.read_bytes() == PDF
    assert result.sha256 == hashlib.sha256(PDF).hexdigest()
    assert result.bytes == len(PDF)
    assert "usa-nds.pdf" in result.message and "127.0.0.1" in result.message
    assert not (tmp_path / "usa-nds.part").exists()
    with (tmp_path / MANIFEST).open(newline="", encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    assert header == ["doc_id", "url", "final_url", "file", "sha256", "bytes", "content_type", "fetched_at"]
    row = manifest_rows(tmp_path)["usa-nds"]
    assert row["url"] == server.url("/doc.pdf")
    assert row["final_url"] == server.url("/doc.pdf")
    assert row["file"] == "usa-nds.pdf"
    assert row["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert row["bytes"] == str(len(PDF))
    assert row["content_type"] == "application/pdf"
    fetched_at = datetime.strptime(row["fetched_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs((datetime.now(UTC) - fetched_at.replace(tzinfo=UTC)).total_seconds()) < 60
    assert server.requests[0][2].startswith("milspace/")


def test_the_extension_comes_from_the_content_type_or_the_first_bytes(server, tmp_path):
    documents = [
        doc("html", server.url("/page.html")),
        doc("text", server.url("/notes.txt")),
        doc("octet", server.url("/octet")),
        doc("untyped", server.url("/untyped")),
        doc("zip", server.url("/unknown")),
    ]
    results = {result.doc_id: result for result in fetch(documents, tmp_path)}

    assert results["html"].path.name == "html.html"
    assert results["text"].path.name == "text.txt"
    assert results["octet"].path.name == "octet.pdf"
    assert results["untyped"].path.name == "untyped.html"
    assert results["zip"].status == "failed"
    assert "application/zip" in results["zip"].message
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "html.html",
        MANIFEST,
        "octet.pdf",
        "text.txt",
        "untyped.html",
    ]
    assert manifest_rows(tmp_path)["html"]["content_type"] == "text/html; charset=utf-8"


def test_redirects_are_followed(server, tmp_path):
    [result] = fetch([doc("moved", server.url("/redirect"))], tmp_path)

    assert result.status == "downloaded"
    assert result.path.read_bytes() == PDF
    assert [path for path, _, _ in server.requests] == ["/redirect", "/doc.pdf"]
    assert result.final_url == server.url("/doc.pdf")
    assert manifest_rows(tmp_path)["moved"]["final_url"] == server.url("/doc.pdf")


@pytest.mark.parametrize("target", ["ftp://127.0.0.1:{port}/doc.pdf", "file:///etc/passwd"])
def test_a_redirect_to_an_address_that_is_not_http_is_refused(server, dead_url, tmp_path, target):
    address = target.format(port=dead_url("").rsplit(":", 1)[1])

    [result] = fetch([doc("moved", server.url(f"/goto?{address}"))], tmp_path)

    assert result.status == "failed"
    assert address in result.message
    assert "not http or https" in result.message
    assert [path for path, _, _ in server.requests] == [f"/goto?{address}"]
    assert listing(tmp_path) == []


def test_a_redirect_to_another_host_records_the_final_address(server, other_server, tmp_path):
    final = other_server.url("/doc.pdf")
    documents = [doc("moved", server.url(f"/goto?{final}"))]
    lines: list[str] = []

    [result] = fetch(documents, tmp_path, progress=lines.append)

    assert result.status == "downloaded"
    assert result.url == server.url(f"/goto?{final}")
    assert result.final_url == final
    row = manifest_rows(tmp_path)["moved"]
    assert row["url"] == server.url(f"/goto?{final}")
    assert row["final_url"] == final
    assert final in lines[0]
    [again] = fetch(documents, tmp_path)
    assert again.status == "present"
    assert again.final_url == final


def test_a_manifest_written_before_final_url_is_still_read(server, tmp_path):
    (tmp_path / "old.pdf").write_bytes(PDF)
    digest = hashlib.sha256(PDF).hexdigest()
    (tmp_path / MANIFEST).write_text(
        "doc_id,url,file,sha256,bytes,content_type,fetched_at\n"
        f"old,{server.url('/doc.pdf')},old.pdf,{digest},{len(PDF)},application/pdf,2024-01-01T00:00:00Z\n",
        encoding="utf-8",
    )

    results = fetch([doc("old", server.url("/doc.pdf")), doc("new", server.url("/page.html"))], tmp_path)

    assert [result.status for result in results] == ["present", "downloaded"]
    assert server.hits("/doc.pdf") == 0
    rows = manifest_rows(tmp_path)
    assert rows["old"]["sha256"] == digest
    assert rows["old"]["final_url"] == ""  # not known for a download recorded before the column existed
    assert rows["new"]["final_url"] == server.url("/page.html")


def test_a_second_run_finds_the_file_present_and_makes_no_request(server, tmp_path):
    documents = [doc("usa-nds", server.url("/doc.pdf"))]
    fetch(documents, tmp_path)
    before = (tmp_path / MANIFEST).read_bytes()

    [result] = fetch(documents, tmp_path)

    assert result.status == "present"
    assert result.sha256 == hashlib.sha256(PDF).hexdigest()
    assert result.path == tmp_path / "usa-nds.pdf"
    assert server.hits("/doc.pdf") == 1
    assert (tmp_path / MANIFEST).read_bytes() == before


def test_a_file_that_no_longer_matches_the_manifest_is_downloaded_again(server, tmp_path):
    documents = [doc("usa-nds", server.url("/doc.pdf"))]
    fetch(documents, tmp_path)
    (tmp_path / "usa-nds.pdf").write_bytes(b"%PDF-edited by hand")

    [result] = fetch(documents, tmp_path)

    assert result.status == "downloaded"
    assert (tmp_path / "usa-nds.pdf").read_bytes() == PDF
    assert server.hits("/doc.pdf") == 2


def test_a_new_address_with_another_type_replaces_the_old_file(server, tmp_path):
    fetch([doc("deu-nss", server.url("/doc.pdf"))], tmp_path)

    [result] = fetch([doc("deu-nss", server.url("/page.html"))], tmp_path)

    assert result.status == "downloaded"
    assert not (tmp_path / "deu-nss.pdf").exists()
    assert manifest_rows(tmp_path)["deu-nss"]["file"] == "deu-nss.html"


LAST_MODIFIED = "Tue, 01 Oct 2024 09:00:00 GMT"
VALIDATORS = {"etag": {"etag": '"v1"'}, "last_modified": {"last_modified": LAST_MODIFIED}}


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_a_download_cut_short_resumes_when_the_server_proves_it_is_the_same_document(server, tmp_path, validator):
    server.resources["doc"] = Resource(PDF, cut_at=700, **VALIDATORS[validator])
    documents = [doc("cut", server.url("/res/doc"))]

    [first] = fetch(documents, tmp_path)

    assert first.status == "failed"
    assert "700" in first.message and "again to resume" in first.message
    assert (tmp_path / "cut.part").read_bytes() == PDF[:700]
    assert not (tmp_path / MANIFEST).exists()

    server.resources["doc"].cut_at = None
    [second] = fetch(documents, tmp_path)

    assert second.status == "downloaded"
    assert [range_ for _, range_, _ in server.requests] == [None, "bytes=700-"]  # resumed, not started over
    assert server.if_ranges[1] == next(iter(VALIDATORS[validator].values()))
    assert (tmp_path / "cut.pdf").read_bytes() == PDF
    assert second.sha256 == hashlib.sha256(PDF).hexdigest() == manifest_rows(tmp_path)["cut"]["sha256"]
    assert listing(tmp_path) == ["cut.pdf", MANIFEST]


def test_a_download_cut_short_without_a_validator_keeps_nothing_and_starts_over(server, tmp_path):
    server.resources["doc"] = Resource(PDF, cut_at=700)
    documents = [doc("cut", server.url("/res/doc"))]

    [first] = fetch(documents, tmp_path)

    assert first.status == "failed"
    assert "700" in first.message
    assert "nothing was kept" in first.message and "again to resume" not in first.message
    assert listing(tmp_path) == []

    server.resources["doc"].cut_at = None
    [second] = fetch(documents, tmp_path)

    assert second.status == "downloaded"
    assert [range_ for _, range_, _ in server.requests] == [None, None]
    assert (tmp_path / "cut.pdf").read_bytes() == PDF


def test_a_part_file_with_no_recorded_validator_is_fetched_whole(server, tmp_path):
    (tmp_path / "usa-nds.part").write_bytes(PDF[: len(PDF) // 2])  # as an older milspace, or a person, left it

    [result] = fetch([doc("usa-nds", server.url("/ranged.pdf"))], tmp_path)

    assert result.status == "downloaded"
    assert server.requests == [("/ranged.pdf", None, server.requests[0][2])]
    assert (tmp_path / "usa-nds.pdf").read_bytes() == PDF
    assert listing(tmp_path) == [MANIFEST, "usa-nds.pdf"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param({"etag": '"a"'}, {"etag": '"b"'}, id="another-etag"),
        pytest.param({"etag": '"a"'}, {}, id="no-etag-on-the-206"),
        pytest.param({"etag": 'W/"a"'}, {"etag": 'W/"a"'}, id="weak-etag"),
        pytest.param({"last_modified": LAST_MODIFIED}, {"last_modified": "Wed, 02 Oct 2024 09:00:00 GMT"}, id="date"),
        pytest.param({}, {}, id="no-validator"),
    ],
)
def test_a_changed_document_is_never_spliced_onto_the_partial_one(server, tmp_path, first, second):
    server.resources["doc"] = Resource(PDF, cut_at=len(PDF) // 2, **first)
    documents = [doc("nds", server.url("/res/doc"))]
    fetch(documents, tmp_path)
    # the document changed; the naive server answers the resume request with 206 whatever If-Range says
    server.resources["doc"] = Resource(PDF_B, **second)

    [result] = fetch(documents, tmp_path)

    saved = (tmp_path / "nds.pdf").read_bytes()
    assert saved == PDF_B
    assert result.status == "downloaded"
    assert result.sha256 == hashlib.sha256(saved).hexdigest() == manifest_rows(tmp_path)["nds"]["sha256"]
    assert listing(tmp_path) == [MANIFEST, "nds.pdf"]


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        pytest.param(Resource(PDF, etag='"a"', ranges=False), PDF, id="ignores-ranges"),
        pytest.param(Resource(PDF_B, etag='"b"', honours_if_range=True), PDF_B, id="honours-if-range"),
    ],
)
def test_a_200_answer_to_a_resume_request_starts_the_file_over(server, tmp_path, second, expected):
    server.resources["doc"] = Resource(PDF, etag='"a"', cut_at=700)
    documents = [doc("nds", server.url("/res/doc"))]
    fetch(documents, tmp_path)
    server.resources["doc"] = second

    [result] = fetch(documents, tmp_path)

    assert [range_ for _, range_, _ in server.requests] == [None, "bytes=700-"]
    assert server.if_ranges[1] == '"a"'
    assert result.status == "downloaded"
    assert (tmp_path / "nds.pdf").read_bytes() == expected
    assert listing(tmp_path) == [MANIFEST, "nds.pdf"]


def test_a_206_starting_at_another_byte_starts_the_file_over(server, tmp_path):
    server.resources["doc"] = Resource(PDF, etag='"a"', cut_at=700)
    documents = [doc("nds", server.url("/res/doc"))]
    fetch(documents, tmp_path)
    server.resources["doc"] = Resource(PDF, etag='"a"', offset_error=100)

    [result] = fetch(documents, tmp_path)

    assert [range_ for _, range_, _ in server.requests] == [None, "bytes=700-", None]
    assert result.status == "downloaded"
    assert (tmp_path / "nds.pdf").read_bytes() == PDF


def test_a_complete_part_file_answered_416_is_fetched_whole(server, tmp_path):
    # every byte arrives, but fewer than announced: the .part holds the whole document
    server.resources["doc"] = Resource(PDF, etag='"a"', length=len(PDF) + 10)
    documents = [doc("usa-nds", server.url("/res/doc"))]
    [first] = fetch(documents, tmp_path)
    assert first.status == "failed"
    server.resources["doc"] = Resource(PDF, etag='"a"')

    [result] = fetch(documents, tmp_path)

    assert [range_ for _, range_, _ in server.requests] == [None, f"bytes={len(PDF)}-", None]
    assert result.status == "downloaded"
    assert (tmp_path / "usa-nds.pdf").read_bytes() == PDF


@pytest.mark.parametrize("path", ["/big", "/big-unannounced"])
def test_a_document_over_the_cap_fails_and_leaves_no_file(server, tmp_path, path):
    [result] = fetch([doc("huge", server.url(path))], tmp_path, max_bytes=CAP)

    assert result.status == "failed"
    assert f"{CAP:,}" in result.message
    assert result.path is None
    assert not (tmp_path / "huge.part").exists()
    assert not (tmp_path / "huge.pdf").exists()
    if path == "/big":  # refused on the announced size, before any byte is read
        assert f"announced {len(BIG):,} bytes" in result.message
    else:  # stopped on the first read past the cap, not at the end of the stream
        stopped_at = int(re.search(r"stopped at ([\d,]+) bytes", result.message).group(1).replace(",", ""))
        assert CAP < stopped_at <= 64 * 1024


def test_a_document_exactly_at_the_cap_is_kept(server, tmp_path):
    [result] = fetch([doc("usa-nds", server.url("/doc.pdf"))], tmp_path, max_bytes=len(PDF))

    assert result.status == "downloaded"
    assert result.bytes == len(PDF)


def test_a_server_slower_than_the_timeout_fails_quickly_naming_the_host(server, tmp_path):
    started = time.monotonic()

    [result] = fetch([doc("slow", server.url("/slow"))], tmp_path)

    assert time.monotonic() - started < 3 * TIMEOUT
    assert result.status == "failed"
    assert f"127.0.0.1:{server.server_address[1]}" in result.message
    assert f"no answer within {TIMEOUT:g} s" in result.message


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-head"])
def test_a_server_trickling_bytes_is_stopped_by_the_deadline(server, tmp_path, path):
    started = time.monotonic()

    [result] = fetch([doc("slow", server.url(path))], tmp_path, timeout=1.0, deadline=2.0)

    assert time.monotonic() - started < 2.0 + 1.0  # the deadline, and some slack; the server trickles for 10 s
    assert result.status == "failed"
    assert "deadline of 2 s" in result.message
    assert f"127.0.0.1:{server.server_address[1]}" in result.message
    assert listing(tmp_path) == []  # no validator, so nothing worth keeping for a resume


def test_fetch_docs_passes_its_deadline_option_on(tmp_path, monkeypatch):
    (tmp_path / "data_raw" / "starter").mkdir(parents=True)
    (tmp_path / "data_raw" / "starter" / "strategy_documents.csv").write_text(
        "doc_id,official_url,url_kind\n", encoding="utf-8"
    )
    seen: list[dict] = []

    def fetch_documents(rows, target, **options):
        seen.append(options)
        return []

    monkeypatch.setattr("pipelines.text.fetch.fetch_documents", fetch_documents)

    assert cli.main(["--root", str(tmp_path), "fetch-docs", "--deadline", "7.5"]) == 0
    assert cli.main(["--root", str(tmp_path), "fetch-docs"]) == 0

    assert [options["deadline"] for options in seen] == [7.5, 300.0]


def test_an_http_error_fails_with_its_status_code(server, tmp_path):
    [result] = fetch([doc("gone", server.url("/missing"))], tmp_path)

    assert result.status == "failed"
    assert "HTTP 404" in result.message
    assert list(tmp_path.iterdir()) == []


def test_no_network_stops_after_two_connection_failures(server, dead_url, tmp_path):
    fetch([doc("have", server.url("/doc.pdf"))], tmp_path)
    documents = [
        doc("first", dead_url("/a.pdf")),
        doc("second", dead_url("/b.pdf")),
        doc("third", server.url("/ranged.pdf")),
        doc("have", server.url("/doc.pdf")),
    ]
    lines: list[str] = []
    started = time.monotonic()

    results = {result.doc_id: result for result in fetch(documents, tmp_path, progress=lines.append)}

    assert time.monotonic() - started < 2
    port = dead_url("").rsplit(":", 1)[1]
    for doc_id in ("first", "second"):
        assert results[doc_id].status == "failed"
        assert f"127.0.0.1:{port}" in results[doc_id].message
        assert "refused" in results[doc_id].message
    assert results["third"].status == "failed"
    assert results["third"].message == NOT_ATTEMPTED
    assert results["have"].status == "present"
    assert server.hits("/ranged.pdf") == 0
    assert len(lines) == len(documents) + 1
    assert lines[-1].startswith("No network: ")
    assert lines[-1].endswith(f"the build goes on with the 1 documents already in {tmp_path}")


def test_one_connection_failure_does_not_stop_the_run(server, dead_url, tmp_path):
    documents = [doc("first", dead_url("/a.pdf")), doc("second", server.url("/doc.pdf")), doc("third", dead_url("/c"))]
    lines: list[str] = []

    results = fetch(documents, tmp_path, progress=lines.append)

    assert [result.status for result in results] == ["failed", "downloaded", "failed"]
    assert "refused" in results[2].message
    assert len(lines) == 3
    assert lines[1] == f"[2/3] second: {results[1].message}"


def test_rows_without_an_address_or_not_found_are_skipped(server, tmp_path):
    documents = [doc("none", ""), doc("lost", server.url("/doc.pdf"), kind="not_found")]

    results = fetch(documents, tmp_path)

    assert [result.status for result in results] == ["skipped", "skipped"]
    assert [result.path for result in results] == [None, None]
    assert results[0].url is None
    assert server.requests == []


def test_an_announcement_page_is_downloaded_and_says_so(server, tmp_path):
    documents = [doc("deu-space", server.url("/page.html"), kind="announcement_page")]

    [result] = fetch(documents, tmp_path)
    [again] = fetch(documents, tmp_path)

    assert result.status == "downloaded"
    assert result.path.name == "deu-space.html"
    assert "announcement page" in result.message
    assert again.status == "present"
    assert "announcement page" in again.message


def test_an_address_that_is_not_http_fails_without_a_request(tmp_path):
    [result] = fetch([doc("local", "file:///etc/passwd")], tmp_path)

    assert result.status == "failed"
    assert "not http" in result.message


@pytest.mark.parametrize("doc_id", ["../escape", "", "a/b"])
def test_a_doc_id_that_is_not_a_file_name_is_refused(tmp_path, doc_id):
    with pytest.raises(MilspaceError, match="not usable as a file name"):
        fetch([doc(doc_id, "http://127.0.0.1/x")], tmp_path)


def test_a_doc_id_listed_twice_is_refused(tmp_path):
    with pytest.raises(MilspaceError, match="appears twice"):
        fetch([doc("same", ""), doc("same", "")], tmp_path)


def test_a_damaged_manifest_is_reported_as_an_input_error(tmp_path):
    (tmp_path / MANIFEST).write_text("doc_id,url\nx,http://h/x\n", encoding="utf-8")

    with pytest.raises(InputFileError, match="manifest.csv.*the header must be"):
        fetch([doc("x", "")], tmp_path)


class RefusingOpener:
    """Stands in for urllib when no network is up: every connection is refused, and each call is counted."""

    def __init__(self):
        self.urls: list[str] = []

    def open(self, request, timeout):
        self.urls.append(request.full_url)
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))


def test_the_shipped_register_with_no_network_makes_two_attempts(tmp_path):
    with (REPO_ROOT / "data_raw" / "starter" / "strategy_documents.csv").open(newline="", encoding="utf-8") as stream:
        register = list(csv.DictReader(stream))
    opener = RefusingOpener()

    results = fetch_documents(register, tmp_path, opener=opener)

    assert len(opener.urls) == 2
    statuses = [result.status for result in results]
    without_address = sum(row["url_kind"] == "not_found" or not row["official_url"] for row in register)
    assert without_address > 0
    assert statuses.count("skipped") == without_address
    assert statuses.count("failed") == len(register) - without_address
    assert sum(result.message == NOT_ATTEMPTED for result in results) == len(register) - without_address - 2
