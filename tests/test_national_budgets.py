"""National budgets on the whole real corpus (the session fixture `full`: every file of ../shared/data in one inbox
beside the starter data): the values the data README gives, read by hand from the published files, found in
marts.national_budgets, each figure once, with the marts built on them (budget_execution, source_agreement,
calendar_year_budget)."""

from __future__ import annotations

import pytest

from tests.conftest import query

GERMANY = (
    "publisher = 'Germany, Bundeshaushalt' and organization = '14' and measure = 'budget_authority' and not is_total"
)


@pytest.mark.parametrize(
    ("year", "with_annexes", "without_annexes"),
    [
        # data README: sum of Soll over Einzelplan 14 spending rows, thousand EUR
        (2014, 32_435_376, 32_435_376),
        (2019, 43_227_814, 43_227_814),
        (2022, 50_404_828, 50_404_828),
        (2023, 58_782_962, 50_117_445),
    ],
)
def test_germany_einzelplan_14_soll_with_and_without_the_annexes(full, year, with_annexes, without_annexes):
    [(everything, own, annexes, phases)] = query(
        full.layout,
        f"select sum(amount_millions), sum(amount_millions) filter (where scope is null), "
        f"sum(amount_millions) filter (where scope is not null), list(distinct phase) "
        f"from marts.national_budgets where {GERMANY} and fiscal_year = ?",
        [year],
    )
    assert round(everything * 1000) == with_annexes
    assert round(own * 1000) == without_annexes
    assert round((annexes or 0) * 1000) == with_annexes - without_annexes
    assert phases == ["enacted"]


def test_germany_2023_is_one_edition_though_two_files_bring_it(full):
    """hh_2023.csv and its earlier rendering give the same titles: each figure once, from one file."""
    [(files, duplicates)] = query(
        full.layout,
        f"select count(distinct file), count(*) - count(distinct figure_key) from marts.national_budgets "
        f"where {GERMANY} and fiscal_year = 2023 and scope is null",
    )
    assert duplicates == 0
    assert files == 1


def test_canada_national_defence_vote_1_fy2018_in_both_editions(full):
    rows = query(
        full.layout,
        "select edition, phase, value, is_preferred from marts.budget_facts "
        "where source_format = 'ca_public_accounts' and period = 2018 and organization = '133' "
        "and account = '1' and category = 'vote' order by vintage, phase",
    )
    by_edition: dict[str, dict[str, float]] = {}
    for edition, phase, value, _ in rows:
        by_edition.setdefault(edition, {})[phase] = value
    assert len(by_edition) == 2, rows
    older, newer = (by_edition[e] for e in sorted(by_edition))
    assert older == {"enacted": 16_071_130_527.00, "actual": 15_739_904_501.00}
    assert [preferred for *_, preferred in rows].count(True) == 2  # one edition's authorities and expenditures
    [(authorities, expenditures)] = query(
        full.layout,
        "select max(amount_millions) filter (where phase = 'enacted'), max(amount_millions) filter "
        "(where phase = 'actual') from marts.national_budgets where publisher = 'Canada, Public Accounts' "
        "and fiscal_year = 2018 and organization = '133' and account = '1' "
        "and classification = 'vote'",
    )
    assert (round(authorities * 1e6, 2), round(expenditures * 1e6, 2)) == (newer["enacted"], newer["actual"])


def test_canada_national_defence_spent_share_of_its_authorities(full):
    [(authorities, expenditures, spent_pct)] = query(
        full.layout,
        "select sum(enacted_millions), sum(actual_millions), round(100 * sum(actual_millions) / "
        "sum(enacted_millions), 2) from marts.budget_execution where nation_iso3 = 'CAN' and fiscal_year = 2018 "
        "and organization = '133' and classification = 'vote' and account = '1'",
    )
    assert round(authorities, 2) > round(expenditures, 2) > 0
    assert spent_pct == round(100 * expenditures / authorities, 2)


def test_australia_total_defence_resourcing_2024_25(full):
    rows = dict(
        query(
            full.layout,
            "select fiscal_year, amount_millions from marts.national_budgets "
            "where publisher = 'Australia, Portfolio Budget Statements' "
            "and classification = 'Total Defence resourcing' "
            "and cost_type = 'Total Defence resourcing' and is_total "
            "and measure = 'budget_authority' and fiscal_year in (2024, 2025, 2028)",
        )
    )
    # data README: sheet T-1, row 32, $'000
    assert {year: round(v * 1000) for year, v in rows.items()} == {
        2024: 55_492_018,
        2025: 58_089_847,
        2028: 71_417_655,
    }


