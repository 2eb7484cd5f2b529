-- staging.us_budget_lines
-- Grain: one row per fiscal year, organization (DoD, Space Force), phase, scope and appropriation title,
-- from data_raw/starter/us_budget_lines.csv after its contract.
-- Units: amount_usd_millions is budget authority in millions of current US dollars; fiscal_year is the US federal FY.
CREATE OR REPLACE TABLE staging.us_budget_lines (
    fiscal_year INTEGER NOT NULL,
    organization VARCHAR NOT NULL,
    phase VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    appropriation_title VARCHAR NOT NULL,
    amount_usd_millions DOUBLE NOT NULL,
    is_headline_scope BOOLEAN NOT NULL,
    note VARCHAR,
    source VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL,
    source_kind VARCHAR NOT NULL,
    secondary_reason VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    PRIMARY KEY (fiscal_year, organization, phase, scope, appropriation_title)
);
COMMENT ON COLUMN staging.us_budget_lines.amount_usd_millions IS 'Budget authority, US$ millions, current prices';
