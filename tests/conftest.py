"""Shared fixtures: temporary project roots built from the shipped starter data, and the real published files."""

from __future__ import annotations

import hashlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.paths import REPO_ROOT, Layout

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


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


def run_build(layout: Layout) -> BuildRun:
    out = io.StringIO()
    code = cli.build(layout, out=out)
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
