-- How much of Germany's defence spending runs outside Einzelplan 14?
-- Per budget year: the Soll of Einzelplan 14's own spending titles, the Soll of its annexes (the Bundeswehr special
-- fund and NATO infrastructure: another scope, never folded into the Einzelplan), and what SIPRI counts as
-- Germany's military expenditure; EUR millions, current prices. outside_pct = the share of SIPRI's figure that the
-- Einzelplan's own titles do not cover (percent).
WITH einzelplan AS (
    SELECT
        fiscal_year AS year,
        sum(amount_millions) FILTER (WHERE scope IS NULL) AS einzelplan_14_eur_millions,
        sum(amount_millions) FILTER (WHERE scope IS NOT NULL) AS annexes_eur_millions
    FROM marts.national_budgets
    WHERE publisher = 'Germany, Bundeshaushalt' AND organization = '14' AND measure = 'budget_authority'
      AND phase = 'enacted' AND NOT is_total
    GROUP BY fiscal_year
),

sipri AS (
    SELECT period AS year, value_units / 1e6 AS sipri_eur_millions
    FROM marts.budget_facts
    WHERE is_preferred AND fact_source = 'SIPRI Military Expenditure Database' AND entity_code = 'DEU'
      AND measure = 'milex_local_currency' AND period_type = 'calendar_year' AND currency = 'EUR'
)

SELECT
    einzelplan.year,
    round(einzelplan.einzelplan_14_eur_millions, 1) AS einzelplan_14_eur_millions,
    round(coalesce(einzelplan.annexes_eur_millions, 0), 1) AS annexes_eur_millions,
    round(sipri.sipri_eur_millions, 1) AS sipri_eur_millions,
    round(100 * (1 - einzelplan.einzelplan_14_eur_millions / sipri.sipri_eur_millions), 2) AS outside_pct
FROM einzelplan
LEFT JOIN sipri USING (year)
ORDER BY einzelplan.year;
