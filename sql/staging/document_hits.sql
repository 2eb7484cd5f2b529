-- staging.document_hits
-- Grain: one row per lexicon hit in a scored document: category, term, the words as written, where, and context.
-- Units: paragraph and position are 0-based indexes (paragraph of the document, word of the document).
CREATE OR REPLACE TABLE staging.document_hits (
    doc_file VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    family VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    matched VARCHAR NOT NULL,
    paragraph BIGINT NOT NULL,
    position BIGINT NOT NULL,
    context VARCHAR NOT NULL
);
