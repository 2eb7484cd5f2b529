-- marts.us_appropriations
-- Grain: one row per fiscal year, organization, phase, funding type, appropriation title and basis (source,
--   edition, exhibit column or table).
--   organization: 'DoD' (the whole department), 'Space Force', or 'Space programs (milspace rule)' (lines the DoD
--   exhibit reader flags is_space). Sources: the starter toplines (the Space Force FY2023 request by title); the
--   DoD Comptroller exhibits M-1, O-1, P-1, R-1, RF-1 of one edition, their lines summed (memo lines left out),
--   and the starter extract of their space lines; the Green Book's table of DoD budget authority by public law
--   title; each when present.
-- Units: amount_usd_millions is budget authority in US$ millions, current; amount_constant_usd_millions in US$
--   millions at the prices of deflator_base_year, by the Green Book's budget-authority deflator for the same
--   title (chapter 5): constant = current * 100 / deflator (NULL without a deflator); fiscal_year is the US FY.
-- Exhibit amounts keep their column (exhibit_column, e.g. "FY 2019 Total"): an exhibit may give several columns
--   for one fiscal year and phase (the FY 2018 request with and without CR adjustments), never to be added up.
--   basis_key names everything that must match before rows may be added or compared.
-- Titles are conformed (military personnel, operation and maintenance, procurement, RDT&E, military
--   construction, family housing, revolving and management funds, retired pay, other, total); phases are never summed.
CREATE OR REPLACE TABLE marts.us_appropriations AS
WITH facts AS (
    SELECT
        *,
        CASE
            WHEN appropriation_title ILIKE 'military personnel%' THEN 'military personnel'
            WHEN appropriation_title ILIKE 'operation%maint%' OR appropriation_title ILIKE 'o&m%'
                THEN 'operation and maintenance'
            WHEN appropriation_title ILIKE 'procure%' THEN 'procurement'
            WHEN appropriation_title ILIKE 'rdt&e%' OR appropriation_title ILIKE 'research%' THEN 'RDT&E'
            WHEN appropriation_title ILIKE 'military construction%' OR appropriation_title ILIKE 'milcon%'
                THEN 'military construction'
            WHEN appropriation_title ILIKE 'family housing%' THEN 'family housing'
            WHEN appropriation_title ILIKE 'revolving%' THEN 'revolving and management funds'
            WHEN appropriation_title ILIKE 'retired pay%' THEN 'retired pay'
            WHEN appropriation_title ILIKE 'total%' THEN 'total'
            WHEN appropriation_title IS NOT NULL THEN 'other'
        END AS title
    FROM marts.budget_facts
    WHERE is_preferred AND entity_code = 'USA' AND period_type = 'fiscal_year' AND measure = 'budget_authority'
      AND price_basis = 'current' AND NOT is_memo AND value IS NOT NULL
),

toplines AS (
    SELECT
        period AS fiscal_year, organization, phase, 'total' AS funding_type, title AS appropriation_title,
        value_usd_millions AS amount_usd_millions, 1 AS lines, scope,
        CAST(NULL AS VARCHAR) AS exhibit_column, source, edition
    FROM facts
    WHERE fact_source = 'milspace US budget toplines'
),

exhibit_lines AS (
    SELECT * FROM facts WHERE fact_source LIKE 'US DoD Comptroller, budget exhibit%' AND NOT is_total
),

exhibits AS (
    -- the whole department and the Space Force organization: exhibits read whole (extracted_from IS NULL), not an
    -- extract of some of their lines (the shipped space lines)
    SELECT
        period AS fiscal_year, organization_group AS organization, phase, coalesce(funding_type, 'total') AS funding_type,
        title AS appropriation_title, sum(value_usd_millions::DECIMAL(38, 6))::DOUBLE AS amount_usd_millions, count(*) AS lines,
        scope, column_key AS exhibit_column,
        'US DoD Comptroller, budget exhibits ' || string_agg(DISTINCT regexp_extract(fact_source, '\S+$'), ', ' ORDER BY regexp_extract(fact_source, '\S+$'))
            AS source,
        edition
    FROM (
        SELECT *, 'DoD' AS organization_group, 'all lines of the exhibits' AS scope
        FROM exhibit_lines WHERE source_format = 'dod_exhibits' AND extracted_from IS NULL
        UNION ALL
        SELECT *, 'Space Force', 'Space Force organization'
        FROM exhibit_lines WHERE source_format = 'dod_exhibits' AND extracted_from IS NULL AND organization = 'Space Force'
        UNION ALL
        SELECT *, 'Space programs (milspace rule)', 'lines flagged is_space (the DoD exhibit reader''s rule)'
        FROM exhibit_lines WHERE is_space
    )
    GROUP BY period, organization_group, phase, coalesce(funding_type, 'total'), title, scope, column_key, edition
),

greenbook_table AS (
    -- the Green Book's table of DoD budget authority by public law title: one organization (the whole department),
    -- titles, no budget function; the longest such series
    SELECT arg_max(line_item, (years, line_item)) AS line_item
    FROM (
        SELECT line_item, count(DISTINCT period) AS years
        FROM facts
        WHERE source_format = 'dod_greenbook' AND title IS NOT NULL AND category IS NULL
        GROUP BY line_item
        HAVING count(DISTINCT organization) = 1 AND bool_and(organization ILIKE 'department of defense%')
    )
),

