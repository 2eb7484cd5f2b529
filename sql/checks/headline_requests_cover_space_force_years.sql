-- check: headline_requests_cover_space_force_years
-- asset: marts.us_budget
-- severity: warn
-- Every fiscal year with a Space Force request has a DoD request on the headline scope, so marts.space_share
-- has a row for it. Returns the fiscal years that lack one.
WITH budget AS (
    SELECT * FROM marts.us_budget WHERE phase = 'request' AND is_headline_scope
)

SELECT DISTINCT space_force.fiscal_year
FROM budget AS space_force
WHERE space_force.organization = 'Space Force'
  AND NOT EXISTS (
      SELECT 1 FROM budget AS dod
      WHERE dod.organization = 'DoD' AND dod.fiscal_year = space_force.fiscal_year
  )
