-- marts.strategy_commitments
-- Grain: one row per money mention found in a document's text: an amount (with currency and scale) or a share
--   of GDP, with the period phrase beside it and its sentence.
-- Units: amount as written; amount_millions in millions of `currency`; share_of_gdp_pct in percent of GDP.
-- Linking: a mention is linked to a commitment the register states for the same document (marts.stated_commitments)
--   when the currency is the same and the amounts agree within 2 percent, or both are the same share of GDP.
CREATE OR REPLACE TABLE marts.strategy_commitments AS
WITH money AS (
    SELECT * FROM staging.document_money
),

documents AS (
    SELECT doc_id, nation_code, year, file FROM marts.strategy_documents
),

stated AS (
    SELECT * FROM staging.strategy_commitments
),

mentions AS (
    SELECT documents.doc_id, documents.nation_code, documents.year, money.*
    FROM money
    INNER JOIN documents ON documents.file = money.doc_file
),

linked AS (
    SELECT
        mentions.doc_file, mentions.paragraph, mentions.matched,
        arg_min(stated.item, (abs(coalesce(stated.amount_millions, 0) - coalesce(mentions.amount_millions, 0)), stated.item)) AS item,
        arg_min(stated.relation, (abs(coalesce(stated.amount_millions, 0) - coalesce(mentions.amount_millions, 0)), stated.item))
            AS relation
    FROM mentions
    INNER JOIN stated ON stated.doc_id = mentions.doc_id
        AND (
            (mentions.kind = 'amount' AND stated.commitment_type = 'amount' AND stated.currency = mentions.currency
                AND abs(stated.amount_millions - mentions.amount_millions) <= 0.02 * stated.amount_millions)
            OR (mentions.kind = 'share_of_gdp' AND stated.commitment_type = 'share_of_gdp'
                AND abs(stated.share_of_gdp_pct - mentions.share_of_gdp_pct) < 0.001)
        )
    GROUP BY ALL
),

final AS (
    SELECT
        mentions.doc_id,
        mentions.nation_code,
        mentions.year,
        mentions.paragraph + 1 AS paragraph,
        mentions.kind,
        mentions.amount,
        mentions.scale,
        mentions.currency,
        mentions.amount_millions,
        mentions.share_of_gdp_pct,
        mentions.period,
        mentions.matched,
        mentions.context,
        linked.item AS register_item,
        linked.relation AS register_relation,
        mentions.doc_file AS file
    FROM mentions
    LEFT JOIN linked USING (doc_file, paragraph, matched)
)

SELECT * FROM final ORDER BY doc_id, paragraph;

COMMENT ON TABLE marts.strategy_commitments IS 'Money mentions in strategy texts, linked to the register''s stated commitments where they agree';
COMMENT ON COLUMN marts.strategy_commitments.amount_millions IS 'Millions of the currency in column currency';
COMMENT ON COLUMN marts.strategy_commitments.share_of_gdp_pct IS 'Percent of GDP';
COMMENT ON COLUMN marts.strategy_commitments.paragraph IS 'Paragraph of the document holding the mention: 1-based number';
COMMENT ON COLUMN marts.strategy_commitments.register_item IS 'The commitment the register states for the document (marts.stated_commitments.item) that the mention agrees with (the same currency and amounts within 2 percent, or the same share of GDP); empty when none';
COMMENT ON COLUMN marts.strategy_commitments.register_relation IS 'How that commitment relates to the document (marts.stated_commitments.relation); empty when none';
