-- report: us_greenbook_real_growth
-- Grain: one row per fiscal year: the real growth of DoD budget authority that the newest Green Book edition
--   publishes for its total (Table 6-8, the total row of the real-growth block).
-- Units: real_growth_pct in percent on the previous fiscal year, as published (the Green Book computes it on its
--   constant-dollar series); phase as the edition states it.
WITH growth AS (
    SELECT *
    FROM marts.budget_facts
    WHERE source_format = 'dod_greenbook' AND sheet = '6-8' AND measure = 'budget_authority_real_growth_pct'
        AND is_total AND value IS NOT NULL
),

newest AS (
    SELECT arg_max(edition, try_cast(vintage AS INTEGER)) AS edition FROM growth
)

SELECT
    growth.period AS fiscal_year,
    growth.phase,
    growth.appropriation_title AS line,
    growth.value AS real_growth_pct,
    growth.source,
    growth.edition,
    growth.file,
    growth.sheet,
    growth.row,
    growth.source_column
FROM growth
INNER JOIN newest USING (edition)
ORDER BY growth.period
