-- check: zero_between_nonzero_years
-- asset: marts.budget_facts
-- severity: warn
-- A zero amount in a year whose neighbours on both sides are at least `smallest_neighbour` (in the series' own
-- unit): a budget does not vanish for one year, so the zero is most likely a missing figure typed as 0. SIPRI's
-- own workbook has such cells (Mauritania 2004 and 2007, Ghana 1967, Sweden 1996). Returns each zero with the row
-- it was read from and its neighbours.
WITH settings AS (
    SELECT 1.0 AS smallest_neighbour
),

series AS (
    SELECT
        file, sheet, "row", source_column, entity_code, period, measure, unit, value,
        lag(value) OVER w AS previous_value, lag(period) OVER w AS previous_period,
        lead(value) OVER w AS next_value, lead(period) OVER w AS next_period
    FROM marts.budget_facts
    WHERE measure IN ('milex_usd', 'milex_local_currency', 'budget_authority', 'outlays',
                      'total_obligational_authority')
      AND line_item IS NULL AND account IS NULL AND NOT is_memo AND value IS NOT NULL
    WINDOW w AS (
        PARTITION BY fact_source, file, sheet, entity_code, measure, price_basis, unit, phase, scope, organization,
            category, appropriation_title, column_key
        ORDER BY period
    )
)

SELECT file, sheet, "row", source_column, entity_code, measure, unit, previous_value, period, value, next_value
FROM series, settings
WHERE value = 0
  AND previous_period = period - 1 AND next_period = period + 1
  AND previous_value >= smallest_neighbour AND next_value >= smallest_neighbour
ORDER BY file, sheet, entity_code, measure, period
