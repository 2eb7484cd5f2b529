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
COMMENT ON COLUMN staging.milspace_lines.file IS 'The file the line came from, as shown to users (relative to the project root)';
COMMENT ON COLUMN staging.milspace_lines."row" IS 'Record number in the file: a CSV''s header is row 1, a Parquet file''s first record is row 1';
COMMENT ON COLUMN staging.milspace_lines.source IS 'Who published the figure (a publisher and document, or an address), as the file gives it';
COMMENT ON COLUMN staging.milspace_lines.nation_code IS 'Nation, ISO 3166-1 alpha-3 (listed in data_raw/reference/nations.csv)';
COMMENT ON COLUMN staging.milspace_lines.fiscal_year IS 'The nation''s fiscal year of the amount (a US federal fiscal year ends on 30 September of that year)';
COMMENT ON COLUMN staging.milspace_lines.phase IS 'request, enacted, actual or projection: never summed across';
COMMENT ON COLUMN staging.milspace_lines.organization IS 'Service, agency or department as the file writes it; empty if not given';
COMMENT ON COLUMN staging.milspace_lines.account IS 'Appropriation or budget account code as the file writes it; empty if not given';
COMMENT ON COLUMN staging.milspace_lines.program_element IS 'Program element (or line item) number as the file writes it; empty if not given';
COMMENT ON COLUMN staging.milspace_lines.title IS 'Title of the program element or line; empty if not given';
COMMENT ON COLUMN staging.milspace_lines.currency IS 'ISO 4217 code of amount_thousands';
