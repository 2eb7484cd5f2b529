-- marts.burden
-- Grain: one row per nation and year: a calendar year, or for a nation SIPRI reports by fiscal year (the USA) that
--   fiscal year, named by the year it ends, as defense_yoy.
-- Units: share_of_gdp_pct in percent of GDP; share_of_government_spending_pct in percent of general government
--   expenditure; per_capita_usd in US$ per person at current prices; nato_share_of_gdp_pct in percent of (real)
--   GDP by NATO's definition, where NATO publishes it.
-- Sources: SIPRI Military Expenditure Database (preferred edition); NATO, Defence Expenditure of NATO Countries.
CREATE OR REPLACE TABLE marts.burden AS
WITH facts AS (
    SELECT *
    FROM marts.budget_facts
    WHERE is_preferred
      AND (period_type = 'calendar_year' OR fiscal_year_label = 'end')
      AND entity_kind IN ('country', 'historical_state')
      AND measure IN ('milex_share_of_gdp', 'milex_share_of_government_spending', 'milex_per_capita_usd')
),

nations AS (
    SELECT code, name FROM staging.nations
),

sipri AS (
    SELECT
        entity_code AS nation_iso3,
        period AS year,
        max(value) FILTER (WHERE measure = 'milex_share_of_gdp') AS share_of_gdp_pct,
        max(value) FILTER (WHERE measure = 'milex_share_of_government_spending') AS share_of_government_spending_pct,
        max(value_usd_millions * 1e6) FILTER (WHERE measure = 'milex_per_capita_usd' AND price_basis = 'current')
            AS per_capita_usd,
        coalesce(bool_or(is_estimate AND value IS NOT NULL), false) AS is_estimate,
        string_agg(DISTINCT source || ' (' || edition || ')', '; ' ORDER BY source || ' (' || edition || ')') AS source
    FROM facts
    WHERE fact_source = 'SIPRI Military Expenditure Database'
    GROUP BY entity_code, period
),

nato AS (
    SELECT entity_code AS nation_iso3, period AS year, max(value) AS nato_share_of_gdp_pct
    FROM facts
    WHERE fact_source LIKE 'NATO%' AND measure = 'milex_share_of_gdp'
    GROUP BY entity_code, period
),

final AS (
    SELECT
        coalesce(sipri.nation_iso3, nato.nation_iso3) AS nation_iso3,
        nations.name AS nation_name,
        coalesce(sipri.year, nato.year) AS year,
        sipri.share_of_gdp_pct,
        sipri.share_of_government_spending_pct,
        sipri.per_capita_usd,
        nato.nato_share_of_gdp_pct,
        coalesce(sipri.is_estimate, false) AS is_estimate,
        sipri.source
    FROM sipri
    FULL JOIN nato USING (nation_iso3, year)
    INNER JOIN nations ON nations.code = coalesce(sipri.nation_iso3, nato.nation_iso3)
)

SELECT * FROM final ORDER BY nation_iso3, year;

COMMENT ON TABLE marts.burden IS 'Military burden by nation and calendar year: share of GDP, of government spending, per capita';
COMMENT ON COLUMN marts.burden.share_of_gdp_pct IS 'Percent of GDP (SIPRI)';
COMMENT ON COLUMN marts.burden.share_of_government_spending_pct IS 'Percent of general government expenditure (SIPRI)';
COMMENT ON COLUMN marts.burden.per_capita_usd IS 'US$ per person, current prices (SIPRI)';
COMMENT ON COLUMN marts.burden.nato_share_of_gdp_pct IS 'Percent of GDP by NATO''s definition (NATO publishes it on real GDP)';
COMMENT ON COLUMN marts.burden.nation_iso3 IS 'Nation, ISO 3166-1 alpha-3 (listed in marts.nations)';
COMMENT ON COLUMN marts.burden.year IS 'Calendar year; for a nation SIPRI reports by fiscal year (the USA), that fiscal year, named by the year it ends';
COMMENT ON COLUMN marts.burden.is_estimate IS 'True when SIPRI marks any of the row''s SIPRI figures as an estimate';
COMMENT ON COLUMN marts.burden.source IS 'The SIPRI edition the row''s SIPRI figures come from, as ''source (edition)'' (''; '' between several); empty for a row with NATO''s share only';
