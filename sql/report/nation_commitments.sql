-- report: nation_commitments
-- Grain: one row per funding commitment stated in or with a register document (marts.stated_commitments).
-- Units: amount_millions in millions of currency; share_of_gdp_pct in percent of GDP.
SELECT nation_code, document_title, item,
    CASE WHEN commitment_type = 'amount'
        THEN currency || ' ' || format('{:,.0f}', amount_millions) || ' million'
        ELSE format('{:.2f}', share_of_gdp_pct) || '% of GDP' END AS commitment,
    period, relation, source
FROM marts.stated_commitments
ORDER BY nation_code, document_year, doc_id, item
