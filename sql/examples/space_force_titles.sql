-- What is in the Space Force request, by appropriation title?
-- US$ millions, current, and each title's percent of the sum of the titles (FY2023 request, including SDA).
SELECT
    fiscal_year,
    appropriation_title,
    amount_usd_millions,
    round(100 * amount_usd_millions / sum(amount_usd_millions) OVER (PARTITION BY fiscal_year, basis_key), 1)
        AS share_of_titles_pct,
    source
FROM marts.us_appropriations
WHERE organization = 'Space Force' AND phase = 'request' AND appropriation_title <> 'total'
ORDER BY fiscal_year, amount_usd_millions DESC;
