-- check: constant_equals_current_in_base_year
-- asset: marts.defense_yoy
-- severity: error
-- SIPRI's constant-dollar series is priced at the base year's prices and exchange rates, so in the base year
-- it equals the current-dollar series. A gap above 0.1 percent means a mistyped or mis-sheeted figure.
-- Returns the nation-years that break it.
SELECT nation_iso3, year, constant_base_year, current_usd_millions, constant_usd_millions
FROM marts.defense_yoy
WHERE year = constant_base_year
  AND current_usd_millions IS NOT NULL
  AND constant_usd_millions IS NOT NULL
  AND abs(constant_usd_millions - current_usd_millions) > 0.001 * abs(current_usd_millions)
