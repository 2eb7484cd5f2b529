-- report: us_space_areas
-- Grain: one row per fiscal year, phase, edition and space capability area (marts.capability_investment: the DoD
--   exhibits' space lines mapped by data_raw/reference/capability_rules.csv), on one exhibit column per fiscal
--   year, phase and edition: the total column (base + OCO + emergency), the first by name where an exhibit gives
--   two totals of the same phase. Phases are kept apart, never added.
-- Units: amount_usd_millions is budget authority in US$ millions, current prices; share_of_space_pct is the area's
--   percent of the space lines of that column.
WITH totals AS (
    SELECT *
    FROM marts.capability_investment
    WHERE funding_type = 'total' AND price_basis = 'current'
),

columns AS (
    SELECT fiscal_year, phase, edition, min(exhibit_column) AS exhibit_column
    FROM totals
    GROUP BY ALL
)

SELECT
    totals.fiscal_year,
    totals.phase,
    totals.capability_area,
    totals.amount_usd_millions,
    totals.share_of_space_pct,
    totals.lines,
    totals.rules_used,
    totals.exhibit_column,
    totals.edition,
    totals.source
FROM totals
INNER JOIN columns USING (fiscal_year, phase, edition, exhibit_column)
ORDER BY totals.fiscal_year, totals.phase, totals.capability_area
