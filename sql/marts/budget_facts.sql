-- marts.budget_facts
-- Grain: one row per published figure, from every source milspace reads, on one conformed shape: the shipped
--   starter figures (SIPRI, World Bank, US budget toplines) and every line of the files read from the inbox
--   (SIPRI, World Bank, OWID, NATO, DoD exhibits, Green Book).
-- Units: value as published in `unit`; value_units = value * unit_factor in whole `currency` units (or persons,
--   items, index points); value_usd_millions = value_units / 1e6 where currency is USD (NULL otherwise);
--   shares and rates in percent. period is a calendar or fiscal year (period_type; fiscal_year_label says whether
--   a fiscal year is named by the calendar year it starts in, as SIPRI does, or ends in, as the US government does).
-- Conformed measures: one name per concept across publishers (milex_usd with price_basis current or
--   constant_YYYY; milex_share_of_gdp; military_personnel ...); the publisher's own name is kept in source_measure.
-- is_preferred: where several files of one publisher give the same figure (a workbook in the inbox and the
--   starter extract of it, or two editions), the row from the newest vintage, then from the inbox, is preferred;
--   marts built on facts use preferred rows only, so nothing is counted twice.
-- Never sum across measures, phases, price bases, funding types or scopes; leave is_total and is_memo rows out of sums.
CREATE OR REPLACE TABLE marts.budget_facts AS
WITH sipri_starter AS (
    SELECT
        'SIPRI Military Expenditure Database' AS fact_source,
        'SIPRI Military Expenditure Database' AS source,
        'milspace_starter' AS source_format,
        coalesce(
            regexp_extract(source, '[A-Z][a-z]+ \d{4} release \(data \d{4}-\d{4}\)'),
            regexp_extract(source, 'data \d{4}-\d{4}')
        ) AS edition,
        source_file AS file,
        regexp_extract(source, 'sheet ''(.*)''', 1) AS sheet,
        source_row AS "row",
        measure AS source_column,
        nation_iso3 AS entity_code,
        'country' AS entity_kind,
        year AS period,
        'calendar_year' AS period_type,
        CAST(NULL AS INTEGER) AS fiscal_year_start_month,
        CAST(NULL AS VARCHAR) AS fiscal_year_label,
        measure AS source_measure,
        'actual' AS phase,
        CAST(NULL AS VARCHAR) AS funding_type,
        CAST(NULL AS VARCHAR) AS scope,
        CAST(NULL AS VARCHAR) AS category,
        CAST(NULL AS VARCHAR) AS appropriation_title,
        CAST(NULL AS VARCHAR) AS organization,
        CAST(NULL AS VARCHAR) AS account,
        CAST(NULL AS VARCHAR) AS account_title,
        CAST(NULL AS VARCHAR) AS budget_activity_title,
        CAST(NULL AS VARCHAR) AS line_item,
        CAST(NULL AS VARCHAR) AS line_item_title,
        value,
        unit,
        CASE WHEN measure IN ('current_usd', 'constant_usd', 'local_currency') THEN 1e6 ELSE 1 END AS unit_factor,
        CASE
            WHEN measure IN ('current_usd', 'constant_usd', 'per_capita_usd') THEN 'USD'
            WHEN measure = 'local_currency' THEN regexp_extract(unit, '\(([A-Z]{3})\)', 1)
        END AS currency,
        CASE
            WHEN measure = 'constant_usd' THEN 'constant_' || regexp_extract(unit, 'constant \((\d{4})\)', 1)
            WHEN measure IN ('current_usd', 'per_capita_usd', 'local_currency') THEN 'current'
        END AS price_basis,
        is_estimate,
        is_highly_uncertain,
        false AS is_memo,
        false AS is_total,
        false AS is_classified_aggregate,
        false AS is_space,
        CAST(NULL AS VARCHAR) AS footnotes,
        missing_marker
    FROM staging.military_expenditure
),

