-- report: investment
-- Grain: one row per NATO member (NATO's equipment share, NATO's latest year) and per US fiscal year, phase and
-- column of the DoD exhibits on NATO's definition as near as they allow (procurement + RDT&E of budget activities 4,
-- 5 and 7): only bases comparable with NATO's 20 percent guideline. US fiscal years are labelled FY, NATO's years
-- by their year: never the same axis position. Units: share_pct in percent of defence spending.
WITH nato AS (
    SELECT * FROM marts.investment_share WHERE basis = 'NATO equipment expenditure'
),

nato_latest AS (
    SELECT nation_iso3 || ' ' || year::VARCHAR || ' (NATO)' AS label, share_pct, basis, is_estimate, source, year,
        period_type
    FROM nato WHERE year = (SELECT max(year) FROM nato)
),

us AS (
    -- one bar per fiscal year and phase: of an exhibit's several columns for one (the FY 2018 request with and without
    -- its emergency requests), the fullest total
    SELECT 'USA FY' || year::VARCHAR || ' ' || phase || ' (DoD exhibits)' AS label,
        arg_max(share_pct, (total_usd_millions, basis_key)) AS share_pct, min(basis) AS basis,
        bool_or(is_estimate) AS is_estimate, arg_max(source, (total_usd_millions, basis_key)) AS source, year,
        min(period_type) AS period_type
    FROM marts.investment_share
    WHERE nation_iso3 = 'USA' AND comparable_to_guideline AND basis <> 'NATO equipment expenditure'
    GROUP BY year, phase
)

SELECT * FROM nato_latest
UNION ALL
SELECT * FROM us
ORDER BY basis, share_pct DESC
