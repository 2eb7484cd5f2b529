"""Bad input: bad rows are quarantined with their reason and the rest loads; a file that cannot be read, or a
failed blocking check, stops the build and leaves the published warehouse byte-for-byte as it was."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.paths import Layout
from tests.conftest import make_root, query, run_build, sha256

STARTER = Path("data_raw/starter")


def row_of(path: Path, **match: str) -> int:
    """The row number (header = 1) of the one row of a CSV matching `match`, read straight from the file."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    hits = [i + 2 for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, (match, hits)
    return hits[0]


def data_rows(path: Path) -> int:
    return len(list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))))


def edit_csv(path: Path, edit) -> None:
    """Rewrite a CSV through `edit(rows) -> rows` (rows as lists of strings, header first)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(edit(rows))


def set_cell(rows, match: dict[str, str], column: str, value: str):
    header = rows[0]
    hits = 0
    for row in rows[1:]:
        if all(row[header.index(k)] == v for k, v in match.items()):
            row[header.index(column)] = value
            hits += 1
    assert hits == 1, f"{match} matched {hits} rows"
    return rows


SIPRI = STARTER / "lines" / "sipri_milex.csv"


def line(rows, header, **match) -> list[str]:
    hits = [r for r in rows[1:] if all(r[header.index(k)] == v for k, v in match.items())]
    assert len(hits) == 1, (match, len(hits))
    return hits[0]


@pytest.fixture(scope="module")
def bad_rows_build(tmp_path_factory):
    """One build whose starter files carry one row of each kind of bad input: a curated topline and the shipped SIPRI
    extract (which enters by the same road as an inbox file)."""
    layout = make_root(tmp_path_factory.mktemp("bad_rows"))
    budget = layout.root / STARTER / "us_budget_lines.csv"
    milex = layout.root / SIPRI
    current = {"source_column": "2024", "measure": "milex_current_usd"}
    share = {"measure": "milex_share_of_gdp"}
    rows = {
        "budget": row_of(budget, fiscal_year="2024", organization="Space Force"),
        "nation": row_of(milex, entity_code="LUX", period="2010", measure="milex_current_usd"),
        "year": row_of(milex, entity_code="POL", period="2005", **share),
        "value": row_of(milex, entity_code="POL", period="2006", **share),
        "usa": row_of(milex, entity_code="USA", **current),
        "shipped": data_rows(milex),
        "national": sum(
            1
            for r in csv.DictReader(io.StringIO(milex.read_text(encoding="utf-8")))
            if r["sheet"] != "Local currency financial years"
        ),
    }
    # negative amount: the FY2024 Space Force request
    edit_csv(
        budget,
        lambda r: set_cell(r, {"fiscal_year": "2024", "organization": "Space Force"}, "amount_usd_millions", "-30000"),
    )
    # unknown nation code: Luxembourg 2010, current US$
    edit_csv(
        milex,
        lambda r: set_cell(
            r, {"entity_code": "LUX", "period": "2010", "measure": "milex_current_usd"}, "entity_code", "XYZ"
        ),
    )
    # year out of range: Poland 2005, share of GDP
    edit_csv(milex, lambda r: set_cell(r, {"entity_code": "POL", "period": "2005", **share}, "period", "2101"))
    # not a number: Poland 2006, share of GDP
    edit_csv(milex, lambda r: set_cell(r, {"entity_code": "POL", "period": "2006", **share}, "value", "1,9"))

    # a copy of one figure: a second USA 2024 current US$ line with another value
    def duplicate(rows):
        header = rows[0]
        copy = list(line(rows, header, entity_code="USA", **current))
        copy[header.index("value")] = "1000000.0"
        return rows + [copy]

    edit_csv(milex, duplicate)
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    run.rows = rows
    return run


def quarantined(layout: Layout, **where) -> list[dict]:
    clauses = " and ".join(f'"{k}" = ?' for k in where)
    rows = query(
        layout,
        f'select file, "row", "column", rule, value from marts.quarantine where {clauses} order by "row"',
        list(where.values()),
    )
    return [dict(zip(["file", "row", "column", "rule", "value"], r, strict=True)) for r in rows]


def test_negative_amount_is_quarantined_and_the_rest_loads(bad_rows_build):
    layout = bad_rows_build.layout
    [row] = quarantined(layout, file="data_raw/starter/us_budget_lines.csv")
    assert row == {
        "file": "data_raw/starter/us_budget_lines.csv",
        "row": bad_rows_build.rows["budget"],
        "column": "amount_usd_millions",
        "rule": "greater_than_or_equal_to(0)",
        "value": "-30000.0",
    }
    totals = sum(
        1
        for r in csv.DictReader(io.StringIO((layout.root / STARTER / "us_budget_lines.csv").read_text()))
        if r["appropriation_title"] == "total"
    )
    assert query(layout, "select count(*) from marts.us_budget") == [(totals - 1,)]
    assert [y for (y,) in query(layout, "select fiscal_year from marts.space_share order by 1")] == [
        2021,
        2022,
        2023,
        2025,
        2026,
    ]


def test_unknown_nation_code_is_quarantined(bad_rows_build):
    [row] = quarantined(bad_rows_build.layout, column="entity_code")
    assert row["value"] == "XYZ" and row["row"] == bad_rows_build.rows["nation"]
    assert row["file"] == "data_raw/starter/lines/sipri_milex.csv"
    assert row["rule"] == "listed in data_raw/reference/nations.csv (where entity_kind is country or historical_state)"
    assert query(
        bad_rows_build.layout,
        "select list(measure order by measure) from marts.military_expenditure "
        "where nation_iso3 = 'LUX' and year = 2010",
    ) == [(["constant_usd", "local_currency", "per_capita_usd", "share_of_gdp", "share_of_government_spending"],)]


def test_year_out_of_range_is_quarantined(bad_rows_build):
    [row] = quarantined(bad_rows_build.layout, column="period")
    assert (row["row"], row["value"]) == (bad_rows_build.rows["year"], "2101")
    assert row["rule"].startswith("less_than_or_equal_to(")


def test_text_in_a_number_column_is_quarantined_not_zeroed(bad_rows_build):
    [row] = quarantined(bad_rows_build.layout, column="value")
    assert (row["row"], row["value"], row["rule"]) == (bad_rows_build.rows["value"], "1,9", "type: number")
    assert query(
        bad_rows_build.layout,
        "select count(*) from marts.military_expenditure "
        "where nation_iso3 = 'POL' and year = 2006 and measure = 'share_of_gdp'",
    ) == [(0,)]


def test_a_figure_stated_twice_in_one_file_quarantines_every_copy(bad_rows_build):
    rows = quarantined(bad_rows_build.layout, column="2024")
    # the original line, and the copy appended after the last shipped line
    assert [r["row"] for r in rows] == [bad_rows_build.rows["usa"], bad_rows_build.rows["shipped"] + 2]
    assert {r["rule"] for r in rows} == {
        "one figure per line: the same figure (entity, period, measure, phase, classification, column) is stated by "
        "several rows of one sheet; every copy is quarantined, since nothing says which is right"
    }
    copies = f"rows {bad_rows_build.rows['usa']}, {bad_rows_build.rows['shipped'] + 2}"
    assert rows[1]["value"] == f"1000000.0 (the copies: {copies})"
    assert query(
        bad_rows_build.layout,
        "select count(*) from marts.military_expenditure "
        "where nation_iso3 = 'USA' and year = 2024 and measure = 'current_usd'",
    ) == [(0,)]


def test_build_says_how_many_rows_were_quarantined_and_where(bad_rows_build):
    assert "Quarantined: 6 rejected rows from 2 file(s), not loaded" in bad_rows_build.output
    assert 'milspace sql "select * from marts.quarantine where is_current"' in bad_rows_build.output
    assert "check nothing_quarantined (marts/quarantine): FAILED (warn), 5 rows break it" in bad_rows_build.output
    # SIPRI's national lines (the financial-year sheet aside) + 1 copy - 5 rejected lines
    expected = bad_rows_build.rows["national"] + 1 - 5
    assert query(bad_rows_build.layout, "select count(*) from marts.military_expenditure") == [(expected,)]


# --- a file that cannot be read, or a failed blocking check: nothing is published ----------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Layout:
    layout = make_root(tmp_path_factory.mktemp("published"))
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    return layout


@pytest.fixture
def copy_of_published(published, tmp_path) -> Layout:
    shutil.copytree(published.root, tmp_path / "root")
    return Layout(tmp_path / "root")


def _break_header(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("fiscal_year,organization,phase", "year,organization,phase", 1), encoding="utf-8")
    return "the header does not match datapackage.json: missing columns ['fiscal_year']; unexpected columns ['year']"


def _binary(path: Path) -> str:
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\xff\xfe\x00garbage" * 20)
    return "not UTF-8 text"


def _ragged(path: Path) -> str:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("2025,DoD,request,x,total,1,false,,s,https://x,primary,,EXTRA,MORE\n")
    return "not a readable CSV table"


def _missing(path: Path) -> str:
    path.unlink()
    return "the file is missing"


@pytest.mark.parametrize("corrupt", [_break_header, _binary, _ragged, _missing])
def test_unreadable_file_stops_the_build_and_leaves_the_warehouse_unchanged(copy_of_published, corrupt):
    layout = copy_of_published
    before = sha256(layout.warehouse)
    report_before = sha256(layout.report_index)
    problem = corrupt(layout.root / STARTER / "us_budget_lines.csv")

    run = run_build(layout)

    assert run.exit_code == 1
    assert "Build FAILED" in run.output
    assert "Cannot read file data_raw/starter/us_budget_lines.csv" in run.output
    assert problem in run.output
    assert "Traceback" not in run.output
    assert sha256(layout.warehouse) == before
    assert sha256(layout.report_index) == report_before
    assert list(layout.build_dir.glob("*.duckdb*")) == []


def test_a_damaged_starter_extract_stops_the_build_and_leaves_the_warehouse_unchanged(copy_of_published):
    """A shipped extract is part of the build, not a download: it is never set aside, and the build stops."""
    layout = copy_of_published
    before = sha256(layout.warehouse)
    extract = layout.root / SIPRI
    extract.write_text(extract.read_text(encoding="utf-8").replace("footnotes", "notes", 1), encoding="utf-8")
    run = run_build(layout)
    assert run.exit_code == 1
    assert (
        "Cannot read file data_raw/starter/lines/sipri_milex.csv: a milspace extract has exactly the budget-line "
        in (run.output)
    )
    assert "missing columns ['footnotes'] and unknown columns ['notes']" in run.output
    assert extract.exists() and sha256(layout.warehouse) == before


def test_failed_blocking_check_publishes_nothing(copy_of_published):
    layout = copy_of_published
    before = sha256(layout.warehouse)
    # A mistyped title: RDT&E 1,581.9 instead of 15,819 breaks the FY2023 Space Force titles-to-total reconciliation.
    edit_csv(
        layout.root / STARTER / "us_budget_lines.csv",
        lambda r: set_cell(r, {"fiscal_year": "2023", "appropriation_title": "RDT&E"}, "amount_usd_millions", "1581.9"),
    )
    run = run_build(layout)
    assert run.exit_code == 1
    assert "check titles_sum_to_total on staging/us_budget_lines failed (error): 1 rows break it" in run.output
    assert sha256(layout.warehouse) == before


def test_a_build_publishes_while_an_analyst_holds_the_warehouse_open(copy_of_published):
    """An open read-only shell does not block the build: the new file is renamed over the old one."""
    layout = copy_of_published
    edit_csv(
        layout.root / STARTER / "us_budget_lines.csv",
        lambda r: set_cell(r, {"fiscal_year": "2024", "organization": "DoD"}, "note", "edited for this test"),
    )
    shell = subprocess.Popen(
        [str(Path(sys.executable).parent / "duckdb"), "-readonly", str(layout.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        shell.stdin.write(b"select count(*) from marts.us_budget;\n")
        shell.stdin.flush()
        assert shell.stdout.readline()  # the shell has the old file open
        run = run_build(layout)
    finally:
        shell.stdin.close()
        shell.wait(timeout=30)
    assert run.exit_code == 0, run.output
    assert query(layout, "select note from marts.us_budget where fiscal_year = 2024 and organization = 'DoD'") == [
        ("edited for this test",)
    ]
