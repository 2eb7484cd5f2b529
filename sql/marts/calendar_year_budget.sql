-- marts.calendar_year_budget
-- Grain: one row per nation, calendar year, measure, category, price basis, currency and source, for national
--   totals published by fiscal year, apportioned to calendar years: SIPRI's local-currency spending by financial
--   year (every nation SIPRI gives one for) and SIPRI's US spending (US federal fiscal years, its footnote says);
--   the US Green Book's national defense (050) and DoD (051) budget authority and outlays (of the tables that give
--   a total, the one with the longest series); governments' own fiscal-year defence totals from
--   marts.national_budgets (Canada's National Defence, April-March; Australia's Defence resourcing, July-June).
-- Formula (SIPRI's rule: apportion by months): a fiscal year of 12 months starting in month m puts (13 - m) / 12 of
--   its amount in the calendar year it starts in and (m - 1) / 12 in the next. A fiscal year named by the year it
--   ends in (fiscal_year_label 'end', the US) with m > 1 starts in the year before its name. The start month is the
--   line's, else data_raw/reference/fiscal_years.csv's (the US federal year: July-June to FY 1976, October-September
--   from FY 1977). For the US from FY 1977: CY t = 9/12 * FY t + 3/12 * FY t+1; to FY 1976: CY t = 6/12 * FY t +
--   6/12 * FY t+1.
-- A calendar year has an amount only when its 12 months are all covered, by fiscal years of ONE phase: months_covered
--   says how many are; a year short of 12 (the first and last years of a series, a missing fiscal year, a fiscal year
--   of another length, the US transition quarter July-September 1976 that belongs to no fiscal year: CY 1976 has 9)
--   or drawing on two phases (an actual and an enacted fiscal year are never added) has amount NULL and a note.
-- Units: amount_millions in millions of `currency` at price_basis; amount_usd_millions the same where the currency
--   is USD (NULL otherwise).
CREATE OR REPLACE TABLE marts.calendar_year_budget AS
WITH fiscal_facts AS (
    SELECT
        *,
        CASE
            WHEN category IN ('050 National Defense', 'Federal Unified Budget: National Defense') THEN '050 National Defense'
            WHEN category = '051 Department of Defense-Military' THEN '051 Department of Defense-Military'
        END AS function
    FROM marts.budget_facts
    WHERE is_preferred AND period_type = 'fiscal_year' AND fiscal_year_start_month IS NOT NULL
      AND fiscal_year_label IS NOT NULL AND value_units IS NOT NULL AND entity_kind = 'country' AND NOT is_memo
),

greenbook AS (
    SELECT * FROM fiscal_facts
    WHERE source_format = 'dod_greenbook' AND measure IN ('budget_authority', 'outlays') AND function IS NOT NULL
),

longest_table AS (
    -- several Green Book tables give the same national total; take the one with the longest series
    SELECT function, measure, price_basis, arg_max(line_item, (years, line_item)) AS line_item
    FROM (
        SELECT function, measure, price_basis, line_item, count(DISTINCT period) AS years
        FROM greenbook
        GROUP BY ALL
        HAVING count(*) = count(DISTINCT (period, phase))
    )
    GROUP BY ALL
),

national AS (
    SELECT
        greenbook.entity_code, greenbook.period, greenbook.fiscal_year_start_month, greenbook.fiscal_year_label,
        greenbook.measure, greenbook.function AS category, greenbook.price_basis, greenbook.currency,
        greenbook.phase, greenbook.value_units,
        greenbook.fact_source || ', table ' || greenbook.line_item || ' (' || greenbook.edition || ')' AS source
    FROM greenbook
    INNER JOIN longest_table USING (function, measure, price_basis, line_item)
    UNION ALL
    SELECT
        entity_code, period, fiscal_year_start_month, fiscal_year_label, measure, 'national total' AS category,
        price_basis, currency, phase, value_units, fact_source || ' (' || edition || ')' AS source
    FROM fiscal_facts
    WHERE fact_source = 'SIPRI Military Expenditure Database' AND measure IN ('milex_usd', 'milex_local_currency')
      AND NOT is_total AND currency IS NOT NULL
    UNION ALL
    -- governments' own defence totals by fiscal year: Canada's National Defence (authorities and expenditures of
    -- every vote and statutory item, summed from the vote lines) and Australia's total Defence resourcing (the
    -- "Total Defence resourcing" line of the PBS resourcing table), in local currency
    SELECT
        nation_iso3, fiscal_year, fiscal_year_start_month, fiscal_year_label, measure,
        CASE publisher
            WHEN 'Canada, Public Accounts' THEN 'National Defence (Public Accounts, all votes)'
            ELSE 'Total Defence resourcing (Portfolio Budget Statements)'
        END AS category,
        price_basis, currency, phase, sum(amount_millions * 1e6) AS value_units,
        min(source || ' (' || edition || ')') AS source
    FROM marts.national_budgets
    WHERE year_type = 'fiscal_year' AND price_basis = 'current' AND amount_millions IS NOT NULL
      AND (
          (publisher = 'Canada, Public Accounts' AND organization = '133'
              AND classification = 'vote' AND NOT is_total AND measure IN ('budget_authority', 'outlays'))
          OR (publisher = 'Australia, Portfolio Budget Statements' AND classification = 'Total Defence resourcing' AND is_total
              AND cost_type = 'Total Defence resourcing'
              AND measure = 'budget_authority')
      )
    GROUP BY ALL
),

