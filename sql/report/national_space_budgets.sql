-- report: national_space_budgets
-- Grain: one row per national or multinational space budget figure (marts.space_budgets): nation or body,
--   programme, period, category (civil, military, mixed, not_split), phase and source.
-- Units: amount_millions in millions of `currency` over the whole period (year_start to year_end); usd_millions as
--   the source converts it (NULL where it gives none: milspace converts nothing here).
SELECT
    entity_code,
    entity_name,
    programme,
    period,
    year_start,
    year_end,
    years_covered,
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
    source_kind
FROM marts.space_budgets
ORDER BY entity_code, year_start, programme, source
