-- marts.militarization_index
-- Grain: one row per nation and calendar year with at least the share-of-GDP indicator.
-- Method, in the manner of BICC's Global Militarisation Index (weights and transforms in
--   data_raw/reference/militarization_weights.csv):
--   1. indicators: military expenditure as percent of GDP, percent of government spending, per capita (US$,
--      current) and real growth on the previous year (percent) from SIPRI (marts.burden, marts.defense_yoy), and
--      military personnel per 1,000 people where NATO publishes personnel (population = NATO's GDP / GDP per
--      capita, constant prices);
--   2. transform: x' = log10(x) for 'log10' indicators (x > 0; x <= 0 is left out), x' = x for 'linear' ones,
--      winsorized at the 5th and 95th percentiles of the year (continuous quantiles);
--   3. normalize within the year over the nations that have the indicator: n = (x' - min) / (max - min) (0.5
--      when all are equal);
--   4. score = 1000 * sum(weight * n) / sum(weight), over the indicators the nation has that year
--      (weight_coverage_pct says how much of the total weight that is); rank 1 = most militarized that year.
-- Units: score 0-1000; indicator columns in their units (percent, US$ per person, percent change, per 1,000 people);
--   *_norm columns 0-1.
CREATE OR REPLACE TABLE marts.militarization_index AS
WITH weights AS (
    SELECT measure, weight, transform FROM staging.militarization_weights
),

nato_people AS (
    SELECT
        entity_code AS nation_iso3,
        period AS year,
        max(value_units) FILTER (WHERE measure = 'military_personnel') AS personnel,
        max(value_usd_millions) FILTER (WHERE measure = 'gdp_usd' AND price_basis LIKE 'constant%') * 1e6
            / max(value_usd_millions * 1e6) FILTER (WHERE measure = 'gdp_per_capita_usd' AND price_basis LIKE 'constant%')
            AS population
    FROM marts.budget_facts
    WHERE is_preferred AND fact_source LIKE 'NATO%' AND entity_kind = 'country'
      AND measure IN ('military_personnel', 'gdp_usd', 'gdp_per_capita_usd')
    GROUP BY entity_code, period
),

indicators AS (
    SELECT
        burden.nation_iso3,
        burden.year,
        burden.share_of_gdp_pct AS milex_share_of_gdp,
        burden.share_of_government_spending_pct AS milex_share_of_government_spending,
        burden.per_capita_usd AS milex_per_capita_usd,
        yoy.real_yoy_pct AS real_growth_pct,
        1000 * nato_people.personnel / nato_people.population AS personnel_per_1000_people
    FROM marts.burden AS burden
    LEFT JOIN marts.defense_yoy AS yoy USING (nation_iso3, year)
    LEFT JOIN nato_people USING (nation_iso3, year)
    WHERE burden.share_of_gdp_pct IS NOT NULL
),

long AS (
    UNPIVOT indicators
    ON milex_share_of_gdp, milex_share_of_government_spending, milex_per_capita_usd, real_growth_pct,
        personnel_per_1000_people
    INTO NAME measure VALUE raw
),

transformed AS (
    SELECT
        long.nation_iso3, long.year, long.measure, long.raw, weights.weight, weights.transform,
        CASE weights.transform WHEN 'log10' THEN CASE WHEN long.raw > 0 THEN log10(long.raw) END ELSE long.raw END AS x
    FROM long
    INNER JOIN weights USING (measure)
),

bounded AS (
    -- growth (linear) is winsorized at its 5th and 95th percentiles of the year, so that a war year's jump does
    -- not squash every other nation to the bottom of the scale; log10 already tames the ratios
    SELECT
        *,
        CASE WHEN transform = 'linear'
            THEN least(greatest(x, quantile_cont(x, 0.05) OVER by_indicator), quantile_cont(x, 0.95) OVER by_indicator)
            ELSE x
        END AS x_bounded
    FROM transformed
    WHERE x IS NOT NULL
    WINDOW by_indicator AS (PARTITION BY year, measure)
),

