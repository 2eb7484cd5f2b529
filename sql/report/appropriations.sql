-- report: appropriations
-- Grain: one row per organization, fiscal year and appropriation title, on one basis per organization: the basis
-- covering most fiscal years (the Green Book's table by title when it has been read), else an exhibit's total
-- column for the latest budget year.
-- Units: amount_usd_billions is budget authority in US$ billions, current.
WITH rows AS (
    SELECT * FROM marts.us_appropriations
    WHERE funding_type = 'total' AND appropriation_title <> 'total' AND organization IN ('DoD', 'Space Force')
),

bases AS (
    SELECT organization,
        arg_max(basis_key, [years, totals, last_year]) AS basis_key
    FROM (
        SELECT organization, basis_key, count(DISTINCT fiscal_year) AS years,
            max(CASE WHEN exhibit_column IS NULL OR exhibit_column ILIKE '%total' THEN 1 ELSE 0 END) AS totals,
            max(fiscal_year) AS last_year
        FROM rows GROUP BY ALL
    )
    GROUP BY organization
)

SELECT
    rows.organization, rows.fiscal_year, rows.phase, rows.appropriation_title,
    rows.amount_usd_millions / 1000 AS amount_usd_billions, rows.source, rows.edition, rows.basis_key
FROM rows
INNER JOIN bases USING (organization, basis_key)
ORDER BY rows.organization, rows.fiscal_year, rows.appropriation_title
