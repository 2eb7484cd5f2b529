-- report: source_agreement
-- Grain: one row per nation and publisher other than SIPRI that gives military expenditure as a share of GDP, in
-- the latest year that publisher and SIPRI both give. Units: percent of GDP; difference in percentage points
-- (publisher - SIPRI). comparison: independent (NATO) or republication (the World Bank and OWID carry SIPRI's series).
-- detail_a and detail_b: the publications (with editions) of SIPRI's figure and of the publisher's.
WITH pairs AS (
    SELECT nation_iso3, year, source_a, value_a, source_b, value_b, comparison, reason, detail_a, detail_b
    FROM marts.source_agreement WHERE measure = 'milex_share_of_gdp' AND source_a = 'SIPRI'
    UNION ALL
    SELECT nation_iso3, year, source_b, value_b, source_a, value_a, comparison, reason, detail_b, detail_a
    FROM marts.source_agreement WHERE measure = 'milex_share_of_gdp' AND source_b = 'SIPRI'
),

latest AS (
    SELECT source_b, max(year) AS year FROM pairs GROUP BY source_b
)

SELECT
    pairs.nation_iso3, coalesce(nations.name, pairs.nation_iso3) AS nation_name, pairs.year,
    pairs.value_a, pairs.value_b, pairs.source_b, pairs.value_b - pairs.value_a AS difference, pairs.comparison,
    pairs.reason, pairs.detail_a, pairs.detail_b
FROM pairs
INNER JOIN latest USING (source_b, year)
LEFT JOIN marts.nations AS nations ON nations.code = pairs.nation_iso3
ORDER BY pairs.nation_iso3, pairs.source_b
