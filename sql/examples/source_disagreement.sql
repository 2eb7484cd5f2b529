-- Where do SIPRI, NATO, the World Bank and the Pentagon disagree, and why?
-- The largest gaps between publishers for the same nation, year and measure, with the known reasons.
SELECT nation_iso3, year, measure, unit, source_a, value_a, source_b, value_b, difference_pct, reason
FROM marts.source_agreement
WHERE abs(difference_pct) >= 1
ORDER BY abs(difference_pct) DESC
LIMIT 25;
