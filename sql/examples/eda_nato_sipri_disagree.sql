-- How far do the EDA, NATO and SIPRI disagree on France and Germany, and why?
-- Each pair of publishers for the same nation, year and measure (US$ millions current, or percent of GDP), the
-- gap in percent and the recorded reasons (definition, vintage, currency, fiscal year ...).
SELECT nation_iso3, year, measure, source_a, source_b, round(value_a, 2) AS value_a, round(value_b, 2) AS value_b,
    difference_pct, reason
FROM marts.source_agreement
WHERE nation_iso3 IN ('FRA', 'DEU') AND 'EDA' IN (source_a, source_b)
ORDER BY nation_iso3, measure, year, source_a, source_b;
