-- report: nation_satellites
-- Grain: one row per operating nation, catalogue and year: satellites whose users include the military, active at
-- the UCS edition's date (the newest edition of each year) or at the end of the year (GCAT), and all its
-- satellites in the same catalogue and year. A joint satellite counts for each party.
-- Units: counts of satellites.
SELECT
    operator_code AS nation_iso3,
    CASE WHEN source ILIKE '%UCS%' THEN 'UCS Satellite Database' ELSE 'GCAT' END AS catalogue,
    year,
    edition,
    source,
    sum(active) FILTER (WHERE user_class = 'military')::BIGINT AS military,
    sum(active) FILTER (WHERE user_class = 'all')::BIGINT AS all_users
FROM marts.space_capability
WHERE is_latest_edition_of_year AND operator_code IS NOT NULL
GROUP BY ALL
ORDER BY nation_iso3, catalogue, year
