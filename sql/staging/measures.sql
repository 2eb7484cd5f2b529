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

COMMENT ON COLUMN staging.measures.measure IS 'A measure a reader emits: what a budget line''s figure measures (marts.budget_lines.measure)';
COMMENT ON COLUMN staging.measures.description IS 'What the measure is, with its unit, as the reader declares it';
COMMENT ON COLUMN staging.measures.conformed IS 'The measure''s name in marts.budget_facts: one name per concept across publishers (the reader''s CONFORMED), or the measure itself';
COMMENT ON COLUMN staging.measures.source_formats IS 'The readers (source_format) that emit the measure, separated by '', ''';
