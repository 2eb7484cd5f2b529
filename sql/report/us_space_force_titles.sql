-- report: us_space_force_titles
-- Grain: one row per Space Force budget line read: the Green Book's Space Force accounts (operation and
--   maintenance, procurement, RDT&E; one appropriation title each) and the starter data's Space Force figures
--   (us_budget_lines.csv: titles where the source gives them, else the total), every fiscal year and phase loaded.
--   Totals (is_total) are the sources' own and are never added to the titles. Scope says what each figure covers;
--   only the Space Force's own budget (scope 'USSF...') is kept, not the DoD-wide space count.
-- Units: amount_usd_millions is budget authority in US$ millions, current prices.
SELECT
    period AS fiscal_year,
    phase,
    CASE
        WHEN is_total THEN 'Total'
        WHEN lower(coalesce(account_title, appropriation_title)) LIKE 'o&m%'
            OR lower(coalesce(account_title, appropriation_title)) LIKE 'operation and maintenance%'
            THEN 'Operation and Maintenance'
        WHEN lower(coalesce(account_title, appropriation_title)) LIKE 'procurement%' THEN 'Procurement'
        WHEN lower(coalesce(account_title, appropriation_title)) LIKE 'rdt&e%' THEN 'RDT&E'
        WHEN lower(coalesce(account_title, appropriation_title)) LIKE 'military personnel%' THEN 'Military Personnel'
        ELSE coalesce(account_title, appropriation_title)
    END AS appropriation_title,
    is_total,
    coalesce(scope, 'USSF') AS scope,
    value_usd_millions AS amount_usd_millions,
    source,
    edition,
    file,
    sheet,
    row
FROM marts.budget_facts
WHERE is_preferred AND measure = 'budget_authority' AND price_basis = 'current' AND value_usd_millions IS NOT NULL
    AND NOT is_memo
    AND (
        (source_format = 'dod_greenbook' AND account_title ILIKE '%, Space Force' AND NOT is_total)
        OR (source_format = 'milspace_starter' AND organization = 'Space Force' AND scope ILIKE 'USSF%')
    )
ORDER BY fiscal_year, phase, is_total, appropriation_title
