-- marts.vintage_revisions
-- Grain: one row per figure (publisher, nation, period, measure, price basis, phase, breakdown) and pair of
--   editions of that publisher's files read from the inbox that both give it: the same figure as first published
--   and as revised. Starter files are extracts of an edition, not editions, and are left out.
-- Units: value_old, value_new and revision in the figure's unit (see unit); revision_pct = 100 * (new / old - 1).
CREATE OR REPLACE TABLE marts.vintage_revisions AS
WITH facts AS (
    SELECT *
    FROM marts.budget_facts
    WHERE origin = 'inbox' AND value IS NOT NULL AND NOT is_memo
),

-- only a publisher with two editions in the inbox can have revised a figure (this keeps a large single-edition
-- file out of the self-join below)
revised_sources AS (
    SELECT fact_source FROM facts GROUP BY fact_source HAVING count(DISTINCT edition) > 1
),

keyed AS (
    SELECT
        fact_source, entity_code, period, period_type, measure, coalesce(price_basis, '') AS price_basis, phase,
        coalesce(funding_type, '') AS funding_type, coalesce(category, '') AS category,
        coalesce(appropriation_title, '') AS appropriation_title, coalesce(organization, '') AS organization,
        coalesce(line_item, '') AS line_item, edition, vintage, min(unit) AS unit, max(value) AS value,
        count(*) AS figures
    FROM facts
    WHERE fact_source IN (SELECT fact_source FROM revised_sources)
    GROUP BY ALL
    HAVING count(*) = 1
),

pairs AS (
    SELECT
        old.fact_source AS source, old.entity_code, old.period, old.period_type, old.measure, old.price_basis,
        old.phase, old.funding_type, old.category, old.appropriation_title, old.organization, old.line_item,
        old.unit, old.edition AS edition_old, old.value AS value_old, new.edition AS edition_new, new.value AS value_new
    FROM keyed AS old
    INNER JOIN keyed AS new USING (
        fact_source, entity_code, period, period_type, measure, price_basis, phase, funding_type, category,
        appropriation_title, organization, line_item
    )
    WHERE (old.vintage, old.edition) < (new.vintage, new.edition)
),

final AS (
    SELECT
        *,
        value_new - value_old AS revision,
        CASE WHEN value_old <> 0 THEN round(100 * (value_new / value_old - 1), 4) END AS revision_pct
    FROM pairs
)

SELECT * FROM final ORDER BY source, entity_code, measure, period, edition_old, edition_new;

COMMENT ON TABLE marts.vintage_revisions IS 'The same figure across editions of one publisher: as first published and as revised';
COMMENT ON COLUMN marts.vintage_revisions.revision IS 'value_new - value_old, in unit';
COMMENT ON COLUMN marts.vintage_revisions.revision_pct IS '100 * (value_new / value_old - 1), percent, 4 decimals';
