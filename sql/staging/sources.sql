-- staging.sources
-- Grain: one row per file a build read (starter, reference and inbox files), with what was made of it.
-- Units: bytes in bytes; rows_loaded and rows_rejected count budget lines or table rows.
-- Columns: a file's SourceRecord, declared once in pipelines/shapes.py (@columns(source_record)).
-- Created once and kept: each load replaces only the rows of the files it read.
CREATE TABLE IF NOT EXISTS staging.sources (@columns(source_record));
-- Warehouses published before these columns existed get them (a run that is not fresh starts from one).
ALTER TABLE staging.sources ADD COLUMN IF NOT EXISTS skipped VARCHAR[];
ALTER TABLE staging.sources ADD COLUMN IF NOT EXISTS set_aside_to VARCHAR;
