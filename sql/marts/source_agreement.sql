-- marts.source_agreement
-- Grain: one row per nation, year, measure and pair of publishers that both give it: military expenditure as a share
--   of GDP (percent), and military expenditure in current US$ (millions). Years are paired as each publisher
--   reports them: calendar years, except the US federal fiscal year (October-September, named by the year it ends),
--   which SIPRI uses for the USA (its footnote) and the DoD publishes; year_type_a and year_type_b say which. The US
--   DoD's own national defense (050) outlays (the Green Book's longest table of them, by fiscal year) stand in for
--   the Pentagon.
-- comparison: 'independent' when the two publishers compile their figures separately (SIPRI, NATO, the US DoD);
--   'republication' when one carries the other's series (the World Bank and Our World in Data republish SIPRI's):
--   a republication pair tests the copy and the edition it was taken from, not agreement between sources.
-- Units: value_a and value_b in the measure's unit (percent of GDP, or US$ millions current); difference =
--   value_b - value_a in that unit (percentage points for shares); difference_pct = 100 * (value_b / value_a - 1).
-- The European Defence Agency (EDA: its national totals, converted from euro with the rate marts.national_budgets
--   records) and governments' own totals (Germany's Einzelplan 14, Canada's National Defence, Australia's Defence
--   resourcing; their definitions below, each from marts.national_budgets) are compared with SIPRI and NATO too.
-- reason: why the publishers differ, where known (data_raw/reference/source_differences.csv): definition,
--   vintage, currency, coverage, fiscal_year, rounding.
CREATE OR REPLACE TABLE marts.source_agreement AS
WITH facts AS (
    SELECT
        entity_code AS nation_iso3,
        period AS year,
        period_type AS year_type,
        measure,
        CASE
            WHEN fact_source LIKE 'SIPRI%' THEN 'SIPRI'
            WHEN fact_source LIKE 'World Bank%' THEN 'World Bank'
            WHEN fact_source LIKE 'Our World in Data%' THEN 'Our World in Data'
            WHEN fact_source LIKE 'NATO%' THEN 'NATO'
            ELSE fact_source
        END AS publisher,
        CASE WHEN measure = 'milex_usd' THEN value_usd_millions ELSE value END AS value,
        source || coalesce(' (' || edition || ')', '') AS source
    FROM marts.budget_facts
    WHERE is_preferred AND entity_kind = 'country' AND value IS NOT NULL
      AND (period_type = 'calendar_year' OR fiscal_year_label = 'end')
      AND (measure = 'milex_share_of_gdp' OR (measure = 'milex_usd' AND price_basis = 'current'))
      AND fact_source IN (
          'SIPRI Military Expenditure Database', 'World Bank, World Development Indicators', 'Our World in Data',
          'NATO, Defence Expenditure of NATO Countries'
      )
),

national_defense_outlays AS (
    SELECT *
    FROM marts.budget_facts
    WHERE is_preferred AND source_format = 'dod_greenbook' AND entity_code = 'USA' AND measure = 'outlays'
      AND price_basis = 'current' AND phase = 'actual' AND value_usd_millions IS NOT NULL
      AND category IN ('050 National Defense', 'Federal Unified Budget: National Defense')
),

outlay_table AS (
    -- several Green Book tables give national defense outlays; the one with the longest series
    SELECT arg_max(line_item, (years, line_item)) AS line_item
    FROM (
        SELECT line_item, count(DISTINCT period) AS years FROM national_defense_outlays GROUP BY line_item
        HAVING count(*) = count(DISTINCT period)
    )
),

pentagon AS (
    SELECT
        'USA' AS nation_iso3, period AS year, 'fiscal_year' AS year_type, 'milex_usd' AS measure,
        'US DoD' AS publisher, value_usd_millions AS value,
        fact_source || ', table ' || line_item || ' (' || edition || '): national defense (050) outlays' AS source
    FROM national_defense_outlays
    WHERE line_item = (SELECT line_item FROM outlay_table)
),

-- The European Defence Agency's national totals (current euro, in US$ at the rate marts.national_budgets records)
-- and shares of GDP.
eda AS (
    SELECT
        nation_iso3, fiscal_year AS year, year_type,
        CASE WHEN measure = 'defence_expenditure_eur' THEN 'milex_usd' ELSE measure END AS measure,
        'EDA' AS publisher,
        CASE WHEN measure = 'defence_expenditure_eur' THEN amount_usd_millions ELSE value END AS value,
        source || ' (' || edition || ')' AS source
    FROM marts.national_budgets
    WHERE publisher = 'European Defence Agency' AND entity_kind = 'country' AND value IS NOT NULL
      AND ((measure = 'defence_expenditure_eur' AND classification = 'total' AND is_total AND price_basis = 'current'
            AND amount_usd_millions IS NOT NULL)
        OR measure = 'milex_share_of_gdp')
),

