-- check: sums_never_mix
-- asset: marts.investment_share
-- severity: error
-- Invariant: no sum mixes phases, price bases, measures or units, and a total is never added to its parts. In the
-- US appropriation marts (the sums of budget lines by title), every row states one phase, one funding type and
-- one basis (edition, scope and exhibit column) and is the only row of its key, so nothing invites adding two of
-- them; the investment share's total is the sum of the titles, never that sum plus the stated total (which would
-- make it about twice the stated total), and its investment is part of its total.
-- Returns the rows that break it, with what is wrong.
WITH appropriations AS (
    SELECT * FROM marts.us_appropriations
),

repeated AS (
    SELECT
        'marts.us_appropriations' AS mart,
        fiscal_year AS year,
        organization,
        phase,
        appropriation_title,
        'rows sharing one key: ' || count(*)::VARCHAR AS problem
    FROM appropriations
    GROUP BY fiscal_year, organization, phase, funding_type, appropriation_title, basis_key
    HAVING count(*) > 1
),

unstated AS (
    SELECT
        'marts.us_appropriations', fiscal_year, organization, phase, appropriation_title,
        'a row with no single phase or funding type'
    FROM appropriations
    WHERE phase NOT IN ('request', 'enacted', 'actual', 'projection') OR phase IS NULL OR funding_type IS NULL
),

shares AS (
    SELECT
        'marts.investment_share', year, organization, phase, basis,
        CASE
            WHEN total_usd_millions > 1.05 * stated_total_usd_millions
                THEN 'total of the titles exceeds the stated total by more than 5 percent: a total added to its parts?'
            WHEN investment_usd_millions > total_usd_millions THEN 'investment larger than the total it is part of'
        END
    FROM marts.investment_share
    WHERE total_usd_millions > 1.05 * stated_total_usd_millions OR investment_usd_millions > total_usd_millions
)

SELECT * FROM repeated
UNION ALL SELECT * FROM unstated
UNION ALL SELECT * FROM shares
