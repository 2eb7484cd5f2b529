-- marts.strategy_evidence
-- Grain: one row per lexicon hit: the evidence behind every count of marts.strategy_scores.
-- Units: paragraph is 1-based (the document's paragraphs in order); word_position is the 1-based word number in
--   the document; context is the words around the hit as written.
CREATE OR REPLACE TABLE marts.strategy_evidence AS
WITH hits AS (
    SELECT * FROM staging.document_hits
),

documents AS (
    SELECT doc_id, nation_code, year, file FROM marts.strategy_documents
),

final AS (
    SELECT
        documents.doc_id,
        documents.nation_code,
        documents.year,
        hits.family,
        hits.category,
        hits.term,
        hits.matched,
        hits.paragraph + 1 AS paragraph,
        hits.position + 1 AS word_position,
        hits.context,
        documents.file
    FROM hits
    INNER JOIN documents ON documents.file = hits.doc_file
)

SELECT * FROM final ORDER BY doc_id, word_position, category;

COMMENT ON TABLE marts.strategy_evidence IS 'Every lexicon hit with its paragraph, the words as written and their context';
COMMENT ON COLUMN marts.strategy_evidence.paragraph IS 'Paragraph of the document holding the hit: 1-based number';
COMMENT ON COLUMN marts.strategy_evidence.word_position IS 'Position of the hit''s first word among all the words of the document: 1-based number';
