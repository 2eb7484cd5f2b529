-- staging.nation_names
-- Grain: one row per name a publisher writes for a nation, from data_raw/reference/nation_names.csv after its contract.
-- Units: none.
CREATE OR REPLACE TABLE staging.nation_names (
    name VARCHAR NOT NULL PRIMARY KEY,
    code VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
