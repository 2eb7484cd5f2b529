-- marts.nations
-- Grain: one row per nation or body code known to milspace.
-- Units: none; artemis_accords_signed is a date.
-- Sources: ISO 3166-1; SIPRI regions; NASA's list of Artemis Accords signatories (per row in `source`).
CREATE OR REPLACE TABLE marts.nations AS
WITH nations AS (
    SELECT * FROM staging.nations
),

final AS (
    SELECT
        code,
        name,
        kind,
        region,
        subregion,
        is_focus,
        artemis_accords_signed,
        coalesce(artemis_accords_signed <= DATE '2022-12-31', false) AS is_artemis_signatory_2022,
        source
    FROM nations
)

SELECT * FROM final ORDER BY code;

COMMENT ON TABLE marts.nations IS 'One row per nation or body code; ISO3 for countries, EU/ESA/NATO/WLD for bodies';
COMMENT ON COLUMN marts.nations.is_focus IS 'One of the eight nations milspace reports first';
COMMENT ON COLUMN marts.nations.is_artemis_signatory_2022 IS 'Signed the Artemis Accords by 31 December 2022';
