-- report: request_vs_enacted
-- Grain: one row per fiscal year, organization, scope and title with both phases. Units: US$ millions; percent.
SELECT
    'FY' || fiscal_year || ' ' || organization || ' (' || scope || ')'
        || CASE WHEN appropriation_title <> 'total' THEN ', ' || appropriation_title ELSE '' END AS label,
    fiscal_year, organization, scope, appropriation_title, request_usd_millions, enacted_usd_millions, gap_pct, source
FROM marts.request_vs_enacted
ORDER BY fiscal_year, organization, scope
