-- staging.fiscal_years
-- Grain: one row per nation and range of its fiscal years with one calendar, from
-- data_raw/reference/fiscal_years.csv after its contract.
-- Units: start_month 1-12 (1 = January); first_fiscal_year and last_fiscal_year as the nation names its years
-- (named_by: 'end' = FY N ends in calendar year N, 'start' = it begins in N); NULL = open-ended.
CREATE OR REPLACE TABLE staging.fiscal_years (
    nation_code VARCHAR NOT NULL,
    first_fiscal_year INTEGER,
    last_fiscal_year INTEGER,
    start_month INTEGER NOT NULL,
    named_by VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
