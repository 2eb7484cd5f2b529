-- Which nations grew military spending fastest in real terms in 2024?
-- Units: real_yoy_pct in percent change of constant (2023) US$ on 2023; share_of_gdp_pct in percent of GDP.
SELECT nation_name, real_yoy_pct, share_of_gdp_pct, is_estimate
FROM marts.defense_yoy
WHERE year = 2024
ORDER BY real_yoy_pct DESC NULLS LAST;
