-- staging.lexicon
-- Grain: one row per lexicon term and category, from data_raw/reference/lexicon.csv after its contract.
-- Units: none.
CREATE OR REPLACE TABLE staging.lexicon (
    lexicon_version VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    family VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    "exclude" VARCHAR,
    rationale VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    PRIMARY KEY (category, term)
);
