-- What did a publisher revise between the editions read?
-- The same figure in an older and a newer edition, largest revisions first.
SELECT source, entity_code, period, measure, price_basis, edition_old, value_old, edition_new, value_new, revision_pct
FROM marts.vintage_revisions
ORDER BY abs(revision) DESC NULLS LAST
LIMIT 25;
