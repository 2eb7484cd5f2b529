-- marts.capability_investment
-- Grain: one row per fiscal year, phase, funding type, price basis, capability area, edition and exhibit column:
--   the US space program lines (is_space lines of the DoD exhibits, read whole or extracted, which name a program
--   element or line item; not the Green Book's department totals, which name no program, nor milspace budget-lines
--   files, whose titles follow no exhibit vocabulary the rules are written for)
--   mapped to space capability areas by the rules in data_raw/reference/capability_rules.csv.
-- Rule: a line takes the area of the matching rule with the lowest priority number (a rule matches when its
--   case-insensitive regular expression is found in the line's field: line_item, line_item_title, account_title
--   or budget_activity_title). Lines no rule matches are reported as capability_area 'unmapped': never dropped.
-- Units: amount_usd_millions is budget authority in US$ millions at price_basis (current for every exhibit line);
--   share_of_space_pct is the area's percent of the space lines of the same fiscal year, phase, funding type, price
--   basis, edition and exhibit column
--   (exhibit_column: an exhibit may give several columns for one year and phase, never to be added up).
CREATE OR REPLACE TABLE marts.capability_investment AS
WITH space_lines AS (
    -- line_id: one per line (file, sheet, row and column; an extract's sheet is empty)
    SELECT *, row_number() OVER () AS line_id
    FROM marts.budget_facts
    WHERE is_preferred AND is_space AND measure = 'budget_authority' AND NOT is_memo
      AND NOT is_total AND line_item IS NOT NULL AND value_usd_millions IS NOT NULL
      AND source_format = 'dod_exhibits'
),

rules AS (
    SELECT * FROM staging.capability_rules
),

-- Each rule's pattern is tried once per distinct text of its field, not once per line: a pattern that is not a
-- constant is compiled for every pair it is tried on, and a line-by-rule join cost seconds per build.
texts AS (
    SELECT DISTINCT 'line_item' AS field, line_item AS text FROM space_lines
    UNION
    SELECT DISTINCT 'line_item_title', line_item_title FROM space_lines
    UNION
    SELECT DISTINCT 'account_title', account_title FROM space_lines
    UNION
    SELECT DISTINCT 'budget_activity_title', budget_activity_title FROM space_lines
),

text_matches AS (
    SELECT texts.field, texts.text, rules.capability_area, rules.rule_id, rules.priority
    FROM texts
    INNER JOIN rules ON rules.field = texts.field AND regexp_matches(texts.text, rules.pattern, 'i')
),

matches AS (
    SELECT space_lines.line_id, m.capability_area, m.rule_id, m.priority
    FROM space_lines INNER JOIN text_matches AS m ON m.field = 'line_item' AND m.text = space_lines.line_item
    UNION ALL
    SELECT space_lines.line_id, m.capability_area, m.rule_id, m.priority
    FROM space_lines
    INNER JOIN text_matches AS m ON m.field = 'line_item_title' AND m.text = space_lines.line_item_title
    UNION ALL
    SELECT space_lines.line_id, m.capability_area, m.rule_id, m.priority
    FROM space_lines
    INNER JOIN text_matches AS m ON m.field = 'account_title' AND m.text = space_lines.account_title
    UNION ALL
    SELECT space_lines.line_id, m.capability_area, m.rule_id, m.priority
    FROM space_lines
    INNER JOIN text_matches AS m
        ON m.field = 'budget_activity_title' AND m.text = space_lines.budget_activity_title
),

best AS (
    SELECT line_id, arg_min(capability_area, (priority, rule_id)) AS capability_area,
        arg_min(rule_id, (priority, rule_id)) AS rule_id
    FROM matches
    GROUP BY line_id
),

mapped AS (
    SELECT space_lines.*, coalesce(best.capability_area, 'unmapped') AS capability_area, best.rule_id
    FROM space_lines
    LEFT JOIN best USING (line_id)
),

by_area AS (
    SELECT
        period AS fiscal_year,
        phase,
        coalesce(funding_type, 'total') AS funding_type,
        capability_area,
        price_basis,
        column_key AS exhibit_column,
        edition,
        sum(value_usd_millions::DECIMAL(38, 6))::DOUBLE AS amount_usd_millions,
        count(*) AS lines,
        string_agg(DISTINCT rule_id, ', ' ORDER BY rule_id) AS rules_used,
        string_agg(DISTINCT fact_source, '; ' ORDER BY fact_source) AS source
    FROM mapped
    GROUP BY period, phase, coalesce(funding_type, 'total'), price_basis, capability_area, column_key, edition
),

final AS (
    SELECT
        *,
        -- NULL where the space lines of the basis sum to zero (a share of nothing is no share)
        round(100 * amount_usd_millions / nullif((sum(amount_usd_millions::DECIMAL(38, 6)) OVER (
            PARTITION BY fiscal_year, phase, funding_type, price_basis, edition, exhibit_column
        ))::DOUBLE, 0), 2) AS share_of_space_pct
    FROM by_area
)

SELECT * FROM final ORDER BY fiscal_year, phase, funding_type, edition, exhibit_column, amount_usd_millions DESC;

COMMENT ON TABLE marts.capability_investment IS 'US space budget lines by capability area (rules in data_raw/reference/capability_rules.csv); unmapped dollars kept';
COMMENT ON COLUMN marts.capability_investment.amount_usd_millions IS 'Budget authority, US$ millions, at price_basis (current)';
COMMENT ON COLUMN marts.capability_investment.share_of_space_pct IS 'Percent of the space lines of the same year, phase, funding type, price basis, edition and column';
COMMENT ON COLUMN marts.capability_investment.fiscal_year IS 'US federal fiscal year of the lines (FY N ends on 30 September of year N)';
COMMENT ON COLUMN marts.capability_investment.funding_type IS 'base, oco, emergency, reconciliation, mandatory, discretionary or total, as the exhibit splits the lines; total where it does not';
COMMENT ON COLUMN marts.capability_investment.capability_area IS 'Space capability area the lines map to: a code of data_raw/reference/capability_rules.csv (its words in pipelines/report/labels.csv), or unmapped where no rule matches a line';
COMMENT ON COLUMN marts.capability_investment.lines IS 'Budget lines summed into the row, a count';
COMMENT ON COLUMN marts.capability_investment.rules_used IS 'The rules (rule_id of data_raw/reference/capability_rules.csv) that mapped the row''s lines, separated by '', ''; empty for unmapped';
COMMENT ON COLUMN marts.capability_investment.source IS 'The exhibits the lines come from (publisher and exhibit, e.g. US DoD Comptroller, budget exhibit R-1), separated by ''; ''';
