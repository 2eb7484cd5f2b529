-- check: file_totals_reconcile
-- asset: marts.reconciliations
-- severity: warn
-- Each total a published file states (Green Book total rows, NATO aggregates, exhibit subtotals) equals the sum
-- of its own component lines within the source's rounding. A warning: a miss is a quirk of the published file
-- to look at, not a reason to withhold the rest. Returns the totals that do not reconcile.
SELECT file, sheet, "row", "check", stated, computed, difference, tolerance
FROM marts.reconciliations
WHERE NOT passed
ORDER BY file, sheet, "row"
