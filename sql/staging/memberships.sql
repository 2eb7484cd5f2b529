-- staging.memberships
-- Grain: one row per nation and membership (NATO, Five Eyes, CSpO, Artemis Accords), from
-- data_raw/reference/memberships.csv after its contract.
-- Units: joined_on and left_on are dates, known to date_precision (day, month or year).
CREATE OR REPLACE TABLE staging.memberships (
    code VARCHAR NOT NULL,
    membership VARCHAR NOT NULL,
    joined_on DATE NOT NULL,
    date_precision VARCHAR NOT NULL,
    left_on DATE,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    PRIMARY KEY (code, membership)
);
