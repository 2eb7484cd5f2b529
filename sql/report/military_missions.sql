-- report: military_missions
-- Grain: one row per year, operator shown and capability area: satellites whose users include the military in
-- orbit and operating at the end of each year (GCAT), by mission (capability area, from
-- data_raw/reference/space_mission_rules.csv). The four operators with the most such satellites in any year are
-- shown by name, the rest as one group; a joint satellite counts for each party (so "the rest" may count
-- a satellite of two of its members twice).
-- Units: counts of satellites.
WITH military AS (
    SELECT source, edition, year, operator_code, coalesce(operator_name, operator_code) AS operator_name,
        capability_area, sum(active) AS active
    FROM marts.space_capability
    WHERE user_class = 'military' AND source ILIKE '%GCAT%'
    GROUP BY ALL
),

by_year AS (
    SELECT operator_code, year, sum(active) AS active FROM military GROUP BY ALL
),

largest AS (
    -- by the most satellites an operator had in any year (the Soviet Union's fleet is named, not lumped in)
    SELECT operator_code FROM by_year GROUP BY operator_code ORDER BY max(active) DESC, operator_code LIMIT 4
)

SELECT
    source,
    edition,
    year,
    CASE WHEN operator_code IN (SELECT operator_code FROM largest) THEN operator_name
        ELSE 'Other nations and bodies' END AS operator,
    capability_area,
    sum(active)::BIGINT AS active
FROM military
GROUP BY ALL
HAVING sum(active) > 0
ORDER BY operator, year, capability_area
