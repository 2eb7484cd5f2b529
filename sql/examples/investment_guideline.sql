-- Who invests at least 20 percent of defence spending in equipment (NATO's guideline)?
-- Percent of defence spending on equipment (NATO), or procurement + RDT&E (US budget), against 20 percent.
SELECT nation_iso3, year, organization, phase, basis, share_pct, guideline_pct, meets_guideline
FROM marts.investment_share
ORDER BY year DESC, share_pct DESC;
