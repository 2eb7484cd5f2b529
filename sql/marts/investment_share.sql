-- marts.investment_share
-- Grain: one row per nation (or US organization), year, phase and basis the share is computed on.
--   NATO members: NATO's "equipment expenditure" share of defence expenditure, per NATO year (NATO counts major
--     equipment and the R&D devoted to it). NATO's guideline is 20 percent of defence expenditure on equipment.
--   USA, on NATO's definition as near as the DoD exhibits allow ('procurement + RDT&E on major equipment'):
--     procurement (P-1) plus the RDT&E (R-1) of budget activities 4 (advanced component development and prototypes),
--     5 (system development and demonstration) and 7 (operational systems development), the R&D of equipment being
--     developed or fielded, over the sum of the exhibits' lines (military personnel, O&M, procurement, RDT&E,
--     revolving funds: the exhibits have no military construction or family housing), per fiscal year, phase and
--     exhibit column of one edition read whole. Basic and applied research, technology development (activities
--     1-3) and management support (6) are not equipment.
--   USA, broader ('procurement + all RDT&E'): the sum of the procurement and RDT&E titles over the sum of the titles
--     given (marts.us_appropriations: the Green Book's table by title, the exhibits, the starter toplines), per
--     fiscal year, organization, phase and basis_key, where the basis gives at least the four main titles. It counts
--     all RDT&E, so it is not compared with NATO's guideline (comparable_to_guideline false, meets_guideline NULL).
--   Years: US rows are federal fiscal years (period_type fiscal_year, October-September); NATO rows are NATO's
--     years (period_type as NATO's table gives them). The two are never put on one axis as if the same year.
-- Units: investment_usd_millions and total_usd_millions in US$ millions, current (NULL for NATO's shares);
--   share_pct and guideline_pct in percent; meets_guideline compares share_pct with NATO's 20 percent guideline
--   where the definition is NATO's or near it.
CREATE OR REPLACE TABLE marts.investment_share AS
WITH appropriations AS (
    SELECT * FROM marts.us_appropriations WHERE organization IN ('DoD', 'Space Force')
),

broad AS (
    SELECT
        'USA' AS nation_iso3,
        fiscal_year AS year,
        'fiscal_year' AS period_type,
        organization,
        phase,
        'procurement + all RDT&E' AS basis,
        (sum(amount_usd_millions::DECIMAL(38, 6)) FILTER (WHERE appropriation_title IN ('procurement', 'RDT&E')))::DOUBLE AS investment_usd_millions,
        (sum(amount_usd_millions::DECIMAL(38, 6)) FILTER (WHERE appropriation_title <> 'total'))::DOUBLE AS total_usd_millions,
        max(amount_usd_millions) FILTER (WHERE appropriation_title = 'total') AS stated_total_usd_millions,
        'sum of the titles given: '
            || string_agg(DISTINCT appropriation_title, ', ' ORDER BY appropriation_title)
                FILTER (WHERE appropriation_title <> 'total') AS total_basis,
        basis_key,
        string_agg(DISTINCT source, '; ' ORDER BY source) AS source,
        false AS comparable_to_guideline
    FROM appropriations
    WHERE funding_type = 'total'
    GROUP BY fiscal_year, organization, phase, basis_key
    -- a share needs the whole budget: the four main titles at least
    HAVING count(DISTINCT appropriation_title) FILTER (
        WHERE appropriation_title IN ('military personnel', 'operation and maintenance', 'procurement', 'RDT&E')
    ) = 4
),

exhibit_lines AS (
    -- every line of the exhibits read whole (not an extract), one column of one edition at a time
    SELECT *
    FROM marts.budget_facts
    WHERE is_preferred AND source_format = 'dod_exhibits' AND extracted_from IS NULL AND entity_code = 'USA'
      AND measure = 'budget_authority' AND price_basis = 'current' AND NOT is_memo AND NOT is_total
      AND value_usd_millions IS NOT NULL AND coalesce(funding_type, 'total') = 'total'
),

near_nato AS (
    SELECT
        'USA' AS nation_iso3,
        period AS year,
        'fiscal_year' AS period_type,
        'DoD' AS organization,
        phase,
        'procurement + RDT&E on major equipment (budget activities 4, 5, 7)' AS basis,
        (sum(value_usd_millions::DECIMAL(38, 6)) FILTER (
            WHERE appropriation_title = 'procurement'
               OR (appropriation_title = 'RDT&E' AND budget_activity IN ('04', '05', '07'))
        ))::DOUBLE AS investment_usd_millions,
        sum(value_usd_millions::DECIMAL(38, 6))::DOUBLE AS total_usd_millions,
        CAST(NULL AS DOUBLE) AS stated_total_usd_millions,
        'sum of the exhibits'' lines: ' || string_agg(DISTINCT appropriation_title, ', ' ORDER BY appropriation_title)
            AS total_basis,
        concat_ws(' | ', edition, 'all lines of the exhibits', column_key) AS basis_key,
        'US DoD Comptroller, budget exhibits '
            || string_agg(DISTINCT regexp_extract(fact_source, '\S+$'), ', ' ORDER BY regexp_extract(fact_source, '\S+$'))
            || ' (' || edition || ')' AS source,
        true AS comparable_to_guideline
    FROM exhibit_lines
    GROUP BY period, phase, column_key, edition
    -- the whole budget: personnel, O&M, procurement and RDT&E lines at least
    HAVING count(DISTINCT appropriation_title) FILTER (
        WHERE appropriation_title IN ('military personnel', 'operation and maintenance', 'procurement', 'RDT&E')
    ) = 4
),

nato AS (
    SELECT
        entity_code AS nation_iso3,
        period AS year,
        period_type,
        'whole defence' AS organization,
        phase,
        'NATO equipment expenditure' AS basis,
        CAST(NULL AS DOUBLE) AS investment_usd_millions,
        CAST(NULL AS DOUBLE) AS total_usd_millions,
        CAST(NULL AS DOUBLE) AS stated_total_usd_millions,
        CAST(NULL AS VARCHAR) AS basis_key,
        'NATO''s distribution of defence expenditure' AS total_basis,
        source || ' (' || edition || ')' AS source,
        round(value, 2) AS share_pct,
        is_estimate,
        true AS comparable_to_guideline
    FROM marts.budget_facts
    WHERE is_preferred AND measure = 'milex_share_by_category' AND category = 'equipment'
      AND entity_kind = 'country' AND value IS NOT NULL
),

final AS (
    SELECT
        nation_iso3, year, period_type, organization, phase, basis, investment_usd_millions, total_usd_millions,
        stated_total_usd_millions, total_basis, round(100 * investment_usd_millions / total_usd_millions, 2) AS share_pct,
        false AS is_estimate, basis_key, source, comparable_to_guideline
    FROM (SELECT * FROM broad UNION ALL BY NAME SELECT * FROM near_nato)
    WHERE total_usd_millions > 0
    UNION ALL BY NAME
    SELECT * FROM nato
)

SELECT
    *,
    20.0 AS guideline_pct,
    CASE WHEN comparable_to_guideline THEN share_pct >= 20.0 END AS meets_guideline
FROM final
ORDER BY nation_iso3, year, organization, phase, basis;

COMMENT ON TABLE marts.investment_share IS 'Investment as a share of defence spending: NATO''s equipment share, the US on NATO''s definition as near as the exhibits allow, and the broader US procurement + all RDT&E; against NATO''s 20 percent guideline where comparable';
COMMENT ON COLUMN marts.investment_share.share_pct IS 'Percent of total defence spending, 2 decimals';
COMMENT ON COLUMN marts.investment_share.investment_usd_millions IS 'US$ millions, current (the investment the basis names)';
COMMENT ON COLUMN marts.investment_share.total_usd_millions IS 'US$ millions, current (the sum the basis names)';
COMMENT ON COLUMN marts.investment_share.stated_total_usd_millions IS 'US$ millions, current: the total the source states, where it does';
COMMENT ON COLUMN marts.investment_share.period_type IS 'fiscal_year (US federal, October-September) or NATO''s year: never compared as the same year';
COMMENT ON COLUMN marts.investment_share.comparable_to_guideline IS 'The basis is NATO''s definition of equipment, or near it: only then is meets_guideline given';
COMMENT ON COLUMN marts.investment_share.guideline_pct IS 'NATO guideline: 20 percent of defence spending on equipment';
COMMENT ON COLUMN marts.investment_share.meets_guideline IS 'share_pct >= 20 where comparable_to_guideline; NULL otherwise';
COMMENT ON COLUMN marts.investment_share.nation_iso3 IS 'Nation, ISO 3166-1 alpha-3: USA for the US rows, each NATO member for NATO''s';
COMMENT ON COLUMN marts.investment_share.year IS 'US federal fiscal year for the US rows, NATO''s year for NATO''s (period_type says which)';
COMMENT ON COLUMN marts.investment_share.organization IS 'DoD or Space Force for the US rows; whole defence for NATO''s';
COMMENT ON COLUMN marts.investment_share.phase IS 'request, enacted, actual or projection: never summed across';
COMMENT ON COLUMN marts.investment_share.basis IS 'What counts as investment: NATO equipment expenditure; procurement + RDT&E on major equipment (budget activities 4, 5, 7); or procurement + all RDT&E';
COMMENT ON COLUMN marts.investment_share.total_basis IS 'What the total is the sum of, in words (the appropriation titles or exhibit lines summed; NATO''s distribution of defence expenditure)';
COMMENT ON COLUMN marts.investment_share.is_estimate IS 'True when NATO marks its share as an estimate; false for the US rows';
COMMENT ON COLUMN marts.investment_share.basis_key IS 'Which figures were summed: for procurement + all RDT&E, marts.us_appropriations.basis_key; for the near-NATO basis, the edition, ''all lines of the exhibits'' and the exhibit column; empty for NATO';
COMMENT ON COLUMN marts.investment_share.source IS 'The publications and editions the figures come from, separated by ''; ''';