def test_germany_2017_in_the_eda_2021_edition_and_its_share_of_gdp_revised(full):
    [(total, edition)] = query(
        full.layout,
        "select amount_millions, edition from marts.national_budgets where publisher = 'European Defence Agency' "
        "and nation_iso3 = 'DEU' and fiscal_year = 2017 and measure = 'defence_expenditure_eur' "
        "and classification = 'total' "
        "and price_basis = 'current'",
    )
    assert round(total, 4) == 40_264.8849
    assert "2021" in edition
    shares = query(
        full.layout,
        "select round(value, 4), is_preferred from marts.budget_facts where source_format = 'eda_defence_data' "
        "and entity_code = 'DEU' and period = 2017 and measure = 'milex_share_of_gdp' order by vintage",
    )
    values = [v for v, _ in shares]
    for revised in (1.2408, 1.2352, 1.2324):  # data README: fractions 0.012408, 0.012352, 0.012324
        assert revised in values, shares
    assert [preferred for _, preferred in shares].count(True) == 1


def test_every_national_figure_is_counted_once(full):
    [(rows, figures)] = query(
        full.layout,
        "select count(*), count(distinct (figure_key, coalesce(source_column, ''))) from marts.national_budgets",
    )
    assert rows > 50_000
    assert rows == figures


def test_national_money_is_converted_with_the_rate_beside_it(full):
    [(amount, rate, usd, basis)] = query(
        full.layout,
        "select amount_millions, lcu_per_usd, amount_usd_millions, rate_basis from marts.national_budgets "
        "where publisher = 'Canada, Public Accounts' and fiscal_year = 2018 and organization = '133' "
        "and account = '1' and classification = 'vote' and phase = 'actual'",
    )
    assert round(amount / rate, 6) == pytest.approx(usd, abs=1e-5)
    assert basis.startswith("9/12 of the 2017 rate and 3/12 of the 2018 rate")
    [(cad_2017, cad_2018)] = query(
        full.layout,
        "select median(lcu_per_usd) filter (where year = 2017), median(lcu_per_usd) filter (where year = 2018) "
        "from marts.exchange_rates where currency = 'CAD' and source like 'SIPRI%'",
    )
    assert rate == pytest.approx(9 / 12 * cad_2017 + 3 / 12 * cad_2018)


def test_source_agreement_sets_the_eda_and_governments_against_sipri_and_nato(full):
    pairs = query(
        full.layout,
        "select distinct source_a, source_b from marts.source_agreement "
        "where nation_iso3 in ('DEU', 'FRA', 'CAN', 'AUS') and reason is not null",
    )
    publishers = {p for pair in pairs for p in pair}
    assert {"EDA", "Germany (Bundeshaushalt)", "Canada (Public Accounts)"} <= publishers
    [(gap,)] = query(
        full.layout,
        "select difference_pct from marts.source_agreement where nation_iso3 = 'DEU' and year = 2019 "
        "and measure = 'milex_usd' and 'SIPRI' in (source_a, source_b) "
        "and 'Germany (Bundeshaushalt)' in (source_a, source_b)",
    )
    assert gap != 0  # Einzelplan 14 is not SIPRI's national total (pensions, special fund)


def test_canadas_fiscal_years_are_apportioned_to_calendar_years_by_months(full):
    fiscal = dict(
        query(
            full.layout,
            "select fiscal_year, sum(amount_millions) from marts.national_budgets "
            "where publisher = 'Canada, Public Accounts' and organization = '133' and classification = 'vote' "
            "and measure = 'outlays' and not is_total group by fiscal_year",
        )
    )
    [(calendar_2017, from_years)] = query(
        full.layout,
        "select amount_millions, from_fiscal_years from marts.calendar_year_budget where nation_iso3 = 'CAN' "
        "and year = 2017 and measure = 'outlays' and category like 'National Defence%'",
    )
    # FY 2018 runs April 2017 - March 2018: 9 of its months are in 2017; FY 2017's last 3 are
    assert from_years == "2017 (3 months), 2018 (9 months)"
    assert calendar_2017 == pytest.approx(3 / 12 * fiscal[2017] + 9 / 12 * fiscal[2018], abs=1e-4)


def test_the_edas_revisions_of_germanys_2017_share_of_gdp_are_listed(full):
    revisions = query(
        full.layout,
        "select edition_old, edition_new, round(value_old, 4), round(value_new, 4) from marts.vintage_revisions "
        "where entity_code = 'DEU' and period = 2017 and measure = 'milex_share_of_gdp' "
        "and edition_new like 'Defence Data%' order by edition_old, edition_new",
    )
    assert ("Defence Data (2017-2018)", "Defence Data (2017-2021)", 1.2408, 1.2324) in revisions
    assert ("Defence Data (2017-2019)", "Defence Data (2017-2021)", 1.2352, 1.2324) in revisions
    # the 2017-2020 edition repeats the 2017-2019 value: a figure two editions give alike is not a revision
    assert not [r for r in revisions if r[:2] == ("Defence Data (2017-2019)", "Defence Data (2017-2020)")]
