-- report: nato_latest
-- Grain: one row per NATO member in NATO's tables, in NATO's latest year: its share of GDP by NATO and by SIPRI (the
--   same calendar year, marts.military_expenditure; SIPRI gives the US by federal fiscal year: sipri_year_type) and
--   NATO's equipment share (marts.investment_share, basis 'NATO equipment expenditure': major equipment and the R&D
--   devoted to it, on NATO's definition), ranked (equipment_rank 1 = the largest share).
-- Units: shares in percent (of GDP; of defence expenditure for equipment_share_pct); difference_pct_points = NATO -
--   SIPRI in percentage points; nato_unit: the unit NATO gives its share of GDP in. *_is_estimate: the publisher
--   marks the figure as an estimate.
-- Provenance: file of NATO's workbook, the sheets and rows of the share of GDP (gdp_sheet, gdp_row) and of the
--   equipment share (equipment_sheet, equipment_row); sipri_source names SIPRI's release.
WITH gdp AS (
    SELECT *
    FROM marts.budget_facts
    WHERE is_preferred AND source LIKE 'NATO%' AND measure = 'milex_share_of_gdp' AND entity_kind = 'country'
      AND value IS NOT NULL
),

latest AS (
    SELECT max(period) AS year FROM gdp
),

equipment AS (
    SELECT share.nation_iso3, share.year, share.share_pct, share.is_estimate, facts.sheet, facts.row
    FROM marts.investment_share AS share
    LEFT JOIN marts.budget_facts AS facts
        ON facts.is_preferred AND facts.source LIKE 'NATO%' AND facts.measure = 'milex_share_by_category'
       AND facts.category = 'equipment' AND facts.entity_code = share.nation_iso3 AND facts.period = share.year
    WHERE share.basis = 'NATO equipment expenditure'
),

sipri AS (
    SELECT nation_iso3, year, value, is_estimate, period_type, source
    FROM marts.military_expenditure
    WHERE measure = 'share_of_gdp' AND value IS NOT NULL
)

SELECT
    gdp.entity_code AS nation_iso3,
    coalesce(nations.name, gdp.entity_code) AS nation_name,
    gdp.period AS year,
    gdp.value AS nato_share_of_gdp_pct,
    gdp.is_estimate AS nato_is_estimate,
    gdp.unit AS nato_unit,
    sipri.value AS sipri_share_of_gdp_pct,
    sipri.is_estimate AS sipri_is_estimate,
    sipri.period_type AS sipri_year_type,
    gdp.value - sipri.value AS difference_pct_points,
    equipment.share_pct AS equipment_share_pct,
    equipment.is_estimate AS equipment_is_estimate,
    CASE WHEN equipment.share_pct IS NOT NULL THEN
        row_number() OVER (ORDER BY equipment.share_pct DESC NULLS LAST, nation_name)
    END AS equipment_rank,
    gdp.value >= 2.0 AS meets_gdp_guideline,
    equipment.share_pct >= 20.0 AS meets_equipment_guideline,
    gdp.source,
    gdp.edition,
    gdp.file,
    gdp.sheet AS gdp_sheet,
    gdp.row AS gdp_row,
    equipment.sheet AS equipment_sheet,
    equipment.row AS equipment_row,
    sipri.source AS sipri_source
FROM gdp
LEFT JOIN marts.nations AS nations ON nations.code = gdp.entity_code
LEFT JOIN equipment ON equipment.nation_iso3 = gdp.entity_code AND equipment.year = gdp.period
LEFT JOIN sipri ON sipri.nation_iso3 = gdp.entity_code AND sipri.year = gdp.period
WHERE gdp.period = (SELECT year FROM latest)
ORDER BY nation_name
