-- marts.military_expenditure
-- Grain: one row per nation, calendar year and measure (current_usd, constant_usd, share_of_gdp).
-- Units: value is in `unit`: 'US$ millions, current prices and exchange rates',
--   'US$ millions, constant (2023) prices and exchange rates', or 'percent of GDP'. NULL value: no figure
--   (missing_marker says why: '...' unavailable, 'xxx' the state did not exist).
-- Sources: SIPRI Military Expenditure Database, April 2025 release (per row in `source`).
CREATE OR REPLACE TABLE marts.military_expenditure AS
WITH expenditure AS (
    SELECT * FROM staging.military_expenditure
),

nations AS (
    SELECT code, name FROM staging.nations
),

final AS (
    SELECT
        expenditure.nation_iso3,
        nations.name AS nation_name,
        expenditure.year,
        expenditure.measure,
        expenditure.value,
        expenditure.unit,
        expenditure.is_estimate,
        expenditure.is_highly_uncertain,
        expenditure.missing_marker,
        expenditure.source,
        expenditure.source_url,
        expenditure.source_file,
        expenditure.source_row
    FROM expenditure
    INNER JOIN nations ON nations.code = expenditure.nation_iso3
)

SELECT * FROM final ORDER BY nation_iso3, measure, year;

COMMENT ON TABLE marts.military_expenditure IS 'Military expenditure by nation, calendar year and measure (SIPRI, April 2025 release)';
COMMENT ON COLUMN marts.military_expenditure.value IS 'In the unit named by the unit column (US$ millions current or constant 2023, or percent of GDP)';
COMMENT ON COLUMN marts.military_expenditure.is_estimate IS 'SIPRI estimate (a blue figure in the SIPRI workbook)';
COMMENT ON COLUMN marts.military_expenditure.is_highly_uncertain IS 'Highly uncertain data (a red figure in the SIPRI workbook)';
COMMENT ON COLUMN marts.military_expenditure.source_row IS 'Row of source_file the figure came from (header = row 1)';
