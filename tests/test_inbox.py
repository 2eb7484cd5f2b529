"""Published files dropped into data_raw/inbox/: read by the next build into marts.budget_lines and marts.sources,
and `milspace inspect` on one file."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from pipelines import cli
from pipelines.assets.inputs import INPUTS
from pipelines.paths import REPO_ROOT
from tests.conftest import make_root, query, run_build, shared_file

OWID = "owid/military-spending-as-a-share-of-gdp-sipri.csv"


@pytest.fixture(scope="module")
def inbox_build(tmp_path_factory):
    layout = make_root(tmp_path_factory.mktemp("inbox"))
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    shutil.copy(shared_file(OWID), inbox / "owid.csv")
    shutil.copy(shared_file("dod/fy2019_exhibits/R-1.xlsx"), inbox / "R-1.xlsx")
    (inbox / "half.xlsx").write_bytes(shared_file("nato/240617-def-exp-2024-TABLES-en.xlsx").read_bytes()[:5000])
    (inbox / "minutes.csv").write_text("date,attendees,room\n2026-11-25,4,B12\n2026-11-26,5,B12\n")
    (inbox / "README.md").write_text("notes for the team: never read\n")
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    return run


def test_inbox_files_land_in_budget_lines(inbox_build):
    layout = inbox_build.layout
    assert query(layout, "select count(*) from marts.budget_lines where file = 'data_raw/inbox/owid.csv'") == [(8245,)]
    [(value, unit, row)] = query(
        layout,
        "select value, unit, \"row\" from marts.budget_lines where entity_code = 'USA' and period = 2024 "
        "and file = 'data_raw/inbox/owid.csv'",
    )
    assert (round(value, 4), unit, row) == (3.4192, "percent of GDP", 7972)


def test_r1_program_elements_and_their_fy2019_total_in_the_warehouse(inbox_build):
    """The issue's figures, through reader, contract, warehouse and mart: 1,071 program element lines whose
    FY 2019 total sums to 93,963,648 thousand dollars; the footnote rows under the data are not lines."""
    [(lines, total, dollars, last_row)] = query(
        inbox_build.layout,
        'select count(*), sum(value), sum(value_units), max("row") from marts.budget_lines '
        "where file = 'data_raw/inbox/R-1.xlsx' and period = 2019 and funding_type = 'total' "
        "and phase = 'request' and not is_memo",
    )
    assert (lines, total, dollars, last_row) == (1071, 93_963_648, 93_963_648_000, 1073)
    [(space,)] = query(
        inbox_build.layout,
        "select count(distinct \"row\") from marts.budget_lines where is_space and file = 'data_raw/inbox/R-1.xlsx'",
    )
    assert space == 83  # 47 program elements of the space programs, and 36 older numbers of the same programs


def test_sources_lists_every_file_read_with_what_came_of_it(inbox_build):
    rows = query(
        inbox_build.layout,
        "select path, status, detected_format, rows_loaded, rows_rejected, length(sha256) from marts.sources "
        "where origin = 'inbox' order by path",
    )
    assert [r[:5] for r in rows] == [
        ("data_raw/inbox/R-1.xlsx", "loaded", "dod_exhibits", 14994, 0),
        ("data_raw/inbox/half.xlsx", "unreadable", None, 0, 0),
        ("data_raw/inbox/minutes.csv", "unreadable", None, 0, 0),
        ("data_raw/inbox/owid.csv", "loaded", "owid_grapher", 8245, 0),
    ]
    assert {r[5] for r in rows} == {64}
    starter = query(inbox_build.layout, "select count(*) from marts.sources where origin in ('starter', 'reference')")
    extracts = len(list((REPO_ROOT / "data_raw" / "starter" / "lines").glob("*.csv")))
    assert starter == [(len(INPUTS) + extracts,)]


def test_build_names_each_unreadable_inbox_file_and_why(inbox_build):
    output = inbox_build.output
    assert "Inbox: 2 of 4 file(s) read, 23,239 budget lines" in output
    assert "Cannot read file data_raw/inbox/half.xlsx: not a valid zip or .xlsx file" in output
    assert "Cannot read file data_raw/inbox/minutes.csv: not a format milspace reads" in output
    assert "check inbox_files_readable (marts/sources): FAILED (warn), 2 rows break it" in output


def test_inspect_prints_detection_counts_and_writes_lines(tmp_path, capsys):
    target = tmp_path / "lines.parquet"
    code = cli.main(["inspect", str(shared_file(OWID)), "--output", str(target)])
    out = capsys.readouterr().out
    assert code == 0
    assert "detected:  owid_grapher (Our World in Data)" in out
    assert "8,245 loaded; 0 source rows rejected" in out
    assert "milex_share_of_gdp  percent of GDP   8245  1949-2024       166        0" in out
    written = pl.read_parquet(target)
    assert written.height == 8245 and "source_column" in written.columns


def test_inspect_on_a_broken_file_is_one_clear_line(tmp_path, capsys):
    broken = tmp_path / "exhibit.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    code = cli.main(["inspect", str(broken)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == (
        f"milspace inspect: Cannot read file {broken}: not a valid zip or .xlsx file (it may be truncated or corrupted)"
    )
