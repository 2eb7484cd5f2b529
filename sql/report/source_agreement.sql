-- report: source_agreement
-- Grain: one row per nation and publisher other than SIPRI that gives military expenditure as a share of GDP in
-- the latest year both give. Units: percent of GDP; difference in percentage points (publisher - SIPRI).
WITH pairs AS (
    SELECT nation_iso3, year, source_a, value_a, source_b, value_b, reason FROM marts.source_agreement
    WHERE measure = 'milex_share_of_gdp' AND source_a = 'SIPRI'
    UNION ALL
    SELECT nation_iso3, year, source_b, value_b, source_a, value_a, reason FROM marts.source_agreement
    WHERE measure = 'milex_share_of_gdp' AND source_b = 'SIPRI'
),

latest AS (
    SELECT max(year) AS year FROM pairs
)

SELECT
    pairs.nation_iso3, coalesce(nations.name, pairs.nation_iso3) AS nation_name, pairs.year,
    pairs.value_a, pairs.value_b, pairs.source_b, pairs.value_b - pairs.value_a AS difference, pairs.reason
FROM pairs
LEFT JOIN marts.nations AS nations ON nations.code = pairs.nation_iso3
WHERE pairs.year = (SELECT year FROM latest)
ORDER BY pairs.nation_iso3, pairs.source_b