-- A government's own defence total, as declared here once per publication: Germany's Einzelplan 14 (organization 14,
-- the Soll of its spending titles, the annexes left out: they are another scope); Canada's National Defence
-- expenditures (the vote breakdown, every vote and statutory item); Australia's total Defence resourcing (the
-- "Total Defence resourcing" line of the PBS resourcing table). Summed from lines where the publisher gives no total,
-- never a total added to its parts.
government_lines AS (
    SELECT
        nation_iso3, fiscal_year AS year, year_type, 'milex_usd' AS measure,
        CASE publisher
            WHEN 'Germany, Bundeshaushalt' THEN 'Germany (Bundeshaushalt)'
            WHEN 'Canada, Public Accounts' THEN 'Canada (Public Accounts)'
            WHEN 'Australia, Portfolio Budget Statements' THEN 'Australia (PBS)'
        END AS publisher,
        CASE publisher
            WHEN 'Germany, Bundeshaushalt' THEN 'Einzelplan 14, Soll of spending titles, without annexes'
            WHEN 'Canada, Public Accounts' THEN 'National Defence, expenditures of every vote and statutory item'
            WHEN 'Australia, Portfolio Budget Statements' THEN 'Total Defence resourcing, ' || phase
        END AS definition,
        amount_usd_millions,
        source || ' (' || edition || ')' AS source
    FROM marts.national_budgets
    WHERE price_basis = 'current'
      AND (
          (publisher = 'Germany, Bundeshaushalt' AND organization = '14' AND scope IS NULL
              AND measure = 'budget_authority' AND phase = 'enacted' AND NOT is_total)
          OR (publisher = 'Canada, Public Accounts' AND organization = '133'
              AND classification = 'vote' AND measure = 'outlays' AND phase = 'actual' AND NOT is_total)
          OR (publisher = 'Australia, Portfolio Budget Statements' AND classification = 'Total Defence resourcing' AND is_total
              AND cost_type = 'Total Defence resourcing'
              AND measure = 'budget_authority')
      )
),

government AS (
    SELECT
        nation_iso3, year, year_type, measure, publisher,
        -- a total only where every line has a rate
        CASE WHEN count(*) = count(amount_usd_millions) THEN sum(amount_usd_millions) END AS value,
        min(source) || ': ' || min(definition) AS source
    FROM government_lines
    GROUP BY nation_iso3, year, year_type, measure, publisher
    HAVING count(DISTINCT definition) = 1
),

figures AS (
    SELECT nation_iso3, year, measure, publisher, min(year_type) AS year_type, max(value) AS value,
        min(source) AS source
    FROM (
        SELECT * FROM facts
        UNION ALL SELECT * FROM pentagon
        UNION ALL SELECT * FROM eda
        UNION ALL SELECT * FROM government WHERE value IS NOT NULL
    )
    GROUP BY nation_iso3, year, measure, publisher
),

pairs AS (
    SELECT
        a.nation_iso3, a.year, a.measure,
        a.publisher AS source_a, a.value AS value_a, a.year_type AS year_type_a,
        b.publisher AS source_b, b.value AS value_b, b.year_type AS year_type_b,
        a.source AS detail_a, b.source AS detail_b
    FROM figures AS a
    INNER JOIN figures AS b
        ON a.nation_iso3 = b.nation_iso3 AND a.year = b.year AND a.measure = b.measure AND a.publisher < b.publisher
),

reasons AS (
    SELECT * FROM staging.source_differences
),

-- The World Bank and Our World in Data republish SIPRI's series: where no reason is recorded for a pair, the
-- reasons recorded for the publisher whose data they carry apply (NATO against the World Bank: NATO against SIPRI).
carried AS (
    SELECT * FROM (VALUES ('World Bank', 'SIPRI'), ('Our World in Data', 'SIPRI')) AS t(publisher, data_of)
),

explained AS (
    SELECT
        pairs.nation_iso3, pairs.year, pairs.measure, pairs.source_a, pairs.source_b,
        string_agg(DISTINCT reasons.reason, ', ' ORDER BY reasons.reason) AS reason,
        string_agg(DISTINCT reasons.explanation, ' ' ORDER BY reasons.explanation) AS explanation
    FROM pairs
    LEFT JOIN carried AS carried_a ON carried_a.publisher = pairs.source_a
    LEFT JOIN carried AS carried_b ON carried_b.publisher = pairs.source_b
    INNER JOIN reasons
        ON reasons.measure IN (pairs.measure, '*')
       AND (
            (reasons.source_a, reasons.source_b) IN ((pairs.source_a, pairs.source_b), (pairs.source_b, pairs.source_a))
            OR (
                NOT EXISTS (
                    SELECT 1 FROM reasons AS direct
                    WHERE (direct.source_a, direct.source_b) IN ((pairs.source_a, pairs.source_b), (pairs.source_b, pairs.source_a))
                      AND direct.measure IN (pairs.measure, '*')
                )
                AND (reasons.source_a, reasons.source_b) IN (
                    (coalesce(carried_a.data_of, pairs.source_a), coalesce(carried_b.data_of, pairs.source_b)),
                    (coalesce(carried_b.data_of, pairs.source_b), coalesce(carried_a.data_of, pairs.source_a))
                )
            )
        )
    GROUP BY ALL
),

