-- marts.space_capability
-- Grain: one row per catalogue edition, operator (nation or intergovernmental body), year, capability area and user
--   class, where the catalogue counts at least one satellite: satellites active at the end of the year (or, for a
--   catalogue of what is on orbit, at the edition's date), launched in the year, and retired in the year.
-- Catalogues:
--   UCS Satellite Database: each edition lists the satellites active at its date, so an edition gives one year (the
--     year of its edition_date): active = the satellites it lists; launched = those of them launched that year (the
--     survivors only); retired = the satellites the previous UCS edition listed and this one does not (matched by
--     object_id), whatever became of them.
--   GCAT payload catalogue: it holds every payload ever launched with the dates its operations ended and it left
--     orbit, so one edition gives every year from the first launch to its date: active at year end = launched by
--     31 December, operations not ended and not decayed by then; launched and retired (operations ended, else
--     decayed) in the year. Payloads that failed to reach orbit are counted by none of the three.
--   CelesTrak exports name no operator and no users: they are in marts.space_objects, not here.
-- Counting: each catalogue row is one satellite, as the catalogue counts it (two rows the catalogues number alike
--   are still two satellites; marts.space_objects.rows_in_edition shows them).
-- Operator: a satellite of one operator counts for it; a joint satellite counts for each party it names
--   (joint_satellites says how many of the counts are such); "Multinational" without parties counts for none.
-- User class: military, government, civil, commercial (a satellite counts under each class its users name: the
--   classes overlap and are never summed), military_only (its users are exactly military) and all (each satellite
--   once). capability_area from marts.space_objects (space_mission_rules.csv), 'unmapped' where no rule matches.
-- Units: counts of satellites.
CREATE OR REPLACE TABLE marts.space_capability AS
WITH objects AS (
    SELECT *
    FROM marts.space_objects
    WHERE source_format IN ('ucs_satellites', 'gcat_payloads')
),

operated AS (
    -- one row per satellite and operator it counts for
    SELECT objects.*, objects.operator_code AS operator_counted, FALSE AS is_joint
    FROM objects WHERE operator_kind = 'single'
    UNION ALL BY NAME
    SELECT objects.*, party.code AS operator_counted, TRUE AS is_joint
    FROM objects, unnest(objects.operator_parties) AS party(code)
    WHERE operator_kind = 'joint'
),

classed AS (
    -- one row per satellite, operator and user class it counts under
    SELECT operated.*, user_class
    FROM operated,
        unnest([
            'all',
            CASE WHEN is_military THEN 'military' END,
            CASE WHEN is_government THEN 'government' END,
            CASE WHEN is_civil THEN 'civil' END,
            CASE WHEN is_commercial THEN 'commercial' END,
            CASE WHEN is_military AND NOT coalesce(is_government OR is_civil OR is_commercial, FALSE)
                THEN 'military_only' END
        ]) AS classes(user_class)
    WHERE user_class IS NOT NULL
),

ucs_editions AS (
    SELECT DISTINCT source, edition, edition_date FROM objects WHERE source_format = 'ucs_satellites'
),

ucs_previous AS (
    SELECT source, edition, edition_date,
        lag(edition) OVER (PARTITION BY source ORDER BY edition_date, edition) AS previous_edition
    FROM ucs_editions
),

ucs_counts AS (
    SELECT source, edition, edition_date, year(edition_date) AS year, operator_counted, capability_area, user_class,
        count(*) AS active,
        count(*) FILTER (WHERE year(launch_date) = year(edition_date)) AS launched,
        count(*) FILTER (WHERE is_joint) AS joint_satellites
    FROM classed
    WHERE source_format = 'ucs_satellites'
    GROUP BY ALL
),

ucs_retired AS (
    -- listed by the previous edition, not by this one: counted with the previous edition's operator, area and users
    SELECT ucs_previous.source, ucs_previous.edition, ucs_previous.edition_date,
        year(ucs_previous.edition_date) AS year, before.operator_counted, before.capability_area, before.user_class,
        count(*) AS retired
    FROM ucs_previous
    INNER JOIN classed AS before ON before.source = ucs_previous.source AND before.edition = ucs_previous.previous_edition
    WHERE NOT EXISTS (
        SELECT 1 FROM objects AS now
        WHERE now.source = ucs_previous.source AND now.edition = ucs_previous.edition AND now.object_id = before.object_id
    )
    GROUP BY ALL
),

ucs AS (
    SELECT
        coalesce(c.source, r.source) AS source,
        coalesce(c.edition, r.edition) AS edition,
        coalesce(c.edition_date, r.edition_date) AS edition_date,
        coalesce(c.year, r.year) AS year,
        coalesce(c.operator_counted, r.operator_counted) AS operator_code,
        coalesce(c.capability_area, r.capability_area) AS capability_area,
        coalesce(c.user_class, r.user_class) AS user_class,
        'at the edition date' AS active_as_of,
        coalesce(c.active, 0) AS active,
        coalesce(c.launched, 0) AS launched,
        CASE WHEN p.previous_edition IS NOT NULL THEN coalesce(r.retired, 0) END AS retired,
        coalesce(c.joint_satellites, 0) AS joint_satellites
    FROM ucs_counts AS c
    FULL JOIN ucs_retired AS r USING (source, edition, operator_counted, capability_area, user_class)
    LEFT JOIN ucs_previous AS p ON p.source = coalesce(c.source, r.source) AND p.edition = coalesce(c.edition, r.edition)
),

gcat_years AS (
    SELECT DISTINCT source, edition, edition_date, unnest(range(
        (SELECT min(year(launch_date)) FROM objects WHERE source_format = 'gcat_payloads'),
        year(edition_date) + 1
    )) AS year
    FROM objects
    WHERE source_format = 'gcat_payloads'
),

gcat_lives AS (
    SELECT classed.*,
        coalesce(operations_end_date, decay_date) AS ended,
        make_date(year(edition_date), 12, 31) AS edition_year_end
    FROM classed
    WHERE source_format = 'gcat_payloads' AND launch_date IS NOT NULL
      AND (decay_date IS NULL OR decay_date > launch_date)
),

gcat AS (
    SELECT gcat_years.source, gcat_years.edition, gcat_years.edition_date, gcat_years.year,
        gcat_lives.operator_counted AS operator_code, gcat_lives.capability_area, gcat_lives.user_class,
        CASE WHEN gcat_years.year = year(gcat_years.edition_date) THEN 'at the edition date' ELSE 'at year end' END
            AS active_as_of,
        count(*) FILTER (
            WHERE gcat_lives.launch_date <= make_date(gcat_years.year, 12, 31)
              AND (gcat_lives.ended IS NULL OR gcat_lives.ended > make_date(gcat_years.year, 12, 31))
        ) AS active,
        count(*) FILTER (WHERE year(gcat_lives.launch_date) = gcat_years.year) AS launched,
        count(*) FILTER (WHERE year(gcat_lives.ended) = gcat_years.year) AS retired,
        count(*) FILTER (
            WHERE gcat_lives.is_joint AND gcat_lives.launch_date <= make_date(gcat_years.year, 12, 31)
              AND (gcat_lives.ended IS NULL OR gcat_lives.ended > make_date(gcat_years.year, 12, 31))
        ) AS joint_satellites
    FROM gcat_years
    INNER JOIN gcat_lives ON gcat_lives.source = gcat_years.source AND gcat_lives.edition = gcat_years.edition
        AND year(gcat_lives.launch_date) <= gcat_years.year
        AND (gcat_lives.ended IS NULL OR year(gcat_lives.ended) >= gcat_years.year)
    GROUP BY ALL
),

final AS (
    SELECT * FROM ucs
    UNION ALL BY NAME
    SELECT * FROM gcat
)

SELECT
    final.operator_code,
    nations.name AS operator_name,
    nations.kind AS operator_kind,
    final.year,
    final.capability_area,
    final.user_class,
    final.active,
    final.launched,
    final.retired,
    final.joint_satellites,
    final.active_as_of,
    final.source,
    final.edition,
    final.edition_date,
    final.edition = last_value(final.edition) OVER (
        PARTITION BY final.source, final.year ORDER BY final.edition_date, final.edition
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS is_latest_edition_of_year
FROM final
LEFT JOIN marts.nations AS nations ON nations.code = final.operator_code
WHERE final.active > 0 OR final.launched > 0 OR coalesce(final.retired, 0) > 0
ORDER BY final.operator_code, final.year, final.capability_area, final.user_class, final.source, final.edition_date;

COMMENT ON TABLE marts.space_capability IS 'Satellites by operator, year, capability area and user class: active, launched and retired, per catalogue edition';
COMMENT ON COLUMN marts.space_capability.operator_code IS 'ISO 3166-1 alpha-3 of the operating nation, or milspace''s code of an intergovernmental body (ESA); a joint satellite counts for each party';
COMMENT ON COLUMN marts.space_capability.operator_name IS 'The operator''s name (marts.nations)';
COMMENT ON COLUMN marts.space_capability.operator_kind IS 'country, historical_state or organization (marts.nations)';
COMMENT ON COLUMN marts.space_capability.year IS 'Calendar year: of the edition date (UCS), or each year to the edition date (GCAT)';
COMMENT ON COLUMN marts.space_capability.capability_area IS 'Space capability area of the satellites'' purpose (space_mission_rules.csv); unmapped where no rule matches';
COMMENT ON COLUMN marts.space_capability.user_class IS 'military, government, civil, commercial (overlapping: never summed), military_only (users exactly military) or all (each satellite once)';
COMMENT ON COLUMN marts.space_capability.active IS 'Satellites active at year end, or at the edition date (active_as_of), a count';
COMMENT ON COLUMN marts.space_capability.launched IS 'Satellites launched in the year, a count (UCS: only those still active at the edition date)';
COMMENT ON COLUMN marts.space_capability.retired IS 'Satellites retired in the year, a count (UCS: listed by the previous edition and not by this one; empty for the first edition)';
COMMENT ON COLUMN marts.space_capability.joint_satellites IS 'Of the active satellites, those operated jointly with another nation or body, a count';
COMMENT ON COLUMN marts.space_capability.active_as_of IS 'at year end, or at the edition date (a UCS edition, or GCAT''s own year)';
COMMENT ON COLUMN marts.space_capability.source IS 'The catalogue that says so (publisher and dataset)';
COMMENT ON COLUMN marts.space_capability.edition IS 'The catalogue edition that says so';
COMMENT ON COLUMN marts.space_capability.edition_date IS 'The date the edition describes';
COMMENT ON COLUMN marts.space_capability.is_latest_edition_of_year IS 'The newest edition of this catalogue for this year: the one to chart when a catalogue has several editions in a year';
