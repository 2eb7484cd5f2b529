-- marts.exchange_rates
-- Grain: one row per nation, currency, calendar year and source.
-- Units: lcu_per_usd in units of the local currency per US dollar.
-- Formula (an implied rate, where no rate table is given): lcu_per_usd = expenditure in local currency (whole
--   units) / the same expenditure in current US$ (whole units), for the same nation, year and publisher
--   (SIPRI: local currency, calendar year, against current US$; NATO: national currency against US$, current).
CREATE OR REPLACE TABLE marts.exchange_rates AS
WITH facts AS (
    SELECT *
    FROM marts.budget_facts
    WHERE is_preferred AND (period_type = 'calendar_year' OR fiscal_year_label = 'end') AND entity_kind = 'country'
      AND value_units > 0
      AND (measure = 'milex_local_currency' OR (measure = 'milex_usd' AND price_basis = 'current'))
),

paired AS (
    SELECT
        entity_code AS nation_iso3,
        period AS year,
        fact_source AS source,
        max(currency) FILTER (WHERE measure = 'milex_local_currency' AND price_basis = 'current') AS currency,
        max(value_units) FILTER (WHERE measure = 'milex_local_currency' AND price_basis = 'current') AS local_units,
        max(value_units) FILTER (WHERE measure = 'milex_usd') AS usd_units
    FROM facts
    GROUP BY entity_code, period, fact_source
),

final AS (
    SELECT nation_iso3, currency, year, local_units / usd_units AS lcu_per_usd, source
    FROM paired
    WHERE currency IS NOT NULL AND local_units IS NOT NULL AND usd_units IS NOT NULL
)

SELECT * FROM final ORDER BY nation_iso3, year, source;

COMMENT ON TABLE marts.exchange_rates IS 'Exchange rates implied by the sources: local-currency expenditure / the same in US$';
COMMENT ON COLUMN marts.exchange_rates.lcu_per_usd IS 'Units of local currency per US dollar';
COMMENT ON COLUMN marts.exchange_rates.currency IS 'ISO 4217 code of the local currency';
COMMENT ON COLUMN marts.exchange_rates.year IS 'Calendar year; for a nation the source reports by fiscal year (the USA in SIPRI), that fiscal year, named by the year it ends';
COMMENT ON COLUMN marts.exchange_rates.source IS 'The publisher whose two figures imply the rate (marts.budget_facts.fact_source: SIPRI, or NATO''s defence expenditure tables)';
