-- marts.strategy_register
-- Grain: one row per national or alliance strategy document in the register.
-- Units: none; commitments counts the rows of marts.stated_commitments for the document.
-- Sources: official addresses and the public pages in evidence_urls.
CREATE OR REPLACE TABLE marts.strategy_register AS
WITH documents AS (
    SELECT * FROM staging.strategy_documents
),

nations AS (
    SELECT code, name FROM staging.nations
),

commitments AS (
    SELECT doc_id, count(*) AS commitments
    FROM staging.strategy_commitments
    GROUP BY doc_id
),

final AS (
    SELECT
        documents.doc_id,
        documents.nation_code,
        nations.name AS nation_name,
        documents.published,
        documents.year,
        documents.title,
        documents.issuer,
        documents.kind,
        documents.official_url,
        documents.url_kind,
        coalesce(commitments.commitments, 0) AS commitments,
        documents.evidence_urls,
        documents.source
    FROM documents
    INNER JOIN nations ON nations.code = documents.nation_code
    LEFT JOIN commitments USING (doc_id)
)

SELECT * FROM final ORDER BY nation_code, published, doc_id;

COMMENT ON TABLE marts.strategy_register IS 'National defence and space strategy documents: issuer, date, kind and official address';
COMMENT ON COLUMN marts.strategy_register.commitments IS 'Funding commitments the register records for the document (rows of marts.stated_commitments), a count';
