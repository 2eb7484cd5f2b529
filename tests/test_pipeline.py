"""End to end: the shipped starter data built into a temporary root, asserted on mart values."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import query


def test_build_reports_where_the_warehouse_and_report_are(built):
    assert f"Warehouse: {built.layout.warehouse}" in built.output
    assert f"Report:    {built.layout.report_index}" in built.output
    assert "Quarantined: none" in built.output
    assert built.layout.warehouse.is_file() and built.layout.report_index.is_file()


def test_build_prints_a_progress_line_per_asset_and_check(built):
    lines = [line for line in built.output.splitlines() if line.startswith("[")]
    total = int(lines[0].split("/")[1].split("]")[0])
    assert len(lines) == total
    assert any("staging/budget_lines" in line and "rows)" in line for line in lines)
    assert any("check no_figure_counted_twice (marts/budget_facts): passed" in line for line in lines)
    assert any("check titles_sum_to_total (staging/us_budget_lines): passed" in line for line in lines)


def test_us_budget_fy2023_requests(built):
    rows = query(
        built.layout,
        "select organization, amount_usd_millions, amount_usd_billions from marts.us_budget "
        "where fiscal_year = 2023 and phase = 'request' and is_headline_scope order by organization",
    )
    assert rows == [("DoD", 773_000.0, 773.0), ("Space Force", 24_500.0, 24.5)]


def test_us_budget_keeps_disagreeing_scopes_apart(built):
    scopes = query(
        built.layout,
        "select scope, amount_usd_billions from marts.us_budget "
        "where fiscal_year = 2023 and organization = 'Space Force' and phase = 'request' order by scope",
    )
    assert len(scopes) == 2
    assert {round(b, 1) for _, b in scopes} == {24.5, 27.6}


def test_military_expenditure_usa_2024_current(built):
    rows = query(
        built.layout,
        "select value, unit, nation_name, is_estimate from marts.military_expenditure "
        "where nation_iso3 = 'USA' and year = 2024 and measure = 'current_usd'",
    )
    assert rows == [(997_309.0, "US$ millions, current prices", "United States of America", False)]


def test_military_expenditure_keeps_sipri_estimates_and_gaps(built):
    china = query(
        built.layout,
        "select value, is_estimate from marts.military_expenditure "
        "where nation_iso3 = 'CHN' and year = 2024 and measure = 'current_usd'",
    )
    assert [(round(value, 1), estimate) for value, estimate in china] == [(313_658.3, True)]
    gaps = query(
        built.layout,
        "select count(*), min(missing_marker), max(missing_marker) from marts.military_expenditure where value is null",
    )
    assert gaps[0][0] > 0 and gaps[0][1] == gaps[0][2] == "..."


def test_defense_yoy_real_change_matches_the_constant_series(built):
    (prev, this) = [
        v
        for (v,) in query(
            built.layout,
            "select value from marts.military_expenditure where nation_iso3 = 'RUS' "
            "and measure = 'constant_usd' and year in (2023, 2024) order by year",
        )
    ]
    (real, nominal, share) = query(
        built.layout,
        "select real_yoy_pct, nominal_yoy_pct, share_of_gdp_pct from marts.defense_yoy "
        "where nation_iso3 = 'RUS' and year = 2024",
    )[0]
    assert real == round(100 * (this / prev - 1), 2)
    assert real > 30  # SIPRI: Russia's 2024 spending rose by more than a third in real terms
    assert nominal != real
    assert round(share, 4) == 7.0523


def test_defense_yoy_has_no_change_across_a_gap(built):
    # The UAE has no SIPRI figure for 2015-2024 ('...'): no change can be computed into or out of the gap.
    rows = query(
        built.layout,
        "select year, source_constant_usd_millions, real_yoy_pct from marts.defense_yoy "
        "where nation_iso3 = 'ARE' and source_constant_usd_millions is null",
    )
    assert [year for year, _, _ in rows] == list(range(2015, 2025))
    assert all(real is None for _, _, real in rows)
    first_year = query(built.layout, "select real_yoy_pct from marts.defense_yoy where year = 2000")
    assert {r for (r,) in first_year} == {None}


def test_real_growth_does_not_need_a_figure_in_the_base_year(built):
    """The UAE has no figure in the base year (2024), so its levels cannot be rebased; its real change, computed on
    SIPRI's own constant series, is there all the same, and equals the change of that series."""
    [(base, level, real, this, prev)] = query(
        built.layout,
        "select yoy.constant_base_year, yoy.constant_usd_millions, yoy.real_yoy_pct, yoy.source_constant_usd_millions, "
        "before.source_constant_usd_millions from marts.defense_yoy as yoy join marts.defense_yoy as before "
        "on before.nation_iso3 = yoy.nation_iso3 and before.year = yoy.year - 1 "
        "where yoy.nation_iso3 = 'ARE' and yoy.year = 2012",
    )
    assert base == 2024 and level is None
    assert real == round(100 * (this / prev - 1), 2) == -1.47


