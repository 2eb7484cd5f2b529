-- staging.phases
-- Grain: one row per budget phase milspace uses, with its Fiscal Data Package phase: the mapping declared once in
--   pipelines/shapes.py (FDP_PHASE), which the SQL reads here instead of repeating it.
-- Units: none.
CREATE OR REPLACE TABLE staging.phases (
    phase VARCHAR NOT NULL PRIMARY KEY,
    fdp_phase VARCHAR NOT NULL
);
COMMENT ON COLUMN staging.phases.phase IS 'request, enacted, actual or projection (milspace phases; never summed across)';
COMMENT ON COLUMN staging.phases.fdp_phase IS 'The Fiscal Data Package phase: proposed, approved or executed';
