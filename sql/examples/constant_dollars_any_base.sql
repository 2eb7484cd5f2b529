-- Military expenditure in constant dollars of a base year of your choice (here 2015), from SIPRI's series.
-- US$ millions at 2015 prices and exchange rates; the table macro rebases nation by nation.
SELECT nation_name, year, round(constant_usd_millions, 1) AS constant_2015_usd_millions
FROM marts.milex_constant_usd(2015)
WHERE nation_iso3 IN ('USA', 'CHN', 'RUS') AND year >= 2015
ORDER BY nation_name, year;
