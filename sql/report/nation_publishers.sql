-- report: nation_publishers
-- Grain: one row per nation, year and publisher that compiles military spending itself: SIPRI (every nation), NATO
-- (its members) and the European Defence Agency (EU members in the EDA), each figure once (the edition the
-- warehouse prefers for it), with the file, sheet and row it was read from.
-- Units: share_pct in percent of GDP (NATO's is of GDP at its constant 2015 prices, as NATO computes it).
SELECT
    entity_code AS nation_iso3,
    period AS year,
    CASE WHEN source ILIKE 'NATO%' THEN 'NATO' ELSE 'European Defence Agency' END AS publisher,
    value AS share_pct,
    is_estimate,
    source,
    edition,
    file,
    sheet,
    row
FROM marts.budget_facts
WHERE measure = 'milex_share_of_gdp' AND is_preferred AND (source ILIKE 'NATO%' OR source ILIKE 'European Defence Agency%')
UNION ALL
SELECT nation_iso3, year, 'SIPRI', value, is_estimate, source, NULL, source_file, sheet, source_row
FROM marts.military_expenditure
WHERE measure = 'share_of_gdp' AND value IS NOT NULL
ORDER BY nation_iso3, publisher, year
