-- report: national_eda
-- Grain: one row per year and category of the European Defence Agency's defence expenditure of its collective of
--   27 member states (EDA:EDA27): the six categories that make up the total (personnel, operations and maintenance,
--   equipment procurement, R&D, infrastructure, other) and the total as the EDA states it (is_total, never added to
--   the categories). A year without some categories shows the total above the categories it has.
-- Units: amount_millions in EUR millions, current prices; each figure from the newest edition that gives it.
SELECT
    fiscal_year AS year,
    nation_iso3 AS entity,
    classification AS category,
    is_total,
    phase,
    is_estimate,
    amount_millions,
    currency,
    amount_usd_millions,
    source,
    edition,
    file,
    sheet,
    row,
    source_column
FROM marts.national_budgets
WHERE publisher = 'European Defence Agency' AND nation_iso3 = 'EDA:EDA27' AND measure = 'defence_expenditure_eur'
    AND classification IN (
        'personnel', 'operations_and_maintenance', 'equipment_procurement', 'research_and_development',
        'infrastructure', 'other', 'total'
    )
    AND amount_millions IS NOT NULL
ORDER BY year, is_total, category
