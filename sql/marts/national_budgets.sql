-- marts.national_budgets
-- Grain: one row per preferred figure (marts.budget_facts.is_preferred) of a nation's budget as its government, or
--   the European Defence Agency for its member states, publishes it: Germany's Bundeshaushalt (every Einzelplan,
--   chapter and title), Canada's Public Accounts (by vote and by standard object), Australia's Portfolio Budget
--   Statements and Finance's program expense line items, the EDA's national defence data (total and categories).
--   Each figure once, however many files or editions bring it: the newest edition's value (older values are in
--   marts.vintage_revisions).
-- Classification: the common columns of every budget line (organization, account, line item, function in
--   budget_activity, cost type), each nation's own codes kept; `classification` is the breakdown a line belongs to
--   (vote or standard object; chapter and title; a PBS table; an EDA category): two breakdowns of the same money
--   are never added together, nor are two scopes (`scope`: an annex beside the Einzelplan), phases, measures or
--   price bases; is_total rows are totals the source states, never added to their parts.
-- Units: value as published in `unit`; amount_millions = value x unit_factor / 1e6 in millions of `currency` at
--   price_basis; amount_usd_millions = amount_millions / lcu_per_usd for current-price money (NULL for constant
--   prices, shares and counts, or where no rate is known). Shares of GDP in percent.
-- Rates: lcu_per_usd is units of the currency per US dollar, implied by SIPRI's figures in local currency and in
--   US$ (marts.exchange_rates; NATO's where SIPRI gives none), the median over the nations that use the currency
--   in that calendar year. A fiscal year takes its calendar years' rates weighted by months (Canada's FY 2018,
--   April 2017 - March 2018: 9/12 of 2017's rate and 3/12 of 2018's); rate_basis says which.
CREATE OR REPLACE TABLE marts.national_budgets AS
WITH publishers AS (
    SELECT * FROM (VALUES
        ('de_bundeshaushalt', 'Germany, Bundeshaushalt'),
        ('ca_public_accounts', 'Canada, Public Accounts'),
        ('au_pbs', 'Australia, Portfolio Budget Statements'),
        ('au_program_expenses', 'Australia, Finance program expenses'),
        ('eda_defence_data', 'European Defence Agency')
    ) AS t(source_format, publisher)
),

facts AS (
    SELECT budget_facts.*, publishers.publisher
    FROM marts.budget_facts
    INNER JOIN publishers USING (source_format)
    WHERE budget_facts.is_preferred
),

-- one rate per currency and calendar year: the median of the nations' implied rates, SIPRI's before NATO's
implied AS (
    SELECT
        currency,
        year,
        CASE WHEN source LIKE 'SIPRI%' THEN 1 ELSE 2 END AS rank,
        median(lcu_per_usd) AS lcu_per_usd,
        min(source) AS source
    FROM marts.exchange_rates
    WHERE lcu_per_usd > 0
    GROUP BY ALL
),

rates AS (
    SELECT currency, year, arg_min(lcu_per_usd, rank) AS lcu_per_usd, arg_min(source, rank) AS source
    FROM implied
    GROUP BY currency, year
),

-- the calendar years a figure's period covers, with their months
periods AS (
    SELECT DISTINCT
        period, period_type, fiscal_year_start_month, fiscal_year_label,
        CASE
            WHEN period_type = 'fiscal_year' AND fiscal_year_label = 'end' AND fiscal_year_start_month > 1
                THEN period - 1
            ELSE period
        END AS start_year,
        CASE WHEN period_type = 'fiscal_year' THEN coalesce(fiscal_year_start_month, 1) ELSE 1 END AS start_month
    FROM facts
),

period_rates AS (
    SELECT
        periods.period, periods.period_type, periods.fiscal_year_start_month, periods.fiscal_year_label,
        currencies.currency,
        CASE
            WHEN currencies.currency = 'USD' THEN 1.0
            WHEN periods.start_month = 1 THEN first_year.lcu_per_usd
            ELSE (13 - periods.start_month) / 12 * first_year.lcu_per_usd
                + (periods.start_month - 1) / 12 * next_year.lcu_per_usd
        END AS lcu_per_usd,
        CASE
            WHEN currencies.currency = 'USD' THEN 'US dollars: no conversion'
            WHEN periods.start_month = 1
                THEN periods.start_year::VARCHAR || ' rate (' || first_year.source || ')'
            ELSE (13 - periods.start_month)::VARCHAR || '/12 of the ' || periods.start_year::VARCHAR || ' rate and '
                || (periods.start_month - 1)::VARCHAR || '/12 of the ' || (periods.start_year + 1)::VARCHAR
                || ' rate (' || first_year.source || ')'
        END AS rate_basis
    FROM periods
    CROSS JOIN (SELECT DISTINCT currency FROM facts WHERE currency IS NOT NULL) AS currencies
    LEFT JOIN rates AS first_year
        ON first_year.currency = currencies.currency AND first_year.year = periods.start_year
    LEFT JOIN rates AS next_year
        ON next_year.currency = currencies.currency AND next_year.year = periods.start_year + 1
),

