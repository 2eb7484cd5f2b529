-- marts.say_spend_field
-- Grain: one row per nation, year and space capability area, for every nation and year whose strategy documents
--   mention the capability areas: what the nation says (share of strategy attention), spends (share of capability
--   investment, where its space budget lines are mapped) and fields (military satellites in orbit).
-- Say: attention_share_pct = 100 * the area's hits / all capability-area hits, over the nation's scored documents of
--   the year (marts.strategy_evidence, lexicon family 'capability'); attention_documents lists the documents.
-- Spend: from marts.say_vs_spend where the nation has mapped space budget lines (the US exhibits today): the area's
--   share of the capability areas' budget authority in the first fiscal year at or after the documents' year; empty
--   where none is loaded.
-- Field: satellites whose users include the military, active at the end of the year (or at the edition date) by
--   marts.space_capability, from the newest UCS Satellite Database edition of that year where one is loaded, else
--   GCAT; fielded_share_pct = the area's percent of those satellites in the capability areas listed here
--   (satellites whose purpose maps to no area are left out of the share). Empty where no catalogue covers the year.
-- Units: shares in percent; spend_usd_millions in US$ millions, current; satellites_fielded a count of satellites.
CREATE OR REPLACE TABLE marts.say_spend_field AS
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
    SELECT nation_code, year, sum(hits) AS hits
    FROM said
    GROUP BY ALL
),

documents AS (
    SELECT nation_code, year, list_sort(list(DISTINCT doc_id)) AS attention_documents
    FROM marts.strategy_evidence
    WHERE family = 'capability' AND nation_code IS NOT NULL AND year IS NOT NULL
    GROUP BY ALL
),

catalogue_years AS (
    -- per nation and year, the catalogue edition to count: the newest UCS edition of the year, else GCAT's
    SELECT operator_code AS nation_code, year,
        arg_min(
            struct_pack(source := source, edition := edition, edition_date := edition_date, as_of := active_as_of),
            (CASE WHEN source ILIKE 'Union of Concerned Scientists%' THEN 0 ELSE 1 END, -epoch(edition_date))
        ) AS basis
    FROM marts.space_capability
    WHERE user_class = 'military'
    GROUP BY ALL
),

fielded AS (
    SELECT capability.operator_code AS nation_code, capability.year, capability.capability_area,
        capability.active AS satellites
    FROM marts.space_capability AS capability
    INNER JOIN catalogue_years ON catalogue_years.nation_code = capability.operator_code
        AND catalogue_years.year = capability.year
        AND capability.source = catalogue_years.basis.source AND capability.edition = catalogue_years.basis.edition
    WHERE capability.user_class = 'military' AND capability.capability_area IN (SELECT capability_area FROM areas)
),

final AS (
    SELECT
        said_years.nation_code,
        said_years.year,
        areas.capability_area,
        coalesce(said.hits, 0) AS attention_hits,
        round(100.0 * coalesce(said.hits, 0) / said_years.hits, 2) AS attention_share_pct,
        documents.attention_documents,
        spend.spend_fiscal_year,
        spend.spend_phase,
        spend.spend_usd_millions,
        spend.spend_share_pct,
        CASE WHEN spend.spend_fiscal_year IS NOT NULL THEN 'marts.capability_investment (DoD budget exhibits)' END
            AS spend_source,
        CASE WHEN catalogue_years.nation_code IS NOT NULL THEN coalesce(fielded.satellites, 0) END
            AS satellites_fielded,
        round(100.0 * coalesce(fielded.satellites, 0) / nullif(sum(coalesce(fielded.satellites, 0)) OVER (
            PARTITION BY said_years.nation_code, said_years.year
        ), 0), 2) AS fielded_share_pct,
        catalogue_years.basis.as_of AS fielded_as_of,
        catalogue_years.basis.source AS fielded_source,
        catalogue_years.basis.edition AS fielded_edition
    FROM said_years
    CROSS JOIN areas
    LEFT JOIN said USING (nation_code, year, capability_area)
    LEFT JOIN documents USING (nation_code, year)
    LEFT JOIN marts.say_vs_spend AS spend USING (nation_code, year, capability_area)
    LEFT JOIN catalogue_years ON catalogue_years.nation_code = said_years.nation_code
        AND catalogue_years.year = said_years.year
    LEFT JOIN fielded ON fielded.nation_code = said_years.nation_code AND fielded.year = said_years.year
        AND fielded.capability_area = areas.capability_area
)

SELECT * REPLACE (CASE WHEN satellites_fielded IS NOT NULL THEN fielded_share_pct END AS fielded_share_pct)
FROM final
ORDER BY nation_code, year, capability_area;

COMMENT ON TABLE marts.say_spend_field IS 'What a nation says (strategy attention), spends (capability investment) and fields (military satellites), by year and space capability area';
COMMENT ON COLUMN marts.say_spend_field.nation_code IS 'ISO 3166-1 alpha-3 (or milspace''s code of a body) of the documents'' nation';
COMMENT ON COLUMN marts.say_spend_field.year IS 'Calendar year of the strategy documents';
COMMENT ON COLUMN marts.say_spend_field.capability_area IS 'Space capability area (the lexicon''s capability categories)';
COMMENT ON COLUMN marts.say_spend_field.attention_hits IS 'Lexicon hits of the area in the year''s documents, a count';
COMMENT ON COLUMN marts.say_spend_field.attention_share_pct IS 'Percent of the year''s capability-area hits in the nation''s documents';
COMMENT ON COLUMN marts.say_spend_field.attention_documents IS 'The documents (doc_id) whose hits are counted';
COMMENT ON COLUMN marts.say_spend_field.spend_fiscal_year IS 'The fiscal year whose budget authority is compared (the first at or after the documents'' year with mapped space lines)';
COMMENT ON COLUMN marts.say_spend_field.spend_phase IS 'actual, enacted or request: the phase of the spend figures';
COMMENT ON COLUMN marts.say_spend_field.spend_usd_millions IS 'Budget authority of the area, US$ millions, current';
COMMENT ON COLUMN marts.say_spend_field.spend_share_pct IS 'Percent of the capability areas'' budget authority in the spend fiscal year';
COMMENT ON COLUMN marts.say_spend_field.spend_source IS 'Where the spend figures come from';
COMMENT ON COLUMN marts.say_spend_field.satellites_fielded IS 'Satellites with military users active at year end (or at the edition date) in the area, a count';
COMMENT ON COLUMN marts.say_spend_field.fielded_share_pct IS 'Percent of the nation''s military satellites in the capability areas that are in this area';
COMMENT ON COLUMN marts.say_spend_field.fielded_as_of IS 'at year end, or at the edition date';
COMMENT ON COLUMN marts.say_spend_field.fielded_source IS 'The satellite catalogue counted (publisher and dataset)';
COMMENT ON COLUMN marts.say_spend_field.fielded_edition IS 'The catalogue edition counted';
