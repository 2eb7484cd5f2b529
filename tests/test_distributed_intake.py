"""The distributed intake (issue 20): every inbox file read and checked as a step of Dagster's dask executor on two
workers on loopback, one of them killed part-way; the build after it takes every file from the intake store and
publishes what a one-machine build of the same inbox publishes.

The files are real published ones from ../shared/data (skipped, saying so, where that folder is absent). The dask
scheduler and workers are dask.distributed's own command-line programs, started here as a team would start them
(README, 'Running it for a team')."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest

from benchmarks.generate import budget_lines, expected_bad_rows
from benchmarks.incremental import checksums
from pipelines import cli
from pipelines.instance import dagster_home, prepare_home
from pipelines.intake import inbox as inbox_module
from pipelines.intake import staging as staging_module
from pipelines.intake.spread import intake_files
from pipelines.intake.store import store_dir
from pipelines.warehouse import read_only
from tests.conftest import REPO_ROOT, make_root, run_build, shared_file

#: Real files of several publishers: the SIPRI workbooks take seconds each, so the intake is still running when a
#: worker is killed.
FILES = (
    "sipri/SIPRI-Milex-data-1949-2024_2.xlsx",
    "sipri/SIPRI-Milex-data-1988-2015.xlsx",
    "sipri/SIPRI-Milex-data-1949-2019.xlsx",
    "worldbank/API_MS.MIL.XPND.CD_DS2_en_csv_v2_47475.csv",
    "owid/military-spending-as-a-share-of-gdp-sipri.csv",
    "nato/240617-def-exp-2024-TABLES-en.xlsx",
    "eda/eda-collective-and-national-defence-data-2017-2019-(excel).xlsx",
)
#: A generated file of milspace budget lines (benchmarks/generate.py, with its share of bad rows), read in batches.
STREAMED, STREAMED_ROWS = "budget_lines.csv", 20_000
BIN = REPO_ROOT / ".venv" / "bin" if (REPO_ROOT / ".venv" / "bin" / "dask").exists() else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def spread_root(tmp_path_factory):
    """The root the distributed intake reads: the starter data and the real files in its inbox."""
    return _inbox_root(tmp_path_factory, "spread")


@pytest.fixture(scope="module")
def cluster(spread_root):
    """A dask scheduler and two single-threaded workers (no nanny: a killed worker stays dead) on 127.0.0.1, the
    workers started as a team starts them: in the project folder's environment, with its Dagster home."""
    dask = shutil.which("dask", path=str(BIN)) if BIN else shutil.which("dask", path=str(sys.prefix) + "/bin")
    if dask is None:
        pytest.skip("dask.distributed's `dask` command is not installed (it comes with dagster-dask in uv.lock)")
    address = f"tcp://127.0.0.1:{_free_port()}"
    host, port = address.removeprefix("tcp://").split(":")
    logs = subprocess.DEVNULL
    scheduler = subprocess.Popen(
        [dask, "scheduler", "--host", host, "--port", port, "--no-dashboard"], stdout=logs, stderr=logs
    )
    workers = [
        subprocess.Popen(
            [dask, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"w{n}"],
            stdout=logs,
            stderr=logs,
            cwd=REPO_ROOT,
            env={**os.environ, "DAGSTER_HOME": str(prepare_home(dagster_home(spread_root)))},
        )
        for n in (1, 2)
    ]
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, workers
    finally:
        for process in [*workers, scheduler]:
            process.kill()
            process.wait()


def _inbox_root(tmp_path_factory, name: str):
    root = make_root(tmp_path_factory.mktemp(name))
    inbox = root.data_raw / "inbox"
    inbox.mkdir(parents=True)
    for relative in FILES:
        shutil.copy2(shared_file(relative), inbox / relative.split("/")[-1])  # copy2: published long ago, settled
    # A file of milspace budget lines, the format read in batches: a worker streams it into the store too.
    budget_lines(STREAMED_ROWS, 20).write_csv(inbox / STREAMED)
    os.utime(inbox / STREAMED, (time.time() - 3600, time.time() - 3600))  # settled: not still being copied in
    return root


def test_the_intake_on_two_workers_survives_a_killed_worker_and_the_build_is_a_one_machine_build(
    spread_root, cluster, tmp_path_factory, monkeypatch
):
    address, workers = cluster
    root = spread_root
    out = io.StringIO()
    codes: list[int] = []
    intake = threading.Thread(target=lambda: codes.append(cli.intake(root, address=address, out=out)))
    intake.start()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and intake.is_alive():
        if store_dir(root).is_dir() and any(not e.name.startswith(".") for e in store_dir(root).iterdir()):
            break
        time.sleep(0.05)
    killed_while_running = intake.is_alive()
    workers[1].kill()  # part-way: the other steps run on the surviving worker, a lost one again
    intake.join(timeout=600)
    assert codes == [0], out.getvalue()
    assert killed_while_running, "the intake had finished before a worker could be killed"
    stored = [e for e in store_dir(root).iterdir() if not e.name.startswith(".")]
    assert len(stored) >= len(FILES) + 1  # every inbox file, and the starter extracts
    said = out.getvalue()
    assert f"Checked {len(intake_files(root))} files in " in said and f": {len(stored)} kept in the intake" in said
    streamed = [e for e in stored if json.loads((e / "meta.json").read_text())["streamed"]]
    assert len(streamed) == 1 and list((streamed[0] / "parts").glob("*.parquet"))

    def read_again(*args, **kwargs):
        raise AssertionError("the build read a file the intake store holds")

    monkeypatch.setattr(inbox_module, "_check", read_again)
    monkeypatch.setattr(staging_module, "LineStream", read_again)
    built = run_build(root, full=False)
    assert built.exit_code == 0, built.output
    monkeypatch.undo()

    alone = _inbox_root(tmp_path_factory, "alone")
    one_machine = run_build(alone)  # --full: every file read by the build itself
    assert one_machine.exit_code == 0, one_machine.output
    ours, theirs = checksums(root.warehouse), checksums(alone.warehouse)
    assert ours.keys() == theirs.keys() and len(ours) > 50
    assert {t for t in ours if ours[t] != theirs[t]} == set()
    lines = "SELECT count(*) FROM staging.milspace_lines WHERE file LIKE '%budget_lines.csv'"
    with read_only(root.warehouse) as con:
        loaded = con.execute(lines).fetchone()[0]
        read_by = con.execute("SELECT run_id, reused FROM staging.streamed_files").fetchall()
    assert STREAMED_ROWS - expected_bad_rows(STREAMED_ROWS) * 2 < loaded < STREAMED_ROWS
    assert read_by == [(_intake_run(out.getvalue()), False)]  # the intake's run read it, not the build


def _intake_run(output: str) -> str:
    """The Dagster run of the intake, as `milspace intake` printed it."""
    found = re.search(r"\(Dagster run ([0-9a-f-]+)\)", output)
    assert found, output
    return found.group(1)
