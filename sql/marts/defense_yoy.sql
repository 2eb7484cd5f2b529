-- marts.defense_yoy
-- Grain: one row per nation (or historical state) and year, from SIPRI's series (the preferred rows of
--   marts.budget_facts: the newest SIPRI release read, one release per constant-price series). year is a calendar
--   year, or for a nation SIPRI reports by fiscal year (the USA: October-September, named by the year it ends, as
--   its footnote says) that fiscal year: year_type says which.
-- Units: current_usd_millions in US$ millions at current prices and exchange rates; constant_usd_millions in US$
--   millions at prices and exchange rates of constant_base_year; source_constant_usd_millions at the prices of
--   SIPRI's own base year (source_base_year); current and constant money rounded to 2 decimals, SIPRI's constant
--   series (and marts.milex_constant_usd) to the dollar (6 decimals); nominal_yoy_pct, real_yoy_pct,
--   real_cagr_5y_pct and real_cagr_10y_pct in percent (2 decimals; NULL where a year needed has no figure);
--   share_of_gdp_pct in percent of GDP.
-- Formulas:
--   real change is computed on SIPRI's constant series as published (one release, one base year per series), so it
--     does not depend on the base year chosen for the levels: it is the same for every nation, whether or not the
--     nation has a figure in that year (the USSR, the UAE ...):
--     real_yoy_pct = 100 * (constant_S[y] / constant_S[y-1] - 1);
--     real_cagr_Nx_pct = 100 * ((constant_S[y] / constant_S[y-N]) ^ (1 / N) - 1);
--   nominal_yoy_pct = 100 * (current[y] / current[y-1] - 1);
--   constant_base_year B = the latest complete year: the last year with a current-dollar figure for at least 75
--     percent of the nations that have one in any year;
--   levels rebased to B, nation by nation: constant_B[y] = constant_S[y] * current[B] / constant_S[B] (the
--     nation's own price index, converted at its B exchange rate; NULL for a nation with no figure in B, whose
--     levels stay in source_constant_usd_millions; any other base year: the table macro
--     marts.milex_constant_usd(base_year)).
-- Sources: SIPRI Military Expenditure Database (edition in `source`).
CREATE OR REPLACE TABLE marts.defense_yoy AS
WITH facts AS (
    SELECT *
    FROM marts.budget_facts
    WHERE fact_source = 'SIPRI Military Expenditure Database'
      AND is_preferred
      AND entity_kind IN ('country', 'historical_state')
      AND measure IN ('milex_usd', 'milex_share_of_gdp')
      AND (period_type = 'calendar_year' OR fiscal_year_label = 'end')
),

nations AS (
    SELECT code, name FROM staging.nations
),

by_year AS (
    SELECT
        entity_code AS nation_iso3,
        period AS year,
        min(period_type) AS year_type,
        max(value_usd_millions) FILTER (WHERE measure = 'milex_usd' AND price_basis = 'current') AS current_usd_millions,
        max(value_usd_millions) FILTER (
            WHERE measure = 'milex_usd' AND price_basis LIKE 'constant_%'
        ) AS source_constant_usd_millions,
        max(TRY_CAST(substr(price_basis, 10) AS INTEGER)) FILTER (
            WHERE measure = 'milex_usd' AND price_basis LIKE 'constant_%'
        ) AS source_base_year,
        max(value) FILTER (WHERE measure = 'milex_share_of_gdp') AS share_of_gdp_pct,
        coalesce(bool_or(is_estimate AND value IS NOT NULL), false) AS is_estimate,
        string_agg(DISTINCT source || ' (' || edition || ')', '; ' ORDER BY source || ' (' || edition || ')') AS source
    FROM facts
    GROUP BY entity_code, period
),

year_coverage AS (
    SELECT year, count(current_usd_millions) AS nations_with_figure
    FROM by_year
    GROUP BY year
),

base_year AS (
    SELECT max(year) AS year
    FROM year_coverage
    WHERE nations_with_figure >= 0.75 * (SELECT max(nations_with_figure) FROM year_coverage)
),

rebase AS (
    SELECT
        nation_iso3,
        current_usd_millions / source_constant_usd_millions AS factor
    FROM by_year
    WHERE year = (SELECT year FROM base_year) AND source_constant_usd_millions > 0
),

rebased AS (
    SELECT
        by_year.*,
        by_year.source_constant_usd_millions * rebase.factor AS constant_usd_millions,
        (SELECT year FROM base_year) AS constant_base_year
    FROM by_year
    LEFT JOIN rebase USING (nation_iso3)
),

with_history AS (
    SELECT
        *,
        lag(current_usd_millions) OVER by_nation AS current_1y_before,
        lag(source_constant_usd_millions, 1) OVER by_nation AS constant_1y_before,
        lag(source_constant_usd_millions, 5) OVER by_nation AS constant_5y_before,
        lag(source_constant_usd_millions, 10) OVER by_nation AS constant_10y_before,
        lag(year, 1) OVER by_nation AS year_1_before,
        lag(year, 5) OVER by_nation AS year_5_before,
        lag(year, 10) OVER by_nation AS year_10_before
    FROM rebased
    WINDOW by_nation AS (PARTITION BY nation_iso3 ORDER BY year)
),

