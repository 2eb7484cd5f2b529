-- check: constant_equals_current_in_base_year
-- asset: marts.defense_yoy
-- severity: error
-- SIPRI's constant-dollar series is priced at the base year's prices and exchange rates, so in the base year
-- it equals the current-dollar series. A gap above 0.1 percent means a mistyped or mis-sheeted figure. (The
-- tolerance is taken on the absolute value: a negative figure, which the contract quarantines, could not pass.)
-- Returns the nation-years that break it, with the files their figures came from (an inbox file named here is
-- set aside by the build, which then publishes without it).
SELECT
    yoy.nation_iso3,
    yoy.year,
    yoy.constant_base_year,
    yoy.current_usd_millions,
    yoy.constant_usd_millions,
    (
        SELECT string_agg(DISTINCT facts.file, '; ' ORDER BY facts.file)
        FROM marts.budget_facts AS facts
        WHERE facts.is_preferred
          AND facts.source_format = 'sipri_milex'
          AND facts.entity_code = yoy.nation_iso3
          AND facts.period = yoy.year
          AND facts.measure = 'milex_usd'
    ) AS files
FROM marts.defense_yoy AS yoy
WHERE yoy.year = yoy.constant_base_year
  AND yoy.current_usd_millions IS NOT NULL
  AND yoy.constant_usd_millions IS NOT NULL
  AND abs(yoy.constant_usd_millions - yoy.current_usd_millions) > 0.001 * abs(yoy.current_usd_millions)