worldbank_starter AS (
    SELECT
        'World Bank, World Development Indicators' AS fact_source,
        source,
        'milspace_starter' AS source_format,
        edition,
        source_file AS file,
        CAST(NULL AS VARCHAR) AS sheet,
        source_row AS "row",
        'share_of_gdp_pct' AS source_column,
        nation_iso3 AS entity_code,
        'country' AS entity_kind,
        year AS period,
        'calendar_year' AS period_type,
        CAST(NULL AS INTEGER) AS fiscal_year_start_month,
        CAST(NULL AS VARCHAR) AS fiscal_year_label,
        'milex_share_of_gdp' AS source_measure,
        'actual' AS phase,
        CAST(NULL AS VARCHAR) AS funding_type,
        CAST(NULL AS VARCHAR) AS scope,
        CAST(NULL AS VARCHAR) AS category,
        CAST(NULL AS VARCHAR) AS appropriation_title,
        CAST(NULL AS VARCHAR) AS organization,
        CAST(NULL AS VARCHAR) AS account,
        CAST(NULL AS VARCHAR) AS account_title,
        CAST(NULL AS VARCHAR) AS budget_activity_title,
        CAST(NULL AS VARCHAR) AS line_item,
        CAST(NULL AS VARCHAR) AS line_item_title,
        share_of_gdp_pct AS value,
        'percent of GDP' AS unit,
        1 AS unit_factor,
        CAST(NULL AS VARCHAR) AS currency,
        CAST(NULL AS VARCHAR) AS price_basis,
        false AS is_estimate,
        false AS is_highly_uncertain,
        false AS is_memo,
        false AS is_total,
        false AS is_classified_aggregate,
        false AS is_space,
        CAST(NULL AS VARCHAR) AS footnotes,
        CAST(NULL AS VARCHAR) AS missing_marker
    FROM staging.worldbank_milex_share_of_gdp
),

us_budget_starter AS (
    SELECT
        'milspace US budget toplines' AS fact_source,
        source,
        'milspace_starter' AS source_format,
        'compiled from the sources in source' AS edition,
        source_file AS file,
        CAST(NULL AS VARCHAR) AS sheet,
        source_row AS "row",
        'amount_usd_millions' AS source_column,
        'USA' AS entity_code,
        'country' AS entity_kind,
        fiscal_year AS period,
        'fiscal_year' AS period_type,
        10 AS fiscal_year_start_month,
        'end' AS fiscal_year_label,
        'budget_authority' AS source_measure,
        phase,
        CAST(NULL AS VARCHAR) AS funding_type,
        scope,
        CAST(NULL AS VARCHAR) AS category,
        appropriation_title,
        organization,
        CAST(NULL AS VARCHAR) AS account,
        CAST(NULL AS VARCHAR) AS account_title,
        CAST(NULL AS VARCHAR) AS budget_activity_title,
        CAST(NULL AS VARCHAR) AS line_item,
        CAST(NULL AS VARCHAR) AS line_item_title,
        amount_usd_millions AS value,
        'US$ millions, current prices (budget authority)' AS unit,
        1e6 AS unit_factor,
        'USD' AS currency,
        'current' AS price_basis,
        false AS is_estimate,
        false AS is_highly_uncertain,
        false AS is_memo,
        appropriation_title = 'total' AS is_total,
        false AS is_classified_aggregate,
        organization = 'Space Force' AS is_space,
        note AS footnotes,
        CAST(NULL AS VARCHAR) AS missing_marker
    FROM staging.us_budget_lines
),

space_lines_starter AS (
    SELECT
        'US DoD Comptroller, budget exhibit ' || exhibit AS fact_source,
        source,
        'milspace_starter' AS source_format,
        regexp_extract(source, 'FY\d{4} President''s Budget') AS edition,
        source_file AS file,
        regexp_extract(source, 'sheet ''(.*)''', 1) AS sheet,
        exhibit_row AS "row",
        source_column,
        'USA' AS entity_code,
        'country' AS entity_kind,
        fiscal_year AS period,
        'fiscal_year' AS period_type,
        10 AS fiscal_year_start_month,
        'end' AS fiscal_year_label,
        'budget_authority' AS source_measure,
        phase,
        funding_type,
        CAST(NULL AS VARCHAR) AS scope,
        CAST(NULL AS VARCHAR) AS category,
        appropriation_title,
        organization,
        account,
        account_title,
        budget_activity_title,
        line_item,
        line_item_title,
        amount_usd_thousands AS value,
        'thousands of US$ (budget authority)' AS unit,
        1e3 AS unit_factor,
        'USD' AS currency,
        'current' AS price_basis,
        false AS is_estimate,
        false AS is_highly_uncertain,
        false AS is_memo,
        false AS is_total,
        false AS is_classified_aggregate,
        true AS is_space,
        CAST(NULL AS VARCHAR) AS footnotes,
        CAST(NULL AS VARCHAR) AS missing_marker
    FROM staging.us_space_program_lines
),

