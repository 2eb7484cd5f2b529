-- marts.investment_share
-- Grain: one row per nation (or US organization), year and phase, with the basis the share is computed on.
--   USA: (procurement + RDT&E) / the sum of the appropriation titles given, per fiscal year, organization, phase
--     and basis (marts.us_appropriations.basis_key: one edition, scope and column), where the basis gives at least
--     the four main titles (military personnel, O&M, procurement, RDT&E); total_basis lists the titles
--     (DoD exhibits leave out military construction and family housing, which have no exhibit here), and
--     stated_total_usd_millions shows the source's own total where it gives one.
--   NATO members: NATO's "equipment expenditure" share of defence expenditure (NATO counts R&D on major
--     equipment in it), per calendar year.
-- Units: investment_usd_millions and total_usd_millions in US$ millions, current (NULL for NATO's shares);
--   share_pct and guideline_pct in percent; meets_guideline compares share_pct with NATO's 20 percent guideline.
CREATE OR REPLACE TABLE marts.investment_share AS
WITH appropriations AS (
    SELECT * FROM marts.us_appropriations WHERE organization IN ('DoD', 'Space Force')
),

us AS (
    SELECT
        'USA' AS nation_iso3,
        fiscal_year AS year,
        'fiscal_year' AS period_type,
        organization,
        phase,
        'procurement + RDT&E' AS basis,
        (sum(amount_usd_millions::DECIMAL(38, 6)) FILTER (WHERE appropriation_title IN ('procurement', 'RDT&E')))::DOUBLE AS investment_usd_millions,
        (sum(amount_usd_millions::DECIMAL(38, 6)) FILTER (WHERE appropriation_title <> 'total'))::DOUBLE AS total_usd_millions,
        max(amount_usd_millions) FILTER (WHERE appropriation_title = 'total') AS stated_total_usd_millions,
        'sum of the titles given: '
            || string_agg(DISTINCT appropriation_title, ', ' ORDER BY appropriation_title)
                FILTER (WHERE appropriation_title <> 'total') AS total_basis,
        basis_key,
        string_agg(DISTINCT source, '; ' ORDER BY source) AS source
    FROM appropriations
    WHERE funding_type = 'total'
    GROUP BY fiscal_year, organization, phase, basis_key
    -- a share needs the whole budget: the four main titles at least
    HAVING count(DISTINCT appropriation_title) FILTER (
        WHERE appropriation_title IN ('military personnel', 'operation and maintenance', 'procurement', 'RDT&E')
    ) = 4
),

nato AS (
    SELECT
        entity_code AS nation_iso3,
        period AS year,
        'calendar_year' AS period_type,
        'whole defence' AS organization,
        phase,
        'NATO equipment expenditure' AS basis,
        CAST(NULL AS DOUBLE) AS investment_usd_millions,
        CAST(NULL AS DOUBLE) AS total_usd_millions,
        CAST(NULL AS DOUBLE) AS stated_total_usd_millions,
        CAST(NULL AS VARCHAR) AS basis_key,
        'NATO''s distribution of defence expenditure' AS total_basis,
        source || ' (' || edition || ')' AS source,
        value AS share_pct,
        is_estimate
    FROM marts.budget_facts
    WHERE is_preferred AND measure = 'milex_share_by_category' AND category = 'equipment'
      AND entity_kind = 'country' AND value IS NOT NULL
),

final AS (
    SELECT
        nation_iso3, year, period_type, organization, phase, basis, investment_usd_millions, total_usd_millions,
        stated_total_usd_millions, total_basis, round(100 * investment_usd_millions / total_usd_millions, 2) AS share_pct,
        false AS is_estimate, basis_key, source
    FROM us
    WHERE total_usd_millions > 0
    UNION ALL BY NAME
    SELECT * FROM nato
)

SELECT
    *,
    20.0 AS guideline_pct,
    share_pct >= 20.0 AS meets_guideline
FROM final
ORDER BY nation_iso3, year, organization, phase;

COMMENT ON TABLE marts.investment_share IS 'Investment (procurement + RDT&E, or NATO equipment) as a share of defence spending, against NATO''s 20 percent guideline';
COMMENT ON COLUMN marts.investment_share.share_pct IS 'Percent of total defence spending, 2 decimals';
COMMENT ON COLUMN marts.investment_share.investment_usd_millions IS 'US$ millions, current (procurement + RDT&E)';
COMMENT ON COLUMN marts.investment_share.total_usd_millions IS 'US$ millions, current (the sum of the titles given)';
COMMENT ON COLUMN marts.investment_share.stated_total_usd_millions IS 'US$ millions, current: the total the source states, where it does';
COMMENT ON COLUMN marts.investment_share.guideline_pct IS 'NATO guideline: 20 percent of defence spending on equipment';
