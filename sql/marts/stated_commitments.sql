-- marts.stated_commitments
-- Grain: one row per strategy document, item and source.
-- Units: amount_millions in millions of `currency` over the stated period; share_of_gdp_pct in percent of GDP.
-- relation says how firmly the figure belongs to the document (stated in it, announced alongside, companion ...).
-- Sources: per row in `source`.
CREATE OR REPLACE TABLE marts.stated_commitments AS
WITH commitments AS (
    SELECT * FROM staging.strategy_commitments
),

documents AS (
    SELECT doc_id, nation_code, title, year FROM staging.strategy_documents
),

final AS (
    SELECT
        commitments.doc_id,
        documents.nation_code,
        documents.title AS document_title,
        documents.year AS document_year,
        commitments.item,
        commitments.commitment_type,
        commitments.amount_millions,
        commitments.currency,
        commitments.share_of_gdp_pct,
        commitments.period,
        commitments.year_start,
        commitments.year_end,
        commitments.is_lower_bound,
        commitments.is_approximate,
        commitments.relation,
        commitments.part_of,
        commitments.note,
        commitments.source,
        commitments.source_url
    FROM commitments
    INNER JOIN documents USING (doc_id)
)

SELECT * FROM final ORDER BY nation_code, doc_id, item;

COMMENT ON TABLE marts.stated_commitments IS 'Funding commitments stated in or announced with the register''s strategy documents';
COMMENT ON COLUMN marts.stated_commitments.amount_millions IS 'Millions of the currency in column currency, over the stated period';
COMMENT ON COLUMN marts.stated_commitments.share_of_gdp_pct IS 'Target, percent of GDP';
