-- staging.space_budgets
-- Grain: one row per nation or body, programme, period, category, phase and source, from
-- data_raw/starter/space_budgets.csv after its contract.
-- Units: amount_millions in millions of `currency` over the whole period; usd_millions in US$ millions as the source converts.
CREATE OR REPLACE TABLE staging.space_budgets (
    entity_code VARCHAR NOT NULL,
    programme VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    year_start INTEGER NOT NULL,
    year_end INTEGER NOT NULL,
    category VARCHAR NOT NULL,
    phase VARCHAR NOT NULL,
    amount_millions DOUBLE NOT NULL,
    currency VARCHAR NOT NULL,
    usd_millions DOUBLE,
    is_estimate BOOLEAN NOT NULL,
    is_lower_bound BOOLEAN NOT NULL,
    note VARCHAR,
    source VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL,
    source_kind VARCHAR NOT NULL,
    secondary_reason VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
COMMENT ON COLUMN staging.space_budgets.amount_millions IS 'Millions of the currency in column currency, over the whole period';
COMMENT ON COLUMN staging.space_budgets.usd_millions IS 'US$ millions, current, as converted by the source; NULL where it gives none';
