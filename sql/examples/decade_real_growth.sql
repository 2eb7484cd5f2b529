-- Real growth over a decade: constant (2023) US$ in 2024 against 2014, per nation.
-- Units: percent.
SELECT
    nation_name,
    round(100 * (max(constant_usd_millions) FILTER (WHERE year = 2024)
               / max(constant_usd_millions) FILTER (WHERE year = 2014) - 1), 1) AS real_growth_2014_2024_pct
FROM marts.defense_yoy
GROUP BY nation_name
ORDER BY real_growth_2014_2024_pct DESC NULLS LAST;
