-- report: nation_series
-- Grain: one row per nation and year (calendar, or the US fiscal year: year_type), for the report's charts.
-- subregion: SIPRI's subregion of the nation (its peers on its page).
-- Units: constant_usd_billions in US$ billions at constant prices of constant_base_year (for comparing nations;
--   NULL for a nation with no figure in that year); series_usd_billions in US$ billions at the prices of
--   series_price_year: the base year where the nation has a figure in it, else SIPRI's own base year (for one
--   nation's chart: its real path does not depend on the base year); real_yoy_pct in percent; share_of_gdp_pct in
--   percent of GDP.
SELECT
    yoy.nation_iso3,
    yoy.nation_name,
    yoy.year,
    yoy.year_type,
    yoy.constant_usd_millions / 1000 AS constant_usd_billions,
    yoy.constant_base_year,
    coalesce(yoy.constant_usd_millions, yoy.source_constant_usd_millions) / 1000 AS series_usd_billions,
    CASE WHEN yoy.constant_usd_millions IS NOT NULL THEN yoy.constant_base_year ELSE yoy.source_base_year END
        AS series_price_year,
    yoy.real_yoy_pct,
    yoy.share_of_gdp_pct,
    yoy.is_estimate,
    nations.is_focus,
    nations.is_artemis_signatory_2022,
    nations.subregion,
    yoy.source
FROM marts.defense_yoy AS yoy
INNER JOIN marts.nations AS nations ON nations.code = yoy.nation_iso3
ORDER BY yoy.nation_iso3, yoy.year
