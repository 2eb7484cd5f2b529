-- check: one_preferred_edition
-- asset: marts.budget_facts
-- severity: error
-- Invariant: for every preferred figure there is exactly one preferred edition, and it is the newest that gives it.
-- edition_key is the figure, or for a constant-price figure its whole series (a series drawn from two releases
-- would mix base years). Returns each figure or series whose preferred lines come from several editions, or whose
-- preferred edition is older than another edition that gives it (a superseded edition kept); and each edition of a
-- publisher with several whose vintage (the release or budget year, or update date, read from the edition) could
-- not be read, since editions that cannot be ordered cannot be told new from superseded. The figures are grouped by
-- edition_key alone (a 64-bit hash of the figure, whose identity names its publisher, as marts.budget_facts ranks
-- them) and editions are compared by their hashes, so the group holds no names; the editions are counted and listed,
-- by name, only for the figures that break the rule.
WITH keyed AS (
    SELECT
        edition_key,
        count_if(is_preferred) AS preferred_lines,
        min(hash(edition)) FILTER (WHERE is_preferred) AS first_preferred,
        max(hash(edition)) FILTER (WHERE is_preferred) AS last_preferred,
        max(vintage) FILTER (WHERE is_preferred) AS preferred_vintage,
        max(vintage) AS newest_vintage
    FROM marts.budget_facts
    GROUP BY edition_key
),

failing AS (
    SELECT edition_key, preferred_vintage, newest_vintage
    FROM keyed
    WHERE preferred_lines = 0 OR first_preferred <> last_preferred OR preferred_vintage < newest_vintage
),

described AS (
    SELECT
        facts.fact_source,
        failing.edition_key,
        count(DISTINCT facts.edition) FILTER (WHERE facts.is_preferred) AS preferred_editions,
        string_agg(DISTINCT facts.edition, '; ' ORDER BY facts.edition) FILTER (WHERE facts.is_preferred) AS preferred,
        any_value(failing.preferred_vintage) AS preferred_vintage,
        any_value(failing.newest_vintage) AS newest_vintage
    FROM failing
    INNER JOIN marts.budget_facts AS facts ON facts.edition_key IS NOT DISTINCT FROM failing.edition_key
    GROUP BY facts.fact_source, failing.edition_key
),

editions AS (
    SELECT fact_source, edition, min(vintage) AS vintage,
        count(*) OVER (PARTITION BY fact_source) AS editions_of_publisher
    FROM marts.budget_facts
    GROUP BY fact_source, edition
)

SELECT fact_source, edition_key, preferred_editions, preferred, preferred_vintage, newest_vintage
FROM described
UNION ALL
SELECT fact_source, NULL, NULL, edition, vintage, 'no vintage read from the edition'
FROM editions
WHERE editions_of_publisher > 1 AND vintage = ''