nations AS (
    SELECT code, name FROM staging.nations
),

final AS (
    SELECT
        facts.entity_code AS nation_iso3,
        coalesce(nations.name, facts.entity_code) AS nation,
        facts.entity_kind,
        facts.period AS fiscal_year,
        facts.period_type AS year_type,
        facts.fiscal_year_start_month,
        facts.fiscal_year_label,
        facts.phase,
        facts.is_estimate,
        facts.measure,
        facts.source_measure,
        facts.publisher,
        facts.organization,
        facts.organization_title,
        facts.category AS classification,
        facts.scope,
        facts.funding_type,
        facts.account,
        facts.account_title,
        facts.budget_activity,
        facts.line_item,
        facts.line_item_title,
        facts.cost_type,
        facts.is_total,
        facts.price_basis,
        facts.value,
        facts.unit,
        facts.currency,
        round(facts.value_units / 1e6, 6) AS amount_millions,
        CASE WHEN facts.price_basis = 'current' THEN period_rates.lcu_per_usd END AS lcu_per_usd,
        CASE WHEN facts.price_basis = 'current' THEN period_rates.rate_basis END AS rate_basis,
        CASE WHEN facts.price_basis = 'current' AND period_rates.lcu_per_usd > 0
            THEN round(facts.value_units / 1e6 / period_rates.lcu_per_usd, 6) END AS amount_usd_millions,
        facts.missing_marker,
        facts.fact_source AS source,
        facts.edition,
        facts.vintage,
        facts.file,
        facts.sheet,
        facts."row",
        facts.source_column,
        facts.figure_key
    FROM facts
    LEFT JOIN period_rates
        ON period_rates.currency = facts.currency
       AND period_rates.period = facts.period
       AND period_rates.period_type = facts.period_type
       AND period_rates.fiscal_year_start_month IS NOT DISTINCT FROM facts.fiscal_year_start_month
       AND period_rates.fiscal_year_label IS NOT DISTINCT FROM facts.fiscal_year_label
    LEFT JOIN nations ON nations.code = facts.entity_code
)

SELECT * FROM final
ORDER BY nation_iso3, publisher, fiscal_year, classification, organization, account, line_item, measure, phase;

COMMENT ON TABLE marts.national_budgets IS 'National budget lines as governments (and the EDA) publish them, each figure once, in local currency and US$';
COMMENT ON COLUMN marts.national_budgets.nation_iso3 IS 'ISO 3166-1 alpha-3 code of the nation (an EDA aggregate: its own code, entity_kind aggregate)';
COMMENT ON COLUMN marts.national_budgets.fiscal_year IS 'The budget year as the nation names it (year_type; Canada and Australia: the year the fiscal year ends)';
COMMENT ON COLUMN marts.national_budgets.year_type IS 'calendar_year (Germany, the EDA) or fiscal_year';
COMMENT ON COLUMN marts.national_budgets.publisher IS 'The publication, in words: Germany, Bundeshaushalt; Canada, Public Accounts; ...';
COMMENT ON COLUMN marts.national_budgets.classification IS 'The breakdown the line belongs to (vote, standard object, a PBS table, an EDA category): never add two breakdowns';
COMMENT ON COLUMN marts.national_budgets.measure IS 'Conformed measure: budget_authority (appropriations, Soll, authorities), outlays (spending), revenue, expenses, defence_expenditure_eur, milex_share_of_gdp';
COMMENT ON COLUMN marts.national_budgets.amount_millions IS 'Millions of currency at price_basis: value x unit_factor / 1e6';
COMMENT ON COLUMN marts.national_budgets.lcu_per_usd IS 'Units of currency per US dollar used for amount_usd_millions (see rate_basis); NULL for constant prices';
COMMENT ON COLUMN marts.national_budgets.rate_basis IS 'Which calendar-year rates, weighted by months, and whose (SIPRI or NATO implied rates)';
COMMENT ON COLUMN marts.national_budgets.amount_usd_millions IS 'amount_millions / lcu_per_usd: US$ millions, current prices; NULL where no rate is known';
COMMENT ON COLUMN marts.national_budgets.source IS 'Publisher and dataset as the reader names it';
COMMENT ON COLUMN marts.national_budgets.vintage IS 'The edition''s vintage (newer sorts higher); this row is the newest edition''s';
COMMENT ON COLUMN marts.national_budgets.nation IS 'The nation''s name as data_raw/reference/nations.csv gives it, else its code (an EDA aggregate)';
COMMENT ON COLUMN marts.national_budgets.source_measure IS 'The measure as its reader names it (marts.measures.measure); measure holds its conformed name';
