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
