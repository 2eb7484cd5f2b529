-- staging.milspace_lines
-- Grain: one row per line of a file in the milspace budget-lines format (pipelines/sources/milspace_lines.py) read
-- from data_raw/inbox/, after the BudgetLine contract: one program element's amount for one fiscal year and phase.
-- Stored as the file gives it (the columns that vary from line to line), so that ten million lines load at the
-- speed DuckDB writes the file's own columns; staging.budget_lines gives them the budget-line shape.
-- Units: amount_thousands in thousands of `currency` (ISO 4217). row is the record number (CSV: header = row 1).
CREATE OR REPLACE TABLE staging.milspace_lines (
    file VARCHAR NOT NULL,
    "row" BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    nation_code VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    phase VARCHAR NOT NULL,
    organization VARCHAR,
    account VARCHAR,
    program_element VARCHAR,
    title VARCHAR,
    amount_thousands DOUBLE,
    currency VARCHAR
);
COMMENT ON COLUMN staging.milspace_lines.amount_thousands IS 'Thousands of currency units (ISO 4217 code in currency), as the file states';
