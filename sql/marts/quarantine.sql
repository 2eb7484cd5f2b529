-- marts.quarantine
-- Grain: one row per rejected input row and broken rule (a row breaking two rules appears twice), over every
--   build: a row rejected once stays here after its file is fixed or removed, with is_current = false.
-- Units: none. row counts the file's header as row 1; sheet is NULL for CSV files; a file that could not be read
--   at all has one row with column '(file)' or '(document)' and the reason as its value.
-- Runs: first_run_id / first_quarantined_at say when a row was first rejected; run_id / quarantined_at the
--   latest build that rejected it. The same rejection in later builds updates these and adds no row.
-- Nothing is dropped silently: every row a contract refused is here, with the rule and the offending value.
-- Described by: rejected_row (pipelines/shapes.py): columns it shares with that shape and that have no comment below
--   take the shape's descriptions as column comments.
CREATE OR REPLACE TABLE marts.quarantine AS
WITH current_run AS (
    SELECT * FROM staging.quarantine
),

history AS (
    SELECT * FROM staging.quarantine_history
),

merged AS (
    SELECT
        coalesce(current_run.file, history.file) AS file,
        coalesce(current_run.sheet, history.sheet) AS sheet,
        coalesce(current_run."row", history."row") AS "row",
        coalesce(current_run."column", history."column") AS "column",
        coalesce(current_run.rule, history.rule) AS rule,
        coalesce(current_run.value, history.value) AS value,
        current_run.file IS NOT NULL AS is_current,
        coalesce(history.first_run_id, current_run.run_id) AS first_run_id,
        coalesce(history.first_quarantined_at, current_run.quarantined_at) AS first_quarantined_at,
        coalesce(current_run.run_id, history.run_id) AS run_id,
        coalesce(current_run.quarantined_at, history.quarantined_at) AS quarantined_at
    FROM current_run
    FULL OUTER JOIN history
        ON current_run.file = history.file
        AND current_run.sheet IS NOT DISTINCT FROM history.sheet
        AND current_run."row" IS NOT DISTINCT FROM history."row"
        AND current_run."column" = history."column"
        AND current_run.rule = history.rule
        AND current_run.value IS NOT DISTINCT FROM history.value
),

final AS (
    SELECT
        file, sheet, "row", "column", rule, value, is_current,
        first_run_id, first_quarantined_at, run_id, quarantined_at
    FROM merged
)

SELECT * FROM final ORDER BY file, sheet, "row", "column", rule, first_quarantined_at;

COMMENT ON TABLE marts.quarantine IS 'Every input row ever rejected, with file, row, column, rule, offending value and the runs that rejected it';
COMMENT ON COLUMN marts.quarantine.row IS 'Row in the file, the header being row 1';
COMMENT ON COLUMN marts.quarantine.rule IS 'The contract rule the row broke';
COMMENT ON COLUMN marts.quarantine.is_current IS 'Rejected by the build that published this warehouse (false: rejected by an earlier build only)';
COMMENT ON COLUMN marts.quarantine.first_run_id IS 'The build that first rejected this row';
COMMENT ON COLUMN marts.quarantine.run_id IS 'The latest build that rejected this row';
COMMENT ON COLUMN marts.quarantine.quarantined_at IS 'When the latest build that rejected this row ran (UTC)';
COMMENT ON COLUMN marts.quarantine.first_quarantined_at IS 'When the build that first rejected this row ran (UTC)';
