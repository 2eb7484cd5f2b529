-- check: one_preferred_edition
-- asset: marts.budget_facts
-- severity: error
-- Invariant: for every preferred figure there is exactly one preferred edition, and it is the newest that gives it.
-- edition_key is the figure, or for a constant-price figure its whole series (a series drawn from two releases
-- would mix base years). Returns each figure or series whose preferred lines come from several editions, or whose
-- preferred edition is older than another edition that gives it (a superseded edition kept); and each edition of a
-- publisher with several whose vintage (the release or budget year, or update date, read from the edition) could
-- not be read, since editions that cannot be ordered cannot be told new from superseded.
WITH keyed AS (
    SELECT
        fact_source,
        edition_key,
        count(DISTINCT edition) FILTER (WHERE is_preferred) AS preferred_editions,
        string_agg(DISTINCT edition, '; ' ORDER BY edition) FILTER (WHERE is_preferred) AS preferred,
        max(vintage) FILTER (WHERE is_preferred) AS preferred_vintage,
        max(vintage) AS newest_vintage
    FROM marts.budget_facts
    GROUP BY fact_source, edition_key
),

editions AS (
    SELECT fact_source, edition, min(vintage) AS vintage,
        count(*) OVER (PARTITION BY fact_source) AS editions_of_publisher
    FROM marts.budget_facts
    GROUP BY fact_source, edition
)

SELECT fact_source, edition_key, preferred_editions, preferred, preferred_vintage, newest_vintage
FROM keyed
WHERE preferred_editions <> 1 OR preferred_vintage < newest_vintage
UNION ALL
SELECT fact_source, NULL, NULL, edition, vintage, 'no vintage read from the edition'
FROM editions
WHERE editions_of_publisher > 1 AND vintage = ''
