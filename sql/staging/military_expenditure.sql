-- staging.military_expenditure
-- Grain: one row per nation, calendar year and measure, from data_raw/starter/military_expenditure.csv
-- after its contract (SIPRI Military Expenditure Database, April 2025 release).
-- Units: value is in `unit`: US$ millions (current, or constant 2023 prices), percent of GDP or of government
-- spending, US$ per person, or millions of local currency (current prices).
CREATE OR REPLACE TABLE staging.military_expenditure (
    nation_iso3 VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    measure VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    is_estimate BOOLEAN NOT NULL,
    is_highly_uncertain BOOLEAN NOT NULL,
    missing_marker VARCHAR,
    source VARCHAR NOT NULL,
    source_url VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    PRIMARY KEY (nation_iso3, year, measure)
);
COMMENT ON COLUMN staging.military_expenditure.value IS 'In the unit named by the unit column; NULL where SIPRI has no figure';
COMMENT ON COLUMN staging.military_expenditure.year IS 'Calendar year';
