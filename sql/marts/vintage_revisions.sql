-- marts.vintage_revisions
-- Grain: one row per figure (marts.budget_facts.figure_key: publisher, nation, period, measure, price-basis kind,
--   phase where the publisher states several, breakdown) and pair of editions of that publisher that both give it:
--   the same figure as first published and as revised. An edition is a release, whatever files bring it (two
--   exports of one release, a zip and the CSV inside it, a shipped extract and its workbook are one edition), so a
--   figure is paired once per pair of editions and never with itself. Constant-price figures are paired only within
--   one base year (a change of base is not a revision); where the editions give several values of one figure
--   (several exhibit columns), the figure is left out. Only revised figures are listed: a figure both editions give
--   alike (to a millionth of its value, and to six decimals in its unit: an older release that printed fewer digits
--   has not revised what it rounded) is not a revision.
-- Units: value_old, value_new and revision in the figure's unit (see unit); revision_pct = 100 * (new / old - 1).
CREATE OR REPLACE TABLE marts.vintage_revisions AS
WITH facts AS (
    SELECT *
    FROM marts.budget_facts
    WHERE value IS NOT NULL AND NOT is_memo
),

-- only a publisher with two editions can have revised a figure (this keeps a large single-edition file out of the
-- self-join below)
revised_sources AS (
    SELECT fact_source FROM facts GROUP BY fact_source HAVING count(DISTINCT edition) > 1
),

keyed AS (
    SELECT
        fact_source, figure_key, coalesce(price_basis, '') AS price_basis, edition, vintage,
        min(entity_code) AS entity_code, min(period) AS period, min(period_type) AS period_type,
        min(measure) AS measure, min(phase) AS phase, min(funding_type) AS funding_type,
        min(category) AS category, min(appropriation_title) AS appropriation_title,
        min(organization) AS organization, min(line_item) AS line_item, min(line_item_title) AS line_item_title,
        min(unit) AS unit, min(unit_factor) AS unit_factor, min(value_units) AS value_units, min(value) AS value
    FROM facts
    WHERE fact_source IN (SELECT fact_source FROM revised_sources)
    GROUP BY fact_source, figure_key, coalesce(price_basis, ''), edition, vintage
    HAVING count(DISTINCT value_units) = 1
),

pairs AS (
    SELECT
        old.fact_source AS source, old.entity_code, old.period, old.period_type, old.measure, old.price_basis,
        old.phase AS phase_old, new.phase AS phase_new, old.funding_type, old.category, old.appropriation_title,
        old.organization, old.line_item, old.line_item_title, new.unit, old.edition AS edition_old,
        old.value_units AS units_old, new.edition AS edition_new, new.value_units AS units_new,
        new.unit_factor AS factor_new, new.value AS value_new, old.figure_key
    FROM keyed AS old
    INNER JOIN keyed AS new USING (fact_source, figure_key, price_basis)
    WHERE (old.vintage, old.edition) < (new.vintage, new.edition)
),

final AS (
    SELECT
        source, entity_code, period, period_type, measure, price_basis, phase_old, phase_new, funding_type,
        category, appropriation_title, organization, line_item, line_item_title, unit, edition_old,
        -- the old figure in the new edition's unit (editions may publish in millions or billions)
        round(units_old / factor_new, 6) AS value_old,
        edition_new,
        value_new,
        round((units_new - units_old) / factor_new, 6) AS revision,
        CASE WHEN units_old <> 0 THEN round(100 * (units_new / units_old - 1), 4) END AS revision_pct,
        figure_key
    FROM pairs
    WHERE abs(units_new - units_old) > 1e-6 * greatest(abs(units_new), abs(units_old))
      AND round((units_new - units_old) / factor_new, 6) <> 0
)

SELECT * FROM final ORDER BY source, entity_code, measure, period, edition_old, edition_new;

COMMENT ON TABLE marts.vintage_revisions IS 'The same figure across editions of one publisher: as first published and as revised';
COMMENT ON COLUMN marts.vintage_revisions.value_old IS 'The figure in the older edition, in the newer edition''s unit';
COMMENT ON COLUMN marts.vintage_revisions.revision IS 'value_new - value_old, in unit';
COMMENT ON COLUMN marts.vintage_revisions.revision_pct IS '100 * (value_new / value_old - 1), percent, 4 decimals';
COMMENT ON COLUMN marts.vintage_revisions.phase_old IS 'The phase the older edition gave (a budget figure may be revised into an actual one)';
COMMENT ON COLUMN marts.vintage_revisions.source IS 'Publisher and dataset whose editions are compared (marts.budget_facts.fact_source)';
COMMENT ON COLUMN marts.vintage_revisions.entity_code IS 'ISO 3166-1 alpha-3, or a documented historical or aggregate code (marts.nations)';
COMMENT ON COLUMN marts.vintage_revisions.period IS 'The year of the figure: a calendar year, or a fiscal year (period_type)';
COMMENT ON COLUMN marts.vintage_revisions.period_type IS 'calendar_year or fiscal_year';
COMMENT ON COLUMN marts.vintage_revisions.measure IS 'What the figure measures, conformed (marts.budget_facts.measure)';
COMMENT ON COLUMN marts.vintage_revisions.price_basis IS 'current or constant_YYYY (prices of year YYYY); empty text for ratios and counts';
COMMENT ON COLUMN marts.vintage_revisions.phase_new IS 'The phase the newer edition gives';
COMMENT ON COLUMN marts.vintage_revisions.funding_type IS 'Funding type as the older edition gives it (base, oco, total ...); empty if not split';
COMMENT ON COLUMN marts.vintage_revisions.category IS 'The breakdown the older edition gives (NATO category, budget function, sub-activity); empty where none';
COMMENT ON COLUMN marts.vintage_revisions.appropriation_title IS 'Public law title as the older edition gives it; empty where none';
COMMENT ON COLUMN marts.vintage_revisions.organization IS 'Service, agency or department (or its code) as the older edition gives it; empty where none';
COMMENT ON COLUMN marts.vintage_revisions.line_item IS 'Program element, line item or budget line number as the older edition gives it; empty where none';
COMMENT ON COLUMN marts.vintage_revisions.line_item_title IS 'Title of the line item as the older edition gives it; empty where none';
COMMENT ON COLUMN marts.vintage_revisions.unit IS 'The unit of value_old, value_new and revision, in words: the newer edition''s';
COMMENT ON COLUMN marts.vintage_revisions.value_new IS 'The figure in the newer edition, in unit';
COMMENT ON COLUMN marts.vintage_revisions.edition_old IS 'The older edition of the pair (a release, whatever files bring it)';
COMMENT ON COLUMN marts.vintage_revisions.edition_new IS 'The newer edition of the pair, which revised the figure';
