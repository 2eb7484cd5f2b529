-- marts.military_expenditure
-- Grain: one row per nation (or historical state), year and measure of SIPRI's national series, from the preferred
--   SIPRI lines of marts.budget_facts (the newest SIPRI release read: a workbook in the inbox, else the shipped
--   extract data_raw/starter/lines/sipri_milex.csv). Measures: current_usd, constant_usd, share_of_gdp,
--   share_of_government_spending, per_capita_usd, local_currency (calendar years).
-- Units: value is in `unit` ('US$ millions, current prices', 'US$ millions, constant (2023) prices', 'percent of
--   GDP', 'US$ per person', local currency millions); money rounded to the dollar. NULL value: no figure
--   (missing_marker says why: '...' unavailable, 'xxx' the state did not exist).
-- year: a calendar year, or for the USA the federal fiscal year SIPRI reports (period_type says which).
-- Sources: SIPRI Military Expenditure Database (edition per row in `source`).
CREATE OR REPLACE TABLE marts.military_expenditure AS
WITH facts AS (
    SELECT *
    FROM marts.budget_facts
    WHERE is_preferred AND fact_source = 'SIPRI Military Expenditure Database'
      AND entity_kind IN ('country', 'historical_state') AND NOT is_total
      AND source_measure IN (
          'milex_current_usd', 'milex_constant_usd', 'milex_share_of_gdp', 'milex_share_of_government_spending',
          'milex_per_capita_usd', 'milex_local_currency'
      )
      AND NOT (source_measure = 'milex_local_currency' AND period_type = 'fiscal_year' AND fiscal_year_label = 'start')
),

nations AS (
    SELECT code, name FROM staging.nations
),

final AS (
    SELECT
        facts.entity_code AS nation_iso3,
        nations.name AS nation_name,
        facts.period AS year,
        facts.period_type,
        CASE facts.source_measure
            WHEN 'milex_current_usd' THEN 'current_usd'
            WHEN 'milex_constant_usd' THEN 'constant_usd'
            WHEN 'milex_share_of_gdp' THEN 'share_of_gdp'
            WHEN 'milex_share_of_government_spending' THEN 'share_of_government_spending'
            WHEN 'milex_per_capita_usd' THEN 'per_capita_usd'
            WHEN 'milex_local_currency' THEN 'local_currency'
        END AS measure,
        CASE
            WHEN facts.source_measure = 'milex_local_currency' THEN round(facts.value_units / 1e6, 6)
            WHEN facts.source_measure IN ('milex_current_usd', 'milex_constant_usd') THEN facts.value_usd_millions
            ELSE round(facts.value, 6)
        END AS value,
        CASE
            WHEN facts.source_measure = 'milex_local_currency'
                THEN 'millions of ' || coalesce(facts.currency, 'local currency') || ', current prices (' || facts.unit || ')'
            ELSE facts.unit
        END AS unit,
        facts.price_basis,
        facts.is_estimate,
        facts.is_highly_uncertain,
        facts.missing_marker,
        facts.source || ' (' || facts.edition || ')' AS source,
        facts.file AS source_file,
        facts.sheet,
        facts."row" AS source_row,
        facts.extracted_from
    FROM facts
    INNER JOIN nations ON nations.code = facts.entity_code
)

SELECT * FROM final ORDER BY nation_iso3, measure, year;

COMMENT ON TABLE marts.military_expenditure IS 'SIPRI military expenditure by nation, year and measure: the newest SIPRI release read';
COMMENT ON COLUMN marts.military_expenditure.value IS 'In the unit named by the unit column (US$ millions current or constant, percent, US$ per person, local currency millions), to 6 decimals';
COMMENT ON COLUMN marts.military_expenditure.year IS 'Calendar year, or the US federal fiscal year for the USA (period_type)';
COMMENT ON COLUMN marts.military_expenditure.is_estimate IS 'SIPRI estimate (a blue figure in the SIPRI workbook)';
COMMENT ON COLUMN marts.military_expenditure.is_highly_uncertain IS 'Highly uncertain data (a red figure in the SIPRI workbook)';
COMMENT ON COLUMN marts.military_expenditure.source_row IS 'Row of source_file the figure came from (header = row 1)';
COMMENT ON COLUMN marts.military_expenditure.measure IS 'SIPRI''s series: current_usd, constant_usd, share_of_gdp, share_of_government_spending, per_capita_usd or local_currency';
COMMENT ON COLUMN marts.military_expenditure.unit IS 'The unit of value in words: US$ millions, current prices; US$ millions, constant (YYYY) prices; percent of GDP; US$ per person; millions of <currency>, current prices';
COMMENT ON COLUMN marts.military_expenditure.source IS 'The SIPRI release of the figure, as ''SIPRI Military Expenditure Database (edition)''';
