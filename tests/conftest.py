"""Shared fixtures: temporary project roots built from the shipped starter data, and the real published files."""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.paths import REPO_ROOT, Layout

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

# Every build a test runs records into its own root's Dagster home (data_marts/dagster_home/), never into one a
# developer's shell points at.
os.environ.pop("DAGSTER_HOME", None)


@pytest.fixture(scope="session", autouse=True)
def shared_chart_cache(tmp_path_factory) -> Iterator[Path]:
    """One chart cache for every build of the session ($MILSPACE_CHART_CACHE): a chart is drawn once per session,
    not once per project root (about 500 charts a starter build, 10 to 15 s of drawing each time). Images are kept by
    the hash of their specification, so builds of different data share only identical charts. Subprocesses (the
    `milspace` command run as a user does) inherit it."""
    # Worker processes (pytest-xdist) share one: their temporary folders are under one parent.
    shared = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else None
    cache = shared / "chart-cache" if shared is not None else tmp_path_factory.mktemp("chart-cache")
    cache.mkdir(exist_ok=True)
    before = os.environ.get("MILSPACE_CHART_CACHE")
    os.environ["MILSPACE_CHART_CACHE"] = str(cache)
    yield cache
    if before is None:
        os.environ.pop("MILSPACE_CHART_CACHE", None)
    else:
        os.environ["MILSPACE_CHART_CACHE"] = before


def shared_file(relative: str) -> Path:
    """A real published file from ../shared/data, or a skip saying why it is not there."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"{path} is absent: the real published files live in ../shared/data (present in CI)")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class BuildRun:
    layout: Layout
    exit_code: int
    output: str


def make_root(tmp: Path) -> Layout:
    """A project root holding a copy of the shipped data_raw/ (starter and reference files)."""
    for folder in ("starter", "reference"):
        shutil.copytree(REPO_ROOT / "data_raw" / folder, tmp / "data_raw" / folder)
    return Layout(tmp)


def run_build(layout: Layout, *, full: bool = True) -> BuildRun:
    """`milspace build` in-process; a full build unless `full` is False (tests set up what they build, often by
    changing only the published warehouse or the environment; tests/test_fingerprint.py tests the build that finds
    nothing changed)."""
    out = io.StringIO()
    code = cli.build(layout, out=out, full=full)
    return BuildRun(layout, code, out.getvalue())


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> BuildRun:
    """One build of the shipped starter data, shared by the tests that only read its results."""
    run = run_build(make_root(tmp_path_factory.mktemp("built")))
    assert run.exit_code == 0, run.output
    return run


def full_corpus_root(tmp: Path) -> Layout:
    """A root with the starter data and every file of ../shared/data in its inbox, as an analyst drops them."""
    layout = make_root(tmp)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    for path in sorted(SHARED_DATA.rglob("*")):
        if path.is_file() and path.suffix != ".md":
            shutil.copy(path, inbox / path.name)
    return layout


@pytest.fixture(scope="session")
def full(tmp_path_factory) -> BuildRun:
    """One build with every real published file of ../shared/data in the inbox beside the starter data, shared by
    the tests that assert on the whole corpus (built once per test session)."""
    if not SHARED_DATA.exists():
        pytest.skip(f"{SHARED_DATA} is absent: the real published files live there (present in CI)")
    run = run_build(full_corpus_root(tmp_path_factory.mktemp("full")))
    assert run.exit_code == 0, run.output
    return run


@pytest.fixture
def fresh_root(tmp_path) -> Layout:
    return make_root(tmp_path)


def query(layout: Layout, sql: str, params=None) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(layout.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# The fast test loop (`make test-fast` runs `pytest -m "not slow"`). A test is marked `slow` by what it does, read
# from the code: the test, or a fixture it uses (pytest's fixture closure, so a fixture using a fixture counts),
# calls a function in SLOW_CALLS, directly or through another function of its own file. `run_build` is how tests
# build a warehouse (the shared `built` and `full` builds, each module's own build fixture, builds in test bodies);
# `subprocess.Popen` starts a process that lives beside the test (a `milspace build` to kill, a session holding the
# warehouse, `dagster dev`), where `subprocess.run` of a command that answers at once is not counted. A fixture of
# the same name in another module (test_source_sipri's `full` reads one workbook) is told apart: the definition read
# is the one pytest resolved for the test. tests/test_published_files.py, which reads every real published file, is
# marked by its own `pytestmark`.
SLOW_CALLS = frozenset({"run_build", "subprocess.Popen"})
TESTS = Path(__file__).resolve().parent


def _called_name(call: ast.Call) -> str | None:
    """`f` for f(...), `a.f` for a.f(...), else None."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return None