final AS (
    SELECT
        pairs.nation_iso3,
        pairs.year,
        pairs.measure,
        CASE pairs.measure WHEN 'milex_usd' THEN 'US$ millions, current' ELSE 'percent of GDP' END AS unit,
        pairs.source_a,
        pairs.value_a,
        pairs.year_type_a,
        pairs.source_b,
        pairs.value_b,
        pairs.year_type_b,
        CASE
            WHEN carried_a.data_of = pairs.source_b OR carried_b.data_of = pairs.source_a
                OR carried_a.data_of = carried_b.data_of THEN 'republication'
            ELSE 'independent'
        END AS comparison,
        pairs.value_b - pairs.value_a AS difference,
        round(100 * (pairs.value_b / pairs.value_a - 1), 2) AS difference_pct,
        explained.reason,
        explained.explanation,
        pairs.detail_a,
        pairs.detail_b
    FROM pairs
    LEFT JOIN explained USING (nation_iso3, year, measure, source_a, source_b)
    LEFT JOIN carried AS carried_a ON carried_a.publisher = pairs.source_a
    LEFT JOIN carried AS carried_b ON carried_b.publisher = pairs.source_b
    WHERE pairs.value_a <> 0
)

SELECT * FROM final ORDER BY nation_iso3, year, measure, source_a, source_b;

COMMENT ON TABLE marts.source_agreement IS 'The same nation, year and measure from different publishers side by side, with the difference and its known reasons';
COMMENT ON COLUMN marts.source_agreement.comparison IS 'independent (separately compiled) or republication (one publisher carries the other''s series)';
COMMENT ON COLUMN marts.source_agreement.difference IS 'value_b - value_a, in unit (percentage points for shares)';
COMMENT ON COLUMN marts.source_agreement.difference_pct IS '100 * (value_b / value_a - 1), percent, 2 decimals';
COMMENT ON COLUMN marts.source_agreement.nation_iso3 IS 'Nation, ISO 3166-1 alpha-3 (listed in marts.nations)';
COMMENT ON COLUMN marts.source_agreement.year IS 'The year both publishers give: a calendar year, or the US federal fiscal year named by the year it ends (year_type_a, year_type_b)';
COMMENT ON COLUMN marts.source_agreement.measure IS 'milex_share_of_gdp (military expenditure, percent of GDP) or milex_usd (military expenditure, US$ millions, current)';
COMMENT ON COLUMN marts.source_agreement.unit IS 'Unit of value_a, value_b and difference: percent of GDP, or US$ millions, current';
COMMENT ON COLUMN marts.source_agreement.source_a IS 'The first publisher, in alphabetical order of the two: SIPRI, NATO, World Bank, Our World in Data, US DoD, EDA, Germany (Bundeshaushalt), Canada (Public Accounts) or Australia (PBS)';
COMMENT ON COLUMN marts.source_agreement.value_a IS 'The first publisher''s figure, in unit (percent of GDP, or US$ millions, current)';
COMMENT ON COLUMN marts.source_agreement.year_type_a IS 'calendar_year or fiscal_year: how the first publisher''s year is counted';
COMMENT ON COLUMN marts.source_agreement.source_b IS 'The second publisher, in alphabetical order of the two (the same names as source_a)';
COMMENT ON COLUMN marts.source_agreement.value_b IS 'The second publisher''s figure, in unit (percent of GDP, or US$ millions, current)';
COMMENT ON COLUMN marts.source_agreement.year_type_b IS 'calendar_year or fiscal_year: how the second publisher''s year is counted';
COMMENT ON COLUMN marts.source_agreement.reason IS 'Why the two differ where a reason is recorded (data_raw/reference/source_differences.csv): definition, vintage, currency, coverage, fiscal_year or rounding, separated by '', ''; empty when none is recorded';
COMMENT ON COLUMN marts.source_agreement.explanation IS 'The recorded reasons in words (data_raw/reference/source_differences.csv); empty when none is recorded';
COMMENT ON COLUMN marts.source_agreement.detail_a IS 'Where the first figure comes from: publication and edition (for a government total or the DoD, with its table or definition)';
COMMENT ON COLUMN marts.source_agreement.detail_b IS 'Where the second figure comes from: publication and edition (for a government total or the DoD, with its table or definition)';
