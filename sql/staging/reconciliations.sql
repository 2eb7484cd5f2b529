-- staging.reconciliations
-- Grain: one row per total a published file states and milspace recomputes from the file's own lines.
-- Units: stated, computed and tolerance are in the unit of the lines compared (see check).
CREATE OR REPLACE TABLE staging.reconciliations (
    file VARCHAR NOT NULL,
    sheet VARCHAR,
    "row" BIGINT,
    "check" VARCHAR NOT NULL,
    stated DOUBLE,
    computed DOUBLE,
    tolerance DOUBLE,
    passed BOOLEAN NOT NULL
);

COMMENT ON COLUMN staging.reconciliations.file IS 'The published file that states the total, as shown to users (relative to the project root)';
COMMENT ON COLUMN staging.reconciliations.sheet IS 'Worksheet of the total; empty for text files';
COMMENT ON COLUMN staging.reconciliations."row" IS 'Row of the total in the sheet or file, the header being row 1';
COMMENT ON COLUMN staging.reconciliations."check" IS 'What is compared, in words: the total, the lines it should equal, the measure and the year (e.g. NATO Total = sum of member countries, milex_current_usd, 2024)';
COMMENT ON COLUMN staging.reconciliations.stated IS 'The total the file states, in the unit of the measure named in check (see marts.measures)';
COMMENT ON COLUMN staging.reconciliations.computed IS 'The sum milspace computes from the file''s own component lines, in the unit of the measure named in check';
COMMENT ON COLUMN staging.reconciliations.tolerance IS 'The largest difference accepted (the file''s rounding), in the unit of the measure named in check';
COMMENT ON COLUMN staging.reconciliations.passed IS 'True when |computed - stated| is within tolerance';
