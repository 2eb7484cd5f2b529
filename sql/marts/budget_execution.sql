-- marts.budget_execution
-- Grain: one row per nation, publisher, fiscal year and budget line (organization, account, line item, breakdown,
--   scope, funding type, price basis) for which a publisher states what was made available (enacted: Canada's
--   authorities, Germany's Soll, the DoD's enacted budget authority) and what was spent or obligated (actual:
--   Canada's expenditures, Germany's Ist, the DoD's actual figures), each phase from its newest edition: the
--   preferred figure where the publisher states phases side by side (Canada), else the newest edition that gives
--   that phase (the Green Book's FY 2019 enacted amount from the FY 2020 edition, its actual from the FY 2022
--   edition, which revised enacted into actual); the request is shown beside them where the same publisher gives it.
-- Lines are paired within one publisher and one breakdown only, never across price bases or scopes; a line with
--   several figures of one phase (several exhibit columns of one year) is left out rather than guessed, and
--   lines the publisher marks as totals are left out (sum the lines you want; never add a total to its parts).
-- Units: request, enacted and actual in millions of `currency` at price_basis, as published;
--   unspent = enacted - actual in the same unit; spent_pct = 100 * actual / enacted (percent, 2 decimals, NULL
--   where enacted is 0). A negative unspent is spending above the enacted amount (Canada's statutory items can).
CREATE OR REPLACE TABLE marts.budget_execution AS
WITH facts AS (
    SELECT *
    FROM marts.budget_facts
    WHERE NOT is_total AND NOT is_memo AND value_units IS NOT NULL
      AND currency IS NOT NULL AND entity_kind = 'country'
      AND measure IN ('budget_authority', 'outlays')
),

-- a line, whatever the phase: the classification that identifies it within its publisher
lines AS (
    SELECT
        fact_source,
        entity_code,
        period,
        period_type,
        coalesce(organization, '') AS organization,
        coalesce(category, '') AS classification,
        coalesce(scope, '') AS scope,
        coalesce(funding_type, '') AS funding_type,
        coalesce(appropriation_title, '') AS appropriation_title,
        coalesce(account, '') AS account,
        coalesce(budget_activity, '') AS budget_activity,
        coalesce(line_item, '') AS line_item,
        coalesce(cost_type, '') AS cost_type,
        -- the Green Book's lines are labelled rather than coded (as in staging.figure_identity)
        coalesce(CASE WHEN source_format = 'dod_greenbook' THEN concat_ws(' | ', account_title, line_item_title) END, '')
            AS label,
        coalesce(price_basis, '') AS price_basis,
        currency,
        phase,
        measure,
        value_units,
        account_title,
        line_item_title,
        edition,
        -- one file's figure per line, phase, measure and exhibit column: the preferred one, else the newest edition's
        row_number() OVER (
            PARTITION BY fact_source, entity_code, period, period_type, organization, category, scope, funding_type,
                appropriation_title, account, budget_activity, line_item, cost_type,
                CASE WHEN source_format = 'dod_greenbook' THEN concat_ws(' | ', account_title, line_item_title) END,
                price_basis, currency, phase, measure, column_key
            ORDER BY is_preferred DESC, vintage DESC, origin = 'inbox' DESC, file, sheet, "row"
        ) AS newest
    FROM facts
),

by_phase AS (
    SELECT
        fact_source, entity_code, period, period_type, organization, classification, scope, funding_type,
        appropriation_title, account, budget_activity, line_item, cost_type, label, price_basis, currency, phase,
        measure,
        count(*) AS figures,
        sum(value_units) AS value_units,
        min(account_title) AS account_title,
        min(line_item_title) AS line_item_title,
        string_agg(DISTINCT edition, '; ') AS editions
    FROM lines
    WHERE newest = 1
    GROUP BY ALL
),

-- enacted and requested: budget authority; actual: the same measure where the publisher states it (the DoD's actual
-- budget authority), else what was spent (outlays: Canada's expenditures, Germany's Ist)
paired AS (
    SELECT
        fact_source, entity_code, period, period_type, organization, classification, scope, funding_type,
        appropriation_title, account, budget_activity, line_item, cost_type, label, price_basis, currency,
        max(value_units) FILTER (WHERE phase = 'request' AND measure = 'budget_authority' AND figures = 1)
            AS request_units,
        max(value_units) FILTER (WHERE phase = 'enacted' AND measure = 'budget_authority' AND figures = 1)
            AS enacted_units,
        coalesce(
            max(value_units) FILTER (WHERE phase = 'actual' AND measure = 'budget_authority' AND figures = 1),
            max(value_units) FILTER (WHERE phase = 'actual' AND measure = 'outlays' AND figures = 1)
        ) AS actual_units,
        CASE WHEN count(*) FILTER (WHERE phase = 'enacted' AND measure = 'budget_authority') > 0
            THEN 'budget_authority' END AS enacted_measure,
        CASE
            WHEN count(*) FILTER (WHERE phase = 'actual' AND measure = 'budget_authority' AND figures = 1) > 0
                THEN 'budget_authority'
            WHEN count(*) FILTER (WHERE phase = 'actual' AND measure = 'outlays' AND figures = 1) > 0 THEN 'outlays'
        END AS actual_measure,
        min(account_title) AS account_title,
        min(line_item_title) AS line_item_title,
        string_agg(DISTINCT editions, '; ') AS editions
    FROM by_phase
    GROUP BY ALL
),

final AS (
    SELECT
        entity_code AS nation_iso3,
        fact_source AS source,
        period AS fiscal_year,
        period_type AS year_type,
        nullif(organization, '') AS organization,
        nullif(classification, '') AS classification,
        nullif(scope, '') AS scope,
        nullif(funding_type, '') AS funding_type,
        nullif(appropriation_title, '') AS appropriation_title,
        nullif(account, '') AS account,
        account_title,
        nullif(budget_activity, '') AS budget_activity,
        nullif(line_item, '') AS line_item,
        line_item_title,
        nullif(cost_type, '') AS cost_type,
        nullif(price_basis, '') AS price_basis,
        currency,
        round(request_units / 1e6, 6) AS request_millions,
        round(enacted_units / 1e6, 6) AS enacted_millions,
        round(actual_units / 1e6, 6) AS actual_millions,
        round((enacted_units - actual_units) / 1e6, 6) AS unspent_millions,
        CASE WHEN enacted_units <> 0 THEN round(100 * actual_units / enacted_units, 2) END AS spent_pct,
        enacted_measure,
        actual_measure,
        editions
    FROM paired
    WHERE enacted_units IS NOT NULL AND actual_units IS NOT NULL
)

SELECT * FROM final
ORDER BY nation_iso3, source, fiscal_year, organization, classification, account, line_item;

COMMENT ON TABLE marts.budget_execution IS 'What was made available (enacted) against what was spent (actual), per budget line, publisher and fiscal year';
COMMENT ON COLUMN marts.budget_execution.fiscal_year IS 'The year as the publisher names it (Canada, the US: the year the fiscal year ends; Germany: the calendar year)';
COMMENT ON COLUMN marts.budget_execution.classification IS 'The breakdown the line belongs to (vote, standard object, ...): never add two breakdowns';
COMMENT ON COLUMN marts.budget_execution.request_millions IS 'Millions of currency at price_basis: the request for this line (NULL where the publisher gives none)';
COMMENT ON COLUMN marts.budget_execution.enacted_millions IS 'Millions of currency at price_basis: made available (authorities, Soll, enacted budget authority)';
COMMENT ON COLUMN marts.budget_execution.actual_millions IS 'Millions of currency at price_basis: spent (expenditures, Ist, actual budget authority)';
COMMENT ON COLUMN marts.budget_execution.unspent_millions IS 'Millions of currency: enacted - actual (negative: spent above the enacted amount)';
COMMENT ON COLUMN marts.budget_execution.spent_pct IS '100 x actual / enacted, percent, 2 decimals';
COMMENT ON COLUMN marts.budget_execution.enacted_measure IS 'The conformed measure of the enacted figure (budget_authority)';
COMMENT ON COLUMN marts.budget_execution.actual_measure IS 'The conformed measure of the actual figure (outlays for Canada''s expenditures, budget_authority for a DoD actual column)';
COMMENT ON COLUMN marts.budget_execution.editions IS 'The editions the paired figures come from';
COMMENT ON COLUMN marts.budget_execution.source IS 'Publisher and dataset of the paired figures (marts.budget_facts.fact_source)';
COMMENT ON COLUMN marts.budget_execution.organization IS 'Service, agency, department or ministry as published (or its code where the publisher gives one); empty where none';
COMMENT ON COLUMN marts.budget_execution.scope IS 'What the line covers where the publisher states several coverages side by side (an annex, a special fund): never summed across; empty for ordinary lines';
COMMENT ON COLUMN marts.budget_execution.funding_type IS 'base, oco, emergency, reconciliation, mandatory, discretionary or total; empty if the publisher does not split';
COMMENT ON COLUMN marts.budget_execution.appropriation_title IS 'Public law title (military personnel, O&M, procurement, RDT&E ...); empty where the publisher gives none';
COMMENT ON COLUMN marts.budget_execution.account IS 'Appropriation, vote or budget account code as published; empty where none';
COMMENT ON COLUMN marts.budget_execution.account_title IS 'Account title as published (the first in alphabetical order where the paired figures word it differently)';
COMMENT ON COLUMN marts.budget_execution.budget_activity IS 'Budget activity code; empty where none';
COMMENT ON COLUMN marts.budget_execution.line_item IS 'Program element, line item or budget line number (Green Book: its table); empty where none';
COMMENT ON COLUMN marts.budget_execution.line_item_title IS 'Title of the line item as published (Green Book: the series label; the first in alphabetical order where the paired figures word it differently)';
COMMENT ON COLUMN marts.budget_execution.cost_type IS 'Cost type or category of the line as published; empty where none';
COMMENT ON COLUMN marts.budget_execution.price_basis IS 'current or constant_YYYY (prices of year YYYY) of the three amounts; empty where the publisher states none';
