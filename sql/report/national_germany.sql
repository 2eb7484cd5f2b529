-- report: national_germany
-- Grain: one row per title (spending line) of Germany's Einzelplan 14 (Bundesministerium der Verteidigung) in each
--   Bundeshaushalt year loaded, with the annexes to it (scope: the Bundeswehr special fund, NATO infrastructure)
--   kept apart from the Einzelplan: two scopes are never added together.
-- Units: amount_millions in EUR millions, current prices (Soll: the enacted appropriation); title_group is the
--   title's Hauptgruppe, the first digit of its number in the federal budget's Gruppierungsplan.
SELECT
    fiscal_year,
    phase,
    coalesce(scope, 'Einzelplan 14') AS scope,
    account AS chapter,
    account_title AS chapter_title,
    line_item AS title,
    line_item_title AS title_name,
    left(line_item, 1) AS title_group,
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
WHERE nation_iso3 = 'DEU' AND publisher = 'Germany, Bundeshaushalt' AND organization = '14'
    AND measure = 'budget_authority' AND NOT is_total AND amount_millions IS NOT NULL
ORDER BY fiscal_year, scope, chapter, title