final AS (
    SELECT
        with_history.nation_iso3,
        nations.name AS nation_name,
        year,
        year_type,
        round(current_usd_millions, 2) AS current_usd_millions,
        round(constant_usd_millions, 2) AS constant_usd_millions,
        constant_base_year,
        CASE WHEN year_1_before = year - 1 AND current_1y_before > 0
            THEN round(100 * (current_usd_millions / current_1y_before - 1), 2) END AS nominal_yoy_pct,
        CASE WHEN year_1_before = year - 1 AND constant_1y_before > 0
            THEN round(100 * (source_constant_usd_millions / constant_1y_before - 1), 2) END AS real_yoy_pct,
        CASE WHEN year_5_before = year - 5 AND constant_5y_before > 0 AND source_constant_usd_millions > 0
            THEN round(100 * (pow(source_constant_usd_millions / constant_5y_before, 1 / 5) - 1), 2)
        END AS real_cagr_5y_pct,
        CASE WHEN year_10_before = year - 10 AND constant_10y_before > 0 AND source_constant_usd_millions > 0
            THEN round(100 * (pow(source_constant_usd_millions / constant_10y_before, 1 / 10) - 1), 2)
        END AS real_cagr_10y_pct,
        share_of_gdp_pct,
        is_estimate,
        round(source_constant_usd_millions, 6) AS source_constant_usd_millions,
        source_base_year,
        source
    FROM with_history
    INNER JOIN nations ON nations.code = with_history.nation_iso3
)

SELECT * FROM final ORDER BY nation_iso3, year;

-- Any base year: select * from marts.milex_constant_usd(2015)
CREATE OR REPLACE MACRO marts.milex_constant_usd(base_year) AS TABLE
    WITH factors AS (
        SELECT nation_iso3, current_usd_millions / source_constant_usd_millions AS factor
        FROM marts.defense_yoy
        WHERE year = base_year AND source_constant_usd_millions > 0
    )
    SELECT
        yoy.nation_iso3,
        yoy.nation_name,
        yoy.year,
        round(yoy.source_constant_usd_millions * factors.factor, 6) AS constant_usd_millions,
        base_year AS constant_base_year
    FROM marts.defense_yoy AS yoy
    INNER JOIN factors USING (nation_iso3)
    ORDER BY yoy.nation_iso3, yoy.year;

COMMENT ON TABLE marts.defense_yoy IS 'Military expenditure by nation and year (calendar, or the US fiscal year): current and constant US$, nominal and real change, 5- and 10-year real CAGR (SIPRI)';
COMMENT ON COLUMN marts.defense_yoy.constant_usd_millions IS 'US$ millions, constant prices and exchange rates of constant_base_year, 2 decimals; NULL for a nation with no figure in that year (see source_constant_usd_millions)';
COMMENT ON COLUMN marts.defense_yoy.year_type IS 'calendar_year, or fiscal_year where SIPRI reports the nation by fiscal year (the USA: FY N ends in September of N)';
COMMENT ON COLUMN marts.defense_yoy.current_usd_millions IS 'US$ millions, current prices and exchange rates, 2 decimals';
COMMENT ON COLUMN marts.defense_yoy.constant_base_year IS 'Base year of constant_usd_millions: the latest complete year';
COMMENT ON COLUMN marts.defense_yoy.nominal_yoy_pct IS 'Percent change of current_usd_millions on the previous year, 2 decimals';
COMMENT ON COLUMN marts.defense_yoy.real_yoy_pct IS 'Real change on the previous year, percent, 2 decimals (on SIPRI''s constant series: the same for any base year)';
COMMENT ON COLUMN marts.defense_yoy.real_cagr_5y_pct IS 'Compound annual real growth over the last 5 years, percent per year, 2 decimals';
COMMENT ON COLUMN marts.defense_yoy.real_cagr_10y_pct IS 'Compound annual real growth over the last 10 years, percent per year, 2 decimals';
COMMENT ON COLUMN marts.defense_yoy.share_of_gdp_pct IS 'Military expenditure as percent of GDP';
COMMENT ON COLUMN marts.defense_yoy.source_constant_usd_millions IS 'US$ millions at SIPRI''s published constant prices of source_base_year, to the dollar (6 decimals)';
COMMENT ON COLUMN marts.defense_yoy.source_base_year IS 'Base year of SIPRI''s constant series for this nation (the edition''s price year)';
COMMENT ON COLUMN marts.defense_yoy.is_estimate IS 'At least one of the year''s figures is a SIPRI estimate';
COMMENT ON COLUMN marts.defense_yoy.year IS 'Calendar year; for a nation SIPRI reports by fiscal year (the USA), that fiscal year, named by the year it ends (year_type says which)';
COMMENT ON COLUMN marts.defense_yoy.source IS 'The SIPRI edition of the row''s figures, as ''SIPRI Military Expenditure Database (edition)''';
