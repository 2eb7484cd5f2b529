-- marts.budget_lines
-- Grain: one row per source line, period and measure of every published file read from data_raw/inbox/
--   (SIPRI, World Bank, OWID, NATO, DoD Comptroller exhibits, Green Book), as its reader detected it.
-- Units: value in `unit` as published; value_units = value * unit_factor, in whole `currency` units (US$, EUR ...)
--   or persons/items; shares in percent. period is a calendar or fiscal year (period_type).
-- Sources: per row in source, edition, file, sheet, row and source_column; see marts.sources for each file.
-- Never sum across measures, phases, price bases or funding types, and leave is_total and is_memo lines out of sums.
-- Described by: budget_line (pipelines/shapes.py): columns it shares with that shape and that have no comment below
--   take the shape's descriptions as column comments.
CREATE OR REPLACE TABLE marts.budget_lines AS
WITH lines AS (
    SELECT * FROM staging.budget_lines
),

nations AS (
    SELECT code, name FROM staging.nations
),

final AS (
    SELECT
        lines.entity_code,
        coalesce(nations.name, lines.entity_name) AS entity_name,
        lines.entity_kind,
        lines.period,
        lines.period_type,
        lines.fiscal_year_start_month,
        lines.fiscal_year_label,
        lines.measure,
        lines.phase,
        lines.fdp_phase,
        lines.funding_type,
        lines.scope,
        lines.category,
        lines.account,
        lines.account_title,
        lines.organization,
        lines.organization_title,
        lines.budget_activity,
        lines.budget_activity_title,
        lines.line_item,
        lines.line_item_title,
        lines.appropriation_title,
        lines.cost_type,
        lines.value,
        lines.unit,
        lines.value * lines.unit_factor AS value_units,
        lines.currency,
        lines.unit_factor,
        lines.price_basis,
        lines.is_estimate,
        lines.is_highly_uncertain,
        lines.is_memo,
        lines.is_classified_aggregate,
        lines.is_total,
        lines.is_space,
        lines.footnotes,
        lines.missing_marker,
        lines.entity_name AS name_in_source,
        lines.source,
        lines.source_format,
        lines.edition,
        lines.file,
        lines.sheet,
        lines."row",
        lines.source_column
    FROM lines
    LEFT JOIN nations ON nations.code = lines.entity_code
)

SELECT * FROM final;

COMMENT ON TABLE marts.budget_lines IS 'Every figure of every published file read from the inbox, one row per source line, period and measure';
COMMENT ON COLUMN marts.budget_lines.value IS 'As published, in the unit named by unit; NULL where missing_marker says why';
COMMENT ON COLUMN marts.budget_lines.value_units IS 'value * unit_factor: whole currency units (US$, EUR ...) for money, persons or items for counts, percent for shares';
COMMENT ON COLUMN marts.budget_lines.unit_factor IS 'Multiplier from the published unit to whole units (1e6 for millions, 1e3 for thousands)';
COMMENT ON COLUMN marts.budget_lines.entity_name IS 'The entity''s name as data_raw/reference/nations.csv gives it (SIPRI''s spelling for countries), else as the source writes it (name_in_source)';
COMMENT ON COLUMN marts.budget_lines.name_in_source IS 'The entity''s name as the source writes it';
