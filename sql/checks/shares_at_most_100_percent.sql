-- check: shares_at_most_100_percent
-- asset: marts.budget_facts
-- severity: warn
-- A share (of GDP, of government spending, of a defence budget) above 100 percent: nearly always a unit slip (a
-- fraction read as a percentage) or a mistyped figure, and at best an extreme case to read with care (SIPRI,
-- and the World Bank and OWID after it, give Kuwait 117 percent of GDP in 1991, the year its GDP collapsed).
-- Returns each such share with its row.
SELECT file, sheet, "row", source_column, entity_code, period, measure, value, unit
FROM marts.budget_facts
WHERE measure LIKE '%share%'
  AND value > 100
ORDER BY file, sheet, "row", period
