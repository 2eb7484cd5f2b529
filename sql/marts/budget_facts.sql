-- marts.budget_facts
-- Grain: one row per published figure brought by a file: every budget line read by a reader, from the shipped
--   starter extracts (data_raw/starter/lines/) and from the files in data_raw/inbox/ alike, and the curated US
--   budget toplines (data_raw/starter/us_budget_lines.csv).
-- Units: value as published in `unit`; value_units = value * unit_factor in whole `currency` units (or persons,
--   items, index points); value_usd_millions = value_units / 1e6 where currency is USD (NULL otherwise), rounded
--   to the dollar (6 decimals); shares and rates in percent. period is a calendar or fiscal year (period_type;
--   fiscal_year_label says whether FY N begins in calendar year N, as SIPRI's financial years, or ends in N, as the
--   US government's; fiscal_year_start_month the month it begins).
-- Conformed measures: one name per concept across publishers (milex_usd with price_basis current or
--   constant_YYYY; milex_share_of_gdp; military_personnel ...); the publisher's own name is kept in source_measure.
-- Identity (figure_key): a figure is what its publisher states about one entity, period, measure, price-basis kind
--   (current or constant, whatever the base year), phase, funding type and classification (scope, category,
--   appropriation title, organization, account, budget activity, line item, cost type; for the Green Book, whose
--   lines are labelled rather than coded, the series label). The file, sheet and row that bring it, and the
--   edition, are not part of it: the same figure may come from a starter extract and from the workbook it was
--   extracted from, from two exports of one release, from a zip and the CSV inside it, or from several editions.
-- is_preferred: for each figure, the lines of ONE file: the newest edition (vintage), then a file from the inbox
--   before a shipped extract, then the file with the most lines of that publisher (a whole workbook before a
--   partial export), then the file name. A constant-price series is chosen whole (edition_key): its base year is
--   its edition's, so a series never mixes editions or base years; a figure at current prices is chosen alone. A
--   newer edition that says a figure is missing (value NULL) supersedes an older one that gives it. In the chosen
--   file, one line per column: an exhibit may give several columns for one year and phase (column_key keeps them
--   apart, never to be added up); a figure the workbook restates in another table is kept once (first sheet and
--   row). Marts built on facts use preferred rows only: nothing is counted twice, and every preferred figure has
--   exactly one edition (sql/checks/no_figure_counted_twice.sql, one_preferred_edition.sql).
-- Fiscal years: a line that states no start month takes it from data_raw/reference/fiscal_years.csv.
-- Never sum across measures, phases, price bases, funding types or scopes; leave is_total and is_memo rows out of sums.
-- Described by: budget_line (pipelines/shapes.py): columns it shares with that shape and that have no comment below
--   take the shape's descriptions as column comments.
CREATE OR REPLACE TABLE marts.budget_facts AS
-- The curated toplines and the budget lines meet by column name (UNION ALL BY NAME): a column one side does not
-- name is NULL on that side.
WITH us_budget_starter AS (
    SELECT
        'milspace US budget toplines' AS fact_source,
        source,
        'milspace_starter' AS source_format,
        'compiled from the sources in source' AS edition,
        source_file AS file,
        source_row AS "row",
        'amount_usd_millions' AS source_column,
        'USA' AS entity_code,
        'country' AS entity_kind,
        fiscal_year AS period,
        'fiscal_year' AS period_type,
        'end' AS fiscal_year_label,
        'budget_authority' AS source_measure,
        phase,
        scope,
        appropriation_title,
        organization,
        amount_usd_millions AS value,
        'US$ millions, current prices (budget authority)' AS unit,
        1e6 AS unit_factor,
        'USD' AS currency,
        'current' AS price_basis,
        false AS is_estimate,
        false AS is_highly_uncertain,
        false AS is_memo,
        appropriation_title = 'total' AS is_total,
        false AS is_classified_aggregate,
        organization = 'Space Force' AS is_space,
        note AS footnotes
    FROM staging.us_budget_lines
),

lines AS NOT MATERIALIZED (
    SELECT
        source AS fact_source,
        source,
        source_format,
        edition,
        file,
        sheet,
        "row",
        source_column,
        extracted_from,
        entity_code,
        entity_kind,
        period,
        period_type,
        fiscal_year_start_month,
        fiscal_year_label,
        measure AS source_measure,
        phase,
        funding_type,
        scope,
        category,
        appropriation_title,
        organization,
        organization_title,
        account,
        account_title,
        budget_activity,
        budget_activity_title,
        line_item,
        line_item_title,
        cost_type,
        value,
        unit,
        unit_factor,
        currency,
        price_basis,
        is_estimate,
        is_highly_uncertain,
        is_memo,
        is_total,
        is_classified_aggregate,
        is_space,
        footnotes,
        missing_marker
    FROM staging.budget_lines
),

unioned AS NOT MATERIALIZED (
    SELECT * FROM us_budget_starter
    UNION ALL BY NAME SELECT * FROM lines
),

-- One name per concept, as each reader declares it (its CONFORMED; staging.measures.conformed).
measure_map AS (
    SELECT measure AS source_measure, conformed AS measure FROM staging.measures
),

sources AS (
    SELECT file, origin FROM staging.sources
),

fiscal_calendars AS (
    SELECT nation_code, first_fiscal_year, last_fiscal_year, start_month, named_by FROM staging.fiscal_years
),

conformed AS NOT MATERIALIZED (
    SELECT
        unioned.* EXCLUDE (source_measure, fiscal_year_start_month, fiscal_year_label),
        coalesce(measure_map.measure, unioned.source_measure) AS measure,
        unioned.source_measure,
        coalesce(sources.origin, 'starter') AS origin,
        CASE WHEN unioned.period_type = 'fiscal_year'
            THEN coalesce(unioned.fiscal_year_start_month, fiscal_calendars.start_month) END AS fiscal_year_start_month,
        CASE WHEN unioned.period_type = 'fiscal_year'
            THEN coalesce(unioned.fiscal_year_label, fiscal_calendars.named_by) END AS fiscal_year_label,
        -- the vintage: the year of a release, or an edition's update date; newer sorts higher within one publisher
        -- (regexp_extract gives '' where the pattern is not found: nullif lets coalesce try the next)
        coalesce(
            nullif(regexp_extract(unioned.edition, '(\d{4}) release', 1), ''),
            nullif(regexp_extract(unioned.edition, 'updated (\d{4}-\d{2}-\d{2})', 1), ''),
            nullif(regexp_extract(unioned.edition, 'data \d{4}-(\d{4})', 1), ''),
            nullif(regexp_extract(unioned.edition, '\(\d{4}-(\d{4})\)', 1), ''),
            nullif(regexp_extract(unioned.edition, 'FY ?(\d{4})', 1), ''),
            ''
        ) AS vintage,
        unioned.value * unioned.unit_factor AS value_units,
        CASE WHEN unioned.price_basis LIKE 'constant%' THEN 'constant' ELSE unioned.price_basis END AS price_basis_kind,
        -- the column a figure came from matters where one file has several columns of one year and phase
        -- (the DoD exhibits' FY 2018 variants); the P-1's "Amount" suffix is dropped so that the same column of
        -- every exhibit of one edition has one key ("FY 2019 Total" in the R-1, "FY 2019 Total Amount" in the P-1)
        CASE WHEN unioned.source_format LIKE 'dod_%'
            THEN regexp_replace(unioned.source_column, '\s*(Amount|Quantity)$', '') END AS column_key
    FROM unioned
    LEFT JOIN measure_map USING (source_measure)
    LEFT JOIN sources USING (file)
    LEFT JOIN fiscal_calendars
        ON unioned.period_type = 'fiscal_year'
       AND fiscal_calendars.nation_code = unioned.entity_code
       AND unioned.period BETWEEN coalesce(fiscal_calendars.first_fiscal_year, -9999)
           AND coalesce(fiscal_calendars.last_fiscal_year, 9999)
),

keyed AS NOT MATERIALIZED (
    SELECT
        *,
        -- a 64-bit hash of the identity (DuckDB's hash() of the struct): ten million figures collide with a chance
        -- of about one in 300,000
        hash(staging.figure_identity(
            fact_source, entity_code, entity_kind, period, period_type, measure, price_basis_kind, funding_type,
            scope, category, appropriation_title, organization, account, budget_activity, line_item, cost_type,
            source_format, account_title, line_item_title, is_total
        )) AS identity_key,
        -- the same without the period, for a constant-price series (chosen whole)
        CASE WHEN price_basis_kind = 'constant' THEN hash(staging.figure_identity(
            fact_source, entity_code, entity_kind, NULL, period_type, measure, price_basis_kind, funding_type,
            scope, category, appropriation_title, organization, account, budget_activity, line_item, cost_type,
            source_format, account_title, line_item_title, is_total
        )) END AS series_identity_key
    FROM conformed
),

-- Publishers that state several phases of one figure side by side in one file (a DoD exhibit's request, enacted
-- and actual columns): for them phase is part of a figure's identity. For the others (SIPRI marks a country's
-- latest figures as budget rather than actual, and a later release as actual) a new phase is a revision.
-- Grouped by a 64-bit hash of (publisher, file, identity), with the phases' min and max (two phases differ): a group
-- keyed by the publisher's and file's names, or a count(DISTINCT) per group, held ten million groups in memory and
-- ran out of it under the 1.5 GB limit. Only the few split identities are looked up again for their publisher.
split_identities AS (
    SELECT line_key
    FROM (
        SELECT hash(fact_source, file, identity_key) AS line_key, min(phase) AS first_phase, max(phase) AS last_phase
        FROM keyed
        GROUP BY line_key
    )
    WHERE first_phase <> last_phase
),

phase_is_dimension AS (
    SELECT DISTINCT fact_source
    FROM keyed
    WHERE hash(fact_source, file, identity_key) IN (SELECT line_key FROM split_identities)
),

identified AS NOT MATERIALIZED (
    SELECT
        keyed.* EXCLUDE (identity_key, series_identity_key),
        CASE WHEN phase_is_dimension.fact_source IS NOT NULL THEN hash(identity_key, phase) ELSE identity_key
        END AS figure_key,
        -- what one edition must give whole: a constant-price series (its base year is the edition's), else a figure
        CASE
            WHEN series_identity_key IS NULL
                THEN CASE WHEN phase_is_dimension.fact_source IS NOT NULL THEN hash(identity_key, phase)
                    ELSE identity_key END
            WHEN phase_is_dimension.fact_source IS NOT NULL THEN hash(series_identity_key, phase)
            ELSE series_identity_key
        END AS edition_key
    FROM keyed
    LEFT JOIN phase_is_dimension USING (fact_source)
),

-- How many lines each file brings of its publisher (a whole workbook ranks before a partial export of it).
file_sizes AS (
    SELECT fact_source, file, count(*) AS file_lines FROM identified GROUP BY fact_source, file
),

-- Ranking needs a window over every line of a publisher; where a publisher has one file (a single large
-- line-level file, say), every line is that file's and ranks first, so only publishers with several files are ranked.
multi_file_sources AS (
    SELECT fact_source FROM file_sizes GROUP BY fact_source HAVING count(*) > 1
),

-- NOT MATERIALIZED: ranked is read three times below; materialized, ten million lines held every column in memory
-- (out of memory under the 1.5 GB limit; 60 s and 6 GB without one) where recomputing it streams.
ranked AS NOT MATERIALIZED (
    SELECT
        identified.*,
        dense_rank() OVER (
            PARTITION BY edition_key
            ORDER BY vintage DESC, origin = 'inbox' DESC, file_sizes.file_lines DESC, identified.file
        ) AS file_rank
    FROM identified
    INNER JOIN file_sizes USING (fact_source, file)
    WHERE fact_source IN (SELECT fact_source FROM multi_file_sources)
    UNION ALL
    SELECT *, 1 AS file_rank
    FROM identified
    WHERE NOT coalesce(fact_source IN (SELECT fact_source FROM multi_file_sources), false)  -- NULL: ranks first
),

-- In the chosen file, one line per figure and column: a figure a workbook restates in another table (NATO gives
-- a member's spending in Tables 2 and 4) is kept once, from the first sheet and row. Only the figures that repeat
-- are ranked (a window over every line of a large file would sort it).
restated AS (
    SELECT figure_key, coalesce(column_key, '') AS column_part
    FROM ranked
    WHERE file_rank = 1
    GROUP BY ALL
    HAVING count(*) > 1
),

-- Each line, and whether it is one of the chosen file's restated figures (restated is small: a hash join).
flagged AS NOT MATERIALIZED (
    SELECT ranked.*, ranked.file_rank = 1 AND restated.figure_key IS NOT NULL AS is_restated
    FROM ranked
    LEFT JOIN restated ON restated.figure_key = ranked.figure_key
        AND restated.column_part = coalesce(ranked.column_key, '')
),

chosen AS (
    SELECT
        flagged.* EXCLUDE (is_restated),
        row_number() OVER (PARTITION BY figure_key, column_key ORDER BY sheet, "row", source_column) AS line_rank
    FROM flagged
    WHERE is_restated
    UNION ALL
    SELECT flagged.* EXCLUDE (is_restated), 1 AS line_rank
    FROM flagged
    WHERE NOT is_restated
),

final AS (
    SELECT
        fact_source,
        entity_code,
        entity_kind,
        period,
        period_type,
        fiscal_year_start_month,
        fiscal_year_label,
        measure,
        price_basis,
        currency,
        phase,
        phases.fdp_phase,
        funding_type,
        scope,
        category,
        appropriation_title,
        organization,
        organization_title,
        account,
        account_title,
        budget_activity,
        budget_activity_title,
        line_item,
        line_item_title,
        cost_type,
        value,
        unit,
        unit_factor,
        value_units,
        CASE WHEN currency = 'USD' THEN round(value_units / 1e6, 6) END AS value_usd_millions,
        is_estimate,
        is_highly_uncertain,
        is_memo,
        is_total,
        is_classified_aggregate,
        is_space,
        file_rank = 1 AND line_rank = 1 AS is_preferred,
        figure_key,
        edition_key,
        footnotes,
        missing_marker,
        column_key,
        source_measure,
        source,
        source_format,
        edition,
        vintage,
        origin,
        file,
        sheet,
        "row",
        source_column,
        extracted_from
    FROM chosen
    LEFT JOIN staging.phases AS phases USING (phase)
)

SELECT * FROM final;

COMMENT ON TABLE marts.budget_facts IS 'Every published figure milspace reads, on one conformed shape (measure, period, phase, units, provenance), with one identity (figure_key) and one preferred file per figure';
COMMENT ON COLUMN marts.budget_facts.value IS 'As published, in the unit named by unit; NULL where missing_marker says why';
COMMENT ON COLUMN marts.budget_facts.value_units IS 'value * unit_factor: whole currency units for money, persons or items for counts, percent for shares';
COMMENT ON COLUMN marts.budget_facts.value_usd_millions IS 'US$ millions (current or constant, see price_basis) where currency is USD, to the dollar; NULL otherwise';
COMMENT ON COLUMN marts.budget_facts.fiscal_year_label IS 'For fiscal years: start (FY N begins in calendar year N, SIPRI) or end (FY N ends in N, US government)';
COMMENT ON COLUMN marts.budget_facts.fiscal_year_start_month IS 'For fiscal years: the month the fiscal year begins (1-12), as the line states or from data_raw/reference/fiscal_years.csv';
COMMENT ON COLUMN marts.budget_facts.column_key IS 'DoD exhibits: the amount column, the same for every exhibit of one edition (never add two columns of one year)';
COMMENT ON COLUMN marts.budget_facts.figure_key IS 'Identity of the figure whatever file or edition brings it (publisher, entity, period, measure, price-basis kind, phase, funding type and classification), as a 64-bit hash: an identifier, no unit';
COMMENT ON COLUMN marts.budget_facts.edition_key IS 'What one edition gives whole (the figure, figure_key; or for a constant-price figure its whole series, every period), as a 64-bit hash: an identifier, no unit';
COMMENT ON COLUMN marts.budget_facts.is_preferred IS 'The row to use: for each figure_key, the lines of one file (newest edition, then the inbox, then the fullest file)';
COMMENT ON COLUMN marts.budget_facts.origin IS 'starter (a shipped extract or the curated toplines) or inbox (a file the user dropped in)';
COMMENT ON COLUMN marts.budget_facts.extracted_from IS 'For a line of a milspace extract: the published file, sheet, row and column its reader read it from';
COMMENT ON COLUMN marts.budget_facts.fact_source IS 'The publisher and dataset a figure belongs to, for its identity and the choice of file: source, or ''milspace US budget toplines'' for the curated toplines of data_raw/starter/us_budget_lines.csv';
COMMENT ON COLUMN marts.budget_facts.measure IS 'What the figure measures, one name per concept across publishers (marts.measures.conformed: milex_usd, milex_share_of_gdp, budget_authority ...); the reader''s own name is in source_measure';
COMMENT ON COLUMN marts.budget_facts.source_measure IS 'The measure as its reader names it (marts.measures.measure); budget_authority for the curated US toplines';
COMMENT ON COLUMN marts.budget_facts.vintage IS 'How new the edition is, read from edition to rank the editions of one publisher: a year (a release year, the last year of a data range, a fiscal year: YYYY) or an update date (YYYY-MM-DD); empty text when edition names none';
