-- report: investment
-- Grain: one row per nation (NATO's equipment share, latest year) or US budget (procurement + RDT&E, each fiscal
-- year and basis). Units: share_pct in percent of defence spending.
WITH nato AS (
    SELECT * FROM marts.investment_share WHERE basis = 'NATO equipment expenditure'
),

nato_latest AS (
    SELECT nation_iso3 AS label, share_pct, basis, is_estimate, source, year
    FROM nato WHERE year = (SELECT max(year) FROM nato)
),

us AS (
    SELECT 'USA FY' || year || ' ' || organization || ' ' || phase AS label, share_pct, basis, is_estimate, source, year
    FROM marts.investment_share
    WHERE basis = 'procurement + RDT&E'
)

SELECT * FROM nato_latest
UNION ALL
SELECT * FROM us
ORDER BY basis, share_pct DESC
