-- check: space_dollars_in_one_area
-- asset: marts.capability_investment
-- severity: error
-- Invariant: every space dollar is in exactly one capability area or in 'unmapped', and the areas sum to the space
-- lines. Recounts, from the preferred lines of marts.budget_facts, the space program lines of each fiscal year,
-- phase, funding type, price basis, edition and exhibit column (the mart's rule: is_space lines of DoD exhibits,
-- no memo and no stated total), and compares their sum and count with the mart's areas.
-- A line counted in two areas, a line lost, a total added to its parts or a figure counted twice breaks it.
-- Returns the groups that disagree (amounts in US$ millions).
WITH space_lines AS (
    SELECT *
    FROM marts.budget_facts
    WHERE is_preferred AND is_space AND measure = 'budget_authority' AND NOT is_memo
      AND NOT is_total AND line_item IS NOT NULL AND value_usd_millions IS NOT NULL
      AND source_format = 'dod_exhibits'
),

recounted AS (
    SELECT
        period AS fiscal_year, phase, coalesce(funding_type, 'total') AS funding_type, price_basis,
        edition, column_key AS exhibit_column,
        sum(value_usd_millions::DECIMAL(38, 6)) AS space_usd_millions,
        count(*) AS space_lines,
        count(DISTINCT (figure_key, column_key)) AS distinct_figures
    FROM space_lines
    GROUP BY ALL
),

areas AS (
    SELECT
        fiscal_year, phase, funding_type, price_basis, edition, exhibit_column,
        sum(amount_usd_millions::DECIMAL(38, 6)) AS areas_usd_millions,
        sum(lines) AS area_lines
    FROM marts.capability_investment
    GROUP BY ALL
),

final AS (
    SELECT
        coalesce(recounted.fiscal_year, areas.fiscal_year) AS fiscal_year,
        coalesce(recounted.phase, areas.phase) AS phase,
        coalesce(recounted.funding_type, areas.funding_type) AS funding_type,
        coalesce(recounted.price_basis, areas.price_basis) AS price_basis,
        coalesce(recounted.edition, areas.edition) AS edition,
        coalesce(recounted.exhibit_column, areas.exhibit_column) AS exhibit_column,
        recounted.space_usd_millions::DOUBLE AS space_usd_millions,
        areas.areas_usd_millions::DOUBLE AS areas_usd_millions,
        recounted.space_lines,
        recounted.distinct_figures,
        areas.area_lines
    FROM recounted
    FULL JOIN areas
        ON areas.fiscal_year = recounted.fiscal_year AND areas.phase = recounted.phase
       AND areas.funding_type = recounted.funding_type AND areas.price_basis IS NOT DISTINCT FROM recounted.price_basis
       AND areas.edition = recounted.edition AND areas.exhibit_column IS NOT DISTINCT FROM recounted.exhibit_column
)

SELECT *
FROM final
WHERE space_usd_millions IS NULL OR areas_usd_millions IS NULL
   OR abs(space_usd_millions - areas_usd_millions) > 0.0005
   OR space_lines <> area_lines OR space_lines <> distinct_figures OR phase IS NULL OR price_basis IS NULL
