-- report: capability
-- Grain: one row per fiscal year and capability area, on one basis per fiscal year (actual, else enacted, else the
-- request; the exhibit's total column; the newest edition). Units: US$ millions, current; share in percent of the space lines.
WITH rows AS (
    SELECT * FROM marts.capability_investment WHERE funding_type = 'total' AND price_basis = 'current'
),

bases AS (
    SELECT fiscal_year,
        arg_max(
            struct_pack(phase := phase, exhibit_column := exhibit_column, edition := edition),
            (
                -((CASE phase WHEN 'actual' THEN 1 WHEN 'enacted' THEN 2 ELSE 3 END) * 1000
                    + CASE WHEN exhibit_column ILIKE '%total%' THEN 0 ELSE 100 END + length(exhibit_column)),
                edition,
                exhibit_column
            )
        ) AS basis
    FROM rows
    GROUP BY fiscal_year
)

SELECT rows.fiscal_year, rows.phase, rows.capability_area, rows.amount_usd_millions, rows.share_of_space_pct,
    rows.exhibit_column, rows.edition, rows.source
FROM rows
INNER JOIN bases ON bases.fiscal_year = rows.fiscal_year AND rows.phase = bases.basis.phase
    AND rows.exhibit_column = bases.basis.exhibit_column AND rows.edition = bases.basis.edition
ORDER BY rows.fiscal_year, rows.capability_area
