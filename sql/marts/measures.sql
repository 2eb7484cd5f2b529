-- marts.measures
-- Grain: one row per measure of marts.budget_lines (what a figure measures), with its description and unit,
--   the readers that emit it, its conformed measure in marts.budget_facts, and how many lines the last build loaded.
-- Units: lines counts budget lines.
CREATE OR REPLACE TABLE marts.measures AS
WITH measures AS (
    SELECT * FROM staging.measures
),

loaded AS (
    SELECT measure, count(*) AS lines FROM staging.budget_lines GROUP BY measure
),

final AS (
    SELECT
        measures.measure,
        measures.description,
        measures.conformed,
        measures.source_formats,
        coalesce(loaded.lines, 0) AS lines
    FROM measures
    LEFT JOIN loaded USING (measure)
)

SELECT * FROM final ORDER BY measure;

COMMENT ON TABLE marts.measures IS 'What each measure in marts.budget_lines means, with its unit and the readers that emit it';

COMMENT ON COLUMN marts.measures.conformed IS 'The measure''s name in marts.budget_facts: one name per concept across publishers (the reader''s CONFORMED), or the measure itself';
COMMENT ON COLUMN marts.measures.lines IS 'Budget lines of that measure in staging.budget_lines (what the last build loaded), a count; 0 when none';
