-- report: nation_series
-- Grain: one row per nation and calendar year, for the report's nation charts.
-- Units: constant_usd_billions in US$ billions at constant prices of constant_base_year; real_yoy_pct in percent;
--   share_of_gdp_pct in percent of GDP.
SELECT
    yoy.nation_iso3,
    yoy.nation_name,
    yoy.year,
    yoy.constant_usd_millions / 1000 AS constant_usd_billions,
    yoy.constant_base_year,
    yoy.real_yoy_pct,
    yoy.share_of_gdp_pct,
    yoy.is_estimate,
    nations.is_focus,
    nations.is_artemis_signatory_2022,
    yoy.source
FROM marts.defense_yoy AS yoy
INNER JOIN marts.nations AS nations ON nations.code = yoy.nation_iso3
ORDER BY yoy.nation_iso3, yoy.year
