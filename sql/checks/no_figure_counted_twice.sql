-- check: no_figure_counted_twice
-- asset: marts.budget_facts
-- severity: error
-- Invariant: a figure is counted once however many files bring it. Marts sum and compare only preferred lines, so
-- for every figure (figure_key: publisher, entity, period, measure, price-basis kind, phase where the publisher
-- states several, classification) and exhibit column (column_key) exactly one line may be preferred, whether the
-- figure came from a shipped extract and its workbook, from two exports of one release, from a zip and its CSV, or
-- from two tables of one workbook.
-- Returns each figure and column with more than one preferred line, and the lines (the lines are listed only for
-- those: a list for every figure would cost seconds per million lines).
WITH preferred AS (
    SELECT fact_source, figure_key, column_key, file, sheet, "row"
    FROM marts.budget_facts
    WHERE is_preferred
),

twice AS (
    SELECT fact_source, figure_key, column_key
    FROM preferred
    GROUP BY fact_source, figure_key, column_key
    HAVING count(*) > 1
)

SELECT
    preferred.fact_source,
    preferred.figure_key,
    preferred.column_key,
    count(*) AS preferred_lines,
    string_agg(file || coalesce(', sheet ' || sheet, '') || ', row ' || "row", '; ' ORDER BY file, sheet, "row")
        AS lines
FROM preferred
SEMI JOIN twice
    ON twice.fact_source = preferred.fact_source
    AND twice.figure_key = preferred.figure_key
    AND twice.column_key IS NOT DISTINCT FROM preferred.column_key
GROUP BY preferred.fact_source, preferred.figure_key, preferred.column_key
