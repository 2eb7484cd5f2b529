"""Soak: twenty `milspace build` runs in a row on one project, as a schedule nobody watches would run them, with
SIGKILL, SIGTERM and SIGINT at random moments, inbox files dropped and rewritten while builds run, and an
analyst's read-only session open on the published warehouse throughout.

After every run the published warehouse must open, hold every mart, and be consistent with itself (each loaded
file's line count equals its lines in marts.budget_lines); no run may publish half a warehouse; exit codes are the
documented ones (0 built, 1 failed, 130 interrupted; -9 when killed). The seed is printed, so a failure can be
replayed with MILSPACE_SOAK_SEED. Bounded in time: each run is killed or interrupted after at most a few
seconds, or left to finish (about 10 s)."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import make_root, run_build, shared_file

MILSPACE = Path(sys.executable).with_name("milspace")
RUNS = 20
OWID = "owid/military-spending-as-a-share-of-gdp-sipri.csv"
WORLD_BANK = "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv"
#: What may become of a run, by what was done to it (a signal may arrive after the run has ended).
EXPECTED_EXIT = {"finish": {0}, "kill": {-signal.SIGKILL, 0}, "term": {130, 0}, "int": {130, 0}}

READER = textwrap.dedent(
    """
    import sys, time, duckdb
    path = sys.argv[1]
    held = duckdb.connect(path, read_only=True)  # one session held open on the first build throughout
    first = held.execute("SELECT count(*) FROM marts.budget_lines").fetchone()[0]
    print("open", flush=True)
    while sys.stdin.readline().strip() == "check":
        again = held.execute("SELECT count(*) FROM marts.budget_lines").fetchone()[0]
        print("same" if again == first else f"changed {first} -> {again}", flush=True)
    """
)


def consistency(warehouse: Path) -> list[str]:
    """What is wrong with a published warehouse (nothing: an empty list)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = {
            t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        }
        problems = (
            []
            if {"budget_lines", "budget_facts", "sources", "quarantine", "defense_yoy"} <= marts
            else [f"marts missing: {sorted(marts)}"]
        )
        if problems:
            return problems
        rows = con.execute(
            """
            WITH loaded AS (
                SELECT file, count(*) AS n FROM marts.budget_lines GROUP BY file
                UNION ALL
                SELECT file, count(*) FROM staging.space_objects GROUP BY file  -- satellite catalogues and extracts
            )
            SELECT s.path, s.rows_loaded, coalesce(sum(loaded.n), 0) AS lines
            FROM marts.sources AS s LEFT JOIN loaded ON loaded.file = s.path
            WHERE s.status = 'loaded'
              AND (
                  (s.origin = 'inbox' AND coalesce(s.detected_format, '') NOT LIKE 'strategy document%')
                  OR s.path LIKE 'data_raw/starter/lines/%'
              )
            GROUP BY s.path, s.rows_loaded
            HAVING s.rows_loaded <> coalesce(sum(loaded.n), 0)
            """
        ).fetchall()
        return [
            f"{path}: {loaded} lines loaded, {lines} in marts.budget_lines and staging.space_objects"
            for path, loaded, lines in rows
        ]


def run_with(layout, action: str, delay: float) -> int:
    """Run one build, stopped as `action` says after `delay` seconds; its exit code. A build still running after
    300 s is stopped with SIGABRT first, so Python's fault handler writes where every thread of it was waiting, and
    the test fails with that."""
    env = {
        **os.environ,
        "MILSPACE_ROOT": str(layout.root),
        "PYTHONUNBUFFERED": "1",
        "PYTHONFAULTHANDLER": "1",
        "MILSPACE_SETTLE_WAIT_SECONDS": "1",
    }
    errors = layout.root / "build-stderr.txt"
    with errors.open("wb") as sink:
        process = subprocess.Popen(
            [str(MILSPACE), "build", "--full"],
            stdout=subprocess.DEVNULL,
            stderr=sink,
            env=env,
            start_new_session=True,
        )
    if action != "finish":
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            if action == "kill":
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.send_signal(signal.SIGTERM if action == "term" else signal.SIGINT)
    try:
        return process.wait(timeout=300)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        stacks = errors.read_text(encoding="utf-8", errors="replace")[-20000:]
        pytest.fail(f"`milspace build --full` ({action} after {delay:.1f} s) hung for 300 s; its threads:\n{stacks}")


def meddle(inbox: Path, rng: random.Random, step: int, sources: list[bytes]) -> None:
    """Drop a new file into the inbox, rewrite one, or remove one, while a build runs."""
    present = sorted(p for p in inbox.iterdir() if p.is_file())
    choice = rng.random()
    if choice < 0.5 or not present:
        data = sources[step % len(sources)]
        (inbox / f"drop {step}.csv").write_bytes(data)
    elif choice < 0.8:
        target = rng.choice(present)
        data = target.read_bytes()
        target.write_bytes(data.replace(b"Zambia", b"Zambia ") if b"Zambia" in data else data + b"\n")
    else:
        rng.choice(present).unlink()


def test_twenty_builds_with_signals_meddling_and_a_reader_never_publish_a_broken_warehouse(tmp_path):
    seed = int(os.environ.get("MILSPACE_SOAK_SEED", random.randrange(1 << 30)))
    print(f"soak seed {seed}")
    rng = random.Random(seed)
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    sources = [shared_file(OWID).read_bytes(), shared_file(WORLD_BANK).read_bytes()]
    shutil.copyfile(shared_file(OWID), inbox / "owid.csv")
    first = run_build(layout)
    assert first.exit_code == 0, first.output
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(layout.warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        outcomes = []
        for step in range(RUNS):
            action = rng.choice(["finish", "kill", "term", "int"])
            delay = rng.uniform(0.5, 6.0)
            before = layout.warehouse.stat().st_ino
            meddler = threading.Timer(rng.uniform(0.0, 3.0), meddle, args=(inbox, rng, step, sources))
            meddler.start()
            code = run_with(layout, action, delay)
            meddler.join()
            outcomes.append((action, round(delay, 1), code))
            said = (layout.root / "build-stderr.txt").read_text(encoding="utf-8", errors="replace")[-3000:]
            assert code in EXPECTED_EXIT[action], (seed, outcomes, said)
            assert consistency(layout.warehouse) == [], (seed, outcomes)
            if code != 0:  # a run that did not finish published nothing
                assert layout.warehouse.stat().st_ino == before, (seed, outcomes)
            reader.stdin.write("check\n")
            reader.stdin.flush()
            assert reader.stdout.readline().strip() == "same", (seed, outcomes)
        time.sleep(1.5)  # let the last drop settle
        last = run_build(layout)
        assert last.exit_code == 0, (seed, last.output)
        assert consistency(layout.warehouse) == []
        assert not list(layout.reports.glob(".site-*")) and not Path(f"{layout.warehouse}.wal").exists()
        left = sorted(p.name for p in layout.build_dir.iterdir()) if layout.build_dir.exists() else []
        assert left == [], left
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    if not any(code == 0 for _, _, code in outcomes[1:]):
        pytest.fail(f"no run of the soak finished (seed {seed}): {outcomes}")
