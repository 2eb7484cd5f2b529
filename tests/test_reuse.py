"""Content-addressed intake (issue 19): a streamed file's checked lines are copied from the published warehouse when
its bytes, milspace's code and the known nations are those it was loaded with, and the result is the full build's.

A generated milspace budget-lines file (with rows that break the contract and two lines that state one figure) is
built; a small file is added and the build runs again without --full; a second root with the same inbox is built in
full. Every staging and mart table must then hold the same rows (`benchmarks/incremental.py`'s checksums, which
leave out the columns that say which build did what)."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from benchmarks.generate import budget_lines
from benchmarks.incremental import checksums
from pipelines.intake import inbox as inbox_module
from pipelines.intake import store
from pipelines.intake.store import store_dir
from tests.conftest import make_root, query, run_build
from tests.test_scale import tiny

BIG = "data_raw/inbox/lines.csv"
SMALL = ("Ministry", "FRA", 2024, "enacted", "Air and Space Force", "P1", "PE1", "Satellites", 100.0, "EUR")


def _streamed(layout) -> dict[str, tuple]:
    rows = query(layout, "SELECT file, lines, copies, reused, run_id FROM staging.streamed_files ORDER BY file")
    return {row[0]: row[1:] for row in rows}


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    """(root built, then built again after a small file; root built once in full with the same inbox; outputs)."""
    root = make_root(tmp_path_factory.mktemp("reused"))
    inbox = root.data_raw / "inbox"
    inbox.mkdir(parents=True)
    lines = budget_lines(20_000, 8)
    pl.concat([lines, lines.slice(100, 1)]).write_csv(inbox / "lines.csv")  # row 20,002 copies row 102
    first = run_build(root, full=False)
    assert first.exit_code == 0, first.output
    tiny(inbox / "ministry.csv", [SMALL])
    second = run_build(root, full=False)
    assert second.exit_code == 0, second.output
    full = make_root(tmp_path_factory.mktemp("full"))
    shutil.copytree(inbox, full.data_raw / "inbox")
    whole = run_build(full)  # --full: every file read
    assert whole.exit_code == 0, whole.output
    return root, full, first, second


def test_an_unchanged_file_is_copied_not_read_and_the_result_is_the_full_builds(incremental):
    root, full, first, second = incremental
    assert "copied from unchanged files" not in first.output
    reused, read = _streamed(root), _streamed(full)
    assert f", {reused[BIG][0] - reused[BIG][1]:,} of them copied from unchanged files" in second.output
    assert reused[BIG][2] is True and read[BIG][2] is False
    first_run = reused[BIG][3]
    assert first_run != query(root, "SELECT max(run_id) FROM staging.quarantine")[0][0]  # read by the first build
    assert reused[BIG][:2] == read[BIG][:2] and reused[BIG][1] == 2  # the same lines, the copy taken out twice
    assert reused["data_raw/inbox/ministry.csv"][2] is False
    ours, theirs = checksums(root.warehouse), checksums(full.warehouse)
    assert ours.keys() == theirs.keys() and "staging.milspace_lines" in ours
    assert {t for t in ours if ours[t] != theirs[t]} == set()
    bad = query(root, "SELECT count(*) FROM marts.quarantine WHERE file = ?", [BIG])[0][0]
    assert bad == query(full, "SELECT count(*) FROM marts.quarantine WHERE file = ?", [BIG])[0][0] and bad > 500
    sources = "SELECT rows_loaded, rows_rejected FROM marts.sources WHERE path = ?"
    assert query(root, sources, [BIG]) == query(full, sources, [BIG])


def test_a_file_read_whole_is_taken_from_the_intake_store(incremental, monkeypatch):
    """The starter extracts are read whole: a build that is not --full takes them from data_marts/intake/."""
    root = incremental[0]
    kept = [e for e in store_dir(root).iterdir() if not e.name.startswith(".")]
    assert len(kept) >= len(list((root.data_raw / "starter" / "lines").glob("*.csv")))
    original = inbox_module._check

    def guarded(path, shown, *args):
        assert not shown.startswith("data_raw/starter/"), f"{shown} was read again"
        return original(path, shown, *args)

    monkeypatch.setattr(inbox_module, "_check", guarded)
    tiny(root.data_raw / "inbox" / "ministry_3.csv", [SMALL[:2] + (2022,) + SMALL[3:]])
    again = run_build(root, full=False)
    assert again.exit_code == 0, again.output
    monkeypatch.undo()
    from_store = checksums(root.warehouse)
    full = run_build(root)  # --full: every file read again
    assert full.exit_code == 0, full.output
    read = checksums(root.warehouse)
    assert {t for t in read if from_store.get(t) != read[t]} == set() and "marts.sources" in read


def test_a_changed_file_new_code_or_full_reads_the_file_again(incremental, monkeypatch):
    root, _, _, _ = incremental
    path = root.root / BIG
    lines = pl.read_csv(path, infer_schema=False)  # every field as written
    amount = lines.item(0, "amount_thousands")
    amounts = pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("123456.0")).otherwise(pl.col("amount_thousands"))
    lines.with_columns(amounts.alias("amount_thousands")).write_csv(path)
    changed = run_build(root, full=False)
    assert changed.exit_code == 0, changed.output
    streamed = _streamed(root)
    assert streamed[BIG][2] is False and streamed["data_raw/inbox/ministry.csv"][2] is True  # only the one changed
    copied = sum(lines - copies for lines, copies, reused, _ in streamed.values() if reused)
    assert f", {copied:,} of them copied from unchanged files" in changed.output and copied >= 1
    value = 'SELECT amount_thousands FROM staging.milspace_lines WHERE file = ? AND "row" = 2'
    assert query(root, value, [BIG]) == [(123456.0,)] and amount != "123456.0"

    tiny(root.data_raw / "inbox" / "ministry_2.csv", [SMALL[:2] + (2023,) + SMALL[3:]])
    monkeypatch.setattr(store, "code_fingerprint", lambda: "other code")
    recoded = run_build(root, full=False)
    assert recoded.exit_code == 0, recoded.output
    assert "copied from unchanged files" not in recoded.output and _streamed(root)[BIG][2] is False
    monkeypatch.undo()

    again = run_build(root)  # --full
    assert again.exit_code == 0, again.output
    assert not any(reused for _, _, reused, _ in _streamed(root).values())
