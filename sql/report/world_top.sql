-- report: world_top
-- Grain: one row per nation (or historical state) with a SIPRI figure in current US$ in the latest year any nation
--   has one, ranked by that figure (rank 1 = the largest); year_type: calendar, or the US federal fiscal year.
-- Units: current_usd_billions in US$ billions at the year's prices and exchange rates; real_change_1y_pct and
--   real_change_10y_pct in percent, from SIPRI's constant-price series (a ratio of one series, so the base year does
--   not matter); world_current_usd_billions in US$ billions, current; world_share_pct in percent of it;
--   share_of_gdp_pct in percent of GDP. The *_is_estimate flags say the figure (or either end of a change) is a SIPRI
--   estimate.
-- World total: SIPRI's own world total in current US$ of the same year and release (its 'Regional totals' sheet),
--   which includes SIPRI's estimates for nations without data (world_basis 'SIPRI world total'); where that sheet was
--   not read, the sum of the nations with a figure (world_basis 'sum of the N nations with figures'): never a mix
--   of price bases.
WITH figures AS (
    SELECT * FROM marts.military_expenditure WHERE value IS NOT NULL
),

latest AS (
    SELECT max(year) AS year FROM figures WHERE measure = 'current_usd'
),

spending AS (
    SELECT figures.*
    FROM figures
    WHERE measure = 'current_usd' AND year = (SELECT year FROM latest)
),

constant AS (
    SELECT nation_iso3, year, value, is_estimate FROM figures WHERE measure = 'constant_usd'
),

gdp AS (
    SELECT nation_iso3, year, value, is_estimate FROM figures WHERE measure = 'share_of_gdp'
),

sipri_world AS (
    -- SIPRI's world total of the year, from the release the nations' figures come from
    SELECT value_usd_millions, edition, file, sheet, row
    FROM marts.budget_facts
    WHERE is_preferred AND fact_source = 'SIPRI Military Expenditure Database' AND entity_code = 'WLD'
      AND price_basis = 'current' AND value_usd_millions IS NOT NULL AND period = (SELECT year FROM latest)
      AND edition IN (SELECT regexp_extract(source, '\(([^()]*)\)$', 1) FROM spending)
    ORDER BY edition DESC
    LIMIT 1
),

world AS (
    SELECT
        coalesce((SELECT value_usd_millions FROM sipri_world), sum(value)) / 1000 AS world_current_usd_billions,
        CASE
            WHEN (SELECT count(*) FROM sipri_world) = 1 THEN 'SIPRI world total'
            ELSE 'sum of the ' || count(*)::VARCHAR || ' nations with figures'
        END AS world_basis,
        (SELECT edition FROM sipri_world) AS world_edition,
        (SELECT sheet FROM sipri_world) AS world_sheet,
        (SELECT row FROM sipri_world) AS world_row
    FROM spending
)

SELECT
    row_number() OVER (ORDER BY spending.value DESC, spending.nation_iso3) AS rank,
    spending.nation_iso3,
    spending.nation_name,
    spending.year,
    spending.period_type AS year_type,
    spending.value / 1000 AS current_usd_billions,
    spending.is_estimate,
    100 * (now.value / before.value - 1) AS real_change_1y_pct,
    now.is_estimate OR before.is_estimate AS change_1y_is_estimate,
    100 * (now.value / decade.value - 1) AS real_change_10y_pct,
    now.is_estimate OR decade.is_estimate AS change_10y_is_estimate,
    world.world_current_usd_billions,
    world.world_basis,
    100 * spending.value / 1000 / world.world_current_usd_billions AS world_share_pct,
    gdp.value AS share_of_gdp_pct,
    gdp.is_estimate AS gdp_is_estimate,
    spending.source,
    spending.source_file AS file,
    spending.sheet,
    spending.source_row AS row,
    world.world_edition,
    world.world_sheet,
    world.world_row
FROM spending
CROSS JOIN world
LEFT JOIN constant AS now ON now.nation_iso3 = spending.nation_iso3 AND now.year = spending.year
LEFT JOIN constant AS before ON before.nation_iso3 = spending.nation_iso3 AND before.year = spending.year - 1
LEFT JOIN constant AS decade ON decade.nation_iso3 = spending.nation_iso3 AND decade.year = spending.year - 10
LEFT JOIN gdp ON gdp.nation_iso3 = spending.nation_iso3 AND gdp.year = spending.year
ORDER BY rank
