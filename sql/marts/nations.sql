-- marts.nations
-- Grain: one row per nation, historical state or body code known to milspace.
-- Units: none; the *_since columns are the dates memberships began (see marts.nation_memberships for their
--   precision and sources).
-- Sources: ISO 3166-1 and 3166-3; SIPRI regions; NATO, Five Eyes, CSpO and NASA (Artemis Accords) per membership.
CREATE OR REPLACE TABLE marts.nations AS
WITH nations AS (
    SELECT * FROM staging.nations
),

memberships AS (
    SELECT code,
        max(joined_on) FILTER (WHERE membership = 'nato' AND left_on IS NULL) AS nato_member_since,
        max(joined_on) FILTER (WHERE membership = 'five_eyes' AND left_on IS NULL) AS five_eyes_since,
        max(joined_on) FILTER (WHERE membership = 'cspo' AND left_on IS NULL) AS cspo_since,
        max(joined_on) FILTER (WHERE membership = 'artemis_accords' AND left_on IS NULL) AS artemis_accords_signed
    FROM staging.memberships
    GROUP BY code
),

final AS (
    SELECT
        nations.code,
        nations.name,
        nations.kind,
        nations.region,
        nations.subregion,
        nations.is_focus,
        memberships.nato_member_since,
        memberships.five_eyes_since,
        memberships.cspo_since,
        memberships.artemis_accords_signed,
        coalesce(memberships.artemis_accords_signed <= DATE '2022-12-31', false) AS is_artemis_signatory_2022,
        nations.source
    FROM nations
    LEFT JOIN memberships USING (code)
)

SELECT * FROM final ORDER BY code;

COMMENT ON TABLE marts.nations IS 'One row per nation or body code, with memberships; ISO3 for countries, EU/ESA/NATO/WLD for bodies';
COMMENT ON COLUMN marts.nations.is_focus IS 'One of the eight nations milspace reports first';
COMMENT ON COLUMN marts.nations.is_artemis_signatory_2022 IS 'Signed the Artemis Accords by 31 December 2022';
COMMENT ON COLUMN marts.nations.nato_member_since IS 'Date of NATO accession';
COMMENT ON COLUMN marts.nations.cspo_since IS 'Date of joining the Combined Space Operations initiative';
COMMENT ON COLUMN marts.nations.five_eyes_since IS 'Date the nation joined the Five Eyes intelligence partnership; empty for a nation that is not (or no longer) a member';
COMMENT ON COLUMN marts.nations.artemis_accords_signed IS 'Date of signing the Artemis Accords; empty for a nation that has not signed';
