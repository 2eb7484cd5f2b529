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
COMMENT ON COLUMN marts.strategy_documents.doc_id IS 'The strategy register''s identifier of the document (data_raw/starter/strategy_documents.csv), or unregistered-<file name> for a document no register entry matches';
COMMENT ON COLUMN marts.strategy_documents.nation_code IS 'Issuing nation (ISO 3166-1 alpha-3) or body (NATO, EU): the register''s, else the one the document''s title or opening text names; empty when unknown';
COMMENT ON COLUMN marts.strategy_documents.year IS 'Year of publication or adoption: the register''s, else the first year in the title, the file''s date or its cover; empty when unknown';
COMMENT ON COLUMN marts.strategy_documents.kind IS 'Kind of document: the register''s (space_strategy, defense_strategy, national_security_strategy, white_paper, doctrine, policy, law, accord), else one inferred from title words; empty when unknown';
COMMENT ON COLUMN marts.strategy_documents.title IS 'The register''s title of the document, else the title read from the file';
