-- marts.quarantine
-- Grain: one row per rejected input row and broken rule (a row breaking two rules appears twice).
-- Units: none. row counts the file's header as row 1; sheet is NULL for CSV files.
-- Nothing is dropped silently: every row a contract refused is here, with the rule and the offending value.
CREATE OR REPLACE TABLE marts.quarantine AS
WITH quarantine AS (
    SELECT * FROM staging.quarantine
),

final AS (
    SELECT file, sheet, "row", "column", rule, value, run_id, quarantined_at
    FROM quarantine
)

SELECT * FROM final ORDER BY file, "row", "column", rule;

COMMENT ON TABLE marts.quarantine IS 'Every rejected input row, with file, row, column, rule and offending value';
COMMENT ON COLUMN marts.quarantine.row IS 'Row in the file, the header being row 1';
COMMENT ON COLUMN marts.quarantine.rule IS 'The contract rule the row broke';
