-- check: titles_sum_to_total
-- asset: staging.us_budget_lines
-- severity: error
-- Where a source gives both a total and a split by appropriation title on the same fiscal year, organization,
-- phase and scope, the titles sum to the total within 0.5 percent (sources round toplines to $0.1 billion and
-- title tables to $1 million; the FY2023 Space Force request is $24.5B, its titles sum to $24.601B).
-- Returns the rows that break it.
WITH lines AS (
    SELECT * FROM staging.us_budget_lines
),

titles AS (
    SELECT fiscal_year, organization, phase, scope, sum(amount_usd_millions) AS titles_usd_millions, count(*) AS titles
    FROM lines
    WHERE appropriation_title <> 'total'
    GROUP BY ALL
),

totals AS (
    SELECT fiscal_year, organization, phase, scope, amount_usd_millions AS total_usd_millions
    FROM lines
    WHERE appropriation_title = 'total'
)

SELECT
    fiscal_year,
    organization,
    phase,
    scope,
    titles,
    titles_usd_millions,
    total_usd_millions,
    round(100 * (titles_usd_millions / total_usd_millions - 1), 3) AS difference_pct
FROM titles
INNER JOIN totals USING (fiscal_year, organization, phase, scope)
WHERE abs(titles_usd_millions - total_usd_millions) > 0.005 * total_usd_millions
