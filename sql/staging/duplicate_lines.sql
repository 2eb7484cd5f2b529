-- staging.duplicate_lines
-- Grain: one row per line of an input file that states the same figure as another line of the same sheet (or of the
--   same text file), read from the same column: a row copied with other figures, a second OWID row for one entity
--   and year, a repeated exhibit row or milspace line. Nothing says which copy is right, so every copy is taken out
--   of the staged lines and quarantined with this rule (pipelines/intake/staging.py). The same figure in two sheets
--   of one workbook (NATO restates its tables; SIPRI gives US spending in both local-currency sheets) is not a copy:
--   marts.budget_facts keeps one of them. An extract's lines are compared within the publication's sheet (kept in
--   extracted_from). The lines of a streamed file copied unchanged from the published warehouse
--   (staging.streamed_files.reused) were searched when that file was read, and are not searched again.
-- Identity: staging.figure_identity (sql/staging/budget_lines.sql) and the phase.
-- Units: value as the line states it, in its unit.
CREATE OR REPLACE TABLE staging.duplicate_lines AS
WITH keyed AS (
    SELECT
        file, sheet, "row", source_column, value, phase,
        -- the publication's sheet: an extract's lines keep it in extracted_from
        coalesce(sheet, regexp_extract(extracted_from, ', sheet ''(.*)'', row \d+', 1), '') AS sheet_key,
        staging.figure_identity(
            source, entity_code, entity_kind, period, period_type, measure, price_basis, funding_type, NULL,
            category, appropriation_title, organization, account, budget_activity, line_item, cost_type,
            source_format, account_title, line_item_title, is_total
        ) AS identity
    FROM staging.budget_lines
    -- a file whose lines were copied from the published warehouse had its copies taken out when it was read
    WHERE file NOT IN (SELECT streamed.file FROM staging.streamed_files AS streamed WHERE streamed.reused)
),

copied AS (
    SELECT file, sheet_key, source_column, identity, phase, count(*) AS copies, list("row" ORDER BY "row") AS rows
    FROM keyed
    GROUP BY file, sheet_key, source_column, identity, phase
    HAVING count(*) > 1
),

final AS (
    SELECT
        keyed.file,
        keyed.sheet,
        keyed."row",
        keyed.source_column,
        coalesce(keyed.source_column, '(line)') AS "column",
        'one figure per line: the same figure (entity, period, measure, phase, classification, column) is stated '
            || 'by several rows of one sheet; every copy is quarantined, since nothing says which is right' AS rule,
        coalesce(CAST(keyed.value AS VARCHAR), 'empty') || ' (the copies: rows '
            || array_to_string(copied.rows, ', ') || ')' AS value
    FROM keyed
    INNER JOIN copied
        ON copied.file = keyed.file AND copied.sheet_key = keyed.sheet_key
       AND copied.source_column IS NOT DISTINCT FROM keyed.source_column
       AND copied.identity = keyed.identity AND copied.phase = keyed.phase
)

SELECT * FROM final;

COMMENT ON COLUMN staging.duplicate_lines.file IS 'The file holding the copies, as shown to users (relative to the project root)';
COMMENT ON COLUMN staging.duplicate_lines.sheet IS 'Worksheet of the file; empty for text files';
COMMENT ON COLUMN staging.duplicate_lines."row" IS 'Row of one copy in the sheet or file, the header being row 1';
COMMENT ON COLUMN staging.duplicate_lines.source_column IS 'Header of the column the copied figure was read from, as published (amount_thousands for a milspace budget-lines file)';
COMMENT ON COLUMN staging.duplicate_lines."column" IS 'The column the quarantine names: source_column, or (line) where the line has none';
COMMENT ON COLUMN staging.duplicate_lines.rule IS 'The rule the copies break, in words (the same for every row)';
COMMENT ON COLUMN staging.duplicate_lines.value IS 'The copy''s value as text (empty if the value is), followed by the rows of every copy';
