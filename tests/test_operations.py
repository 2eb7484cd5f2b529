"""Running unattended: rejected inbox files set aside, a quarantine that forgets nothing, identical builds from
identical inputs, anomaly warnings, the inbox sensor and the schedule."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import time

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines import automation
from pipelines.automation import FULL_BUILD, look_at_inbox
from pipelines.definitions import defs
from pipelines.intake.inbox import UNREADABLE_RULE
from pipelines.paths import SQL_DIR
from tests.conftest import make_root, query, run_build

#: Columns that say when, and in which run, something happened: the only ones two builds may differ in.
RUN_COLUMNS = {
    ("sources", "read_at"),
    ("quarantine", "first_run_id"),
    ("quarantine", "first_quarantined_at"),
    ("quarantine", "run_id"),
    ("quarantine", "quarantined_at"),
}
MILEX = "lines/sipri_milex.csv"
BAD_ROW = ("USA", "2012", "milex_per_capita_usd")  # set to text: breaks the contract (a figure is a number)
ZERO_ROW = ("USA", "2011", "milex_current_usd")  # set to 0 between two years of $700+ billion: an anomaly, not an error


def owid_csv(rows: list[tuple[str, str, int, float]]) -> str:
    lines = ["Entity,Code,Year,Military expenditure (% of GDP)"]
    lines += [f"{entity},{code},{year},{value}" for entity, code, year, value in rows]
    return "\n".join(lines) + "\n"


def edit_starter(layout, changes: dict[tuple[str, str, str], str]) -> dict[tuple[str, str, str], int]:
    """Set the value of the given (nation, year, measure) rows of the starter SIPRI extract; their file rows."""
    path = layout.starter / MILEX
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    where = {}
    for number, row in enumerate(rows, start=2):
        key = (row["entity_code"], row["period"], row["measure"])
        if key in changes:
            row["value"] = changes[key]
            where[key] = number
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert where.keys() == changes.keys()
    return where


def table_checksums(layout) -> dict[str, tuple[int, str]]:
    """Every mart's row count and the MD5 of its sorted rows, leaving out RUN_COLUMNS."""
    sums = {}
    with duckdb.connect(str(layout.warehouse), read_only=True) as con:
        tables = [
            t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        ]
        for table in tables:
            skip = [f'"{column}"' for name, column in RUN_COLUMNS if name == table]
            exclude = f" EXCLUDE ({', '.join(skip)})" if skip else ""
            sums[table] = con.execute(
                "SELECT count(*), "
                "md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), '')) "
                f"FROM (SELECT *{exclude} FROM marts.{table}) AS t"
            ).fetchone()
    return sums


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three builds of one root. First: a line of the starter SIPRI extract that breaks its contract, a zero between
    two large years, a readable and an unreadable file in the inbox. Second: the starter rows fixed. Third: nothing
    changed."""
    layout = make_root(tmp_path_factory.mktemp("history"))
    original = {row: value for row, value in _values(layout, [BAD_ROW, ZERO_ROW]).items()}
    rows = edit_starter(layout, {BAD_ROW: "five", ZERO_ROW: "0"})
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    (inbox / "owid-share.csv").write_text(
        owid_csv([("France", "FRA", 2020, 2.0), ("France", "FRA", 2021, 1.9), ("Japan", "JPN", 2021, 1.0)])
    )
    broken = b"PK\x03\x04" + bytes(range(256)) * 8  # a zip signature and then garbage: no reader can open it
    (inbox / "broken.xlsx").write_bytes(broken)
    first = run_build(layout)
    assert first.exit_code == 0, first.output
    first_quarantine = _quarantine(layout)
    first_sums = table_checksums(layout)
    edit_starter(layout, original)
    second = run_build(layout)
    second_sums = table_checksums(layout)
    third = run_build(layout)
    return {
        "layout": layout,
        "rows": rows,
        "broken_sha": hashlib.sha256(broken).hexdigest(),
        "runs": (first, second, third),
        "first_quarantine": first_quarantine,
        "sums": (first_sums, second_sums, table_checksums(layout)),
    }


def _values(layout, keys):
    rows = csv.DictReader((layout.starter / MILEX).open(encoding="utf-8"))
    return {k: r["value"] for r in rows if (k := (r["entity_code"], r["period"], r["measure"])) in keys}


def _quarantine(layout) -> pl.DataFrame:
    with duckdb.connect(str(layout.warehouse), read_only=True) as con:
        return con.execute('SELECT * FROM marts.quarantine ORDER BY file, "row"').pl()


def test_every_build_of_the_sequence_succeeds(history):
    for run in history["runs"]:
        assert run.exit_code == 0, run.output


def test_an_unreadable_inbox_file_is_moved_aside_with_its_reason(history):
    layout, first = history["layout"], history["runs"][0]
    inbox = layout.data_raw / "inbox"
    assert not (inbox / "broken.xlsx").exists()
    moved = inbox / "rejected" / "broken.xlsx"
    assert hashlib.sha256(moved.read_bytes()).hexdigest() == history["broken_sha"]  # moved whole, not rewritten
    note = (inbox / "rejected" / "broken.xlsx.reason.txt").read_text()
    error = history["first_quarantine"].filter(pl.col("column") == "(file)")["value"].item()
    assert "data_raw/inbox/broken.xlsx" in error and "not a valid zip or .xlsx file" in error
    assert f"Reason: {error}" in note
    assert "move it back into data_raw/inbox/" in note
    assert "moved to data_raw/inbox/rejected/broken.xlsx" in first.output
    assert f"not read: {error}" in first.output


def test_the_other_inbox_file_is_published_and_stays_published(history):
    layout = history["layout"]
    rows = query(
        layout,
        "select entity_code, period, value from marts.budget_lines where file = 'data_raw/inbox/owid-share.csv' "
        "order by entity_code, period",
    )
    assert rows == [("FRA", 2020, 2.0), ("FRA", 2021, 1.9), ("JPN", 2021, 1.0)]
    # the file set aside is not read again, and nothing says it is in the inbox
    assert query(layout, "select path, status from marts.sources where origin = 'inbox'") == [
        ("data_raw/inbox/owid-share.csv", "loaded")
    ]


def test_the_first_build_quarantines_the_bad_row_and_the_unreadable_file(history):
    first = history["first_quarantine"]
    row = history["rows"][BAD_ROW]
    assert first.select("file", "row", "column", "value", "is_current").rows() == [
        ("data_raw/inbox/broken.xlsx", None, "(file)", first["value"][0], True),
        (f"data_raw/starter/{MILEX}", row, "value", "five", True),
    ]
    assert first["rule"][0] == UNREADABLE_RULE
    assert first["first_run_id"].to_list() == first["run_id"].to_list()
    assert first["run_id"].n_unique() == 1


def test_the_quarantine_keeps_what_earlier_builds_rejected(history):
    layout, first = history["layout"], history["first_quarantine"]
    now = _quarantine(layout)
    # fixed and set aside since, the two rows stay, marked as no longer current, with the build that rejected them
    assert now.select("file", "row", "column", "value", "rule").equals(
        first.select("file", "row", "column", "value", "rule")
    )
    assert now["is_current"].to_list() == [False, False]
    assert now["first_run_id"].to_list() == first["run_id"].to_list() == now["run_id"].to_list()
    assert now["quarantined_at"].to_list() == first["quarantined_at"].to_list()
    second, third = history["runs"][1:]
    for run in (second, third):
        assert "Quarantined: none" in run.output
        assert "Quarantine history: 2 rows rejected by earlier builds only" in run.output


def test_two_builds_on_the_same_inputs_publish_identical_marts(history):
    _, second, third = history["sums"]
    assert second.keys() == third.keys() and len(second) > 25
    assert second == third
    with duckdb.connect(str(history["layout"].warehouse), read_only=True) as con:
        timed = set(
            con.execute(
                "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'marts' "
                "AND (column_name LIKE '%run_id' OR column_name LIKE '%\\_at' ESCAPE '\\')"
            ).fetchall()
        )
    assert timed == RUN_COLUMNS  # the comparison leaves out exactly the columns that record a run


def test_the_first_build_differs_where_its_inputs_did(history):
    first, second, _ = history["sums"]
    differ = {table for table in first if first[table] != second[table]}
    assert {"military_expenditure", "quarantine", "sources", "defense_yoy"} <= differ
    assert "strategy_register" not in differ and "nations" not in differ


def test_a_zero_between_large_years_is_a_warning_naming_its_row(history):
    first, second, _ = history["runs"]
    row = history["rows"][ZERO_ROW]
    assert "check zero_between_nonzero_years (marts/budget_facts): FAILED (warn), 1 rows break it" in first.output
    assert "Warning: check zero_between_nonzero_years on marts/budget_facts did not pass: 1 rows" in first.output
    assert f"| data_raw/starter/{MILEX} |  | {row} | 2011 | USA |" in first.output
    assert "check zero_between_nonzero_years (marts/budget_facts): passed" in second.output


# --- the anomaly checks, on a table made for them ------------------------------------------------------------


def _facts(rows: list[dict]) -> pl.DataFrame:
    base = {
        "fact_source": "test",
        "file": "f.csv",
        "sheet": None,
        "row": 2,
        "source_column": "value",
        "entity_code": "USA",
        "period_type": "calendar_year",
        "period": 2000,
        "measure": "milex_usd",
        "price_basis": "current",
        "unit": "US$ millions",
        "phase": "actual",
        "scope": None,
        "organization": None,
        "category": None,
        "appropriation_title": None,
        "column_key": None,
        "line_item": None,
        "account": None,
        "is_memo": False,
        "value": 1.0,
        "edition": "e",
    }
    return pl.DataFrame([{**base, **row} for row in rows], schema_overrides={"sheet": pl.String, "scope": pl.String})


def run_check(name: str, facts: pl.DataFrame) -> pl.DataFrame:
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts")
        con.register("facts", facts.to_arrow())
        con.execute("CREATE TABLE marts.budget_facts AS SELECT * FROM facts")
        return con.execute((SQL_DIR / "checks" / f"{name}.sql").read_text()).pl()


def test_a_jump_beyond_three_times_is_flagged_with_its_row():
    series = [(2000, 100.0), (2001, 290.0), (2002, 900.0), (2003, 250.0), (2005, 5000.0)]
    facts = _facts([{"period": year, "value": value, "row": year - 1998} for year, value in series])
    found = run_check("values_jump_year_over_year", facts)
    # 2002 (x3.1) and 2003 (/3.6) jump; 2001 (x2.9) does not; 2005 follows a gap, not the previous year
    assert found.select("period", "row", "ratio").rows() == [(2002, 4, 3.1), (2003, 5, 0.28)]


def test_a_jump_in_another_series_or_a_line_item_is_not_flagged():
    facts = _facts(
        [
            {"period": 2000, "value": 100.0},
            {"period": 2001, "value": 1000.0, "entity_code": "FRA"},  # another nation: another series
            {"period": 2001, "value": 1000.0, "price_basis": "constant_2023"},  # other prices: another series
            {"period": 2000, "value": 1.0, "line_item": "x"},
            {"period": 2001, "value": 50.0, "line_item": "x"},  # programmes start and stop
        ]
    )
    assert run_check("values_jump_year_over_year", facts).height == 0


def test_a_zero_needs_large_neighbours_on_both_sides():
    facts = _facts(
        [
            {"period": 2000, "value": 80.0},
            {"period": 2001, "value": 0.0, "row": 9},
            {"period": 2002, "value": 90.0},
            {"period": 2003, "value": 0.0},  # no year after it
            {"period": 2000, "value": 0.5, "entity_code": "FRA"},
            {"period": 2001, "value": 0.0, "entity_code": "FRA"},  # neighbours below 1 unit
            {"period": 2002, "value": 0.5, "entity_code": "FRA"},
        ]
    )
    found = run_check("zero_between_nonzero_years", facts)
    assert found.select("entity_code", "period", "row", "previous_value", "next_value").rows() == [
        ("USA", 2001, 9, 80.0, 90.0)
    ]


def test_an_actual_in_a_future_year_is_flagged_and_a_request_is_not():
    next_year = dt.date.today().year + 1
    facts = _facts(
        [
            {"period": next_year, "phase": "actual", "row": 5},
            {"period": next_year, "phase": "request"},
            {"period": next_year - 1, "phase": "actual"},
        ]
    )
    assert run_check("no_actuals_in_the_future", facts).select("period", "phase", "row").rows() == [
        (next_year, "actual", 5)
    ]


def test_a_share_above_100_percent_is_flagged():
    facts = _facts(
        [
            {"measure": "milex_share_of_gdp", "value": 117.3, "row": 190},
            {"measure": "milex_share_of_gdp", "value": 100.0},
            {"measure": "milex_usd", "value": 5000.0},
        ]
    )
    assert run_check("shares_at_most_100_percent", facts).select("row", "value").rows() == [(190, 117.3)]


def test_a_source_older_than_its_publisher_s_latest_edition_is_flagged():
    today = dt.date.today()
    sipri_expected = today.year - 1 - (1 if today.month < 4 else 0)
    facts = _facts(
        [
            {"fact_source": "SIPRI Military Expenditure Database", "file": "old.xlsx", "period": sipri_expected - 1},
            {"fact_source": "SIPRI Military Expenditure Database", "file": "new.xlsx", "period": sipri_expected},
            {"fact_source": "Some unknown publisher", "file": "x.csv", "period": 1990},  # no expectation: not judged
        ]
    )
    found = run_check("sources_are_current", facts)
    assert found.select("file", "latest_year", "expected_latest_year").rows() == [
        ("old.xlsx", sipri_expected - 1, sipri_expected)
    ]


# --- the inbox sensor ----------------------------------------------------------------------------------------


def _drop(path, content: bytes, age: float = 60.0):
    path.write_bytes(content)
    past = time.time() - age
    os.utime(path, (past, past))


def test_the_sensor_sees_new_and_changed_files_but_not_touched_ones(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    changed, cursor = look_at_inbox(layout, None)
    assert changed == []
    _drop(inbox / "a.csv", b"one")
    changed, cursor = look_at_inbox(layout, cursor)
    assert changed == ["a.csv"]
    os.utime(inbox / "a.csv")  # touched: a new time stamp, the same content
    changed, cursor = look_at_inbox(layout, cursor, now=time.time() + 60)
    assert changed == []
    _drop(inbox / "a.csv", b"two")
    _drop(inbox / "b.csv", b"new")
    changed, cursor = look_at_inbox(layout, cursor)
    assert changed == ["a.csv", "b.csv"]
    assert json.loads(cursor)["files"]["a.csv"][2] == hashlib.sha256(b"two").hexdigest()


def test_the_sensor_waits_for_a_file_to_settle_and_ignores_set_aside_files(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    (inbox / "rejected").mkdir(parents=True)
    (inbox / "rejected" / "old.xlsx").write_bytes(b"x")
    (inbox / "copying.csv").write_bytes(b"half")  # modified just now: may still be being written
    changed, cursor = look_at_inbox(layout, None)
    assert changed == [] and json.loads(cursor)["files"] == {}
    changed, _ = look_at_inbox(layout, cursor, now=time.time() + automation.SETTLE_SECONDS + 1)
    assert changed == ["copying.csv"]


def test_the_sensor_requests_a_full_build_with_the_changed_files(tmp_path, monkeypatch):
    layout = make_root(tmp_path)
    (layout.data_raw / "inbox").mkdir()
    _drop(layout.data_raw / "inbox" / "x.csv", b"data")
    monkeypatch.setenv("MILSPACE_ROOT", str(layout.root))
    sensor = defs.resolve_sensor_def("inbox_sensor")
    with dg.instance_for_test() as instance:
        result = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, repository_def=defs.get_repository_def())
        )
        [request] = result.run_requests
        assert request.run_config == FULL_BUILD
        assert request.tags["milspace/changed"] == "x.csv"
        again = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=result.cursor, repository_def=defs.get_repository_def())
        )
        assert again.run_requests == [] and "Waiting for the build requested as" in again.skip_message
        job = defs.resolve_job_def(automation.BUILD_JOB)
        instance.create_run_for_job(
            job, status=dg.DagsterRunStatus.SUCCESS, tags={"dagster/run_key": request.run_key}
        )  # the requested build succeeded: the cursor moves on
        done = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=again.cursor, repository_def=defs.get_repository_def())
        )
        assert done.run_requests == [] and "No new or changed file" in done.skip_message
        assert "pending" not in json.loads(done.cursor)


def _status(statuses: dict[str, str]):
    return lambda key: statuses.get(key)


def test_the_sensor_advances_only_when_the_build_it_started_succeeded(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    _drop(inbox / "a.csv", b"one")
    statuses: dict[str, str] = {}
    _, looked = look_at_inbox(layout, None)
    key, cursor, news = automation.next_request(None, looked, _status(statuses), now=1000.0)
    assert key and news == ["a.csv"]
    statuses[key] = "failure"  # the build failed: the change is not forgotten ...
    retry, cursor, _ = automation.next_request(cursor, looked, _status(statuses), now=1010.0)
    assert retry is None  # ... not retried at once for the same content ...
    later = 1000.0 + automation.RETRY_SECONDS + 1
    retry, cursor, news = automation.next_request(cursor, looked, _status(statuses), now=later)
    assert retry and retry != key and news == ["a.csv"]  # ... but after RETRY_SECONDS
    statuses[retry] = "failure"
    _drop(inbox / "b.csv", b"two")  # or at once when the inbox changes again
    _, looked = look_at_inbox(layout, cursor)
    third, cursor, news = automation.next_request(cursor, looked, _status(statuses), now=later + 5)
    assert third and news == ["a.csv", "b.csv"]
    statuses[third] = "success"
    after, cursor, news = automation.next_request(cursor, looked, _status(statuses), now=later + 10)
    assert after is None and news == [] and sorted(json.loads(cursor)["files"]) == ["a.csv", "b.csv"]


def test_the_sensor_sees_a_rewrite_that_keeps_size_and_modification_time(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    _drop(inbox / "a.csv", b"one")
    _, cursor = look_at_inbox(layout, None)
    stamp = (inbox / "a.csv").stat()
    (inbox / "a.csv").write_bytes(b"two")  # same size ...
    os.utime(inbox / "a.csv", ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # ... and modification time put back
    changed, _ = look_at_inbox(layout, cursor)
    assert changed == ["a.csv"]


def test_the_sensor_counts_a_file_dated_in_the_future_once_it_stays_still(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    (inbox / "future.csv").write_bytes(b"x")
    os.utime(inbox / "future.csv", (4102444800, 4102444800))  # 2100
    changed, cursor = look_at_inbox(layout, None)
    assert changed == []
    changed, cursor = look_at_inbox(layout, cursor)
    assert changed == ["future.csv"]


def test_the_schedule_cron_is_set_in_one_place(monkeypatch):
    job = defs.resolve_job_def(automation.BUILD_JOB)
    monkeypatch.setattr(automation, "BUILD_CRON", "30 2 * * *")
    schedule = automation.weekly_schedule(job)
    assert schedule.cron_schedule == "30 2 * * *" and schedule.execution_timezone == "UTC"
    monkeypatch.setattr(automation, "BUILD_CRON", "every monday")
    with pytest.raises(ValueError, match="MILSPACE_BUILD_CRON='every monday' is not a cron schedule"):
        automation.weekly_schedule(job)
    assert defs.resolve_schedule_def("weekly_build").cron_schedule == "0 6 * * 1"


def test_the_sensor_takes_the_files_of_the_last_successful_build_as_read(tmp_path):
    layout = make_root(tmp_path)
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    _drop(inbox / "a.csv", b"one")
    _drop(inbox / "b.csv", b"two")
    _, looked = look_at_inbox(layout, None)
    digests = {name: entry[2] for name, entry in json.loads(looked)["files"].items()}
    # A new Dagster home (no cursor) after a build that read both files: nothing is news.
    start = automation.adopt_build(None, ("run-1", digests))
    key, cursor, news = automation.next_request(start, looked, _status({}), now=1000.0)
    assert (key, news) == (None, [])
    # The build had read an older a.csv: only a.csv is news.
    start = automation.adopt_build(None, ("run-1", {**digests, "a.csv": "0" * 64}))
    key, _, news = automation.next_request(start, looked, _status({}), now=1000.0)
    assert key is not None and news == ["a.csv"]
    # A cursor that already took run-1's files is kept as it is; a newer build replaces what it holds.
    assert automation.adopt_build(cursor, ("run-1", digests)) == cursor
    newer = json.loads(automation.adopt_build(cursor, ("run-2", {"b.csv": digests["b.csv"]})))
    assert newer["build"] == "run-2" and set(newer["files"]) == {"b.csv"}
    assert automation.adopt_build(cursor, None) == cursor  # no build recorded yet: the cursor as it was
