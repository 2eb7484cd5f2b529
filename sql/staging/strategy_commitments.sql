-- staging.strategy_commitments
-- Grain: one row per document, item and source, from data_raw/starter/strategy_commitments.csv after its contract.
-- Units: amount_millions in millions of `currency` over the stated period; share_of_gdp_pct in percent of GDP.
CREATE OR REPLACE TABLE staging.strategy_commitments (
    doc_id VARCHAR NOT NULL,
    item VARCHAR NOT NULL,
    commitment_type VARCHAR NOT NULL,
    amount_millions DOUBLE,
    currency VARCHAR,
    share_of_gdp_pct DOUBLE,
    period VARCHAR NOT NULL,
    year_start INTEGER,
    year_end INTEGER,
    is_lower_bound BOOLEAN NOT NULL,
    is_approximate BOOLEAN NOT NULL,
    relation VARCHAR NOT NULL,
    part_of VARCHAR,
    note VARCHAR,
    source VARCHAR NOT NULL,
    source_url VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
