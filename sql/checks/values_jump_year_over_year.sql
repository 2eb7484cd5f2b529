-- check: values_jump_year_over_year
-- asset: marts.budget_facts
-- severity: warn
-- An amount more than triples, or falls below a third, from one year to the next in the same series (same
-- file, sheet, nation, measure, prices, phase and scope). Often real (a war, a new service), sometimes a unit or
-- typing slip: either way worth a look. Local-currency series are left out (redenominations and hyperinflation
-- make jumps there routine); line items are left out (programmes start and stop). The threshold is set in
-- `settings` below. Returns each jump with the row it was read from.
WITH settings AS (
    SELECT 3.0 AS max_ratio, 1.0 AS smallest_value
),

series AS (
    SELECT
        file, sheet, "row", source_column, entity_code, period, measure, unit, value,
        lag(value) OVER w AS previous_value,
        lag(period) OVER w AS previous_period
    FROM marts.budget_facts
    WHERE measure IN ('milex_usd', 'budget_authority', 'outlays', 'total_obligational_authority', 'gdp_usd')
      AND line_item IS NULL AND account IS NULL AND NOT is_memo AND value IS NOT NULL
    WINDOW w AS (
        PARTITION BY fact_source, file, sheet, entity_code, measure, price_basis, unit, phase, scope, organization,
            category, appropriation_title, column_key
        ORDER BY period
    )
)

SELECT
    file, sheet, "row", source_column, entity_code, measure, unit, previous_period, previous_value, period, value,
    round(value / previous_value, 2) AS ratio
FROM series, settings
WHERE previous_period = period - 1
  AND previous_value >= smallest_value AND value >= smallest_value
  AND (value / previous_value > max_ratio OR value / previous_value < 1 / max_ratio)
ORDER BY file, sheet, entity_code, measure, period
