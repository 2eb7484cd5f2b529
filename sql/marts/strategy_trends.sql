-- marts.strategy_trends
-- Grain: one row per nation, year and lexicon category, over the nation's scored documents of that year.
-- Units: documents counts documents; hits and tokens are summed; per_10k_tokens = 10,000 * sum(hits) / sum(tokens)
--   (pooled, so a long document weighs more than a short one).
CREATE OR REPLACE TABLE marts.strategy_trends AS
WITH scores AS (
    SELECT * FROM marts.strategy_scores WHERE nation_code IS NOT NULL AND year IS NOT NULL
),

final AS (
    SELECT
        nation_code,
        year,
        family,
        category,
        count(DISTINCT doc_id) AS documents,
        sum(hits) AS hits,
        sum(tokens) AS tokens,
        round(10000.0 * sum(hits) / sum(tokens), 2) AS per_10k_tokens
    FROM scores
    GROUP BY nation_code, year, family, category
)

SELECT * FROM final ORDER BY nation_code, year, family, category;

COMMENT ON TABLE marts.strategy_trends IS 'Lexicon attention by nation, year and category, pooled over the year''s documents';
COMMENT ON COLUMN marts.strategy_trends.per_10k_tokens IS 'Hits per 10,000 words over the year''s documents, 2 decimals';
COMMENT ON COLUMN marts.strategy_trends.documents IS 'Scored documents of the nation in the year, a count';
COMMENT ON COLUMN marts.strategy_trends.hits IS 'Lexicon hits of the category summed over those documents, a count';
COMMENT ON COLUMN marts.strategy_trends.tokens IS 'Words summed over those documents (as the lexicon counts them), a count';
