-- check: no_actuals_in_the_future
-- asset: marts.budget_facts
-- severity: warn
-- A figure marked as actual spending for a year that has not begun (after the current calendar year): a
-- request or projection labelled as actual, or a mistyped year. Returns each such figure with its row.
SELECT file, sheet, "row", source_column, entity_code, period_type, period, measure, phase, value, unit
FROM marts.budget_facts
WHERE phase = 'actual'
  AND period > extract(year FROM current_date)
ORDER BY file, sheet, "row", period