def test_space_share_fy2023(built):
    rows = query(
        built.layout,
        "select share_pct, space_scope, defense_scope from marts.space_share "
        "where nation_iso3 = 'USA' and fiscal_year = 2023 and phase = 'request'",
    )
    assert rows == [(3.17, "USSF, including SDA", "DoD (051)")]
    years = [y for (y,) in query(built.layout, "select fiscal_year from marts.space_share order by 1")]
    assert years == [2021, 2022, 2023, 2024, 2025, 2026]


def test_quarantine_is_empty_for_the_shipped_data(built):
    assert query(built.layout, "select count(*) from marts.quarantine") == [(0,)]


def test_every_mart_column_with_an_amount_states_its_unit(built):
    rows = query(
        built.layout,
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts' "
        "and (column_name like '%_millions' or column_name like '%_billions' or column_name like '%_pct')",
    )
    assert rows
    for table, column, comment in rows:
        assert comment and any(u in comment for u in ("US$", "Millions", "ercent")), (table, column, comment)


def test_every_published_table_opens_with_grain_comment(built):
    tables = query(built.layout, "select schema_name, table_name from duckdb_tables() where schema_name = 'marts'")
    names = {t for _, t in tables}
    assert {"military_expenditure", "defense_yoy", "us_budget", "space_share", "quarantine"} <= names
    from pipelines.paths import SQL_DIR

    for name in names:
        header = (SQL_DIR / "marts" / f"{name}.sql").read_text().splitlines()
        assert header[0] == f"-- marts.{name}"
        assert header[1].startswith("-- Grain:")


def test_milspace_sql_prints_the_fy2023_share(built):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "--root",
            str(built.layout.root),
            "sql",
            "select share_pct from marts.space_share where nation_iso3 = 'USA' "
            "and fiscal_year = 2023 and phase = 'request'",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[2].strip() == "3.17"


def test_milspace_sql_csv_and_json(built, capsys):
    from pipelines import cli

    cli.main(
        [
            "--root",
            str(built.layout.root),
            "sql",
            "select fiscal_year, share_pct from marts.space_share order by 1",
            "--format",
            "csv",
        ]
    )
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert rows[0] == ["fiscal_year", "share_pct"] and rows[3] == ["2023", "3.17"]
    cli.main(
        [
            "--root",
            str(built.layout.root),
            "sql",
            "select fiscal_year, share_pct from marts.space_share where fiscal_year = 2026",
            "--format",
            "json",
        ]
    )
    assert json.loads(capsys.readouterr().out) == [{"fiscal_year": 2026, "share_pct": 4.17}]


def test_milspace_sql_is_read_only(built, capsys):
    from pipelines import cli

    code = cli.main(["--root", str(built.layout.root), "sql", "delete from marts.space_share"])
    assert code == 1
    assert "read-only" in capsys.readouterr().err
    assert query(built.layout, "select count(*) from marts.space_share") == [(6,)]


def test_duckdb_shell_opens_the_warehouse(built):
    """The command-line shell the README tells analysts to use reads the file the pipeline writes."""
    shell = Path(sys.executable).parent / "duckdb"
    result = subprocess.run(
        [
            str(shell),
            "-readonly",
            "-csv",
            str(built.layout.warehouse),
            "-c",
            "select value from marts.military_expenditure "
            "where nation_iso3='USA' and year=2024 and measure='current_usd'",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["value", "997309.0"]


def test_no_working_copy_left_after_a_successful_build(built):
    assert list(built.layout.build_dir.glob("*.duckdb*")) == []
