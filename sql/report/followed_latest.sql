-- report: followed_latest
-- Grain: one row per followed nation (focus nations and 2022 Artemis Accords signatories), latest complete year
--   (year_type: calendar, or the US fiscal year).
-- Units: real_cagr_*_pct in percent per year; per_capita_usd in US$ per person, current; share_of_gdp_pct in percent.
WITH latest AS (
    SELECT max(constant_base_year) AS year FROM marts.defense_yoy
)

SELECT
    yoy.nation_iso3,
    yoy.nation_name,
    yoy.year,
    yoy.year_type,
    yoy.real_cagr_5y_pct,
    yoy.real_cagr_10y_pct,
    burden.per_capita_usd,
    yoy.share_of_gdp_pct,
    yoy.is_estimate,
    yoy.source
FROM marts.defense_yoy AS yoy
INNER JOIN marts.nations AS nations ON nations.code = yoy.nation_iso3
LEFT JOIN marts.burden AS burden USING (nation_iso3, year)
WHERE yoy.year = (SELECT year FROM latest) AND (nations.is_focus OR nations.is_artemis_signatory_2022)
ORDER BY yoy.nation_name
