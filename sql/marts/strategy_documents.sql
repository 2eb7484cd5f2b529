-- marts.strategy_documents
-- Grain: one row per strategy document file read and loaded (data_raw/strategies/ and the inbox); rejected files
--   are in marts.quarantine.
-- Units: tokens counts words (letters, split at hyphens and punctuation); paragraphs counts paragraphs; bytes in bytes.
-- A document is matched to the register (data_raw/starter/strategy_documents.csv) by file name, else by title and
--   year; one that matches nothing keeps what could be inferred and in_register = false. Documents not in English
--   are loaded and flagged (is_scored = false).
CREATE OR REPLACE TABLE marts.strategy_documents AS
WITH documents AS (
    SELECT * FROM staging.documents WHERE status = 'loaded'
),

register AS (
    SELECT * FROM staging.strategy_documents
),

nations AS (
    SELECT code, name FROM staging.nations
),

final AS (
    SELECT
        documents.doc_id,
        coalesce(register.nation_code, documents.nation_code) AS nation_code,
        nations.name AS nation_name,
        coalesce(register.year, documents.year) AS year,
        coalesce(register.kind, documents.kind) AS kind,
        coalesce(register.title, documents.title) AS title,
        documents.title AS title_in_file,
        documents.in_register,
        documents.match_method,
        documents.match_score,
        register.issuer,
        register.official_url,
        documents.format,
        documents.language,
        documents.is_english,
        documents.is_scored,
        documents.pages,
        documents.paragraphs,
        documents.tokens,
        documents.lexicon_version,
        documents.file,
        documents.sha256,
        documents.bytes,
        documents.notes
    FROM documents
    LEFT JOIN register USING (doc_id)
    LEFT JOIN nations ON nations.code = coalesce(register.nation_code, documents.nation_code)
)

SELECT * FROM final ORDER BY nation_code, year, doc_id;

COMMENT ON TABLE marts.strategy_documents IS 'Strategy documents read: matched to the register, language, size, whether scored';
COMMENT ON COLUMN marts.strategy_documents.tokens IS 'Number of words in the document';
