-- staging.source_differences
-- Grain: one row per pair of publishers, measure and known reason their figures differ, from
-- data_raw/reference/source_differences.csv after its contract.
-- Units: none.
CREATE OR REPLACE TABLE staging.source_differences (
    source_a VARCHAR NOT NULL,
    source_b VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    explanation VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
