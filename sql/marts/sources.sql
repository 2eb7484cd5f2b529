-- marts.sources
-- Grain: one row per file the last build read: starter, reference and inbox files.
-- Units: bytes in bytes; rows_loaded and rows_rejected count lines (budget lines, or table rows for starter files).
-- status: loaded; companion (a file read together with another, such as World Bank metadata); unreadable
--   (error says why; nothing of the file was loaded; set_aside_to says where it was moved); changed (the file was
--   still being written, or changed while it was read: nothing loaded, left in the inbox for the next build); or
--   skipped (a symbolic link, a special file, or a second copy of a file already read: error names it).
-- Described by: source_record (pipelines/shapes.py): columns it shares with that shape and that have no comment below
--   take the shape's descriptions as column comments.
CREATE OR REPLACE TABLE marts.sources AS
WITH sources AS (
    SELECT * FROM staging.sources
),

final AS (
    SELECT
        file AS path,
        origin,
        sha256,
        bytes,
        status,
        source_format AS detected_format,
        source,
        edition,
        rows_loaded,
        rows_rejected,
        error,
        skipped,
        set_aside_to,
        read_at
    FROM sources
)

SELECT * FROM final ORDER BY origin, path;

COMMENT ON TABLE marts.sources IS 'Every file read: path, sha256, detected source and edition, rows loaded and rejected';
COMMENT ON COLUMN marts.sources.bytes IS 'File size in bytes';
COMMENT ON COLUMN marts.sources.skipped IS 'Sheets and columns of the file its reader left out, one sentence each with the reason (a list; unnest(skipped) gives one row each)';
COMMENT ON COLUMN marts.sources.set_aside_to IS 'Where an unreadable inbox file was moved (data_raw/inbox/rejected/...), beside a note of the reason';
COMMENT ON COLUMN marts.sources.status IS 'loaded, companion, unreadable, changed (left for the next build) or skipped (not read; error says why)';
