-- report: say_spend_field
-- Grain: one row per nation, year and space capability area (marts.say_spend_field). Units: shares in percent;
-- spend_usd_millions in US$ millions, current; satellites_fielded a count.
-- sources: the strategy documents of the say side ("issuer, title (year)"), the budget exhibits of the spend side
-- and the satellite catalogue of the field side (with its edition), '; ' between them.
WITH said AS (
    SELECT field.nation_code, field.year,
        string_agg(
            DISTINCT coalesce(documents.issuer || ', ', '') || coalesce(documents.title, documents.doc_id)
            || coalesce(' (' || documents.year || ')', ''),
            '; '
        ) AS sources
    FROM (SELECT DISTINCT nation_code, year, unnest(attention_documents) AS doc_id FROM marts.say_spend_field) AS field
    INNER JOIN marts.strategy_documents AS documents USING (doc_id)
    GROUP BY ALL
),

spent AS (
    SELECT fiscal_year, phase, string_agg(DISTINCT publication || ' (' || edition || ')', '; ') AS sources
    FROM (
        SELECT fiscal_year, phase, edition, unnest(string_split(source, '; ')) AS publication
        FROM marts.capability_investment
        WHERE funding_type = 'total'
    )
    GROUP BY ALL
)

SELECT field.*,
    concat_ws(
        '; ', said.sources, spent.sources, field.fielded_source || ' (' || field.fielded_edition || ')'
    ) AS sources
FROM marts.say_spend_field AS field
LEFT JOIN said USING (nation_code, year)
LEFT JOIN spent ON spent.fiscal_year = field.spend_fiscal_year AND spent.phase = field.spend_phase
ORDER BY field.nation_code, field.year, field.capability_area