inbox AS NOT MATERIALIZED (
    SELECT
        source AS fact_source,
        source,
        source_format,
        edition,
        file,
        sheet,
        "row",
        source_column,
        entity_code,
        entity_kind,
        period,
        period_type,
        fiscal_year_start_month,
        fiscal_year_label,
        measure AS source_measure,
        phase,
        funding_type,
        CAST(NULL AS VARCHAR) AS scope,
        category,
        appropriation_title,
        organization,
        account,
        account_title,
        budget_activity_title,
        line_item,
        line_item_title,
        value,
        unit,
        unit_factor,
        currency,
        price_basis,
        is_estimate,
        is_highly_uncertain,
        is_memo,
        is_total,
        is_classified_aggregate,
        is_space,
        footnotes,
        missing_marker
    FROM staging.budget_lines
),

unioned AS NOT MATERIALIZED (
    SELECT * FROM sipri_starter
    UNION ALL BY NAME SELECT * FROM worldbank_starter
    UNION ALL BY NAME SELECT * FROM us_budget_starter
    UNION ALL BY NAME SELECT * FROM space_lines_starter
    UNION ALL BY NAME SELECT * FROM inbox
),

-- One name per concept. A publisher's measure not listed here keeps its own name.
measure_map (source_measure, measure) AS (
    VALUES
        ('current_usd', 'milex_usd'),
        ('constant_usd', 'milex_usd'),
        ('share_of_gdp', 'milex_share_of_gdp'),
        ('share_of_government_spending', 'milex_share_of_government_spending'),
        ('per_capita_usd', 'milex_per_capita_usd'),
        ('local_currency', 'milex_local_currency'),
        ('milex_current_usd', 'milex_usd'),
        ('milex_constant_usd', 'milex_usd'),
        ('milex_current_lcu', 'milex_local_currency'),
        ('armed_forces_personnel', 'military_personnel'),
        ('defence_expenditure_current_usd', 'milex_usd'),
        ('defence_expenditure_constant_usd', 'milex_usd'),
        ('defence_expenditure_current_local_currency', 'milex_local_currency'),
        ('defence_expenditure_constant_local_currency', 'milex_local_currency'),
        ('defence_expenditure_share_of_gdp', 'milex_share_of_gdp'),
        ('defence_expenditure_share_of_real_gdp', 'milex_share_of_gdp'),
        ('defence_expenditure_per_capita_current_usd', 'milex_per_capita_usd'),
        ('defence_expenditure_per_capita_constant_usd', 'milex_per_capita_usd'),
        ('defence_expenditure_real_change_pct', 'milex_real_change_pct'),
        ('defence_expenditure_share_by_category', 'milex_share_by_category'),
        ('gdp_current_usd', 'gdp_usd'),
        ('gdp_constant_usd', 'gdp_usd'),
        ('gdp_per_capita_current_usd', 'gdp_per_capita_usd'),
        ('gdp_per_capita_constant_usd', 'gdp_per_capita_usd')
),

sources AS (
    SELECT file, origin FROM staging.sources
),

