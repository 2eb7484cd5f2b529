-- How heavy is the military burden: share of GDP, of government spending, and per person?
-- Percent of GDP, percent of general government expenditure, US$ per person (current), 2024.
SELECT nation_name, share_of_gdp_pct, share_of_government_spending_pct, per_capita_usd, nato_share_of_gdp_pct
FROM marts.burden
WHERE year = 2024 AND share_of_gdp_pct IS NOT NULL
ORDER BY share_of_gdp_pct DESC;
