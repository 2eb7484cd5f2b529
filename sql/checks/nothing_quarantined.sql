-- check: nothing_quarantined
-- asset: marts.quarantine
-- severity: warn
-- Rows were rejected by a contract and not loaded. A warning, not an error: the rest loads; the rows are in
-- marts.quarantine with their rule. Returns the count of rows this build rejected, by file and rule.
SELECT file, rule, count(*) AS rows_rejected
FROM marts.quarantine
WHERE is_current
GROUP BY file, rule
ORDER BY file, rule
