-- marts.space_objects
-- Grain: one row per object (satellite or other payload) and catalogue edition: each row of staging.space_objects
--   (UCS Satellite Database editions, GCAT's payload catalogue, CelesTrak exports), with its provenance (source,
--   edition, file, sheet, row), the one object it is across catalogues and the capability area its purpose maps to.
-- Extracts: the objects of a milspace object extract (the shipped starter data: extracted_from is set) are used for
--   an edition only when that edition's catalogue itself is not loaded: its own rows are the same satellites, so
--   each is counted once.
-- Matching: a satellite present in several catalogues or editions is one object_id, 'NORAD <n>'. The COSPAR
--   designation decides where a row has one: its NORAD number is the one most catalogues state with that
--   designation (a catalogue's mistyped NORAD number, such as UCS's 49818 for STPSat-6, 2021-118A, is outvoted and
--   flagged norad_disagrees); else the row's own NORAD number; else 'COSPAR <designation>'; else the row itself
--   ('<format> <file> row <n>': matched to nothing). in_sources lists every catalogue that lists the object,
--   in_editions counts the catalogue editions. Catalogues sometimes give two of their rows one number (UCS lists
--   CNCE-1 and CNCE-3 with numbers GCAT gives the other way round): rows_in_edition > 1 shows where; counts of
--   satellites (marts.space_capability) count each catalogue row as the catalogue does.
-- Mission: capability_area is the area of the matching rule of data_raw/reference/space_mission_rules.csv with the
--   lowest priority (a case-insensitive regular expression found in the row's purpose or detailed_purpose, among
--   the rules of the row's catalogue format); 'unmapped' where no rule matches; empty for a catalogue that states
--   no purpose (CelesTrak).
-- Units: dates are UTC; altitudes km; inclination degrees; lifetime years; counts are objects.
-- Described by: space_object (pipelines/shapes.py): columns it shares with that shape and that have no comment below
CREATE OR REPLACE TABLE marts.space_objects AS
WITH loaded AS (
    SELECT * FROM staging.space_objects
),

catalogued AS (
    -- the editions whose catalogue itself is loaded (not only an extract of it)
    SELECT DISTINCT source, edition FROM loaded WHERE extracted_from IS NULL
),

objects AS (
    SELECT loaded.*, row_number() OVER (ORDER BY loaded.file, loaded.sheet, loaded."row") AS object_row
    FROM loaded
    LEFT JOIN catalogued USING (source, edition)
    WHERE loaded.extracted_from IS NULL OR catalogued.source IS NULL
),

norad_of_cospar AS (
    -- the NORAD number a COSPAR designation has: the one most catalogues state with it (then the smallest)
    SELECT cospar_id, arg_max(norad_id, (sources, -norad_id)) AS norad_id
    FROM (
        SELECT cospar_id, norad_id, count(DISTINCT source) AS sources
        FROM objects
        WHERE cospar_id IS NOT NULL AND norad_id IS NOT NULL
        GROUP BY ALL
    )
    GROUP BY cospar_id
),

identified AS (
    SELECT
        objects.*,
        CASE
            WHEN norad_of_cospar.norad_id IS NOT NULL THEN 'NORAD ' || norad_of_cospar.norad_id
            WHEN objects.norad_id IS NOT NULL THEN 'NORAD ' || objects.norad_id
            WHEN objects.cospar_id IS NOT NULL THEN 'COSPAR ' || objects.cospar_id
            ELSE objects.source_format || ' ' || objects.file || ' row ' || objects."row"
        END AS object_id,
        objects.norad_id IS DISTINCT FROM coalesce(norad_of_cospar.norad_id, objects.norad_id) AS norad_disagrees
    FROM objects
    LEFT JOIN norad_of_cospar USING (cospar_id)
),

rules AS (
    SELECT * FROM staging.space_mission_rules
),

matches AS (
    SELECT identified.object_row, rules.capability_area, rules.rule_id, rules.priority
    FROM identified
    INNER JOIN rules ON rules.source_format = identified.source_format
        AND regexp_matches(
            CASE rules.field WHEN 'purpose' THEN identified.purpose ELSE identified.detailed_purpose END,
            rules.pattern,
            'i'
        )
),

best AS (
    SELECT object_row,
        arg_min(capability_area, (priority, rule_id)) AS capability_area,
        arg_min(rule_id, (priority, rule_id)) AS mission_rule_id
    FROM matches
    GROUP BY object_row
),

final AS (
    SELECT
        identified.* EXCLUDE (object_row),
        CASE
            WHEN best.capability_area IS NOT NULL THEN best.capability_area
            WHEN identified.purpose IS NOT NULL OR identified.detailed_purpose IS NOT NULL THEN 'unmapped'
        END AS capability_area,
        best.mission_rule_id,
        list_sort(list(DISTINCT identified.source) OVER (PARTITION BY identified.object_id)) AS in_sources,
        count(DISTINCT identified.source || ' / ' || identified.edition) OVER (
            PARTITION BY identified.object_id
        ) AS in_editions,
        count(*) OVER (PARTITION BY identified.source, identified.edition, identified.object_id) AS rows_in_edition
    FROM identified
    LEFT JOIN best USING (object_row)
)

SELECT * FROM final
ORDER BY object_id, source, edition_date;

COMMENT ON TABLE marts.space_objects IS 'Objects of every satellite catalogue edition loaded, one row per object and edition, matched across catalogues by NORAD and COSPAR numbers';
COMMENT ON COLUMN marts.space_objects.object_id IS 'The object across catalogues: NORAD <number>, else COSPAR <designation>, else the row itself';
COMMENT ON COLUMN marts.space_objects.norad_disagrees IS 'The row states a NORAD number other than the one most catalogues give its COSPAR designation';
COMMENT ON COLUMN marts.space_objects.capability_area IS 'Space capability area of the purpose (data_raw/reference/space_mission_rules.csv); unmapped where no rule matches; empty where the catalogue states no purpose';
COMMENT ON COLUMN marts.space_objects.mission_rule_id IS 'The rule of space_mission_rules.csv that mapped the purpose';
COMMENT ON COLUMN marts.space_objects.in_sources IS 'Every catalogue (publisher and dataset) that lists the object, in any edition loaded';
COMMENT ON COLUMN marts.space_objects.rows_in_edition IS 'Rows of the same catalogue edition that resolve to this object (more than 1 where the catalogue numbers two rows alike), a count';
COMMENT ON COLUMN marts.space_objects.in_editions IS 'Number of catalogue editions loaded that list the object (a count)';
