-- report: strategy_heatmap
-- Grain: one row per nation, year and rhetoric category. Units: hits per 10,000 words.
-- sources: the documents pooled in the row ("issuer, title (year)", '; ' between them).
WITH documents AS (
    SELECT scores.nation_code, scores.year,
        string_agg(
            DISTINCT coalesce(documents.issuer || ', ', '') || coalesce(documents.title, documents.doc_id)
            || coalesce(' (' || documents.year || ')', ''),
            '; '
        ) AS sources
    FROM (SELECT DISTINCT doc_id, nation_code, year FROM marts.strategy_scores) AS scores
    INNER JOIN marts.strategy_documents AS documents USING (doc_id)
    GROUP BY ALL
)

SELECT trends.nation_code || ' ' || trends.year AS label, trends.nation_code, trends.year, trends.category,
    trends.per_10k_tokens, trends.hits, trends.documents, documents.sources
FROM marts.strategy_trends AS trends
LEFT JOIN documents USING (nation_code, year)
WHERE trends.family = 'rhetoric'
ORDER BY trends.nation_code, trends.year, trends.category
