-- check: space_share_plausible
-- asset: marts.space_share
-- severity: error
-- A military space budget is part of the defense budget it is compared with: 0 < share_pct < 100, and the
-- two figures are of the same fiscal year and phase. Returns the rows that break it.
SELECT nation_iso3, fiscal_year, phase, space_usd_millions, defense_usd_millions, share_pct
FROM marts.space_share
WHERE NOT (share_pct > 0 AND share_pct < 100)
