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

COMMENT ON COLUMN staging.document_hits.doc_file IS 'The document file the hit is in, as shown to users (relative to the project root; staging.documents.file)';
COMMENT ON COLUMN staging.document_hits.category IS 'Lexicon category the term signals (the categories of data_raw/reference/lexicon.csv)';
COMMENT ON COLUMN staging.document_hits.family IS 'Family of the category: rhetoric or capability (a capability category is a space capability area)';
COMMENT ON COLUMN staging.document_hits.term IS 'The lexicon term that matched, as the lexicon writes it (a trailing * makes a word a prefix)';
COMMENT ON COLUMN staging.document_hits.matched IS 'The words of the document the term matched, as written';
COMMENT ON COLUMN staging.document_hits.paragraph IS 'Paragraph of the document holding the hit: 0-based index';
COMMENT ON COLUMN staging.document_hits.position IS 'Position of the hit''s first word among all the words of the document: 0-based index';
COMMENT ON COLUMN staging.document_hits.context IS 'The hit with up to 12 words either side of it in its paragraph, as written (… where cut)';
