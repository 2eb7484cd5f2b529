"""The warehouse-wide invariants (sql/checks/, severity error), each shown to catch what it guards against: a copy of
a warehouse built from the starter data is broken on purpose, the way a wrong pipeline would break it, and the
check must return the rows that break it (and none on the warehouse as built). A failing error check blocks
publishing (tests/test_bad_input.py::test_failed_blocking_check_publishes_nothing)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from pipelines.assets.checks import check_specs
from pipelines.paths import SQL_DIR


def violations(path, name: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute((SQL_DIR / "checks" / f"{name}.sql").read_text(encoding="utf-8")).fetchall()


@pytest.fixture
def broken(built, tmp_path):
    """A copy of the starter warehouse and a function that runs SQL on it."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built.layout.warehouse, copy)

    def run(*statements: str):
        with duckdb.connect(str(copy)) as con:
            for statement in statements:
                con.execute(statement)
        return copy

    return run


def test_the_starter_warehouse_breaks_none_of_them(built):
    errors = [s.name for s in check_specs() if s.severity == "error"]
    assert {
        "no_figure_counted_twice",
        "one_preferred_edition",
        "space_dollars_in_one_area",
        "sums_never_mix",
        "calendar_years_of_one_phase",
        "real_growth_independent_of_base",
    } <= set(errors)
    for name in errors:
        assert violations(built.layout.warehouse, name) == [], name


def test_a_figure_preferred_from_two_files_is_counted_twice(broken):
    """What a starter extract and the workbook it came from did before they shared one identity."""
    path = broken(
        "INSERT INTO marts.budget_facts SELECT * REPLACE ('data_raw/inbox/copy.xlsx' AS file) FROM marts.budget_facts "
        "WHERE entity_code = 'FRA' AND period = 2023 AND measure = 'milex_usd' AND price_basis = 'current'"
    )
    [row] = violations(path, "no_figure_counted_twice")
    assert row[3] == 2 and "data_raw/inbox/copy.xlsx" in row[4]


def test_a_superseded_edition_kept_is_found(broken):
    """A newer release that gives the figure, while the older one stays preferred."""
    path = broken(
        "INSERT INTO marts.budget_facts SELECT * REPLACE ('April 2030 release' AS edition, '2030' AS vintage, "
        "false AS is_preferred, 'data_raw/inbox/new.xlsx' AS file) FROM marts.budget_facts "
        "WHERE entity_code = 'FRA' AND period = 2020 AND measure = 'milex_share_of_gdp' AND fact_source LIKE 'SIPRI%'"
    )
    [row] = violations(path, "one_preferred_edition")
    assert (row[2], row[4], row[5]) == (1, "2025", "2030")


def test_a_constant_series_drawn_from_two_releases_is_found(broken):
    """Base years mixed in one series: one year's constant figure from another release, preferred."""
    path = broken(
        "UPDATE marts.budget_facts SET edition = 'April 2020 release', vintage = '2020' "
        "WHERE entity_code = 'FRA' AND period = 2010 AND measure = 'milex_usd' AND price_basis LIKE 'constant%'"
    )
    rows = violations(path, "one_preferred_edition")
    assert any(r[2] == 2 for r in rows)


def test_an_edition_whose_vintage_cannot_be_read_is_found(broken):
    path = broken(
        "INSERT INTO marts.budget_facts SELECT * REPLACE ('an undated edition' AS edition, '' AS vintage, "
        "false AS is_preferred) FROM marts.budget_facts WHERE entity_code = 'FRA' AND period = 2020 "
        "AND measure = 'milex_share_of_gdp' AND fact_source LIKE 'SIPRI%'"
    )
    rows = violations(path, "one_preferred_edition")
    assert ("SIPRI Military Expenditure Database", None, None, "an undated edition", "", "no vintage read from the "
            "edition") in rows  # fmt: skip


def test_a_space_dollar_counted_in_two_areas_or_lost_is_found(broken):
    path = broken(
        "UPDATE marts.capability_investment SET amount_usd_millions = amount_usd_millions + 100 WHERE "
        "fiscal_year = 2019 AND phase = 'request' AND capability_area = 'pnt' AND exhibit_column = 'FY 2019 Total'"
    )
    [row] = violations(path, "space_dollars_in_one_area")
    assert (row[0], row[1]) == (2019, "request")
    assert round(row[7] - row[6], 6) == 100


def test_a_space_line_preferred_twice_breaks_the_area_sums(broken):
    path = broken(
        "INSERT INTO marts.budget_facts SELECT * REPLACE ('again.csv' AS file) FROM marts.budget_facts "
        "WHERE line_item = '0604853F' AND period = 2017 AND is_preferred"
    )
    rows = violations(path, "space_dollars_in_one_area")
    assert any(r[0] == 2017 and r[8] > r[9] for r in rows)  # more lines than distinct figures


def test_two_rows_that_invite_adding_are_found(broken):
    path = broken(
        "INSERT INTO marts.us_appropriations SELECT * FROM marts.us_appropriations "
        "WHERE fiscal_year = 2023 AND organization = 'Space Force' AND appropriation_title = 'RDT&E'"
    )
    rows = violations(path, "sums_never_mix")
    assert ("marts.us_appropriations", 2023, "Space Force", "request", "RDT&E", "rows sharing one key: 2") in rows


def test_a_total_added_to_its_parts_is_found(broken):
    path = broken(
        "UPDATE marts.investment_share SET total_usd_millions = total_usd_millions + stated_total_usd_millions "
        "WHERE stated_total_usd_millions IS NOT NULL"
    )
    rows = violations(path, "sums_never_mix")
    assert rows and all(r[0] == "marts.investment_share" for r in rows)
    assert "a total added to its parts?" in rows[0][5]


def test_a_calendar_year_adding_two_phases_is_found(broken):
    path = broken(
        "UPDATE marts.calendar_year_budget SET phase = NULL "
        "WHERE nation_iso3 = 'GBR' AND year = 2020 AND amount_millions IS NOT NULL"
    )
    rows = violations(path, "calendar_years_of_one_phase")
    assert rows and {r[0] for r in rows} == {"GBR"}


def test_real_growth_that_depends_on_the_base_year_is_found(broken):
    """Growth computed on the rebased levels of a nation without a figure in the base year would be missing; growth
    off by a point would differ from the growth of the series rebased to any year."""
    path = broken(
        "UPDATE marts.defense_yoy SET real_yoy_pct = real_yoy_pct + 1 WHERE nation_iso3 = 'JPN' AND year = 2020",
        "UPDATE marts.defense_yoy SET real_yoy_pct = NULL WHERE nation_iso3 = 'ARE' AND year = 2012",
    )
    rows = violations(path, "real_growth_independent_of_base")
    assert {(r[0], r[1]) for r in rows} == {("JPN", 2020), ("ARE", 2012)}
