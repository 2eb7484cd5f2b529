-- staging.space_mission_rules
-- Grain: one row per rule mapping a satellite catalogue's purposes to a space capability area, from
-- data_raw/reference/space_mission_rules.csv after its contract.
-- Units: none; priority is a rank (lower wins).
CREATE OR REPLACE TABLE staging.space_mission_rules (
    rule_id VARCHAR NOT NULL PRIMARY KEY,
    capability_area VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    pattern VARCHAR NOT NULL,
    priority INTEGER NOT NULL,
    rationale VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL
);
