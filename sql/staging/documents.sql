-- staging.documents
-- Grain: one row per strategy document file read (data_raw/strategies/ and documents dropped into the inbox),
-- loaded or rejected, with its match to the register and what extraction found.
-- Units: bytes in bytes; tokens counts words; paragraphs counts paragraphs; match_score is an overlap coefficient 0-1.
CREATE OR REPLACE TABLE staging.documents (
    file VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    error VARCHAR,
    doc_id VARCHAR,
    in_register BOOLEAN NOT NULL,
    match_method VARCHAR,
    match_score DOUBLE,
    nation_code VARCHAR,
    year INTEGER,
    kind VARCHAR,
    title VARCHAR,
    format VARCHAR,
    language VARCHAR,
    is_english BOOLEAN,
    is_scored BOOLEAN NOT NULL,
    pages INTEGER,
    paragraphs INTEGER,
    tokens BIGINT,
    lexicon_version VARCHAR,
    notes VARCHAR
);

COMMENT ON COLUMN staging.documents.file IS 'The document file, as shown to users (relative to the project root: data_raw/strategies/... or data_raw/inbox/...)';
COMMENT ON COLUMN staging.documents.sha256 IS 'SHA-256 of the file''s bytes (hex); empty text when the file could not be opened';
COMMENT ON COLUMN staging.documents.bytes IS 'Size of the file, in bytes (0 when it could not be opened)';
COMMENT ON COLUMN staging.documents.status IS 'loaded, or rejected (it could not be read: see error; its reason is also in the quarantine)';
COMMENT ON COLUMN staging.documents.error IS 'Why the document could not be read, in words; empty when loaded';
COMMENT ON COLUMN staging.documents.doc_id IS 'The strategy register''s identifier of the document (data_raw/starter/strategy_documents.csv), or unregistered-<file name> when it matches no entry; empty when rejected';
COMMENT ON COLUMN staging.documents.in_register IS 'True when the document matched an entry of the strategy register';
COMMENT ON COLUMN staging.documents.match_method IS 'How the document was matched to the register: file name, title and year, or not in register';
COMMENT ON COLUMN staging.documents.match_score IS 'Overlap coefficient of the title''s content words with the matched register title: a ratio from 0 to 1 (1.0 for a match by file name); empty when not matched';
COMMENT ON COLUMN staging.documents.nation_code IS 'Issuing nation (ISO 3166-1 alpha-3) or body (NATO, EU): the register''s, else the one the title or opening text names; empty when unknown';
COMMENT ON COLUMN staging.documents.year IS 'Year of publication: the register''s, else the first year in the title, the file''s date or its cover; empty when unknown';
COMMENT ON COLUMN staging.documents.kind IS 'Kind of document: the register''s, else one inferred from title words (white_paper, doctrine, space_strategy, national_security_strategy, defense_strategy, policy, law, accord); empty when unknown';
COMMENT ON COLUMN staging.documents.title IS 'The title read from the file (PDF metadata, HTML <title> or first <h1>, Markdown front matter or first heading, a text file''s heading-like first paragraph); empty when none';
COMMENT ON COLUMN staging.documents.format IS 'text, markdown, html or pdf: how the file was read';
COMMENT ON COLUMN staging.documents.language IS 'Language of the text, guessed: ISO 639-1 code (en, fr ...), or und when undetermined';
COMMENT ON COLUMN staging.documents.is_english IS 'True when the text was guessed to be English (only English texts are scored: the lexicon is English)';
COMMENT ON COLUMN staging.documents.is_scored IS 'True when the document was scored against the lexicon (its hits are in staging.document_hits)';
COMMENT ON COLUMN staging.documents.pages IS 'Pages of a PDF, a count; empty for other formats';
COMMENT ON COLUMN staging.documents.paragraphs IS 'Paragraphs extracted from the document, a count';
COMMENT ON COLUMN staging.documents.tokens IS 'Words in the document as the lexicon counts them (runs of letters, with apostrophes inside), a count; empty when not scored';
COMMENT ON COLUMN staging.documents.lexicon_version IS 'Version of the lexicon the document was scored with; empty when not scored';
COMMENT ON COLUMN staging.documents.notes IS 'What extraction and matching did that a reader should know (hyphens joined, markup removed, not scored ...), separated by ''; ''';
