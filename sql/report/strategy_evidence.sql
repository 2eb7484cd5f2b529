-- report: strategy_evidence
-- Grain: up to three evidence rows per nation, year and category (the first hits in the documents).
-- Units: paragraph numbers are 1-based.
SELECT nation_code, year, category, family, doc_id, paragraph, matched, context
FROM (
    SELECT *, row_number() OVER (PARTITION BY nation_code, year, category ORDER BY doc_id, word_position) AS n
    FROM marts.strategy_evidence
)
WHERE n <= 3
ORDER BY nation_code, year, family, category, n
