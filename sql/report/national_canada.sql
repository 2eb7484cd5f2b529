-- report: national_canada
-- Grain: one row per line of the Department of National Defence (organization 133) in Canada's Public Accounts:
--   by vote (authorities available for use, phase enacted; expenditures, phase actual) and by standard object
--   (expenditures). Two breakdowns of the same money (classification) and the two measures are never added together.
-- Units: amount_millions in CAD millions, current prices; fiscal_year is the year the fiscal year ends (2018 =
--   April 2017 - March 2018).
SELECT
    fiscal_year,
    fiscal_year_label,
    classification,
    measure,
    phase,
    coalesce(line_item_title, account_title, account) AS line,
    account AS vote,
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
WHERE nation_iso3 = 'CAN' AND publisher = 'Canada, Public Accounts' AND organization = '133'
    AND NOT is_total AND amount_millions IS NOT NULL
ORDER BY classification, measure, fiscal_year, line
