-- report: world_regions
-- Grain: one row per region and year: SIPRI's five regions (Africa, Americas, Asia & Oceania, Europe, Middle East).
-- Units: constant_usd_billions and world_constant_usd_billions in US$ billions at the constant prices of price_basis
--   (one basis for every row); share_of_world_pct in percent of the world total of the same year and basis.
-- total_basis: 'SIPRI regional total' where the SIPRI workbook's 'Regional totals' sheet was read (its totals include
--   SIPRI's estimates for nations without data; a year SIPRI thinks too uncertain, 1991 for Europe and the world, has
--   no value); otherwise 'sum of the nations with figures': the nations of marts.military_expenditure summed by the
--   region marts.nations gives them (nations_summed of them that year), the world being all of them, so the shares are
--   of the nations with figures, not of the world.
WITH sipri AS (
    SELECT
        CASE entity_code
            WHEN 'WLD' THEN 'World'
            WHEN 'SIPRI:AFRICA' THEN 'Africa'
            WHEN 'SIPRI:AMERICAS' THEN 'Americas'
            WHEN 'SIPRI:ASIA_OCEANIA' THEN 'Asia & Oceania'
            WHEN 'SIPRI:EUROPE' THEN 'Europe'
            WHEN 'SIPRI:MIDDLE_EAST' THEN 'Middle East'
        END AS region,
        period AS year, value_usd_millions, price_basis, edition, source, file, sheet, row
    FROM marts.budget_facts
    WHERE is_preferred AND fact_source = 'SIPRI Military Expenditure Database' AND price_basis LIKE 'constant%'
      AND entity_code IN (
          'WLD', 'SIPRI:AFRICA', 'SIPRI:AMERICAS', 'SIPRI:ASIA_OCEANIA', 'SIPRI:EUROPE', 'SIPRI:MIDDLE_EAST'
      )
),

chosen AS (
    -- one release and one price basis: those of the newest world total
    SELECT edition, price_basis
    FROM sipri
    WHERE region = 'World' AND value_usd_millions IS NOT NULL
    ORDER BY year DESC, edition DESC, price_basis DESC
    LIMIT 1
),

sipri_totals AS (
    SELECT
        sipri.region, sipri.year, sipri.value_usd_millions, sipri.price_basis, 'SIPRI regional total' AS total_basis,
        CAST(NULL AS BIGINT) AS nations_summed, sipri.edition, sipri.source, sipri.file, sipri.sheet, sipri.row
    FROM sipri
    INNER JOIN chosen USING (edition, price_basis)
),

nation_sums AS (
    SELECT
        coalesce(nations.region, 'World') AS region,
        figures.year,
        sum(figures.value) AS value_usd_millions,
        min(figures.price_basis) AS price_basis,
        'sum of the nations with figures' AS total_basis,
        count(*) AS nations_summed,
        CAST(NULL AS VARCHAR) AS edition,
        string_agg(DISTINCT figures.source, '; ' ORDER BY figures.source) AS source,
        string_agg(DISTINCT figures.source_file, '; ' ORDER BY figures.source_file) AS file,
        CAST(NULL AS VARCHAR) AS sheet,
        CAST(NULL AS BIGINT) AS row
    FROM marts.military_expenditure AS figures
    LEFT JOIN marts.nations AS nations ON nations.code = figures.nation_iso3
    WHERE figures.measure = 'constant_usd' AND figures.value IS NOT NULL
      -- one price basis (the mart takes a constant series whole from one release)
      AND figures.price_basis = (
          SELECT max(price_basis) FROM marts.military_expenditure WHERE measure = 'constant_usd'
      )
      AND NOT EXISTS (SELECT 1 FROM sipri_totals)
    GROUP BY GROUPING SETS ((nations.region, figures.year), (figures.year))
    -- a nation without a region counts in the world's sum only
    HAVING NOT (GROUPING(nations.region) = 0 AND nations.region IS NULL)
),

totals AS (
    SELECT * FROM sipri_totals
    UNION ALL
    SELECT * FROM nation_sums
)

SELECT
    totals.region,
    totals.year,
    totals.value_usd_millions / 1000 AS constant_usd_billions,
    world.value_usd_millions / 1000 AS world_constant_usd_billions,
    100 * totals.value_usd_millions / world.value_usd_millions AS share_of_world_pct,
    totals.price_basis,
    CAST(regexp_extract(totals.price_basis, '(\d{4})$', 1) AS INTEGER) AS base_year,
    totals.total_basis,
    totals.nations_summed,
    totals.edition,
    totals.source,
    totals.file,
    totals.sheet,
    totals.row
FROM totals
LEFT JOIN totals AS world ON world.region = 'World' AND world.year = totals.year
WHERE totals.region <> 'World'
ORDER BY totals.region, totals.year
