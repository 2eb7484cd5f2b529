-- marts.militarization_index
-- Grain: one row per nation and year with at least the share-of-GDP indicator; score and rank where the nation has
--   every indicator of the ranking.
-- Method, in the manner of BICC's Global Militarisation Index (weights, transforms and the ranked set in
--   data_raw/reference/militarization_weights.csv):
--   1. indicators: military expenditure as percent of GDP, percent of government spending, per capita (US$,
--      current) and real growth on the previous year (percent) from SIPRI (marts.burden, marts.defense_yoy); one
--      indicator set for every nation ranked: a nation-year is ranked only when it has all of them. Military
--      personnel per 1,000 people (NATO's tables: NATO members only; population = NATO's GDP / GDP per capita,
--      constant prices) is shown beside the index, normalized the same way, but not scored (in_ranking false);
--   2. transform: x' = log10(x) for 'log10' indicators (x > 0; x <= 0 is left out), x' = x for 'linear' ones; the
--      linear one (growth) is winsorized at the 5th and 95th percentiles of the whole panel (every nation and year);
--   3. normalize each indicator over the whole panel, not year by year, so that a nation's score moves only when
--      its own figures move: n = (x' - min) / (max - min) over every nation and year;
--   4. weighted sum S = sum(weight * n) / sum(weight) over the ranked indicators, then normalized again over the
--      whole panel (BICC's second normalization): score = 1000 * (S - min S) / (max S - min S); rank 1 = the
--      highest score of the year, among the nations ranked that year.
--   Where milspace differs from BICC: BICC scores military expenditure against GDP and against health spending,
--   military and paramilitary personnel and reservists against population and physicians, and heavy weapons
--   against population; milspace holds SIPRI's expenditure series for every nation but personnel for NATO members
--   only and no weapons holdings, so it scores share of GDP (BICC's weight 5), share of government spending (in
--   place of the health-spending ratio, weight 3), per capita spending (2) and real growth (1, not in BICC). Scores
--   are comparable across nations and years within one build; they change when SIPRI revises its series or a new
--   year widens the panel's range.
-- Units: score 0-1000 (1 decimal); indicator columns in their units (percent, US$ per person, percent change, per
--   1,000 people); *_norm columns 0-1.
CREATE OR REPLACE TABLE marts.militarization_index AS
WITH weights AS (
    SELECT measure, weight, transform, in_ranking FROM staging.militarization_weights
),

ranked_weight AS (
    SELECT sum(weight::DECIMAL(38, 12))::DOUBLE AS total, count(*) AS indicators FROM weights WHERE in_ranking
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
        long.nation_iso3, long.year, long.measure, long.raw, weights.weight, weights.transform, weights.in_ranking,
        CASE weights.transform WHEN 'log10' THEN CASE WHEN long.raw > 0 THEN log10(long.raw) END ELSE long.raw END AS x
    FROM long
    INNER JOIN weights USING (measure)
),

bounded AS (
    -- growth (linear) is winsorized at its 5th and 95th percentiles over the panel, so that a war year's jump does
    -- not squash every other nation to the bottom of the scale; log10 already tames the ratios
    SELECT
        *,
        CASE WHEN transform = 'linear'
            THEN least(greatest(x, quantile_cont(x, 0.05) OVER by_indicator), quantile_cont(x, 0.95) OVER by_indicator)
            ELSE x
        END AS x_bounded
    FROM transformed
    WHERE x IS NOT NULL
    WINDOW by_indicator AS (PARTITION BY measure)
),

normalized AS (
    SELECT
        *,
        CASE
            WHEN max(x_bounded) OVER by_indicator = min(x_bounded) OVER by_indicator THEN 0.5
            ELSE (x_bounded - min(x_bounded) OVER by_indicator)
                / (max(x_bounded) OVER by_indicator - min(x_bounded) OVER by_indicator)
        END AS norm
    FROM bounded
    WINDOW by_indicator AS (PARTITION BY measure)
),

summed AS (
    SELECT
        nation_iso3,
        year,
        sum((weight * norm)::DECIMAL(38, 12)) FILTER (WHERE in_ranking)::DOUBLE
            / (SELECT total FROM ranked_weight) AS weighted,
        count(*) FILTER (WHERE in_ranking) AS indicators_used,
        count(*) FILTER (WHERE in_ranking) = (SELECT indicators FROM ranked_weight) AS is_ranked,
        max(norm) FILTER (WHERE measure = 'milex_share_of_gdp') AS milex_share_of_gdp_norm,
        max(norm) FILTER (WHERE measure = 'milex_share_of_government_spending') AS milex_share_of_government_spending_norm,
        max(norm) FILTER (WHERE measure = 'milex_per_capita_usd') AS milex_per_capita_usd_norm,
        max(norm) FILTER (WHERE measure = 'real_growth_pct') AS real_growth_pct_norm,
        max(norm) FILTER (WHERE measure = 'personnel_per_1000_people') AS personnel_per_1000_people_norm
    FROM normalized
    GROUP BY nation_iso3, year
),

scored AS (
    SELECT
        *,
        CASE WHEN is_ranked THEN
            1000 * (weighted - min(weighted) FILTER (WHERE is_ranked) OVER ())
                / nullif(max(weighted) FILTER (WHERE is_ranked) OVER () - min(weighted) FILTER (WHERE is_ranked) OVER (), 0)
        END AS score
    FROM summed
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
        CASE WHEN scored.is_ranked
            THEN rank() OVER (PARTITION BY scored.year, scored.is_ranked ORDER BY scored.score DESC) END AS rank,
        count(*) FILTER (WHERE scored.is_ranked) OVER (PARTITION BY scored.year) AS nations_ranked,
        scored.is_ranked,
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
        scored.indicators_used
    FROM scored
    INNER JOIN indicators USING (nation_iso3, year)
    INNER JOIN nations ON nations.code = scored.nation_iso3
)

SELECT * FROM final ORDER BY year, rank NULLS LAST, nation_iso3;

COMMENT ON TABLE marts.militarization_index IS 'A militarization composite in the manner of BICC''s GMI: log-scaled indicators normalized over every nation and year, one indicator set for every nation ranked, weighted, normalized again to 0-1000, ranked per year';
COMMENT ON COLUMN marts.militarization_index.score IS 'Composite score, 0-1000 over the whole panel (1 decimal); NULL where the nation lacks a ranked indicator';
COMMENT ON COLUMN marts.militarization_index.rank IS 'Rank within the year among the nations ranked, 1 = highest score';
COMMENT ON COLUMN marts.militarization_index.is_ranked IS 'The nation-year has every indicator of the ranking';
COMMENT ON COLUMN marts.militarization_index.milex_share_of_gdp IS 'Percent of GDP (SIPRI)';
COMMENT ON COLUMN marts.militarization_index.milex_share_of_government_spending IS 'Percent of government spending (SIPRI)';
COMMENT ON COLUMN marts.militarization_index.milex_per_capita_usd IS 'US$ per person, current (SIPRI)';
COMMENT ON COLUMN marts.militarization_index.real_growth_pct IS 'Real change on the previous year, percent (SIPRI constant US$)';
COMMENT ON COLUMN marts.militarization_index.personnel_per_1000_people IS 'Military personnel per 1,000 people (NATO personnel; population from NATO GDP / GDP per capita); shown, not scored';
COMMENT ON COLUMN marts.militarization_index.indicators_used IS 'Ranked indicators the nation-year has, a count (all of them to be ranked)';
COMMENT ON COLUMN marts.militarization_index.nation_iso3 IS 'Nation, ISO 3166-1 alpha-3 (listed in marts.nations)';
COMMENT ON COLUMN marts.militarization_index.year IS 'Year as marts.burden gives it: a calendar year, or for the USA the federal fiscal year SIPRI reports';
COMMENT ON COLUMN marts.militarization_index.nations_ranked IS 'Nations ranked in that year (those with every ranked indicator), a count';
COMMENT ON COLUMN marts.militarization_index.milex_share_of_gdp_norm IS 'milex_share_of_gdp after its log10 transform, normalized over every nation and year: a ratio from 0 (the panel''s lowest) to 1 (its highest); empty where milex_share_of_gdp is missing or not positive';
COMMENT ON COLUMN marts.militarization_index.milex_share_of_government_spending_norm IS 'milex_share_of_government_spending after its log10 transform, normalized over every nation and year: a ratio from 0 (the panel''s lowest) to 1 (its highest); empty where milex_share_of_government_spending is missing or not positive';
COMMENT ON COLUMN marts.militarization_index.milex_per_capita_usd_norm IS 'milex_per_capita_usd after its log10 transform, normalized over every nation and year: a ratio from 0 (the panel''s lowest) to 1 (its highest); empty where milex_per_capita_usd is missing or not positive';
COMMENT ON COLUMN marts.militarization_index.real_growth_pct_norm IS 'real_growth_pct winsorized at the panel''s 5th and 95th percentiles, normalized over every nation and year: a ratio from 0 (lowest) to 1 (highest); empty where real_growth_pct is missing';
COMMENT ON COLUMN marts.militarization_index.personnel_per_1000_people_norm IS 'personnel_per_1000_people after its log10 transform, normalized over every nation and year: a ratio from 0 (the panel''s lowest) to 1 (its highest); empty where personnel_per_1000_people is missing or not positive (shown, not scored)';
