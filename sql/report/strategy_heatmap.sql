-- report: strategy_heatmap
-- Grain: one row per nation, year and rhetoric category. Units: hits per 10,000 words.
SELECT nation_code || ' ' || year AS label, nation_code, year, category, per_10k_tokens, hits, documents
FROM marts.strategy_trends
WHERE family = 'rhetoric'
ORDER BY nation_code, year, category
