-- marts.request_vs_enacted
-- Grain: one row per fiscal year, organization, scope and appropriation title for which a source gives both the
--   request and the enacted amount on the same scope (never a request of one scope against an enactment of another).
-- Units: request_usd_millions, enacted_usd_millions and gap_usd_millions (enacted - request) in US$ millions,
--   current; gap_pct = 100 * gap / request, in percent (2 decimals).
-- Sources: marts.us_budget (toplines) and marts.us_appropriations (by title).
CREATE OR REPLACE TABLE marts.request_vs_enacted AS
WITH toplines AS (
    SELECT fiscal_year, organization, scope, 'total' AS appropriation_title, phase, amount_usd_millions, source
    FROM marts.us_budget
),

titles AS (
    SELECT fiscal_year, organization, scope, appropriation_title, phase, amount_usd_millions, source
    FROM marts.us_appropriations
    WHERE funding_type = 'total' AND source NOT IN (SELECT source FROM marts.us_budget)
),

amounts AS (
    SELECT * FROM toplines
    UNION ALL SELECT * FROM titles
),

paired AS (
    SELECT
        fiscal_year,
        organization,
        scope,
        appropriation_title,
        max(amount_usd_millions) FILTER (WHERE phase = 'request') AS request_usd_millions,
        max(amount_usd_millions) FILTER (WHERE phase = 'enacted') AS enacted_usd_millions,
        string_agg(DISTINCT source, '; ' ORDER BY source) AS source
    FROM amounts
    GROUP BY fiscal_year, organization, scope, appropriation_title
),

final AS (
    SELECT
        *,
        enacted_usd_millions - request_usd_millions AS gap_usd_millions,
        round(100 * (enacted_usd_millions - request_usd_millions) / request_usd_millions, 2) AS gap_pct
    FROM paired
    WHERE request_usd_millions > 0 AND enacted_usd_millions IS NOT NULL
)

SELECT * FROM final ORDER BY fiscal_year, organization, scope, appropriation_title;

COMMENT ON TABLE marts.request_vs_enacted IS 'How far enacted budgets move from requests, on the same scope';
COMMENT ON COLUMN marts.request_vs_enacted.request_usd_millions IS 'Requested budget authority, US$ millions, current';
COMMENT ON COLUMN marts.request_vs_enacted.enacted_usd_millions IS 'Enacted budget authority, US$ millions, current';
COMMENT ON COLUMN marts.request_vs_enacted.gap_usd_millions IS 'Enacted minus request, US$ millions, current';
COMMENT ON COLUMN marts.request_vs_enacted.gap_pct IS 'Gap as percent of the request, 2 decimals';
COMMENT ON COLUMN marts.request_vs_enacted.fiscal_year IS 'US federal fiscal year (FY N ends on 30 September of year N)';
COMMENT ON COLUMN marts.request_vs_enacted.organization IS 'DoD, Space Force or Space programs, as marts.us_budget or marts.us_appropriations names it';
COMMENT ON COLUMN marts.request_vs_enacted.scope IS 'What both figures cover, as the source counts it (e.g. USSF, including SDA; DoD (051)): the request and the enactment are on the same scope';
COMMENT ON COLUMN marts.request_vs_enacted.appropriation_title IS 'total (a topline of marts.us_budget), or the appropriation title (military personnel, operation and maintenance, procurement, RDT&E ...)';
COMMENT ON COLUMN marts.request_vs_enacted.source IS 'The publications the two figures come from, separated by ''; ''';
