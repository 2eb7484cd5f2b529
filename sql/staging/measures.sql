-- staging.measures
-- Grain: one row per measure a reader can emit, with the readers that emit it.
-- Units: none; each description names its unit.
CREATE OR REPLACE TABLE staging.measures (
    measure VARCHAR NOT NULL PRIMARY KEY,
    description VARCHAR NOT NULL,
    source_formats VARCHAR NOT NULL
);
