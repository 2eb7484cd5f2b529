-- staging.strategy_documents
-- Grain: one row per strategy document in the register, from data_raw/starter/strategy_documents.csv after its contract.
-- Units: none (bibliographic facts); published is year-month text, year an integer.
CREATE OR REPLACE TABLE staging.strategy_documents (
    doc_id VARCHAR NOT NULL PRIMARY KEY,
    nation_code VARCHAR NOT NULL,
    published VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    issuer VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    official_url VARCHAR,
    url_kind VARCHAR NOT NULL,
    evidence_urls VARCHAR,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
