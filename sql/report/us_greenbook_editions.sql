-- report: us_greenbook_editions
-- Grain: one row per Green Book edition and fiscal year: the DoD budget authority total of Table 6-8 in current
--   dollars, for the fiscal years that two or more editions give and that at least one gives as a request,
--   enactment or projection (so a request can be set beside the later actual).
-- Units: amount_usd_millions in US$ millions, current prices: each edition's constant dollars are at its own base
--   year, so editions are compared in current dollars only. Phase as each edition states it.
WITH totals AS (
    SELECT *
    FROM marts.budget_facts
    WHERE source_format = 'dod_greenbook' AND sheet = '6-8' AND measure = 'budget_authority'
        AND price_basis = 'current' AND is_total AND value_usd_millions IS NOT NULL
),

compared AS (
    SELECT period
    FROM totals
    GROUP BY period
    HAVING count(DISTINCT edition) >= 2 AND bool_or(phase <> 'actual')
)

SELECT
    totals.period AS fiscal_year,
    totals.edition,
    try_cast(totals.vintage AS INTEGER) AS edition_year,
    totals.phase,
    totals.appropriation_title AS line,
    totals.value_usd_millions AS amount_usd_millions,
    totals.source,
    totals.file,
    totals.sheet,
    totals.row,
    totals.source_column
FROM totals
INNER JOIN compared USING (period)
ORDER BY totals.period, edition_year
