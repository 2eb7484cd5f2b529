-- report: sources_vintage
-- Grain: one row per file read by the last build. Units: rows counts lines or rows.
SELECT origin, path, status, detected_format, source, edition, rows_loaded, rows_rejected
FROM marts.sources
ORDER BY origin, path
