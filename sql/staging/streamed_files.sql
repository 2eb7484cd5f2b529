-- staging.streamed_files
-- Grain: one row per file of a streamed format (milspace budget lines, pipelines/sources/milspace_lines.py) whose
--   lines this build loaded into staging.milspace_lines.
-- What it is for: a file's checked lines are content-addressed. intake_key is the file's key in the intake store
--   (pipelines/intake/store.py, store_key): the sha256 of its name as shown, its own sha256, milspace's code and
--   libraries (pipelines/fingerprint.py) and the known nations and their names. A later build that finds the same
--   file with the same key copies the file's lines and rejected rows from the published warehouse instead of
--   reading and checking it again (pipelines/intake/staging.py); a file a worker of the distributed intake read
--   (`milspace intake`) is loaded from the store, and run_id names that intake's run. `milspace build --full`
--   reads every file.
-- Units: lines and copies are counts of budget lines; read_at is UTC.
CREATE OR REPLACE TABLE staging.streamed_files (
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    intake_key VARCHAR NOT NULL,
    lines BIGINT NOT NULL,
    copies BIGINT NOT NULL,
    reused BOOLEAN NOT NULL,
    run_id VARCHAR NOT NULL,
    read_at TIMESTAMP NOT NULL
);
COMMENT ON COLUMN staging.streamed_files.file IS 'The file, as shown to users (relative to the project root)';
COMMENT ON COLUMN staging.streamed_files.sha256 IS 'SHA-256 of the file''s bytes (hexadecimal)';
COMMENT ON COLUMN staging.streamed_files.intake_key IS 'The file''s key in the intake store: SHA-256 (hexadecimal) of its name, its SHA-256, milspace''s code and libraries, and the known nations and their names; the same key means the same checked lines';
COMMENT ON COLUMN staging.streamed_files.lines IS 'The number of lines that passed the BudgetLine contract, before copies were taken out (a count)';
COMMENT ON COLUMN staging.streamed_files.copies IS 'The number of lines taken out because another line of the file states the same figure (a count; quarantined)';
COMMENT ON COLUMN staging.streamed_files.reused IS 'True when this build copied the lines from the published warehouse instead of reading the file again';
COMMENT ON COLUMN staging.streamed_files.run_id IS 'The Dagster run that read and checked the file (a build, or a `milspace intake` run whose worker read it)';
COMMENT ON COLUMN staging.streamed_files.read_at IS 'When that run read the file (UTC)';