greenbook AS (
    -- the table's lines of one conformed title are its parts (several public law titles fall under 'other')
    SELECT
        period AS fiscal_year, 'DoD' AS organization, phase, coalesce(funding_type, 'total') AS funding_type,
        title AS appropriation_title, sum(value_usd_millions::DECIMAL(38, 6))::DOUBLE AS amount_usd_millions,
        count(*) AS lines, 'Green Book table ' || line_item AS scope, CAST(NULL AS VARCHAR) AS exhibit_column,
        min(source) AS source, edition
    FROM facts
    WHERE source_format = 'dod_greenbook' AND title IS NOT NULL AND category IS NULL
      AND line_item = (SELECT line_item FROM greenbook_table)
      AND NOT (is_total AND title <> 'total')
    GROUP BY period, phase, coalesce(funding_type, 'total'), title, line_item, edition
),

deflators AS (
    SELECT
        period AS fiscal_year,
        CASE
            WHEN appropriation_title ILIKE 'military personnel%' THEN 'military personnel'
            WHEN appropriation_title ILIKE 'operation%maint%' THEN 'operation and maintenance'
            WHEN appropriation_title ILIKE 'procure%' THEN 'procurement'
            WHEN appropriation_title ILIKE 'rdt&e%' THEN 'RDT&E'
            WHEN appropriation_title ILIKE 'military construction%' THEN 'military construction'
            WHEN appropriation_title ILIKE 'family housing%' THEN 'family housing'
            WHEN appropriation_title ILIKE 'revolving%' THEN 'revolving and management funds'
            WHEN appropriation_title ILIKE 'total dep%' THEN 'total'
        END AS appropriation_title,
        -- one deflator and its own base year, from the newest edition that gives one (editions index to their own
        -- budget year: a value and a base year are never taken from two of them)
        arg_max(value, (vintage, edition)) AS deflator,
        arg_max(TRY_CAST(nullif(regexp_extract(unit, '(\d{4}) = 100', 1), '') AS INTEGER), (vintage, edition))
            AS deflator_base_year
    FROM marts.budget_facts
    WHERE is_preferred AND measure = 'budget_authority_deflator' AND appropriation_title IS NOT NULL
      AND value IS NOT NULL
    GROUP BY ALL
),

unioned AS (
    SELECT * FROM toplines
    UNION ALL BY NAME SELECT * FROM exhibits
    UNION ALL BY NAME SELECT * FROM greenbook
),

final AS (
    SELECT
        unioned.fiscal_year,
        unioned.organization,
        unioned.phase,
        unioned.funding_type,
        unioned.appropriation_title,
        unioned.amount_usd_millions,
        unioned.amount_usd_millions * 100 / deflators.deflator AS amount_constant_usd_millions,
        deflators.deflator_base_year,
        unioned.scope,
        unioned.exhibit_column,
        unioned.lines,
        unioned.source,
        unioned.edition,
        concat_ws(' | ', unioned.edition, unioned.scope, unioned.exhibit_column) AS basis_key
    FROM unioned
    LEFT JOIN deflators
        ON deflators.fiscal_year = unioned.fiscal_year AND deflators.appropriation_title = unioned.appropriation_title
)

SELECT * FROM final ORDER BY fiscal_year, organization, phase, funding_type, basis_key, appropriation_title;

COMMENT ON TABLE marts.us_appropriations IS 'US DoD and Space Force budget authority by appropriation title, fiscal year and phase';
COMMENT ON COLUMN marts.us_appropriations.amount_usd_millions IS 'Budget authority, US$ millions, current prices';
COMMENT ON COLUMN marts.us_appropriations.amount_constant_usd_millions IS 'Budget authority, US$ millions at prices of deflator_base_year (Green Book chapter 5 deflator of the title)';
COMMENT ON COLUMN marts.us_appropriations.lines IS 'Number of source lines summed';
COMMENT ON COLUMN marts.us_appropriations.basis_key IS 'Edition, scope and exhibit column: rows add up only within one basis_key';
COMMENT ON COLUMN marts.us_appropriations.fiscal_year IS 'US federal fiscal year (FY N ends on 30 September of year N)';
COMMENT ON COLUMN marts.us_appropriations.organization IS 'DoD (the whole department), Space Force, or Space programs (milspace rule): the lines the DoD exhibit reader flags is_space';
COMMENT ON COLUMN marts.us_appropriations.funding_type IS 'base, oco, emergency, reconciliation, mandatory, discretionary or total, as the source splits the amounts; total where it does not';
COMMENT ON COLUMN marts.us_appropriations.appropriation_title IS 'Conformed public law title: military personnel, operation and maintenance, procurement, RDT&E, military construction, family housing, revolving and management funds, retired pay, other, or total';
COMMENT ON COLUMN marts.us_appropriations.deflator_base_year IS 'The year whose prices amount_constant_usd_millions is in (where the Green Book deflator is 100); empty without a deflator';
COMMENT ON COLUMN marts.us_appropriations.scope IS 'What the row sums: all lines of the exhibits, Space Force organization, lines flagged is_space, Green Book table <number>, or a topline''s scope as its source counts it (e.g. USSF, including SDA)';
COMMENT ON COLUMN marts.us_appropriations.exhibit_column IS 'The exhibit column the amounts were read from (e.g. FY 2019 Total): never add two columns; empty for the toplines and the Green Book';
COMMENT ON COLUMN marts.us_appropriations.source IS 'The publication: a topline''s source, US DoD Comptroller, budget exhibits <exhibits summed>, or the Green Book';
