-- staging.us_space_program_lines
-- Grain: one row per DoD exhibit line (program element or line item) and amount column, for the space lines of
-- data_raw/starter/us_space_program_lines.csv after its contract.
-- Units: amount_usd_thousands is budget authority in thousands of current US dollars; fiscal_year is the US FY.
CREATE OR REPLACE TABLE staging.us_space_program_lines (
    fiscal_year INTEGER NOT NULL,
    phase VARCHAR NOT NULL,
    funding_type VARCHAR NOT NULL,
    exhibit VARCHAR NOT NULL,
    exhibit_row INTEGER NOT NULL,
    appropriation_title VARCHAR NOT NULL,
    account VARCHAR NOT NULL,
    account_title VARCHAR NOT NULL,
    organization VARCHAR,
    budget_activity_title VARCHAR,
    line_item VARCHAR NOT NULL,
    line_item_title VARCHAR NOT NULL,
    amount_usd_thousands DOUBLE NOT NULL,
    source_column VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_url VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
COMMENT ON COLUMN staging.us_space_program_lines.amount_usd_thousands IS 'Budget authority, US$ thousands, current';