normalized AS (
    SELECT
        *,
        CASE
            WHEN max(x_bounded) OVER by_year = min(x_bounded) OVER by_year THEN 0.5
            ELSE (x_bounded - min(x_bounded) OVER by_year) / (max(x_bounded) OVER by_year - min(x_bounded) OVER by_year)
        END AS norm
    FROM bounded
    WINDOW by_year AS (PARTITION BY year, measure)
),

scored AS (
    SELECT
        nation_iso3,
        year,
        1000 * sum((weight * norm)::DECIMAL(38, 12))::DOUBLE / sum(weight::DECIMAL(38, 12))::DOUBLE AS score,
        100 * sum(weight::DECIMAL(38, 12))::DOUBLE / (SELECT sum(weight::DECIMAL(38, 12))::DOUBLE FROM weights)
            AS weight_coverage_pct,
        count(*) AS indicators_used,
        max(norm) FILTER (WHERE measure = 'milex_share_of_gdp') AS milex_share_of_gdp_norm,
        max(norm) FILTER (WHERE measure = 'milex_share_of_government_spending') AS milex_share_of_government_spending_norm,
        max(norm) FILTER (WHERE measure = 'milex_per_capita_usd') AS milex_per_capita_usd_norm,
        max(norm) FILTER (WHERE measure = 'real_growth_pct') AS real_growth_pct_norm,
        max(norm) FILTER (WHERE measure = 'personnel_per_1000_people') AS personnel_per_1000_people_norm
    FROM normalized
    GROUP BY nation_iso3, year
),

nations AS (
    SELECT code, name FROM staging.nations
),

final AS (
    SELECT
        scored.nation_iso3,
        nations.name AS nation_name,
        scored.year,
        round(scored.score, 1) AS score,
        rank() OVER (PARTITION BY scored.year ORDER BY scored.score DESC) AS rank,
        count(*) OVER (PARTITION BY scored.year) AS nations_ranked,
        indicators.milex_share_of_gdp,
        indicators.milex_share_of_government_spending,
        indicators.milex_per_capita_usd,
        indicators.real_growth_pct,
        indicators.personnel_per_1000_people,
        scored.milex_share_of_gdp_norm,
        scored.milex_share_of_government_spending_norm,
        scored.milex_per_capita_usd_norm,
        scored.real_growth_pct_norm,
        scored.personnel_per_1000_people_norm,
        scored.indicators_used,
        round(scored.weight_coverage_pct, 1) AS weight_coverage_pct
    FROM scored
    INNER JOIN indicators USING (nation_iso3, year)
    INNER JOIN nations ON nations.code = scored.nation_iso3
)

SELECT * FROM final ORDER BY year, rank;

COMMENT ON TABLE marts.militarization_index IS 'A militarization composite in the manner of BICC''s GMI: log-scaled, min-max normalized indicators, weighted, 0-1000, ranked per year';
COMMENT ON COLUMN marts.militarization_index.score IS 'Composite score, 0-1000 (1 decimal)';
COMMENT ON COLUMN marts.militarization_index.rank IS 'Rank within the year, 1 = highest score';
COMMENT ON COLUMN marts.militarization_index.milex_share_of_gdp IS 'Percent of GDP (SIPRI)';
COMMENT ON COLUMN marts.militarization_index.milex_share_of_government_spending IS 'Percent of government spending (SIPRI)';
COMMENT ON COLUMN marts.militarization_index.milex_per_capita_usd IS 'US$ per person, current (SIPRI)';
COMMENT ON COLUMN marts.militarization_index.real_growth_pct IS 'Real change on the previous year, percent (SIPRI constant US$)';
COMMENT ON COLUMN marts.militarization_index.personnel_per_1000_people IS 'Military personnel per 1,000 people (NATO personnel; population from NATO GDP / GDP per capita)';
COMMENT ON COLUMN marts.militarization_index.weight_coverage_pct IS 'Percent of the total indicator weight the nation-year has data for';
