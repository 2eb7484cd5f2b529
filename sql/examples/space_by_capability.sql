-- Which space missions does the US defense budget fund?
-- US space budget lines by capability area (rules in data_raw/reference/capability_rules.csv), US$ millions,
-- current, with each area's share of the space lines of the same year, phase and exhibit column.
SELECT fiscal_year, phase, exhibit_column, capability_area, amount_usd_millions, share_of_space_pct, lines
FROM marts.capability_investment
WHERE funding_type = 'total'
ORDER BY fiscal_year, phase, exhibit_column, amount_usd_millions DESC;
