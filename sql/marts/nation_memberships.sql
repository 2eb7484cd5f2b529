-- marts.nation_memberships
-- Grain: one row per nation and membership (nato, five_eyes, cspo, artemis_accords).
-- Units: joined_on and left_on are dates, known to date_precision (day, month or year).
-- Sources: per row in `source` (NATO, CSpO partners' releases, NASA ...).
CREATE OR REPLACE TABLE marts.nation_memberships AS
WITH memberships AS (
    SELECT * FROM staging.memberships
),

nations AS (
    SELECT code, name FROM staging.nations
),

final AS (
    SELECT memberships.code, nations.name, membership, joined_on, date_precision, left_on, memberships.source
    FROM memberships
    INNER JOIN nations USING (code)
)

SELECT * FROM final ORDER BY membership, joined_on, code;

COMMENT ON TABLE marts.nation_memberships IS 'Memberships of NATO, Five Eyes, the Combined Space Operations initiative and the Artemis Accords, with dates';
