"""A build that finds nothing changed runs nothing (pipelines/fingerprint.py), and any change makes it build."""

from __future__ import annotations

import json
import os

import pytest

from pipelines import fingerprint
from pipelines.fingerprint import inputs_fingerprint, last_build, unchanged_since
from pipelines.paths import Layout
from tests.conftest import make_root, query, run_build


@pytest.fixture
def root(tmp_path) -> Layout:
    layout = make_root(tmp_path / "root")
    (layout.data_raw / "inbox").mkdir()
    return layout


def test_the_same_files_and_settings_give_the_same_fingerprint(root):
    assert inputs_fingerprint(root) == inputs_fingerprint(root)
    # Where the root is does not matter: the same files elsewhere are the same inputs.
    assert inputs_fingerprint(root) == inputs_fingerprint(Layout(root.root))


def test_every_change_a_build_would_read_changes_the_fingerprint(root, monkeypatch):
    seen = {inputs_fingerprint(root)}

    def changed() -> bool:
        now = inputs_fingerprint(root)
        fresh = now not in seen
        seen.add(now)
        return fresh

    dropped = root.data_raw / "inbox" / "owid.csv"
    dropped.write_text("Entity,Code,Year,Military expenditure (% of GDP)\nFrance,FRA,2020,2.0\n")
    assert changed()  # a new inbox file
    os.utime(dropped, ns=(10**18, 10**18))
    assert changed()  # the same file, written again (a new modification time)
    dropped.write_text("Entity,Code,Year,Military expenditure (% of GDP)\nFrance,FRA,2020,2.15\n")
    os.utime(dropped, ns=(10**18, 10**18))
    assert changed()  # the same time but another size
    reference = next(root.reference.glob("*.csv"))
    os.utime(reference, ns=(10**18, 10**18))
    assert changed()  # a reference table
    (root.strategies).mkdir(parents=True, exist_ok=True)
    (root.strategies / "doctrine.txt").write_text("space superiority")
    assert changed()  # a strategy document
    monkeypatch.setenv("MILSPACE_MAX_FILE_MB", "5")
    assert changed()  # a setting
    monkeypatch.setenv("MILSPACE_ROOT", "/elsewhere")
    assert not changed()  # where the root is, which is not an input
    dropped.unlink()
    assert changed()
    odd = os.fsencode(root.data_raw / "inbox") + b"/budget-\xff\xfe.csv"  # a name that is not UTF-8
    with open(odd, "wb") as handle:
        handle.write(b"x")
    assert changed()
    os.mkfifo(root.data_raw / "inbox" / "pipe.csv")  # a FIFO is looked at, never opened
    assert changed()
    (root.data_raw / "inbox" / "link.csv").symlink_to(root.data_raw / "nowhere")  # a dangling link
    assert changed()
    monkeypatch.setattr(fingerprint, "CODE_SUFFIXES", (".py",))
    assert changed()  # the code: here, the SQL and YAML files no longer counted


def test_an_unreadable_record_is_no_record(root):
    root.data_marts.mkdir(parents=True)
    root.last_build.write_text("{not json")
    assert last_build(root) is None
    root.last_build.write_text(json.dumps({"fingerprint": "x"}))
    assert last_build(root) is None
    assert unchanged_since(root, "x") is None


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    layout = make_root(tmp_path_factory.mktemp("fingerprint") / "root")
    (layout.data_raw / "inbox").mkdir()
    first = run_build(layout, full=False)
    assert first.exit_code == 0, first.output
    return layout


def _published(layout: Layout) -> tuple[int, int]:
    info = layout.warehouse.stat()
    return info.st_ino, info.st_mtime_ns


def test_a_build_with_nothing_changed_runs_nothing_and_says_so(built_once):
    layout = built_once
    record = last_build(layout)
    assert record is not None and record.fingerprint == inputs_fingerprint(layout)
    before, report = _published(layout), layout.report_index.stat().st_mtime_ns
    again = run_build(layout, full=False)
    assert again.exit_code == 0, again.output
    assert "Nothing changed since the build finished" in again.output and record.run_id in again.output
    assert "`milspace build --full` builds anyway" in again.output
    assert _published(layout) == before and layout.report_index.stat().st_mtime_ns == report
    assert "Dagster run" in again.output and "Built in" not in again.output


def test_a_new_inbox_file_a_replaced_warehouse_or_full_builds_again(built_once):
    layout = built_once
    dropped = layout.data_raw / "inbox" / "owid-share.csv"
    dropped.write_text("Entity,Code,Year,Military expenditure (% of GDP)\nFrance,FRA,2020,2.0\n")
    settled = dropped.stat().st_mtime - 60
    os.utime(dropped, (settled, settled))
    before = _published(layout)
    run = run_build(layout, full=False)
    assert run.exit_code == 0 and "Built in" in run.output, run.output
    assert _published(layout) != before
    assert query(layout, "SELECT status FROM marts.sources WHERE path = 'data_raw/inbox/owid-share.csv'") == [
        ("loaded",)
    ]
    # The report redrawn by hand (`milspace report`): what the last build published is no longer in place.
    os.utime(layout.report_index)
    before = _published(layout)
    run = run_build(layout, full=False)
    assert "Built in" in run.output and _published(layout) != before
    # --full builds whatever the record says.
    before = _published(layout)
    run = run_build(layout, full=True)
    assert "Built in" in run.output and _published(layout) != before
    assert "Nothing changed" in run_build(layout, full=False).output


def test_a_record_that_cannot_be_written_is_a_note_and_the_build_still_succeeds(tmp_path, monkeypatch):
    layout = make_root(tmp_path / "root")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fingerprint, "record_build", full_disk)
    run = run_build(layout, full=False)
    assert run.exit_code == 0, run.output
    assert "could not record what this build read" in run.output and "No space left on device" in run.output
    assert not layout.last_build.exists()
