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

COMMENT ON COLUMN staging.document_money.doc_file IS 'The document file the mention is in, as shown to users (relative to the project root; staging.documents.file)';
COMMENT ON COLUMN staging.document_money.paragraph IS 'Paragraph of the document holding the mention: 0-based index';
COMMENT ON COLUMN staging.document_money.kind IS 'amount (a sum of money) or share_of_gdp (a percentage of GDP)';
COMMENT ON COLUMN staging.document_money.amount IS 'The number as written, before its scale (24.5 in ''$24.5 billion''), in `scale` units of `currency`; empty for a share of GDP';
COMMENT ON COLUMN staging.document_money.scale IS 'The scale written after the number, as a full word: thousand, million, billion, trillion, lakh, crore or lakh crore; empty when none is written';
COMMENT ON COLUMN staging.document_money.currency IS 'ISO 4217 code of the currency written with the amount (a bare $ is read as USD, a bare ¥ as JPY); empty for a share of GDP';
COMMENT ON COLUMN staging.document_money.amount_millions IS 'amount times its scale, in millions of `currency` (no exchange rate applied); empty for a share of GDP';
COMMENT ON COLUMN staging.document_money.share_of_gdp_pct IS 'The share of GDP as written, percent of GDP; empty for an amount';
COMMENT ON COLUMN staging.document_money.period IS 'The period written next to the mention in its sentence (FY2023, 2024-2030, over the next five years, per year ...), as written; empty when none';
COMMENT ON COLUMN staging.document_money.matched IS 'The money expression as written';
COMMENT ON COLUMN staging.document_money.context IS 'The sentence holding the mention, whitespace collapsed (cut to 15 words either side of it when longer than 60 words)';
