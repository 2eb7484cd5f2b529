-- marts.sources
-- Grain: one row per file the last build read: starter, reference and inbox files.
-- Units: bytes in bytes; rows_loaded and rows_rejected count lines (budget lines, or table rows for starter files).
-- status: loaded; companion (a file read together with another, such as World Bank metadata); or unreadable
--   (error says why; nothing of the file was loaded).
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
        read_at
    FROM sources
)

SELECT * FROM final ORDER BY origin, path;

COMMENT ON TABLE marts.sources IS 'Every file read: path, sha256, detected source and edition, rows loaded and rejected';
COMMENT ON COLUMN marts.sources.bytes IS 'File size in bytes';
