-- marts.reconciliations
-- Grain: one row per total a published file states (a total row, an aggregate, a subtotal), against the sum
--   milspace computes from the same file's component lines.
-- Units: stated, computed, difference and tolerance in the unit of the lines compared (named in check).
CREATE OR REPLACE TABLE marts.reconciliations AS
WITH reconciliations AS (
    SELECT * FROM staging.reconciliations
),

final AS (
    SELECT
        file,
        sheet,
        "row",
        "check",
        stated,
        computed,
        computed - stated AS difference,
        tolerance,
        passed
    FROM reconciliations
)

SELECT * FROM final ORDER BY file, sheet, "row", "check";

COMMENT ON TABLE marts.reconciliations IS 'Totals each published file states, recomputed from its own lines';
COMMENT ON COLUMN marts.reconciliations.difference IS 'computed - stated, in the unit of the measure named in check';
