-- staging.document_money
-- Grain: one row per money mention found in a document (an amount with its currency and scale, or a share of GDP).
-- Units: amount as written; amount_millions in millions of currency; share_of_gdp_pct in percent of GDP.
CREATE OR REPLACE TABLE staging.document_money (
    doc_file VARCHAR NOT NULL,
    paragraph BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    amount DOUBLE,
    scale VARCHAR,
    currency VARCHAR,
    amount_millions DOUBLE,
    share_of_gdp_pct DOUBLE,
    period VARCHAR,
    matched VARCHAR NOT NULL,
    context VARCHAR NOT NULL
);
