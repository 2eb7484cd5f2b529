"""The whole real corpus at once: every file of ../shared/data in the inbox beside the starter data, as an analyst
drops them (the session fixture `full`). The figures an independent audit found wrong, each asserted here, and the
warehouse-wide invariants (sql/checks/) holding on it."""

from __future__ import annotations

import re

import pytest

from pipelines.assets.checks import check_specs
from pipelines.paths import SQL_DIR
from tests.conftest import query

#: The invariants, each a blocking SQL check.
INVARIANTS = (
    "no_figure_counted_twice",
    "one_preferred_edition",
    "space_dollars_in_one_area",
    "sums_never_mix",
    "calendar_years_of_one_phase",
    "real_growth_independent_of_base",
)


def check_rows(layout, name: str) -> list[tuple]:
    return query(layout, (SQL_DIR / "checks" / f"{name}.sql").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", INVARIANTS)
def test_every_invariant_is_a_blocking_check_and_holds_on_the_whole_corpus(full, name):
    [spec] = [s for s in check_specs() if s.name == name]
    assert spec.severity == "error"  # blocks publishing
    assert f"check {name} ({spec.asset[0]}/{spec.asset[1]}): passed" in full.output
    assert check_rows(full.layout, name) == []


# --- 1. counted twice -----------------------------------------------------------------------------------------


def test_fy2019_space_procurement_and_om_are_counted_once(full):
    """The starter extract of the FY2019 exhibits and the exhibits themselves are one figure each."""
    rows = dict(
        query(
            full.layout,
            "select appropriation_title, amount_usd_millions from marts.us_appropriations "
            "where organization = 'Space programs (milspace rule)' and fiscal_year = 2019 and phase = 'request' "
            "and funding_type = 'total' and exhibit_column = 'FY 2019 Total'",
        )
    )
    assert round(rows["procurement"], 1) == 2527.5
    assert round(rows["operation and maintenance"], 1) == 627.2
    inbox, starter = query(
        full.layout,
        "select count(*) filter (where is_preferred), count(*) from marts.budget_facts "
        "where line_item = '0604853F' and period = 2017 group by origin order by origin",
    )
    assert inbox == (1, 1) and starter == (0, 1)  # the workbook's line preferred, the extract's kept but not used


# --- 2. price bases ---------------------------------------------------------------------------------------------


def test_capability_areas_are_program_lines_in_one_price_basis(full):
    rows = query(
        full.layout,
        "select fiscal_year, count(distinct price_basis), string_agg(distinct source, '; ') "
        "from marts.capability_investment group by fiscal_year",
    )
    assert rows and all(bases == 1 for _, bases, _ in rows)
    assert not any("Green Book" in sources for _, _, sources in rows)  # department totals are not program lines
    # no 'unmapped' larger than the space lines it comes from
    oversized = query(
        full.layout,
        "select fiscal_year from marts.capability_investment as c where capability_area = 'unmapped' "
        "and amount_usd_millions > (select sum(amount_usd_millions) from marts.capability_investment as a "
        "where a.fiscal_year = c.fiscal_year and a.phase = c.phase and a.funding_type = c.funding_type "
        "and a.price_basis = c.price_basis and a.edition = c.edition and a.exhibit_column = c.exhibit_column)",
    )
    assert oversized == []
    assert query(full.layout, "select count(*) from marts.capability_investment where fiscal_year = 2021") == [(0,)]


# --- 3. superseded editions -------------------------------------------------------------------------------------


def test_superseded_sipri_releases_are_not_preferred_where_the_newest_gives_the_series(full):
    rows = query(
        full.layout,
        "select edition, count(*) from marts.budget_facts where is_preferred and fact_source like 'SIPRI%' "
        "and entity_kind = 'country' and measure = 'milex_usd' and price_basis like 'constant%' group by edition",
    )
    assert dict(rows).keys() == {"April 2025 release"}
    [(cited,)] = query(full.layout, "select count(*) from marts.defense_yoy where source like '%;%'")
    assert cited == 0  # every figure cites one edition


def test_two_exports_of_one_release_are_one_edition_and_never_a_revision(full):
    editions = query(
        full.layout,
        "select path, edition from marts.sources where detected_format = 'sipri_milex' order by path",
    )
    assert {e for p, e in editions if "1949-2024" in p or "2017-2025" in p} == {"April 2025 release"}
    [(zero, same)] = query(
        full.layout,
        "select count(*) filter (where revision = 0), count(*) filter (where edition_old = edition_new) "
        "from marts.vintage_revisions",
    )
    assert (zero, same) == (0, 0)
    # a revision is listed once per pair of editions, however many files bring them
    [(repeated,)] = query(
        full.layout,
        "select count(*) from (select figure_key, edition_old, edition_new from marts.vintage_revisions "
        "group by all having count(*) > 1)",
    )
    assert repeated == 0


def test_the_partial_export_labelled_2024_is_stored_at_its_true_base_2023(full):
    rows = query(
        full.layout,
        "select distinct price_basis from marts.budget_facts where file like '%SIPRI-Milex-data-2017-2025.xlsx' "
        "and measure = 'milex_usd' and price_basis like 'constant%'",
    )
    assert rows == [("constant_2023",)]


# --- 4. real growth without a figure in the base year -------------------------------------------------------------


def test_nations_without_a_base_year_figure_keep_their_real_growth(full):
    [(level, real)] = query(
        full.layout,
        "select constant_usd_millions, real_yoy_pct from marts.defense_yoy where nation_iso3 = 'ARE' and year = 2012",
    )
    assert level is None and real == -1.47  # United Arab Emirates 2012
    [(ussr,)] = query(
        full.layout,
        "select count(real_yoy_pct) from marts.defense_yoy where nation_iso3 = 'SUN' and year between 1989 and 1991",
    )
    assert ussr > 0
    lost = query(
        full.layout,
        "select nation_iso3 from marts.defense_yoy group by nation_iso3 "
        "having count(source_constant_usd_millions) filter (where source_constant_usd_millions > 0) > 1 "
        "and count(real_yoy_pct) = 0",
    )
    assert lost == []


# --- 5. fiscal years ----------------------------------------------------------------------------------------------


def test_us_fiscal_years_before_1977_ran_july_to_june(full):
    rows = dict(
        query(
            full.layout,
            "select year, amount_usd_millions from marts.calendar_year_budget where nation_iso3 = 'USA' "
            "and measure = 'outlays' and price_basis = 'current' and category = '050 National Defense' "
            "and year in (1946, 1976, 1977)",
        )
    )
    assert rows[1946] == 27_744.5  # half of FY 1946 (42,681) and half of FY 1947 (12,808)
    assert rows[1976] is None  # the transition quarter, July-September 1976, is in no fiscal year
    [(note, months)] = query(
        full.layout,
        "select note, months_covered from marts.calendar_year_budget where nation_iso3 = 'USA' and year = 1976 "
        "and measure = 'outlays' and price_basis = 'current' and category = '050 National Defense'",
    )
    assert (months, note) == (9, "9 of 12 months are in the fiscal years given")


def test_sipri_us_figures_are_fiscal_years_compared_with_dod_fiscal_years(full):
    [(year_type, label)] = query(
        full.layout,
        "select distinct period_type, fiscal_year_label from marts.budget_facts where is_preferred "
        "and fact_source like 'SIPRI%' and entity_code = 'USA' and measure = 'milex_usd'",
    )
    assert (year_type, label) == ("fiscal_year", "end")
    pairs = query(
        full.layout,
        "select year_type_a, year_type_b from marts.source_agreement where nation_iso3 = 'USA' "
        "and source_a = 'SIPRI' and source_b = 'US DoD' and year = 2019",
    )
    assert pairs and set(pairs) == {("fiscal_year", "fiscal_year")}


def test_calendar_years_cover_every_nation_with_fiscal_years_one_phase_at_a_time(full):
    [(nations,)] = query(
        full.layout, "select count(distinct nation_iso3) from marts.calendar_year_budget where amount_millions > 0"
    )
    assert nations > 50  # SIPRI's financial-year series of every nation, not the USA alone
    [(gbr,)] = query(
        full.layout,
        "select amount_millions from marts.calendar_year_budget where nation_iso3 = 'GBR' and year = 2020 "
        "and measure = 'milex_local_currency' and price_basis = 'current'",
    )
    fiscal = dict(
        query(
            full.layout,
            "select period, value_units / 1e6 from marts.budget_facts where is_preferred and entity_code = 'GBR' "
            "and measure = 'milex_local_currency' and period_type = 'fiscal_year' and period in (2019, 2020)",
        )
    )
    # April-March, named by the year it starts in (SIPRI): CY 2020 = 3/12 of FY 2019 + 9/12 of FY 2020
    assert gbr == pytest.approx(3 / 12 * fiscal[2019] + 9 / 12 * fiscal[2020], rel=1e-9)


# --- 6. space rule ------------------------------------------------------------------------------------------------


def test_fy2017_space_rdte_includes_the_program_elements_numbered_before_the_space_force(full):
    rows = query(
        full.layout,
        "select line_item, value_usd_millions from marts.budget_facts where is_preferred and is_space "
        "and period = 2017 and fact_source like '%R-1' and measure = 'budget_authority' and not is_memo",
    )
    assert ("0604853F", 381.36) in rows  # EELV
    assert {"0305265F", "0604441F", "0605431F", "0305164F", "0604426F"} <= {pe for pe, _ in rows}
    assert round(sum(v for _, v in rows), 1) == 2841.3
    wrong = query(
        full.layout,
        "select count(*) from marts.budget_facts where account in ('3620F', '3022F') and organization = 'Air Force'",
    )
    assert wrong == [(0,)]


# --- 8. comparability -----------------------------------------------------------------------------------------------


def test_the_militarization_index_ranks_every_nation_on_one_indicator_set_over_one_scale(full):
    [(sets,)] = query(
        full.layout, "select count(distinct indicators_used) from marts.militarization_index where is_ranked"
    )
    assert sets == 1
    # NATO personnel is shown, not scored: the UK's score is the same whatever NATO publishes
    [(scored,)] = query(
        full.layout,
        "select count(*) from marts.militarization_index where personnel_per_1000_people is not null "
        "and is_ranked and indicators_used <> 4",
    )
    assert scored == 0
    # one scale over every year: the year-on-year change of the median score is small, no 250-point drop
    medians = dict(
        query(
            full.layout,
            "select year, median(score) from marts.militarization_index where is_ranked and year >= 2000 group by year",
        )
    )
    steps = [abs(medians[y] - medians[y - 1]) for y in medians if y - 1 in medians]
    assert max(steps) < 100


def test_the_us_investment_share_is_set_against_natos_guideline_only_on_natos_definition(full):
    broad = query(
        full.layout,
        "select count(*), count(meets_guideline) from marts.investment_share where basis = 'procurement + all RDT&E'",
    )
    assert broad[0][0] > 0 and broad[0][1] == 0
    [(share, investment, total)] = query(
        full.layout,
        "select share_pct, investment_usd_millions, total_usd_millions from marts.investment_share "
        "where basis like 'procurement + RDT&E on major equipment%' and year = 2019 and phase = 'request' "
        "and basis_key like '%FY 2019 Total'",
    )
    [(procurement, rdte_major, everything)] = query(
        full.layout,
        "select sum(value_usd_millions) filter (where appropriation_title = 'procurement'), "
        "sum(value_usd_millions) filter (where appropriation_title = 'RDT&E' "
        "and budget_activity in ('04', '05', '07')), "
        "sum(value_usd_millions) from marts.budget_facts where is_preferred and source_format = 'dod_exhibits' "
        "and extracted_from is null and period = 2019 and phase = 'request' and column_key = 'FY 2019 Total' "
        "and not is_memo and not is_total and measure = 'budget_authority'",
    )
    assert investment == pytest.approx(procurement + rdte_major, abs=1e-3)
    assert total == pytest.approx(everything, abs=1e-3)
    assert share == round(100 * investment / total, 2)
    periods = query(full.layout, "select distinct basis, period_type from marts.investment_share order by 1")
    assert ("NATO equipment expenditure", "calendar_year") in periods
    assert all(p == "fiscal_year" for b, p in periods if b != "NATO equipment expenditure")


# --- 10. copies inside one file -------------------------------------------------------------------------------------


def test_sweden_2023_is_counted_once(full):
    rows = query(
        full.layout,
        "select value_usd_millions from marts.budget_facts where is_preferred and fact_source like 'SIPRI%' "
        "and entity_code = 'SWE' and period = 2023 and measure = 'milex_usd' and price_basis = 'current'",
    )
    assert [round(v, 1) for (v,) in rows] == [8754.9]


def test_no_line_of_the_real_files_is_taken_for_a_copy(full):
    copies = query(
        full.layout,
        "select file, count(*) from marts.quarantine where is_current and rule like 'one figure per line%' "
        "group by file",
    )
    assert copies == []


# --- 11. small but visible ------------------------------------------------------------------------------------------


def test_money_has_no_float_noise_and_no_nan(full):
    [(usa,)] = query(
        full.layout, "select current_usd_millions from marts.defense_yoy where nation_iso3 = 'USA' and year = 2024"
    )
    assert usa == 997_309.0
    columns = query(
        full.layout,
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts' "
        "and data_type in ('DOUBLE', 'FLOAT') and table_name in (select table_name from duckdb_tables() "
        "where schema_name = 'marts')",
    )
    nan = []
    for table, column in columns:
        [(count,)] = query(full.layout, f'select count(*) from marts.{table} where isnan("{column}")')
        if count:
            nan.append((table, column, count))
    assert nan == []


def test_the_headline_on_agreement_compares_independent_publishers(full):
    index = (full.layout.reports / "index.html").read_text(encoding="utf-8")
    sentence = next(p for p in re.findall(r"<p[^>]*>(.*?)</p>", index, re.S) if "share of GDP" in p and "differ" in p)
    assert "SIPRI and NATO" in sentence and "0.000" not in sentence
    [(kind,)] = query(
        full.layout,
        "select distinct comparison from marts.source_agreement where 'World Bank' in (source_a, source_b) "
        "and 'SIPRI' in (source_a, source_b)",
    )
    assert kind == "republication"


def test_every_real_file_is_read_and_nothing_is_refused(full):
    """Every published file of the corpus has a reader now (the satellite catalogues and the J-book XML last):
    each is loaded or read as a companion of another, and none is refused."""
    statuses = dict(query(full.layout, "select path, status from marts.sources where origin = 'inbox'"))
    assert {status for status in statuses.values()} == {"loaded", "companion"}
    loaded = {path.rsplit("/", 1)[1] for path, status in statuses.items() if status == "loaded"}
    assert {"psatcat_2025-04-13.tsv", "gp_active_2026-07.csv", "UCS-Satellite-Database-1-1-2023.csv"} <= loaded