conformed AS NOT MATERIALIZED (
    SELECT
        unioned.* EXCLUDE (source_measure, fiscal_year_label),
        coalesce(measure_map.measure, unioned.source_measure) AS measure,
        unioned.source_measure,
        coalesce(sources.origin, 'starter') AS origin,
        CASE
            WHEN unioned.period_type <> 'fiscal_year' THEN NULL
            WHEN unioned.fiscal_year_label IS NOT NULL THEN unioned.fiscal_year_label
            WHEN unioned.source_format IN ('sipri_milex', 'milspace_starter') AND unioned.fact_source LIKE 'SIPRI%'
                THEN 'start'
            ELSE 'end'
        END AS fiscal_year_label,
        -- the vintage: the last year of data an edition covers, or its update date; newer sorts higher
        coalesce(
            regexp_extract(unioned.edition, 'data \d{4}-(\d{4})', 1),
            regexp_extract(unioned.edition, 'updated (\d{4}-\d{2}-\d{2})', 1),
            regexp_extract(unioned.edition, '\(\d{4}-(\d{4})\)', 1),
            regexp_extract(unioned.edition, 'FY ?(\d{4})', 1),
            ''
        ) AS vintage,
        unioned.value * unioned.unit_factor AS value_units,
        -- the column a figure came from matters where one file has several columns of one year and phase
        -- (the DoD exhibits' FY 2018 variants); the P-1's "Amount" suffix is dropped so that the same column of
        -- every exhibit of one edition has one key ("FY 2019 Total" in the R-1, "FY 2019 Total Amount" in the P-1)
        CASE WHEN unioned.source_format LIKE 'dod_%' OR unioned.fact_source LIKE 'US DoD%'
            THEN regexp_replace(unioned.source_column, '\s*(Amount|Quantity)$', '') END AS column_key
    FROM unioned
    LEFT JOIN measure_map USING (source_measure)
    LEFT JOIN sources USING (file)
),

-- Ranking files needs a window over every row of a publisher; where a publisher has one file (a single large
-- line-level file, say), every row is that file's and ranks first, so only publishers with several files are ranked.
multi_file_sources AS (
    SELECT fact_source FROM unioned GROUP BY fact_source HAVING count(DISTINCT file) > 1
),

ranked AS (
    SELECT
        *,
        dense_rank() OVER (
            PARTITION BY fact_source, entity_code, period, period_type, measure, price_basis, phase, funding_type,
                scope, category, appropriation_title, organization, account, line_item, line_item_title, column_key
            ORDER BY vintage DESC, origin = 'inbox' DESC, file DESC
        ) AS file_rank
    FROM conformed
    WHERE fact_source IN (SELECT fact_source FROM multi_file_sources)
    UNION ALL
    SELECT *, 1 AS file_rank
    FROM conformed
    WHERE NOT coalesce(fact_source IN (SELECT fact_source FROM multi_file_sources), false)  -- NULL: ranks first
),

final AS (
    SELECT
        fact_source,
        entity_code,
        entity_kind,
        period,
        period_type,
        fiscal_year_start_month,
        fiscal_year_label,
        measure,
        price_basis,
        currency,
        phase,
        CASE phase WHEN 'request' THEN 'proposed' WHEN 'enacted' THEN 'approved' WHEN 'actual' THEN 'executed'
            WHEN 'projection' THEN 'proposed' END AS fdp_phase,
        funding_type,
        scope,
        category,
        appropriation_title,
        organization,
        account,
        account_title,
        budget_activity_title,
        line_item,
        line_item_title,
        value,
        unit,
        unit_factor,
        value_units,
        CASE WHEN currency = 'USD' THEN value_units / 1e6 END AS value_usd_millions,
        is_estimate,
        is_highly_uncertain,
        is_memo,
        is_total,
        is_classified_aggregate,
        is_space,
        file_rank = 1 AS is_preferred,
        footnotes,
        missing_marker,
        column_key,
        source_measure,
        source,
        source_format,
        edition,
        vintage,
        origin,
        file,
        sheet,
        "row",
        source_column
    FROM ranked
)

SELECT * FROM final;

COMMENT ON TABLE marts.budget_facts IS 'Every published figure milspace reads, on one conformed shape (measure, period, phase, units, provenance)';
COMMENT ON COLUMN marts.budget_facts.value IS 'As published, in the unit named by unit; NULL where missing_marker says why';
COMMENT ON COLUMN marts.budget_facts.value_units IS 'value * unit_factor: whole currency units for money, persons or items for counts, percent for shares';
COMMENT ON COLUMN marts.budget_facts.value_usd_millions IS 'US$ millions (current or constant, see price_basis) where currency is USD; NULL otherwise';
COMMENT ON COLUMN marts.budget_facts.fiscal_year_label IS 'For fiscal years: start (FY N begins in calendar year N, SIPRI) or end (FY N ends in N, US government)';
COMMENT ON COLUMN marts.budget_facts.column_key IS 'DoD exhibits: the amount column, the same for every exhibit of one edition (never add two columns of one year)';
COMMENT ON COLUMN marts.budget_facts.is_preferred IS 'The row to use when several files of one publisher give the same figure (newest vintage, then the inbox)';
