-- report: us_greenbook_topline
-- Grain: one row per fiscal year and line of the newest Green Book edition's Table 6-8 (DoD budget authority by
--   appropriation title; breakdown 'title') and Table 6-10 (by military department; breakdown 'department'), in
--   the edition's constant dollars: every line the table gives, its total row kept with is_total (never added to
--   the lines above it).
-- Units: amount_usd_millions is budget authority in US$ millions at the edition's constant prices (price_basis
--   constant_YYYY, base_year YYYY); phase as the edition states it (actual, enacted, request, projection).
WITH tables AS (
    SELECT *, CASE sheet WHEN '6-8' THEN 'title' ELSE 'department' END AS breakdown
    FROM marts.budget_facts
    WHERE source_format = 'dod_greenbook' AND sheet IN ('6-8', '6-10') AND measure = 'budget_authority'
        AND price_basis LIKE 'constant_%' AND value_usd_millions IS NOT NULL
),

newest AS (
    SELECT arg_max(edition, try_cast(vintage AS INTEGER)) AS edition FROM tables
)

SELECT
    tables.breakdown,
    tables.period AS fiscal_year,
    tables.phase,
    coalesce(CASE tables.breakdown WHEN 'title' THEN tables.appropriation_title END, tables.organization) AS category,
    tables.is_total,
    tables.funding_type,
    tables.price_basis,
    try_cast(regexp_extract(tables.price_basis, 'constant_(\d{4})', 1) AS INTEGER) AS base_year,
    tables.value_usd_millions AS amount_usd_millions,
    tables.source,
    tables.edition,
    tables.file,
    tables.sheet,
    tables.row,
    tables.source_column
FROM tables
INNER JOIN newest USING (edition)
ORDER BY tables.breakdown, tables.period, tables.is_total, category
