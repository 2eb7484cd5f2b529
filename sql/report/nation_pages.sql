-- report: nation_pages
-- Grain: one row per nation or body that gets a page: nations with SIPRI series, and the issuers of registered
-- strategy documents. memberships: "NATO since 1949-04-04, Five Eyes since 1956, ..." (dates to their precision).
WITH memberships AS (
    SELECT
        code,
        string_agg(
            CASE membership WHEN 'nato' THEN 'NATO' WHEN 'five_eyes' THEN 'Five Eyes' WHEN 'cspo' THEN 'CSpO'
                ELSE 'Artemis Accords' END
            || ' since '
            || CASE date_precision
                WHEN 'year' THEN strftime(joined_on, '%Y')
                WHEN 'month' THEN strftime(joined_on, '%Y-%m')
                ELSE strftime(joined_on, '%Y-%m-%d')
            END,
            ', ' ORDER BY joined_on
        ) AS memberships
    FROM marts.nation_memberships
    WHERE left_on IS NULL
    GROUP BY code
)

SELECT nations.code, nations.name, nations.kind, nations.region, nations.is_focus, memberships.memberships
FROM marts.nations AS nations
LEFT JOIN memberships USING (code)
WHERE nations.code IN (SELECT nation_iso3 FROM marts.defense_yoy WHERE current_usd_millions IS NOT NULL)
   OR nations.code IN (SELECT nation_code FROM marts.strategy_register)
ORDER BY nations.name
