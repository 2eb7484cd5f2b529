-- report: space_share
-- Grain: one row per fiscal year and phase (USA), for the Space Force against DoD chart.
-- Units: US$ billions, current; share_pct in percent of the DoD figure.
SELECT
    fiscal_year,
    phase,
    space_scope,
    defense_scope,
    space_usd_millions / 1000 AS space_usd_billions,
    defense_usd_millions / 1000 AS defense_usd_billions,
    share_pct,
    space_source,
    defense_source
FROM marts.space_share
WHERE nation_iso3 = 'USA'
ORDER BY fiscal_year, phase
