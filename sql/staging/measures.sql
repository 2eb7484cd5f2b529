-- staging.measures
-- Grain: one row per measure a reader can emit, with the readers that emit it and its conformed measure (one name
--   per concept across publishers, each reader's CONFORMED in pipelines/sources/; marts.budget_facts.measure).
-- Units: none; each description names its unit.
CREATE OR REPLACE TABLE staging.measures (
    measure VARCHAR NOT NULL PRIMARY KEY,
    description VARCHAR NOT NULL,
    conformed VARCHAR NOT NULL,
    source_formats VARCHAR NOT NULL
);
