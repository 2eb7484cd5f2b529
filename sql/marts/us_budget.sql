-- marts.us_budget
-- Grain: one row per fiscal year, organization (DoD, Space Force), phase (request, enacted) and scope.
-- Units: amount_usd_millions and amount_usd_billions are budget authority in current US dollars (millions, billions);
--   fiscal_year is the US federal fiscal year (1 October of the previous year to 30 September).
-- Scope: sources count differently (DoD 051 or national defense 050; Space Force with or without SDA, base or
--   with reconciliation); each count is its own row, and is_headline_scope marks the government's own release scope.
-- Sources: per row in `source` (DoD releases, Green Book, CRS, SpaceNews, SpacePolicyOnline, CSIS, ...).
CREATE OR REPLACE TABLE marts.us_budget AS
WITH budget_lines AS (
    SELECT * FROM staging.us_budget_lines
),

totals AS (
    SELECT * FROM budget_lines WHERE appropriation_title = 'total'
),

final AS (
    SELECT
        fiscal_year,
        organization,
        phase,
        scope,
        amount_usd_millions,
        amount_usd_millions / 1000 AS amount_usd_billions,
        is_headline_scope,
        note,
        source,
        source_url,
        source_kind,
        secondary_reason,
        source_file,
        source_row
    FROM totals
)

SELECT * FROM final ORDER BY fiscal_year, organization, phase, scope;

COMMENT ON TABLE marts.us_budget IS 'US DoD and Space Force budget toplines by fiscal year, organization, phase and scope';
COMMENT ON COLUMN marts.us_budget.amount_usd_millions IS 'Budget authority, US$ millions, current prices';
COMMENT ON COLUMN marts.us_budget.amount_usd_billions IS 'Budget authority, US$ billions, current prices';
COMMENT ON COLUMN marts.us_budget.source_kind IS 'primary (the government''s own publication) or secondary (a report of it: secondary_reason says why)';
COMMENT ON COLUMN marts.us_budget.is_headline_scope IS 'On the scope the government''s own budget release uses (one per fiscal year, organization and phase)';
