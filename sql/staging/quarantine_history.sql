-- staging.quarantine_history
-- Grain: one row per rejected input row and broken rule, as the previously published marts.quarantine held it.
-- Units: none. Made when a run starts, from the published warehouse (empty on a first build); marts.quarantine
--   merges it with this run's rejections so that no rejected row is forgotten when its file is fixed or removed.
CREATE TABLE IF NOT EXISTS staging.quarantine_history (
    @columns(rejected_row),
    first_run_id VARCHAR NOT NULL,
    first_quarantined_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL
);

COMMENT ON COLUMN staging.quarantine_history.first_run_id IS 'The build that first rejected the row';
COMMENT ON COLUMN staging.quarantine_history.first_quarantined_at IS 'When the build that first rejected the row ran (UTC)';
COMMENT ON COLUMN staging.quarantine_history.run_id IS 'The latest build before this one that rejected the row';
COMMENT ON COLUMN staging.quarantine_history.quarantined_at IS 'When that latest build rejected the row (UTC)';
