-- staging.sources
-- Grain: one row per file a build read (starter, reference and inbox files), with what was made of it.
-- Units: bytes in bytes; rows_loaded and rows_rejected count budget lines or table rows.
-- Created once and kept: each load replaces only the rows of the files it read.
CREATE TABLE IF NOT EXISTS staging.sources (
    file VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    source_format VARCHAR,
    source VARCHAR,
    edition VARCHAR,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    error VARCHAR,
    read_at TIMESTAMP NOT NULL,
    skipped VARCHAR[],
    set_aside_to VARCHAR
);
-- Warehouses published before these columns existed get them (a run that is not fresh starts from one).
ALTER TABLE staging.sources ADD COLUMN IF NOT EXISTS skipped VARCHAR[];
ALTER TABLE staging.sources ADD COLUMN IF NOT EXISTS set_aside_to VARCHAR;
