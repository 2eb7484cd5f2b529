-- marts.space_object_revisions
-- Grain: one row per object, catalogue, pair of consecutive editions of that catalogue that both list the object,
--   and field whose value differs between them: a satellite's users or purpose reclassified, its operator renamed or
--   moved to another country, its name changed. The catalogue sibling of marts.vintage_revisions (budgets).
-- Matching: the same object_id (marts.space_objects: NORAD, else COSPAR number) in both editions. Values are compared
--   as published, less surrounding whitespace; an edition that adds a value where the previous had none is a change.
-- Units: none (values as text, as published).
CREATE OR REPLACE TABLE marts.space_object_revisions AS
WITH listed AS (
    -- one row per object and edition (an object listed twice in one edition keeps its first row)
    SELECT *
    FROM marts.space_objects
    QUALIFY row_number() OVER (PARTITION BY source, edition, object_id ORDER BY file, sheet, "row") = 1
),

editions AS (
    SELECT source, edition, edition_date,
        lag(edition) OVER (PARTITION BY source ORDER BY edition_date, edition) AS previous_edition,
        lag(edition_date) OVER (PARTITION BY source ORDER BY edition_date, edition) AS previous_edition_date
    FROM (SELECT DISTINCT source, edition, edition_date FROM listed)
),

pairs AS (
    SELECT
        now.object_id,
        now.source,
        editions.previous_edition,
        editions.previous_edition_date,
        now.edition,
        now.edition_date,
        now.object_name,
        [
            {'field': 'users', 'before': trim(before.users), 'after': trim(now.users)},
            {'field': 'purpose', 'before': trim(before.purpose), 'after': trim(now.purpose)},
            {'field': 'detailed_purpose', 'before': trim(before.detailed_purpose), 'after': trim(now.detailed_purpose)},
            {'field': 'capability_area', 'before': before.capability_area, 'after': now.capability_area},
            {'field': 'operator', 'before': trim(before.operator), 'after': trim(now.operator)},
            {'field': 'operator_country', 'before': trim(before.operator_country), 'after': trim(now.operator_country)},
            {'field': 'object_name', 'before': trim(before.object_name), 'after': trim(now.object_name)},
            {'field': 'orbit_class', 'before': trim(before.orbit_class), 'after': trim(now.orbit_class)}
        ] AS compared,
        before.file AS previous_file,
        before."row" AS previous_row,
        now.file,
        now."row"
    FROM listed AS now
    INNER JOIN editions ON editions.source = now.source AND editions.edition = now.edition
    INNER JOIN listed AS before ON before.source = now.source AND before.edition = editions.previous_edition
        AND before.object_id = now.object_id
),

final AS (
    SELECT
        object_id, object_name, source, previous_edition, previous_edition_date, edition, edition_date,
        change.field, change.before AS previous_value, change.after AS value,
        previous_file, previous_row, file, "row"
    FROM pairs, unnest(compared) AS t(change)
    WHERE change.before IS DISTINCT FROM change.after AND change.after IS NOT NULL
)

SELECT * FROM final
ORDER BY source, edition_date, object_id, field;

COMMENT ON TABLE marts.space_object_revisions IS 'What a catalogue edition changed about an object the previous edition also listed';
COMMENT ON COLUMN marts.space_object_revisions.object_id IS 'The object across catalogues (marts.space_objects)';
COMMENT ON COLUMN marts.space_object_revisions.object_name IS 'The object''s name in the newer edition';
COMMENT ON COLUMN marts.space_object_revisions.source IS 'The catalogue (publisher and dataset)';
COMMENT ON COLUMN marts.space_object_revisions.previous_edition IS 'The older edition of the pair';
COMMENT ON COLUMN marts.space_object_revisions.previous_edition_date IS 'The date the older edition describes';
COMMENT ON COLUMN marts.space_object_revisions.edition IS 'The newer edition, which changed the value';
COMMENT ON COLUMN marts.space_object_revisions.edition_date IS 'The date the newer edition describes';
COMMENT ON COLUMN marts.space_object_revisions.field IS 'The field changed: users, purpose, detailed_purpose, capability_area, operator, operator_country, object_name or orbit_class';
COMMENT ON COLUMN marts.space_object_revisions.previous_value IS 'The value in the older edition, as published (empty if it had none)';
COMMENT ON COLUMN marts.space_object_revisions.value IS 'The value in the newer edition, as published';
COMMENT ON COLUMN marts.space_object_revisions.previous_file IS 'The file of the older edition';
COMMENT ON COLUMN marts.space_object_revisions.previous_row IS 'The object''s 1-based row in the older edition''s file';
COMMENT ON COLUMN marts.space_object_revisions.file IS 'The file of the newer edition';
COMMENT ON COLUMN marts.space_object_revisions."row" IS 'The object''s 1-based row in the newer edition''s file';
