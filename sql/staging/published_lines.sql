-- staging.published_lines
-- Grain: one row per published figure: a source line (file, sheet, row) and column, that is one period and one
-- measure, read from the files in data_raw/inbox/ by the reader their content matches, after the BudgetLine contract.
-- Holds the lines of every reader that reads a file whole (SIPRI, World Bank, OWID, NATO, DoD exhibits, Green
-- Book); files in the milspace budget-lines format are in staging.milspace_lines. staging.budget_lines is both.
-- Units: value is in `unit`; value * unit_factor is in whole `currency` units (or persons, items); shares are
-- percent. period is a calendar or fiscal year (period_type; fiscal_year_start_month 10 = US federal FY).
CREATE OR REPLACE TABLE staging.published_lines (
    source VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    edition VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    sheet VARCHAR,
    "row" BIGINT NOT NULL,
    source_column VARCHAR,
    extracted_from VARCHAR,
    entity_code VARCHAR NOT NULL,
    entity_name VARCHAR NOT NULL,
    entity_kind VARCHAR NOT NULL,
    period INTEGER NOT NULL,
    period_type VARCHAR NOT NULL,
    fiscal_year_start_month INTEGER,
    fiscal_year_label VARCHAR,
    measure VARCHAR NOT NULL,
    phase VARCHAR NOT NULL,
    fdp_phase VARCHAR NOT NULL,
    funding_type VARCHAR,
    category VARCHAR,
    account VARCHAR,
    account_title VARCHAR,
    organization VARCHAR,
    budget_activity VARCHAR,
    budget_activity_title VARCHAR,
    line_item VARCHAR,
    line_item_title VARCHAR,
    appropriation_title VARCHAR,
    cost_type VARCHAR,
    value DOUBLE,
    currency VARCHAR,
    unit_factor DOUBLE NOT NULL,
    unit VARCHAR NOT NULL,
    price_basis VARCHAR,
    is_estimate BOOLEAN NOT NULL,
    is_highly_uncertain BOOLEAN NOT NULL,
    is_memo BOOLEAN NOT NULL,
    is_classified_aggregate BOOLEAN NOT NULL,
    is_total BOOLEAN NOT NULL,
    is_space BOOLEAN NOT NULL,
    footnotes VARCHAR,
    missing_marker VARCHAR
);
COMMENT ON COLUMN staging.published_lines.value IS 'As published, in the unit named by unit; NULL where missing_marker says why';
COMMENT ON COLUMN staging.published_lines.unit_factor IS 'Multiply value by this to get whole currency units (1e6 for US$ millions, 1e3 for thousands)';
