-- report: say_vs_spend
-- Grain: one row per nation, year and space capability area (marts.say_vs_spend). Units: shares in percent;
-- spend_usd_millions in US$ millions, current; gap_pct_points in percentage points.
-- sources: the strategy documents whose capability hits are the say side ("issuer, title (year)") and the budget
-- exhibits of the spend side (with their edition), '; ' between them.
WITH said AS (
    SELECT evidence.nation_code, evidence.year,
        string_agg(
            DISTINCT coalesce(documents.issuer || ', ', '') || coalesce(documents.title, documents.doc_id)
            || coalesce(' (' || documents.year || ')', ''),
            '; '
        ) AS sources
    FROM (SELECT DISTINCT doc_id, nation_code, year FROM marts.strategy_evidence WHERE family = 'capability') AS evidence
    INNER JOIN marts.strategy_documents AS documents USING (doc_id)
    GROUP BY ALL
),

editions AS (
    SELECT fiscal_year, phase, exhibit_column, edition,
        string_agg(DISTINCT publication || ' (' || edition || ')', '; ') AS sources
    FROM (
        SELECT fiscal_year, phase, exhibit_column, edition, unnest(string_split(source, '; ')) AS publication
        FROM marts.capability_investment
        WHERE funding_type = 'total'
    )
    GROUP BY ALL
),

spent AS (
    -- of several editions with the fiscal year, phase and column, the mart takes the first
    SELECT fiscal_year, phase, exhibit_column, arg_min(sources, edition) AS sources FROM editions GROUP BY ALL
)

SELECT say.*, concat_ws('; ', said.sources, spent.sources) AS sources
FROM marts.say_vs_spend AS say
LEFT JOIN said USING (nation_code, year)
LEFT JOIN spent ON spent.fiscal_year = say.spend_fiscal_year AND spent.phase = say.spend_phase
    AND spent.exhibit_column = say.spend_exhibit_column
ORDER BY say.nation_code, say.year, say.capability_area
