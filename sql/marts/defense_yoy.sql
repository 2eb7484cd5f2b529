-- marts.defense_yoy
-- Grain: one row per nation and calendar year.
-- Units: current_usd_millions in US$ millions at current prices and exchange rates; constant_usd_millions in
--   US$ millions at constant prices of constant_base_year; nominal_yoy_pct and real_yoy_pct in percent change on
--   the previous calendar year (rounded to 2 decimals; NULL where the previous year has no figure);
--   share_of_gdp_pct in percent of GDP.
-- Formulas: nominal_yoy_pct = 100 * (current[y] / current[y-1] - 1); real_yoy_pct = the same on the constant series.
-- Sources: SIPRI Military Expenditure Database, April 2025 release.
CREATE OR REPLACE TABLE marts.defense_yoy AS
WITH expenditure AS (
    SELECT * FROM staging.military_expenditure
),

nations AS (
    SELECT code, name FROM staging.nations
),

by_year AS (
    SELECT
        nation_iso3,
        year,
        max(value) FILTER (WHERE measure = 'current_usd') AS current_usd_millions,
        max(value) FILTER (WHERE measure = 'constant_usd') AS constant_usd_millions,
        max(TRY_CAST(regexp_extract(unit, 'constant \((\d{4})\)', 1) AS INTEGER)) FILTER (WHERE measure = 'constant_usd')
            AS constant_base_year,
        max(value) FILTER (WHERE measure = 'share_of_gdp') AS share_of_gdp_pct,
        bool_or(is_estimate AND value IS NOT NULL) AS is_estimate,
        string_agg(DISTINCT source, '; ' ORDER BY source) AS source
    FROM expenditure
    GROUP BY nation_iso3, year
),

with_previous AS (
    SELECT
        *,
        lag(year) OVER by_nation AS previous_year,
        lag(current_usd_millions) OVER by_nation AS previous_current_usd_millions,
        lag(constant_usd_millions) OVER by_nation AS previous_constant_usd_millions
    FROM by_year
    WINDOW by_nation AS (PARTITION BY nation_iso3 ORDER BY year)
),

final AS (
    SELECT
        with_previous.nation_iso3,
        nations.name AS nation_name,
        with_previous.year,
        current_usd_millions,
        constant_usd_millions,
        constant_base_year,
        CASE WHEN previous_year = year - 1 AND previous_current_usd_millions > 0
            THEN round(100 * (current_usd_millions / previous_current_usd_millions - 1), 2)
        END AS nominal_yoy_pct,
        CASE WHEN previous_year = year - 1 AND previous_constant_usd_millions > 0
            THEN round(100 * (constant_usd_millions / previous_constant_usd_millions - 1), 2)
        END AS real_yoy_pct,
        share_of_gdp_pct,
        is_estimate,
        source
    FROM with_previous
    INNER JOIN nations ON nations.code = with_previous.nation_iso3
)

SELECT * FROM final ORDER BY nation_iso3, year;

COMMENT ON TABLE marts.defense_yoy IS 'Military expenditure by nation and calendar year with nominal and real year-over-year change (SIPRI)';
COMMENT ON COLUMN marts.defense_yoy.current_usd_millions IS 'US$ millions, current prices and exchange rates';
COMMENT ON COLUMN marts.defense_yoy.constant_usd_millions IS 'US$ millions, constant prices and exchange rates of constant_base_year';
COMMENT ON COLUMN marts.defense_yoy.nominal_yoy_pct IS 'Percent change of current_usd_millions on the previous year, 2 decimals';
COMMENT ON COLUMN marts.defense_yoy.real_yoy_pct IS 'Percent change of constant_usd_millions on the previous year, 2 decimals';
COMMENT ON COLUMN marts.defense_yoy.share_of_gdp_pct IS 'Military expenditure as percent of GDP';
COMMENT ON COLUMN marts.defense_yoy.is_estimate IS 'At least one of the year''s figures is a SIPRI estimate';
