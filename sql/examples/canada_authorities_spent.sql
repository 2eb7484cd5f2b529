-- How much of its authorities did Canada's National Defence spend each year?
-- Per fiscal year (April to March, named by the year it ends): the authorities Parliament made available and the
-- expenditures of every vote and statutory item, CAD millions, from the newest edition of the Public Accounts;
-- spent_pct = 100 x expenditures / authorities; lapsed = authorities - expenditures.
SELECT
    fiscal_year,
    round(sum(enacted_millions), 1) AS authorities_cad_millions,
    round(sum(actual_millions), 1) AS expenditures_cad_millions,
    round(sum(unspent_millions), 1) AS lapsed_cad_millions,
    round(100 * sum(actual_millions) / sum(enacted_millions), 2) AS spent_pct,
    min(editions) AS edition
FROM marts.budget_execution
WHERE nation_iso3 = 'CAN' AND organization = '133' AND classification = 'vote'
GROUP BY fiscal_year
ORDER BY fiscal_year;
