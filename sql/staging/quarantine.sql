-- staging.quarantine
-- Grain: one row per rejected input row and broken rule (a row breaking two rules appears twice).
-- Units: none; row counts the file's header as row 1.
-- Created once and kept: each load replaces only the rows of the file it read.
CREATE TABLE IF NOT EXISTS staging.quarantine (
    @columns(rejected_row),
    run_id VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL
);

COMMENT ON COLUMN staging.quarantine.run_id IS 'The Dagster run (build) that rejected the row';
COMMENT ON COLUMN staging.quarantine.quarantined_at IS 'When that build rejected the row (UTC)';
