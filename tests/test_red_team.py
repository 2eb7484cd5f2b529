"""The red team's attacks on unattended builds (issue 13), each reproduced first: stale write-ahead logs, a report
folder that cannot be written, rejected files with one name, files replaced or still being copied while a build
reads them, symbolic and hard links, odd file names, negative figures, and a blocking check broken by one file.

Each build here is `milspace build` on a temporary project root holding the shipped starter data (about 10 s)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.conftest import make_root, query, run_build, shared_file
from tests.test_operations import table_checksums

PYTHON = sys.executable
MILSPACE = Path(sys.executable).with_name("milspace")


# --- data loss and half-published states --------------------------------------------------------------------


def kill_a_writing_session(warehouse: Path) -> None:
    """An analyst's read-write DuckDB session that drops a mart and deletes rows, then is killed before DuckDB
    checkpoints: its write-ahead log stays beside the warehouse."""
    script = textwrap.dedent(
        f"""
        import os, duckdb
        con = duckdb.connect({str(warehouse)!r})
        con.execute("SET checkpoint_threshold = '10GB'")
        con.execute("DROP TABLE marts.defense_yoy")
        con.execute("DELETE FROM marts.budget_facts")
        os.kill(os.getpid(), 9)
        """
    )
    process = subprocess.run([PYTHON, "-c", script], capture_output=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr


@pytest.fixture(scope="module")
def after_a_killed_session(tmp_path_factory):
    layout = make_root(tmp_path_factory.mktemp("wal"))
    first = run_build(layout)
    assert first.exit_code == 0, first.output
    before = table_checksums(layout)
    kill_a_writing_session(layout.warehouse)
    wal = Path(f"{layout.warehouse}.wal")
    assert wal.exists() and wal.stat().st_size > 0, "the killed session left no write-ahead log"
    second = run_build(layout)
    return layout, before, second


def test_a_stale_write_ahead_log_is_moved_aside_and_not_replayed_onto_the_new_build(after_a_killed_session):
    layout, before, second = after_a_killed_session
    assert second.exit_code == 0, second.output
    assert not Path(f"{layout.warehouse}.wal").exists()
    assert table_checksums(layout) == before  # every mart back, every row there
    moved = [p for p in (layout.data_marts / "set_aside").glob("warehouse.duckdb.wal.*") if p.suffix != ".txt"]
    assert len(moved) == 1 and moved[0].stat().st_size > 0
    assert "write-ahead log" in second.output and moved[0].name in second.output


def test_a_damaged_published_warehouse_is_recovered_from_the_build_before_it_without_a_person(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "budget.csv").write_text("not;a;budget\n1;2;3\n", encoding="utf-8")
    assert run_build(layout).exit_code == 0  # quarantines the unreadable file
    assert run_build(layout).exit_code == 0  # keeps that build as warehouse.previous.duckdb
    history = query(layout, "SELECT count(*) FROM marts.quarantine WHERE file = 'data_raw/inbox/budget.csv'")
    assert history == [(1,)]
    with layout.warehouse.open("r+b") as handle:  # damaged in place (a disk error, a bad copy)
        handle.write(b"\0" * 8192)
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    assert "Set aside: data_marts/set_aside/warehouse.duckdb.damaged." in run.output
    assert query(layout, "SELECT count(*) FROM marts.quarantine WHERE file = 'data_raw/inbox/budget.csv'") == history
    assert query(layout, "SELECT count(*) > 0 FROM marts.defense_yoy") == [(True,)]


def test_a_read_write_session_holding_the_warehouse_is_named_and_nothing_is_replaced(tmp_path):
    layout = make_root(tmp_path)
    assert run_build(layout).exit_code == 0
    before = layout.warehouse.stat()
    holder = subprocess.Popen(
        [
            PYTHON,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(layout.warehouse)!r}); print('open', flush=True)"
            "; time.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        run = run_build(layout)
    finally:
        holder.kill()
        holder.wait()
    assert run.exit_code == 1
    assert f"PID {holder.pid}" in run.output and "Close that session" in run.output
    after = layout.warehouse.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_report_folder_that_cannot_be_written_stops_the_build_before_the_warehouse_is_replaced(tmp_path):
    layout = make_root(tmp_path)
    assert run_build(layout).exit_code == 0
    published = layout.warehouse.stat()
    # Something that is not a writable folder where the report's pages go: a file in place of reports/nations/
    # (a read-only folder would do, but the tests may run as root, who writes anyway).
    nations = layout.reports / "nations"
    moved = nations.rename(tmp_path / "nations-before")
    nations.write_text("not a folder\n", encoding="utf-8")
    run = run_build(layout)
    assert run.exit_code == 1
    after = layout.warehouse.stat()
    assert (after.st_ino, after.st_mtime_ns) == (published.st_ino, published.st_mtime_ns)
    assert f"Cannot publish the report into {nations}" in run.output
    assert "The published warehouse was not changed" in run.output
    assert not list(layout.reports.glob(".site-*"))  # the staged site is cleaned up with the failed run
    assert moved.is_dir()


def test_a_report_folder_on_another_file_system_is_published_with_the_warehouse(tmp_path):
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm file system on this machine")
    layout = make_root(tmp_path)
    other = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        if other.stat().st_dev == tmp_path.stat().st_dev:
            pytest.skip("/dev/shm is on the same file system as the temporary folder")
        layout.reports.symlink_to(other, target_is_directory=True)
        run = run_build(layout)
        assert run.exit_code == 0, run.output
        assert (other / "index.html").is_file() and (other / "nations").is_dir()
        assert not list(other.glob(".site-*"))
    finally:
        shutil.rmtree(other, ignore_errors=True)


def test_a_killed_report_command_leaves_no_staged_site_after_the_next_one(tmp_path):
    layout = make_root(tmp_path)
    assert run_build(layout).exit_code == 0
    dead = subprocess.Popen([PYTHON, "-c", "pass"])
    dead.wait()
    left = layout.reports / f".site-pid{dead.pid}-abc123"
    (left / "nations").mkdir(parents=True)
    live = layout.reports / f".site-pid{os.getpid()}-xyz789"  # a report being drawn right now: kept
    live.mkdir()
    env = {**os.environ, "MILSPACE_ROOT": str(layout.root)}
    done = subprocess.run([str(MILSPACE), "report"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not left.exists() and live.exists()


def test_a_rejected_file_never_overwrites_an_earlier_rejected_file_of_the_same_name(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "budget.csv").write_text("first;unreadable;file\n1;2;3\n", encoding="utf-8")
    assert run_build(layout).exit_code == 0
    (inbox / "budget.csv").write_text("second;unreadable;file\n4;5;6\n", encoding="utf-8")
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    rejected = inbox / "rejected"
    kept = sorted(p.read_text(encoding="utf-8") for p in rejected.iterdir() if not p.name.endswith(".reason.txt"))
    assert kept == ["first;unreadable;file\n1;2;3\n", "second;unreadable;file\n4;5;6\n"]
    assert len(list(rejected.glob("*.reason.txt"))) == 2
    second_name = next(p.name for p in rejected.iterdir() if p.read_text(encoding="utf-8").startswith("second"))
    assert f"data_raw/inbox/rejected/{second_name}" in run.output


# --- one bad input never stops every build ---------------------------------------------------------------------

GOOD = "owid/military-spending-as-a-share-of-gdp-sipri.csv"


@pytest.fixture(scope="module")
def odd_inbox(tmp_path_factory):
    """An inbox holding a good published file beside every odd entry the red team tried: a symbolic link to a
    private file outside the project, a link and a hard link to the good file, a copy of it, a link to a starter
    extract, a file whose name is not UTF-8, a FIFO, and a file whose reader raises something unexpected."""
    root = tmp_path_factory.mktemp("odd")
    layout = make_root(root)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    good = inbox / "owid share of gdp.csv"
    shutil.copyfile(shared_file(GOOD), good)
    private = root / "private.txt"
    private.write_text("Space Strategy\n\nSECRET-PAYLOAD-WORD the space domain is contested. " * 20, encoding="utf-8")
    (inbox / "strategy.txt").symlink_to(private)
    (inbox / "link to owid.csv").symlink_to(good)
    os.link(good, inbox / "owid hard link.csv")
    shutil.copyfile(good, inbox / "owid copy.csv")
    starter = next((layout.starter_lines).glob("sipri*.csv"))
    (inbox / "sipri extract.csv").symlink_to(starter)
    odd_name = os.fsencode(inbox) + b"/budget-\xff\xfe.csv"
    with open(odd_name, "wb") as handle:
        handle.write(shared_file(WORLD_BANK).read_bytes())
    os.mkfifo(inbox / "pipe.csv")
    os.utime(odd_name, (0, 4102444800))  # dated 2100: in the future, yet settled
    run = run_build(layout)
    return layout, run


WORLD_BANK = "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv"


def test_odd_inbox_entries_never_stop_the_build(odd_inbox):
    layout, run = odd_inbox
    assert run.exit_code == 0, run.output


def test_symbolic_links_and_special_files_are_not_read_and_say_why(odd_inbox):
    layout, run = odd_inbox
    rows = dict(query(layout, "SELECT path, status FROM marts.sources WHERE origin = 'inbox'"))
    for name in ("strategy.txt", "link to owid.csv", "sipri extract.csv", "pipe.csv"):
        assert rows[f"data_raw/inbox/{name}"] == "skipped", rows
    assert "is a symbolic link: milspace reads only regular files in the inbox" in run.output
    evidence = query(
        layout,
        "SELECT count(*) FROM marts.strategy_evidence "
        "WHERE contains(context, 'SECRET-PAYLOAD') OR file LIKE '%strategy.txt'",
    )
    assert evidence == [(0,)]
    assert (layout.data_raw / "inbox" / "strategy.txt").is_symlink()  # not moved, not followed


def test_the_same_file_is_read_once_however_many_names_it_has(odd_inbox):
    layout, run = odd_inbox
    rows = dict(query(layout, "SELECT path, status FROM marts.sources WHERE origin = 'inbox'"))
    statuses = [rows[f"data_raw/inbox/{n}"] for n in ("owid copy.csv", "owid hard link.csv", "owid share of gdp.csv")]
    assert sorted(statuses) == ["loaded", "skipped", "skipped"]
    files = query(layout, "SELECT count(DISTINCT file) FROM marts.budget_lines WHERE file LIKE '%owid%'")
    assert files == [(1,)]
    copies = query(
        layout,
        "SELECT count(*) FROM (SELECT measure, entity_code, period, count(*) AS n FROM marts.budget_lines "
        "WHERE file LIKE '%owid%' GROUP BY ALL HAVING n > 1)",
    )
    assert copies == [(0,)]


def test_a_file_name_that_is_not_utf8_is_read_under_a_printable_name(odd_inbox):
    layout, run = odd_inbox
    rows = query(layout, "SELECT path, status, rows_loaded FROM marts.sources WHERE path LIKE '%budget-%'")
    assert rows == [("data_raw/inbox/budget-\\xff\\xfe.csv", "loaded", rows[0][2])] and rows[0][2] > 1000


def test_a_file_dated_in_the_future_is_read_once_it_has_settled(odd_inbox):
    layout, run = odd_inbox  # the file with the odd name is dated 2100
    assert query(layout, "SELECT status FROM marts.sources WHERE path LIKE '%budget-%'") == [("loaded",)]


def test_an_unexpected_error_in_a_reader_sets_that_file_aside_and_the_others_publish(tmp_path, monkeypatch):
    from pipelines.intake import inbox as published

    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    shutil.copyfile(shared_file(GOOD), inbox / "owid.csv")
    shutil.copyfile(shared_file(WORLD_BANK), inbox / "wb.csv")

    check_file = published.check_file

    def broken(path, *args, **kwargs):  # a bug outside any reader's own error handling
        if path.name == "owid.csv":
            raise ZeroDivisionError("a reader bug")
        return check_file(path, *args, **kwargs)

    monkeypatch.setattr(published, "check_file", broken)
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    rows = dict(query(layout, "SELECT path, status FROM marts.sources WHERE origin = 'inbox'"))
    assert rows == {"data_raw/inbox/owid.csv": "unreadable", "data_raw/inbox/wb.csv": "loaded"}
    assert "an unexpected ZeroDivisionError in its reader (a reader bug)" in run.output
    assert (inbox / "rejected" / "owid.csv").is_file()
    assert query(layout, "SELECT count(*) > 0 FROM marts.budget_lines WHERE file = 'data_raw/inbox/wb.csv'") == [
        (True,)
    ]


def test_a_file_replaced_while_it_is_read_is_left_for_the_next_build_and_never_recorded_half(tmp_path, monkeypatch):
    from pipelines.intake import inbox as published

    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    target = inbox / "owid.csv"
    shutil.copyfile(shared_file(GOOD), target)
    os.utime(target, (1, 1))  # long settled
    replacement = tmp_path / "replacement.csv"
    replacement.write_bytes(shared_file(GOOD).read_bytes().replace(b"United States", b"Atlantis"))
    check = published._check

    def replaced_midway(path, *args, **kwargs):  # the file is swapped after its fingerprint, before its reading
        if path.name == "owid.csv":
            os.replace(replacement, path)
        return check(path, *args, **kwargs)

    monkeypatch.setattr(published, "_check", replaced_midway)
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    rows = query(layout, "SELECT status, rows_loaded FROM marts.sources WHERE path = 'data_raw/inbox/owid.csv'")
    assert rows == [("changed", 0)]
    assert query(layout, "SELECT count(*) FROM marts.budget_lines WHERE file = 'data_raw/inbox/owid.csv'") == [(0,)]
    assert "left for the next build: data_raw/inbox/owid.csv changed while it was being read" in run.output
    assert target.is_file() and not (inbox / "rejected").exists()
    monkeypatch.undo()
    again = run_build(layout)  # the next build reads the new content whole, under its own sha256
    assert again.exit_code == 0, again.output
    sha = hashlib.sha256(target.read_bytes()).hexdigest()
    assert query(layout, "SELECT status, sha256 FROM marts.sources WHERE path = 'data_raw/inbox/owid.csv'") == [
        ("loaded", sha)
    ]


def test_a_file_still_being_copied_is_left_in_the_inbox_not_rejected(tmp_path, monkeypatch):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    data = shared_file(GOOD).read_bytes()
    growing = inbox / "owid being copied.csv"
    stop = threading.Event()

    def copy_slowly():
        with growing.open("wb") as handle:
            for start in range(0, len(data), 2048):
                if stop.is_set():
                    return
                handle.write(data[start : start + 2048])
                handle.flush()
                time.sleep(0.1)

    monkeypatch.setenv("MILSPACE_SETTLE_WAIT_SECONDS", "3")
    copier = threading.Thread(target=copy_slowly, daemon=True)
    copier.start()
    try:
        time.sleep(0.3)
        run = run_build(layout)
    finally:
        stop.set()
        copier.join()
    assert run.exit_code == 0, run.output
    rows = query(layout, "SELECT status FROM marts.sources WHERE path = 'data_raw/inbox/owid being copied.csv'")
    assert rows == [("changed",)]
    assert "was still being written after the build waited for it" in run.output
    assert growing.is_file() and not (inbox / "rejected").exists()
    # Nothing recorded as read (pipelines/fingerprint.py): the next build runs and reads the file, even if it has not
    # changed since this build looked at it.
    assert not layout.last_build.exists()


# --- negative figures ----------------------------------------------------------------------------------------------

SIPRI_PARTIAL = "sipri/SIPRI-Milex-data-2017-2025.xlsx"


def negative_sipri(path: Path, nation: str = "Poland", year: int = 2023) -> Path:
    """The real SIPRI 2017-2025 export with one nation's figures of one year made negative in every sheet that
    states money or a share (found by header words: the row whose first cell is the nation, the column headed by
    the year)."""
    workbook = openpyxl.load_workbook(shared_file(SIPRI_PARTIAL))
    changed = 0
    for sheet in workbook.worksheets:
        if not any(word in sheet.title for word in ("US$", "Share", "capita")):
            continue
        header = next(r for r in sheet.iter_rows(max_row=20) if r[0].value == "Country")
        column = next(c.column for c in header if c.value in (year, float(year)))
        row = next(r[0].row for r in sheet.iter_rows() if r[0].value == nation)
        cell = sheet.cell(row, column)
        if isinstance(cell.value, (int, float)):
            cell.value = -abs(cell.value) or -5.0
            changed += 1
    assert changed >= 4, changed
    workbook.save(path)
    return path


def test_a_negative_total_or_share_is_quarantined_by_the_contract(tmp_path):
    from pipelines.intake.inbox import check_file
    from pipelines.nations import default_names
    from pipelines.schemas import NOT_NEGATIVE_RULE
    from tests.source_helpers import nation_codes

    path = negative_sipri(tmp_path / "sipri.xlsx")
    checked = check_file(path, "data_raw/inbox/sipri.xlsx", default_names(), nation_codes())
    assert checked.status == "loaded", checked.error
    negative = checked.rejected.filter(pl.col("rule") == NOT_NEGATIVE_RULE)
    assert negative.height >= 4 and set(negative["column"]) == {"2023"}
    assert checked.lines.filter((pl.col("entity_code") == "POL") & (pl.col("value") < 0)).is_empty()


def test_a_rescission_in_a_budget_line_is_kept_negative(tmp_path):
    from pipelines.intake.inbox import contract
    from tests.source_helpers import nation_codes

    schema = contract(nation_codes())
    assert "not_negative" in [c.name for c in schema.columns["value"].checks]
    from pipelines.sources.registry import never_negative_measures

    signed = never_negative_measures()
    assert "budget_authority" not in signed and "budget_line_amount" not in signed
    assert "milex_current_usd" in signed and "defence_expenditure_real_change_pct" not in signed


def test_a_negative_base_year_figure_never_stops_every_build(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    negative_sipri(inbox / "sipri partial.xlsx")
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    rows = query(
        layout,
        "SELECT count(*) FROM marts.quarantine WHERE file = 'data_raw/inbox/sipri partial.xlsx' AND rule LIKE "
        "'a total, share, per-capita figure or count is not negative%'",
    )
    assert rows[0][0] >= 4
    assert query(layout, "SELECT count(*) FROM marts.budget_lines WHERE value < 0 AND entity_code = 'POL'") == [(0,)]


def test_a_blocking_check_broken_by_one_inbox_file_sets_it_aside_and_the_rest_publishes(tmp_path, monkeypatch):
    """The mechanism, end to end: a blocking check whose violating rows name an inbox file (here the check is made
    to find a violation while that file is in the inbox, as a mistyped file would make it) sets that file aside,
    and the build publishes without it."""
    from pipelines.warehouse import WarehouseRun

    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir(parents=True)
    shutil.copyfile(shared_file(GOOD), inbox / "owid.csv")
    shutil.copyfile(shared_file(WORLD_BANK), inbox / "wb mistyped.csv")
    query_working = WarehouseRun.query

    def check_broken_by_the_file(self, sql):
        found = query_working(self, sql)
        if "-- check: space_share_plausible" in sql and (inbox / "wb mistyped.csv").exists():
            bad = {"nation_iso3": "USA", "fiscal_year": 2023, "files": "data_raw/inbox/wb mistyped.csv"}
            return pl.concat([found, pl.DataFrame([bad])], how="diagonal_relaxed")
        return found

    monkeypatch.setattr(WarehouseRun, "query", check_broken_by_the_file)
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    assert "data_raw/inbox/wb mistyped.csv broke the blocking check(s) space_share_plausible: moved to" in run.output
    assert "Building again without it." in run.output
    note = (inbox / "rejected" / "wb mistyped.csv.reason.txt").read_text(encoding="utf-8")
    assert "space_share_plausible" in note
    published = query(layout, "SELECT path, status FROM marts.sources WHERE origin = 'inbox' ORDER BY path")
    assert published == [("data_raw/inbox/owid.csv", "loaded")]


def test_a_blocking_check_that_names_no_inbox_file_still_stops_the_build(tmp_path, monkeypatch):
    from pipelines.warehouse import WarehouseRun

    layout = make_root(tmp_path)
    query_working = WarehouseRun.query

    def check_broken(self, sql):
        found = query_working(self, sql)
        if "-- check: space_share_plausible" in sql:
            return pl.concat([found, pl.DataFrame([{"nation_iso3": "USA"}])], how="diagonal_relaxed")
        return found

    monkeypatch.setattr(WarehouseRun, "query", check_broken)
    run = run_build(layout)
    assert run.exit_code == 1
    assert "check space_share_plausible on marts/space_share failed (error)" in run.output
    assert "Building again" not in run.output and not layout.warehouse.exists()
