-- staging.program_element_lineage
-- Grain: one row per US DoD program element of a space program (renumbered into MFP 12, moved to the Space Force,
-- or the Space Development Agency's own), from data_raw/reference/program_element_lineage.csv after its contract.
-- Units: first_space_fiscal_year is a US federal fiscal year (NULL = every year the program element has figures).
CREATE OR REPLACE TABLE staging.program_element_lineage (
    program_element VARCHAR NOT NULL PRIMARY KEY,
    title VARCHAR NOT NULL,
    lineage_kind VARCHAR NOT NULL,
    successor_program_element VARCHAR,
    organization_now VARCHAR,
    first_space_fiscal_year INTEGER,
    note VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_url VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
COMMENT ON COLUMN staging.program_element_lineage.first_space_fiscal_year IS 'US federal fiscal year; NULL = every year';
