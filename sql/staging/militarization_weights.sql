-- staging.militarization_weights
-- Grain: one row per indicator of the militarization index, from data_raw/reference/militarization_weights.csv.
-- Units: weight is a relative weight (the index divides by the sum of the weights of the ranked indicators);
-- in_ranking: scored for every ranked nation, or shown beside the index only.
CREATE OR REPLACE TABLE staging.militarization_weights (
    indicator VARCHAR NOT NULL,
    measure VARCHAR NOT NULL PRIMARY KEY,
    weight DOUBLE NOT NULL,
    transform VARCHAR NOT NULL,
    in_ranking BOOLEAN NOT NULL,
    description VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
