-- report: military_satellites
-- Grain: one row per catalogue, edition, year and operator shown: satellites whose users include the military,
-- active at the edition date (UCS editions) or at year end (GCAT), summed over capability areas (each satellite is
-- in one area). The eight operators with the most such satellites in any year of the catalogue are shown by name,
-- the rest as one group. A joint satellite counts for each party, so operators' counts overlap slightly.
-- Units: counts of satellites.
WITH military AS (
    SELECT source, edition, edition_date, year, active_as_of, operator_code,
        coalesce(operator_name, operator_code) AS operator_name, sum(active)::BIGINT AS active
    FROM marts.space_capability
    WHERE user_class = 'military'
    GROUP BY ALL
),

ranked AS (
    -- by the most satellites an operator had in any year (the Soviet Union's fleet is named, not lumped in)
    SELECT source, operator_code,
        row_number() OVER (PARTITION BY source ORDER BY max(active) DESC, operator_code) AS rank
    FROM military
    GROUP BY source, operator_code
),

final AS (
    SELECT military.source, military.edition, military.edition_date, military.year, military.active_as_of,
        CASE WHEN ranked.rank <= 8 THEN military.operator_name ELSE 'Other nations and bodies' END AS operator,
        min(coalesce(ranked.rank, 99)) AS rank,
        sum(military.active)::BIGINT AS active
    FROM military
    LEFT JOIN ranked USING (source, operator_code)
    GROUP BY ALL
)

SELECT *, CASE WHEN source ILIKE 'Union of Concerned Scientists%' THEN 'ucs' ELSE 'gcat' END AS catalogue
FROM final
ORDER BY source, edition_date, year, rank
