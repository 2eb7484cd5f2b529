-- check: real_growth_independent_of_base
-- asset: marts.defense_yoy
-- severity: error
-- Invariant: real growth is the same whatever base year is chosen. Rebasing multiplies a nation's constant series by
-- one factor, so real change computed from the series rebased to any year equals real_yoy_pct (to the rounding of
-- real_yoy_pct to 0.01 points and of the series to the dollar); and a nation with constant-price figures in two consecutive years has a real change, whether or not
-- it has a figure in the base year. Checked at the default base year, ten and twenty years before it.
-- Returns the nation-years that break it.
WITH base AS (
    SELECT max(constant_base_year) AS year FROM marts.defense_yoy
),

rebased AS (
    SELECT nation_iso3, year, constant_usd_millions, constant_base_year
    FROM marts.milex_constant_usd((SELECT year FROM base))
    UNION ALL
    SELECT nation_iso3, year, constant_usd_millions, constant_base_year
    FROM marts.milex_constant_usd((SELECT year - 10 FROM base))
    UNION ALL
    SELECT nation_iso3, year, constant_usd_millions, constant_base_year
    FROM marts.milex_constant_usd((SELECT year - 20 FROM base))
),

growth AS (
    SELECT
        nation_iso3, year, constant_base_year,
        CASE WHEN lag(constant_usd_millions) OVER w > 0
            THEN 100 * (constant_usd_millions / lag(constant_usd_millions) OVER w - 1) END AS rebased_growth_pct,
        -- the series is rounded to the dollar (1e-6 millions): the growth it gives is exact to this many points
        100 * 1e-6 * (1 / lag(constant_usd_millions) OVER w + 1 / constant_usd_millions) AS rounding_pct,
        lag(year) OVER w AS previous_year
    FROM rebased
    WINDOW w AS (PARTITION BY nation_iso3, constant_base_year ORDER BY year)
),

compared AS (
    SELECT growth.nation_iso3, growth.year, growth.constant_base_year, growth.rebased_growth_pct, yoy.real_yoy_pct,
        growth.rounding_pct
    FROM growth
    INNER JOIN marts.defense_yoy AS yoy USING (nation_iso3, year)
    WHERE growth.previous_year = growth.year - 1 AND growth.rebased_growth_pct IS NOT NULL
),

missing AS (
    SELECT nation_iso3, year, CAST(NULL AS INTEGER) AS constant_base_year, CAST(NULL AS DOUBLE) AS rebased_growth_pct,
        real_yoy_pct, CAST(NULL AS DOUBLE) AS rounding_pct
    FROM (
        SELECT *, lag(source_constant_usd_millions) OVER (PARTITION BY nation_iso3 ORDER BY year) AS previous,
            lag(year) OVER (PARTITION BY nation_iso3 ORDER BY year) AS previous_year
        FROM marts.defense_yoy
    )
    WHERE previous > 0 AND source_constant_usd_millions > 0 AND previous_year = year - 1 AND real_yoy_pct IS NULL
)

SELECT * FROM compared
WHERE real_yoy_pct IS NULL OR abs(rebased_growth_pct - real_yoy_pct) > 0.005 + rounding_pct + 1e-9
UNION ALL
SELECT * FROM missing
