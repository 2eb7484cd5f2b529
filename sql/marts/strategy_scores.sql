-- marts.strategy_scores
-- Grain: one row per scored document and lexicon category (every category, zero hits included).
-- Units: hits counts term occurrences (a token counts once per category); per_10k_tokens = 10,000 * hits / tokens.
-- Lexicon: data_raw/reference/lexicon.csv (version in lexicon_version).
CREATE OR REPLACE TABLE marts.strategy_scores AS
WITH documents AS (
    SELECT * FROM marts.strategy_documents WHERE is_scored
),

categories AS (
    SELECT DISTINCT category, family FROM staging.lexicon
),

hits AS (
    SELECT doc_file AS file, category, count(*) AS hits
    FROM staging.document_hits
    GROUP BY ALL
),

final AS (
    SELECT
        documents.doc_id,
        documents.nation_code,
        documents.year,
        documents.kind,
        categories.family,
        categories.category,
        coalesce(hits.hits, 0) AS hits,
        documents.tokens,
        round(10000.0 * coalesce(hits.hits, 0) / documents.tokens, 2) AS per_10k_tokens,
        documents.lexicon_version,
        documents.file
    FROM documents
    CROSS JOIN categories
    LEFT JOIN hits ON hits.file = documents.file AND hits.category = categories.category
    WHERE documents.tokens > 0
)

SELECT * FROM final ORDER BY nation_code, year, doc_id, family, category;

COMMENT ON TABLE marts.strategy_scores IS 'Lexicon hits per document and category, per 10,000 words';
COMMENT ON COLUMN marts.strategy_scores.per_10k_tokens IS 'Hits per 10,000 words (tokens), 2 decimals';
COMMENT ON COLUMN marts.strategy_scores.hits IS 'Lexicon hits of the category in the document (a word counts once per category), a count';
