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
