-- report: nato_gdp
-- Grain: one row per NATO member in NATO's tables and year: defence expenditure as a share of GDP, from NATO's
--   Defence Expenditure of NATO Countries (marts.budget_facts, the preferred figure; NATO's aggregates left out).
-- Units: share_of_gdp_pct in percent of GDP as NATO gives it (NATO's unit is in `unit`); meets_guideline:
--   share_of_gdp_pct >= 2 (NATO's 2 percent guideline, pledged at the Wales summit in 2014). is_estimate: NATO marks
--   the figure as an estimate (its latest years, 'e' in the column heading). was_member: the nation had joined by the
--   end of the year (marts.nations.nato_member_since); NATO's tables give figures for members from before they joined.
SELECT
    facts.entity_code AS nation_iso3,
    coalesce(nations.name, facts.entity_code) AS nation_name,
    facts.period AS year,
    facts.period_type AS year_type,
    facts.value AS share_of_gdp_pct,
    facts.value >= 2.0 AS meets_guideline,
    facts.is_estimate,
    nations.nato_member_since,
    coalesce(nations.nato_member_since <= make_date(facts.period, 12, 31), false) AS was_member,
    facts.unit,
    facts.source,
    facts.edition,
    facts.file,
    facts.sheet,
    facts.row
FROM marts.budget_facts AS facts
LEFT JOIN marts.nations AS nations ON nations.code = facts.entity_code
WHERE facts.is_preferred AND facts.source LIKE 'NATO%' AND facts.measure = 'milex_share_of_gdp'
  AND facts.entity_kind = 'country' AND facts.value IS NOT NULL
ORDER BY nation_name, year
