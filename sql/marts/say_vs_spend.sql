-- marts.say_vs_spend
-- Grain: one row per nation, year and space capability area, where the nation's strategy documents of that year
--   mention the capability areas and its space budget lines are mapped to them.
-- Say: attention_share_pct = 100 * the area's hits / all capability-area hits, over the nation's scored documents
--   of the year (marts.strategy_evidence, lexicon family 'capability').
-- Spend: spend_share_pct = 100 * the area's budget authority / the budget authority of all nine areas
--   (marts.capability_investment; enterprise support and unmapped lines left out of the comparison), in the first
--   fiscal year at or after the documents' year with mapped space lines, taking actual, else enacted, else the
--   request, and the exhibit's total column.
-- Units: shares in percent; gap_pct_points = attention_share_pct - spend_share_pct (percentage points);
--   spend_usd_millions in US$ millions, current.
CREATE OR REPLACE TABLE marts.say_vs_spend AS
WITH areas AS (
    SELECT DISTINCT category AS capability_area FROM staging.lexicon WHERE family = 'capability'
),

said AS (
    SELECT nation_code, year, category AS capability_area, count(*) AS hits
    FROM marts.strategy_evidence
    WHERE family = 'capability' AND nation_code IS NOT NULL AND year IS NOT NULL
    GROUP BY ALL
),

said_years AS (
    SELECT nation_code, year, sum(hits) AS hits FROM said GROUP BY ALL
),

spent AS (
    SELECT
        'USA' AS nation_code,
        fiscal_year,
        phase,
        exhibit_column,
        edition,
        capability_area,
        amount_usd_millions
    FROM marts.capability_investment
    WHERE funding_type = 'total' AND capability_area IN (SELECT capability_area FROM areas)
),

spend_basis AS (
    -- per nation and fiscal year: one phase and column (actual, else enacted, else request; a total column)
    SELECT nation_code, fiscal_year,
        arg_min(
            struct_pack(phase := phase, exhibit_column := exhibit_column, edition := edition),
            (
                (CASE phase WHEN 'actual' THEN 1 WHEN 'enacted' THEN 2 ELSE 3 END) * 1000
                    + CASE WHEN exhibit_column ILIKE '%total%' THEN 0 ELSE 100 END + length(exhibit_column),
                exhibit_column, edition
            )
        ) AS basis
    FROM spent
    GROUP BY nation_code, fiscal_year
),

spend_year AS (
    SELECT said_years.nation_code, said_years.year, min(spend_basis.fiscal_year) AS fiscal_year
    FROM said_years
    INNER JOIN spend_basis ON spend_basis.nation_code = said_years.nation_code AND spend_basis.fiscal_year >= said_years.year
    GROUP BY ALL
),

spend AS (
    SELECT spent.nation_code, spent.fiscal_year, spent.phase, spent.capability_area, spent.amount_usd_millions
    FROM spent
    INNER JOIN spend_basis USING (nation_code, fiscal_year)
    WHERE spent.phase = spend_basis.basis.phase AND spent.exhibit_column = spend_basis.basis.exhibit_column
      AND spent.edition = spend_basis.basis.edition
),

final AS (
    SELECT
        spend_year.nation_code,
        spend_year.year,
        areas.capability_area,
        coalesce(said.hits, 0) AS attention_hits,
        round(100.0 * coalesce(said.hits, 0) / said_years.hits, 2) AS attention_share_pct,
        spend_year.fiscal_year AS spend_fiscal_year,
        spend_basis.basis.phase AS spend_phase,
        spend_basis.basis.exhibit_column AS spend_exhibit_column,
        coalesce(spend.amount_usd_millions, 0) AS spend_usd_millions,
        round(100.0 * coalesce(spend.amount_usd_millions, 0) / (sum(coalesce(spend.amount_usd_millions, 0)::DECIMAL(38, 6)) OVER (
            PARTITION BY spend_year.nation_code, spend_year.year
        ))::DOUBLE, 2) AS spend_share_pct
    FROM spend_year
    CROSS JOIN areas
    INNER JOIN said_years USING (nation_code, year)
    INNER JOIN spend_basis ON spend_basis.nation_code = spend_year.nation_code
        AND spend_basis.fiscal_year = spend_year.fiscal_year
    LEFT JOIN said USING (nation_code, year, capability_area)
    LEFT JOIN spend ON spend.nation_code = spend_year.nation_code AND spend.fiscal_year = spend_year.fiscal_year
        AND spend.capability_area = areas.capability_area
)

SELECT *, round(attention_share_pct - spend_share_pct, 2) AS gap_pct_points
FROM final
ORDER BY nation_code, year, capability_area;

COMMENT ON TABLE marts.say_vs_spend IS 'Share of strategy attention against share of space investment, by nation, year and capability area';
COMMENT ON COLUMN marts.say_vs_spend.attention_share_pct IS 'Percent of the year''s capability-area hits in the nation''s documents';
COMMENT ON COLUMN marts.say_vs_spend.spend_share_pct IS 'Percent of the nine areas'' budget authority in the spend fiscal year';
COMMENT ON COLUMN marts.say_vs_spend.spend_usd_millions IS 'Budget authority, US$ millions, current';
COMMENT ON COLUMN marts.say_vs_spend.gap_pct_points IS 'attention_share_pct - spend_share_pct, percentage points';
COMMENT ON COLUMN marts.say_vs_spend.nation_code IS 'Nation, ISO 3166-1 alpha-3, whose documents and space budget lines are compared (the USA: the only nation whose lines are mapped to areas)';
COMMENT ON COLUMN marts.say_vs_spend.year IS 'Publication year of the nation''s strategy documents';
COMMENT ON COLUMN marts.say_vs_spend.capability_area IS 'Space capability area: a capability category of the lexicon (data_raw/reference/lexicon.csv, family capability); its words are in pipelines/report/labels.csv';
COMMENT ON COLUMN marts.say_vs_spend.attention_hits IS 'Lexicon hits of the area in the nation''s documents of the year, a count';
COMMENT ON COLUMN marts.say_vs_spend.spend_fiscal_year IS 'US federal fiscal year whose budget authority is compared: the first at or after the documents'' year with mapped space lines';
COMMENT ON COLUMN marts.say_vs_spend.spend_phase IS 'Phase of the spend figures: actual, else enacted, else request';
COMMENT ON COLUMN marts.say_vs_spend.spend_exhibit_column IS 'The exhibit column the spend figures come from (a total column where there is one)';
