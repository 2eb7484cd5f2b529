-- staging.budget_lines
-- Grain: one row per published figure: a source line (file, sheet, row) and column, that is one period and one
-- measure, read from the files in data_raw/inbox/ by the reader their content matches, after the BudgetLine contract.
-- A view: the lines of files read whole (staging.published_lines) and the lines of milspace budget-lines files
-- (staging.milspace_lines) in the same budget-line shape, matched by name (a budget-line column the second part
-- does not name is NULL there). The second part gives each column the value the reader
-- pipelines/sources/milspace_lines.py gives it when it checks the lines; tests/test_scale.py holds them equal.
-- Units: value is in `unit`; value * unit_factor is in whole `currency` units (or persons, items); shares are
-- percent. period is a calendar or fiscal year (period_type; fiscal_year_start_month 10 = US federal FY).
-- Described by: budget_line (pipelines/shapes.py): the view's columns take the shape's descriptions as column
--   comments (DuckDB keeps comments on a view's columns).
CREATE OR REPLACE VIEW staging.budget_lines AS
SELECT * FROM staging.published_lines
UNION ALL BY NAME
SELECT
    source,
    'milspace_lines' AS source_format,
    'milspace budget lines format 1' AS edition,
    file,
    "row",
    'amount_thousands' AS source_column,
    nation_code AS entity_code,
    nation_code AS entity_name,
    'country' AS entity_kind,
    fiscal_year AS period,
    'fiscal_year' AS period_type,
    'budget_line_amount' AS measure,
    phase,
    (SELECT phases.fdp_phase FROM staging.phases AS phases WHERE phases.phase = milspace_lines.phase) AS fdp_phase,
    account,
    organization,
    program_element AS line_item,
    title AS line_item_title,
    amount_thousands AS value,
    currency,
    1e3::DOUBLE AS unit_factor,
    coalesce(currency, '(no currency)') || ' thousands' AS unit,
    'current' AS price_basis,
    false AS is_estimate,
    false AS is_highly_uncertain,
    false AS is_memo,
    false AS is_classified_aggregate,
    false AS is_total,
    coalesce(organization IN ('Space Force', 'Space Development Agency'), false) AS is_space
FROM staging.milspace_lines;

-- staging.figure_identity: what makes two lines the same figure, declared once. It names the publisher, the entity,
-- the period, the measure, the price basis as given, the funding type and the classification (scope, category,
-- appropriation title, organization, account, budget activity, line item, cost type; for the Green Book, whose
-- lines are labelled rather than coded, the account title and series label), and whether the line is a total the
-- source states (a subtotal labelled like its first account is not that account). Phase is added by the caller: in a
-- file, two phases of one figure are two figures (an exhibit's request and enacted columns); across editions of a
-- publisher that states one phase per figure (SIPRI's budget-or-actual flag) it is a revision, not an identity.
-- staging.duplicate_lines (copies within one sheet) and marts.budget_facts (figure_key, across files and
-- editions) both use it.
CREATE OR REPLACE MACRO staging.figure_identity(
    source, entity_code, entity_kind, period, period_type, measure, price_basis, funding_type, scope, category,
    appropriation_title, organization, account, budget_activity, line_item, cost_type, source_format,
    account_title, line_item_title, is_total
) AS struct_pack(
    source := source, entity_code := entity_code, entity_kind := entity_kind, period := period,
    period_type := period_type, measure := measure, price_basis := price_basis, funding_type := funding_type,
    scope := scope, category := category, appropriation_title := appropriation_title,
    organization := organization, account := account, budget_activity := budget_activity, line_item := line_item,
    cost_type := cost_type,
    label := CASE WHEN source_format = 'dod_greenbook' THEN concat_ws(' | ', account_title, line_item_title) END,
    is_total := is_total
);
