-- How far do enacted budgets move from requests?
-- Enacted minus requested budget authority (US$ millions, current, and percent of the request), on the same scope.
SELECT fiscal_year, organization, scope, appropriation_title, request_usd_millions, enacted_usd_millions,
    gap_usd_millions, gap_pct
FROM marts.request_vs_enacted
ORDER BY fiscal_year, organization;
