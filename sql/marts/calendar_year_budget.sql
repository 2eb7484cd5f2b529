-- marts.calendar_year_budget
-- Grain: one row per nation, calendar year, measure, price basis and source, for national totals published by
--   fiscal year (the US Green Book's national defense (050) and DoD (051) budget authority and outlays; of the
--   tables that give a total, the one with the longest series), apportioned to calendar years.
-- Formula (SIPRI's rule: apportion by months): a fiscal year of 12 months starting in month m of calendar year s
--   puts (13 - m) / 12 of its amount in calendar year s and (m - 1) / 12 in s + 1. For the US federal fiscal year
--   (October-September, named by the year it ends in): CY t = 3/12 * FY t+1 + 9/12 * FY t. A calendar year is
--   given only when both fiscal years it draws on are present.
-- Units: amount_usd_millions in US$ millions (price_basis current or constant_YYYY).
CREATE OR REPLACE TABLE marts.calendar_year_budget AS
WITH national AS (
    SELECT
        *,
        CASE
            WHEN category IN ('050 National Defense', 'Federal Unified Budget: National Defense') THEN '050 National Defense'
            WHEN category = '051 Department of Defense-Military' THEN '051 Department of Defense-Military'
        END AS function
    FROM marts.budget_facts
    WHERE is_preferred AND period_type = 'fiscal_year' AND fiscal_year_start_month IS NOT NULL
      AND measure IN ('budget_authority', 'outlays') AND value_usd_millions IS NOT NULL
),

longest_table AS (
    -- several Green Book tables give the same national total; take the one with the longest series
    SELECT function, measure, price_basis, arg_max(line_item, (years, line_item)) AS line_item
    FROM (
        SELECT function, measure, price_basis, line_item, count(DISTINCT period) AS years
        FROM national
        WHERE function IS NOT NULL
        GROUP BY ALL
        HAVING count(*) = count(DISTINCT period)
    )
    GROUP BY ALL
),

fiscal AS (
    SELECT
        national.entity_code AS nation_iso3,
        national.period,
        national.fiscal_year_start_month AS start_month,
        CASE national.fiscal_year_label WHEN 'end' THEN national.period - 1 ELSE national.period END AS start_year,
        national.measure,
        national.price_basis,
        national.phase,
        national.function AS category,
        national.value_usd_millions,
        national.fact_source || ', table ' || national.line_item AS source
    FROM national
    INNER JOIN longest_table USING (function, measure, price_basis, line_item)
),

pieces AS (
    -- each fiscal year split into its months in the calendar year it starts in, and in the next
    SELECT nation_iso3, start_year AS year, measure, price_basis, phase, category, source,
        value_usd_millions * (13 - start_month) / 12 AS amount, period AS fiscal_year, 13 - start_month AS months
    FROM fiscal
    UNION ALL
    SELECT nation_iso3, start_year + 1, measure, price_basis, phase, category, source,
        value_usd_millions * (start_month - 1) / 12, period, start_month - 1
    FROM fiscal
    WHERE start_month > 1
),

final AS (
    SELECT
        nation_iso3,
        year,
        measure,
        price_basis,
        category,
        string_agg(DISTINCT phase, '+' ORDER BY phase) AS phases,
        sum(amount::DECIMAL(38, 6))::DOUBLE AS amount_usd_millions,
        string_agg(fiscal_year::VARCHAR || ' (' || months::VARCHAR || ' months)', ', ' ORDER BY fiscal_year)
            AS from_fiscal_years,
        source
    FROM pieces
    GROUP BY nation_iso3, year, measure, price_basis, category, source
    HAVING sum(months) = 12
)

SELECT * FROM final ORDER BY nation_iso3, category, measure, price_basis, year;

COMMENT ON TABLE marts.calendar_year_budget IS 'US national defense budget authority and outlays apportioned from fiscal to calendar years by months';
COMMENT ON COLUMN marts.calendar_year_budget.amount_usd_millions IS 'US$ millions (see price_basis), apportioned: CY t = 9/12 FY t + 3/12 FY t+1 for the US';
