-- staging.streamed_files
-- Grain: one row per file of a streamed format (milspace budget lines, pipelines/sources/milspace_lines.py) whose
--   lines this build loaded into staging.milspace_lines.
-- What it is for: a file's checked lines are content-addressed. intake_key is the sha256 of the file's own sha256,
--   milspace's code and libraries (pipelines/fingerprint.py, code_fingerprint) and the known nations. A later build
--   that finds the same file with the same key copies the file's lines and rejected rows from the published
--   warehouse instead of reading and checking it again (pipelines/intake/staging.py); `milspace build --full`
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
COMMENT ON COLUMN staging.streamed_files.intake_key IS 'SHA-256 (hexadecimal) of the file''s SHA-256, milspace''s code and libraries, and the known nations: the same key means the same checked lines';
COMMENT ON COLUMN staging.streamed_files.lines IS 'The number of lines that passed the BudgetLine contract, before copies were taken out (a count)';
COMMENT ON COLUMN staging.streamed_files.copies IS 'The number of lines taken out because another line of the file states the same figure (a count; quarantined)';
COMMENT ON COLUMN staging.streamed_files.reused IS 'True when this build copied the lines from the published warehouse instead of reading the file again';
COMMENT ON COLUMN staging.streamed_files.run_id IS 'The Dagster run (build) that read and checked the file';
COMMENT ON COLUMN staging.streamed_files.read_at IS 'When that build read the file (UTC)';
