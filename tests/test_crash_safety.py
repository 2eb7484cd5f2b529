"""A build killed with SIGKILL at any point leaves the published warehouse intact and openable, and the next build
succeeds. Each build runs as `milspace build` in its own process, killed when its progress reaches a point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import make_root, run_build, sha256
from tests.test_operations import table_checksums

MILSPACE = Path(sys.executable).with_name("milspace")
#: Give up on a build process after this long (a hung build fails the test instead of hanging the suite).
PATIENCE_SECONDS = 300


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A root with a published warehouse and report, and what they held."""
    layout = make_root(tmp_path_factory.mktemp("crash"))
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    return layout, sha256(layout.warehouse), table_checksums(layout)


def build_killed_when(layout, reached) -> tuple[int, list[str]]:
    """Run `milspace build` and SIGKILL its whole process group at the first progress line where `reached`
    is true; the exit status and the lines it printed."""
    env = {**os.environ, "MILSPACE_ROOT": str(layout.root), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(MILSPACE), "build", "--full"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    watchdog = threading.Timer(PATIENCE_SECONDS, lambda: os.killpg(process.pid, signal.SIGKILL))
    watchdog.start()
    lines = []
    try:
        for raw in process.stdout:
            lines.append(raw.decode(errors="replace"))
            if reached(lines[-1]):
                os.killpg(process.pid, signal.SIGKILL)
                break
        process.stdout.close()
        return process.wait(timeout=60), lines
    finally:
        watchdog.cancel()


def step(number: int):
    return lambda line: line.startswith(f"[{number:>2}/")


def report_drawn(line: str) -> bool:
    """The report is drawn: the next step renames the working copy over the published warehouse."""
    return line.split("]")[-1].strip().startswith("report ") and " ok " in line


@pytest.mark.parametrize(
    ("point", "reached", "before_publishing"),
    [
        ("while reading the inputs", step(3), True),
        ("while building the marts", step(45), True),
        ("as the warehouse is published", report_drawn, False),
    ],
)
def test_a_killed_build_leaves_the_published_warehouse_intact(published, point, reached, before_publishing):
    layout, digest, tables = published
    status, lines = build_killed_when(layout, reached)
    assert status == -signal.SIGKILL, (point, "".join(lines))
    assert any(reached(line) for line in lines), (point, "".join(lines))
    if before_publishing:
        assert sha256(layout.warehouse) == digest, point  # not a byte changed
    # whether or not the rename happened, the published file opens and holds a whole build of the same inputs
    assert table_checksums(layout) == tables, point
    assert not Path(f"{layout.warehouse}.wal").exists()
    assert layout.report_index.stat().st_size > 1000


def test_the_build_after_the_kills_succeeds_and_clears_what_they_left(published):
    layout, _, tables = published
    status, _ = build_killed_when(layout, step(20))  # while loading the staging tables
    assert status == -signal.SIGKILL
    assert any(layout.build_dir.iterdir())  # the killed run's working copy is still there
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    assert table_checksums(layout) == tables
    assert list(layout.build_dir.iterdir()) == []  # left by killed runs, removed by the next one
