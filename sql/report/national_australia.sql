-- report: national_australia
-- Grain: one row per line of the Department of Defence: the totals of the Portfolio Budget Statements' table T-1
--   "Total Defence resourcing" (statement 'resourcing': the lines is_total marks, each drawn on its own, never
--   added), and the Department of Finance's program expense line items (statement 'programmes': one row per
--   program and cost type; program component items, another breakdown of the same money, left out).
-- Units: amount_millions in AUD millions, current prices; fiscal_year is the year the July-June fiscal year ends
--   (2025 = 2024-25); phase: actual (the estimated actual of the year before the budget), request (the budget
--   year), projection (forward estimates).
SELECT
    CASE publisher WHEN 'Australia, Portfolio Budget Statements' THEN 'resourcing' ELSE 'programmes' END AS statement,
    fiscal_year,
    phase,
    is_estimate,
    coalesce(line_item_title, cost_type) AS line,
    CASE WHEN publisher = 'Australia, Finance program expenses' THEN cost_type END AS cost_type,
    is_total,
    amount_millions,
    currency,
    amount_usd_millions,
    source,
    edition,
    file,
    sheet,
    row,
    source_column
FROM marts.national_budgets
WHERE nation_iso3 = 'AUS' AND organization = 'Department of Defence' AND amount_millions IS NOT NULL
    AND (
        (publisher = 'Australia, Portfolio Budget Statements' AND classification = 'Total Defence resourcing'
            AND is_total)
        OR (publisher = 'Australia, Finance program expenses' AND classification = 'program expense line items')
    )
ORDER BY statement, fiscal_year, line