fiscal AS (
    SELECT
        *,
        CASE WHEN fiscal_year_label = 'end' AND fiscal_year_start_month > 1 THEN period - 1 ELSE period END
            AS start_year
    FROM national
),

pieces AS (
    -- each fiscal year split into its months in the calendar year it starts in, and in the next
    SELECT entity_code, start_year AS year, measure, category, price_basis, currency, phase, source,
        value_units * (13 - fiscal_year_start_month) / 12 AS amount_units, period AS fiscal_year,
        13 - fiscal_year_start_month AS months
    FROM fiscal
    UNION ALL
    SELECT entity_code, start_year + 1, measure, category, price_basis, currency, phase, source,
        value_units * (fiscal_year_start_month - 1) / 12, period, fiscal_year_start_month - 1
    FROM fiscal
    WHERE fiscal_year_start_month > 1
),

years AS (
    SELECT
        entity_code,
        year,
        measure,
        category,
        price_basis,
        currency,
        source,
        sum(months) AS months_covered,
        count(DISTINCT phase) AS phases,
        min(phase) AS phase,
        string_agg(DISTINCT phase, ', ' ORDER BY phase) AS phase_list,
        sum(amount_units::DECIMAL(38, 6)) AS amount_units,
        string_agg(fiscal_year::VARCHAR || ' (' || months::VARCHAR || ' months)', ', ' ORDER BY fiscal_year)
            AS from_fiscal_years
    FROM pieces
    GROUP BY entity_code, year, measure, category, price_basis, currency, source
),

final AS (
    SELECT
        entity_code AS nation_iso3,
        year,
        measure,
        category,
        price_basis,
        currency,
        CASE WHEN phases = 1 THEN phase END AS phase,
        CASE WHEN months_covered = 12 AND phases = 1 THEN round(amount_units / 1e6, 6)::DOUBLE END AS amount_millions,
        CASE WHEN months_covered = 12 AND phases = 1 AND currency = 'USD' THEN round(amount_units / 1e6, 6)::DOUBLE
        END AS amount_usd_millions,
        months_covered,
        CASE
            WHEN phases > 1 THEN 'draws on fiscal years of different phases (' || phase_list || '): not added'
            WHEN months_covered < 12 THEN months_covered::VARCHAR || ' of 12 months are in the fiscal years given'
            WHEN months_covered > 12 THEN months_covered::VARCHAR || ' months: fiscal years overlap in this year'
        END AS note,
        from_fiscal_years,
        source
    FROM years
)

SELECT * FROM final ORDER BY nation_iso3, category, measure, price_basis, currency, source, year;

COMMENT ON TABLE marts.calendar_year_budget IS 'National totals published by fiscal year, apportioned to calendar years by months (one phase at a time)';
COMMENT ON COLUMN marts.calendar_year_budget.amount_millions IS 'Millions of currency at price_basis, apportioned by months; NULL unless 12 months of one phase are covered (see note)';
COMMENT ON COLUMN marts.calendar_year_budget.amount_usd_millions IS 'US$ millions at price_basis where currency is USD, apportioned: CY t = 9/12 FY t + 3/12 FY t+1 for the US from FY 1977';
COMMENT ON COLUMN marts.calendar_year_budget.months_covered IS 'Months of the calendar year in the fiscal years given (12 for a complete year)';
COMMENT ON COLUMN marts.calendar_year_budget.phase IS 'The phase of every fiscal year drawn on; NULL where they differ';
COMMENT ON COLUMN marts.calendar_year_budget.nation_iso3 IS 'Nation, ISO 3166-1 alpha-3 (listed in marts.nations)';
COMMENT ON COLUMN marts.calendar_year_budget.year IS 'Calendar year the fiscal-year amounts are apportioned to';
COMMENT ON COLUMN marts.calendar_year_budget.measure IS 'Conformed measure apportioned: milex_usd or milex_local_currency (SIPRI), budget_authority or outlays (the Green Book, Canada, Australia)';
COMMENT ON COLUMN marts.calendar_year_budget.category IS 'Which total: national total (SIPRI), 050 National Defense or 051 Department of Defense-Military (Green Book), National Defence (Public Accounts, all votes) for Canada, Total Defence resourcing (Portfolio Budget Statements) for Australia';
COMMENT ON COLUMN marts.calendar_year_budget.price_basis IS 'current or constant_YYYY (prices of year YYYY) of the fiscal-year figures';
COMMENT ON COLUMN marts.calendar_year_budget.currency IS 'ISO 4217 code of amount_millions (the fiscal-year figures'' currency)';
COMMENT ON COLUMN marts.calendar_year_budget.note IS 'Why amount_millions is empty: fewer than 12 months covered, fiscal years overlapping, or fiscal years of different phases; empty when the year is complete';
COMMENT ON COLUMN marts.calendar_year_budget.from_fiscal_years IS 'The fiscal years drawn on, each with the months it puts in this calendar year, e.g. 2023 (9 months), 2024 (3 months)';
COMMENT ON COLUMN marts.calendar_year_budget.source IS 'Publisher and edition of the fiscal-year figures, as ''source (edition)'' (the Green Book''s with its table)';
