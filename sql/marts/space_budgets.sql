-- marts.space_budgets
-- Grain: one row per nation or body, programme, period, category (civil, military, mixed, not_split), phase and source.
-- Units: amount_millions in millions of `currency` over the whole period (year_start to year_end);
--   usd_millions in US$ millions as the source converts it (NULL where it gives none; milspace converts nothing).
-- Sources: per row in `source` and `source_url` (governments' budget documents and laws, OECD, ESA; a secondary
--   source, such as Euroconsult's estimate for China, which publishes no space budget, says why in secondary_reason).
CREATE OR REPLACE TABLE marts.space_budgets AS
WITH space_budgets AS (
    SELECT * FROM staging.space_budgets
),

nations AS (
    SELECT code, name FROM staging.nations
),

final AS (
    SELECT
        space_budgets.entity_code,
        nations.name AS entity_name,
        programme,
        period,
        year_start,
        year_end,
        year_end - year_start + 1 AS years_covered,
        category,
        phase,
        amount_millions,
        currency,
        usd_millions,
        is_estimate,
        is_lower_bound,
        note,
        source,
        source_url,
        source_kind,
        secondary_reason
    FROM space_budgets
    INNER JOIN nations ON nations.code = space_budgets.entity_code
)

SELECT * FROM final ORDER BY entity_code, year_start, programme;

COMMENT ON TABLE marts.space_budgets IS 'Government space budgets, civil / military / mixed, in the currency the source reports';
COMMENT ON COLUMN marts.space_budgets.amount_millions IS 'Millions of the currency in column currency, over year_start..year_end';
COMMENT ON COLUMN marts.space_budgets.usd_millions IS 'US$ millions as converted by the source; NULL where it gives none';
COMMENT ON COLUMN marts.space_budgets.years_covered IS 'Years the amount covers: year_end - year_start + 1, a count';
