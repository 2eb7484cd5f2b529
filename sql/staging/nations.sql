-- staging.nations
-- Grain: one row per nation or body code, from data_raw/reference/nations.csv after its contract.
-- Units: none (reference attributes).
CREATE OR REPLACE TABLE staging.nations (
    code VARCHAR NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    region VARCHAR,
    subregion VARCHAR,
    is_focus BOOLEAN NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
COMMENT ON COLUMN staging.nations.code IS 'ISO 3166-1 alpha-3 for countries; ISO 3166-3 former codes or documented milspace codes for historical states; EU, ESA, NATO, WLD for bodies and aggregates';
