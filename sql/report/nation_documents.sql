-- report: nation_documents
-- Grain: one row per strategy document of the register, with whether its text was read. Units: tokens in words.
SELECT register.nation_code, register.published, register.title, register.issuer, register.kind,
    register.official_url, register.commitments, documents.tokens, documents.is_scored, register.doc_id
FROM marts.strategy_register AS register
LEFT JOIN marts.strategy_documents AS documents USING (doc_id)
ORDER BY register.nation_code, register.published