@functools.cache
def _slow_functions(source_file: str) -> frozenset[str]:
    """The names of the functions of one file that call something in SLOW_CALLS, directly or through another
    function of the same file."""
    tree = ast.parse(Path(source_file).read_text(encoding="utf-8"))
    calls: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            called = {name for call in ast.walk(node) if isinstance(call, ast.Call) and (name := _called_name(call))}
            calls.setdefault(node.name, set()).update(called)
    slow = {name for name, called in calls.items() if called & SLOW_CALLS}
    while grown := {name for name, called in calls.items() if name not in slow and called & slow}:
        slow |= grown
    return frozenset(slow)


def is_slow_function(func) -> bool:
    """Whether a test or fixture function of tests/ builds a warehouse or starts a process (see SLOW_CALLS);
    pytest's own fixtures (tmp_path, monkeypatch, ...) are not read."""
    func = inspect.unwrap(func)
    try:
        source_file = inspect.getsourcefile(func)
    except TypeError:  # a built-in
        return False
    if source_file is None or not Path(source_file).resolve().is_relative_to(TESTS):
        return False
    return func.__name__ in _slow_functions(source_file)


def slow_fixtures(item: pytest.Item) -> list[str]:
    """The fixtures a test uses (its whole closure) that build a warehouse or start a process."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    return [
        name
        for name in item.fixturenames
        if (definitions := info.name2fixturedefs.get(name)) and is_slow_function(definitions[-1].func)
    ]


def is_slow(item: pytest.Item) -> bool:
    function = getattr(item, "function", None)
    return bool(slow_fixtures(item)) or (function is not None and is_slow_function(function))


def worker_group(item: pytest.Item) -> str | None:
    """Which tests must run in one worker process when `make test` runs two (pytest-xdist, --dist loadgroup): those
    that share a slow fixture wider than one test, so it is made once rather than in each worker. The full-corpus
    build (`full`, two minutes) is one group; a module's slow module-scoped fixture is that module's group. Every other
    test goes to whichever worker is free; `built` (one starter build) is made by each worker that needs it."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    for name in slow_fixtures(item):
        definition = info.name2fixturedefs[name][-1]
        if name == "full" and definition.scope == "session":
            return "full-corpus"
        if definition.scope in ("module", "package", "session") and name != "built":
            return f"{item.path.name}::{name}"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)
        group = worker_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="module")
def postgres_server():
    """A PostgreSQL server (Debian's package) on 127.0.0.1 in a temporary folder, for one test module; its
    connection URL. Skipped, saying why, where the server is not installed (.ci/run installs it)."""
    import sys
    import tempfile

    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    import local_postgres

    try:
        local_postgres.server_bin()
    except local_postgres.Unavailable as exc:
        pytest.skip(f"no PostgreSQL server: {exc}")
    folder = Path(tempfile.mkdtemp(prefix="milspace-pg-", dir="/tmp"))
    folder.chmod(0o711)  # the server may run as the `postgres` user, which must reach its folder
    try:
        yield local_postgres.start(folder / "server", local_postgres.free_port())
    finally:
        local_postgres.stop(folder / "server")
        shutil.rmtree(folder, ignore_errors=True)
