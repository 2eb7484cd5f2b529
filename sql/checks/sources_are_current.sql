-- check: sources_are_current
-- asset: marts.budget_facts
-- severity: warn
-- Each source's latest year against the latest year its publisher should have out by today (the freshness
-- expected of each source). SIPRI publishes each April with the previous calendar year; the World Bank and Our
-- World in Data republish SIPRI's share of GDP by July; NATO publishes each June with estimates for the current
-- year; the DoD Comptroller's exhibits and Green Book come with each President's Budget (by May) for the next
-- fiscal year, as do milspace's curated US toplines. A file whose latest year is older has been superseded:
-- drop the newer edition into data_raw/inbox/ (or update the starter extract). Returns each stale file.
WITH today AS (
    SELECT extract(year FROM current_date) AS year, extract(month FROM current_date) AS month
),

expectations (publisher, release_month, years_ahead, cadence) AS (
    VALUES
        ('SIPRI Military Expenditure Database', 4, -1, 'each April, through the previous calendar year'),
        ('World Bank, World Development Indicators', 7, -1, 'by July, SIPRI''s previous calendar year'),
        ('Our World in Data', 7, -1, 'by July, SIPRI''s previous calendar year'),
        ('NATO, Defence Expenditure of NATO Countries', 6, 0, 'each June, with estimates for the current year'),
        ('US DoD Comptroller', 5, 1, 'with each President''s Budget (by May), for the next fiscal year'),
        ('milspace US budget toplines', 5, 1, 'curated from each President''s Budget, for the next fiscal year')
),

latest AS (
    SELECT fact_source, file, edition, max(period) AS latest_year
    FROM marts.budget_facts
    GROUP BY fact_source, file, edition
),

expected AS (
    SELECT
        latest.fact_source, latest.file, latest.edition, latest.latest_year, expectations.cadence,
        today.year + expectations.years_ahead - CASE WHEN today.month < expectations.release_month THEN 1 ELSE 0 END
            AS expected_latest_year
    FROM latest
    JOIN expectations ON starts_with(latest.fact_source, expectations.publisher)
    CROSS JOIN today
)

SELECT fact_source, file, edition, latest_year, expected_latest_year, cadence
FROM expected
WHERE latest_year < expected_latest_year
ORDER BY fact_source, file
