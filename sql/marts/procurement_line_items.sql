-- marts.procurement_line_items
-- Grain: one row per procurement line item of a budget justification book (J-book XML), fiscal year, phase and
--   funding type: the book's quantity, weapon system cost and unit cost, with the P-1 line it details where a P-1
--   exhibit of any edition is loaded (same appropriation account and line item number, same fiscal year).
-- The book's lines are in marts.budget_facts like any exhibit's (source_format dod_jbook_xml); this mart puts each
--   line item's figures side by side and beside the P-1. P-1 side: the preferred figures (marts.budget_facts
--   is_preferred) of the P-1's weapon system cost with funding type total, one per fiscal year: actual, else
--   enacted, else the request, then the newest edition, then the column with the shortest name (the P-1 states a
--   year's request in several columns of equal value: with and without the continuing-resolution adjustment).
-- Units: amounts in US$ millions, current prices (budget authority); quantity in items; unit cost in US$ millions
--   per item.
CREATE OR REPLACE TABLE marts.procurement_line_items AS
WITH book AS (
    SELECT *, value * unit_factor / 1e6 AS value_usd_millions
    FROM marts.budget_lines
    WHERE source_format = 'dod_jbook_xml'
),

items AS (
    SELECT
        account, account_title, organization, budget_activity, budget_activity_title, line_item, line_item_title,
        regexp_extract(footnotes, 'P-1 line (\w+)', 1) AS p1_line_number,
        period AS fiscal_year, phase, funding_type, is_space, source, edition, file, min("row") AS "row",
        sum(value_usd_millions) FILTER (
            WHERE measure = 'budget_authority' AND cost_type = 'Weapon System Cost'
        ) AS weapon_system_cost_usd_millions,
        sum(value_usd_millions) FILTER (
            WHERE measure = 'budget_authority' AND cost_type <> 'Weapon System Cost'
        ) AS advance_procurement_usd_millions,
        sum(value_usd_millions) FILTER (WHERE measure = 'budget_authority') AS total_obligation_authority_usd_millions,
        max(value) FILTER (WHERE measure = 'procurement_quantity') AS quantity,
        max(value_usd_millions) FILTER (WHERE measure = 'procurement_unit_cost') AS unit_cost_usd_millions
    FROM book
    GROUP BY ALL
),

p1 AS (
    SELECT account, line_item, period AS fiscal_year,
        arg_min(
            struct_pack(
                phase := phase, edition := edition, column_name := source_column,
                amount := value * unit_factor / 1e6, title := line_item_title, file := file, "row" := "row"
            ),
            (
                CASE phase WHEN 'actual' THEN 1 WHEN 'enacted' THEN 2 ELSE 3 END,
                -coalesce(TRY_CAST(regexp_extract(edition, 'FY ?(\d{4})', 1) AS INTEGER), 0),
                length(source_column),
                source_column
            )
        ) AS chosen
    FROM marts.budget_lines
    WHERE source_format = 'dod_exhibits' AND source = 'US DoD Comptroller, budget exhibit P-1'
      AND measure = 'budget_authority' AND cost_type = 'Weapon System Cost' AND funding_type = 'total'
      AND value IS NOT NULL
    GROUP BY ALL
)

SELECT
    items.*,
    p1.chosen.title AS p1_line_item_title,
    p1.chosen.phase AS p1_phase,
    p1.chosen.edition AS p1_edition,
    p1.chosen.column_name AS p1_column,
    p1.chosen.amount AS p1_amount_usd_millions,
    p1.chosen.file AS p1_file,
    p1.chosen."row" AS p1_row
FROM items
LEFT JOIN p1 ON p1.account = items.account AND p1.line_item = items.line_item AND p1.fiscal_year = items.fiscal_year
    AND items.funding_type = 'total'
ORDER BY items.account, items.p1_line_number, items.line_item, items.fiscal_year, items.phase, items.funding_type;

COMMENT ON TABLE marts.procurement_line_items IS 'Procurement line items of budget justification books by fiscal year, beside the P-1 line each details';
COMMENT ON COLUMN marts.procurement_line_items.p1_line_number IS 'The line''s number on the P-1, as the book states it';
COMMENT ON COLUMN marts.procurement_line_items.fiscal_year IS 'US federal fiscal year (October-September, named by the year it ends)';
COMMENT ON COLUMN marts.procurement_line_items.phase IS 'actual (prior year), enacted (current year), request (budget year) or projection (out-years)';
COMMENT ON COLUMN marts.procurement_line_items.funding_type IS 'total, or its base and oco parts (never summed with the total)';
COMMENT ON COLUMN marts.procurement_line_items.weapon_system_cost_usd_millions IS 'Weapon system cost, budget authority, US$ millions, current';
COMMENT ON COLUMN marts.procurement_line_items.advance_procurement_usd_millions IS 'Advance procurement (current year less prior year), budget authority, US$ millions, current';
COMMENT ON COLUMN marts.procurement_line_items.total_obligation_authority_usd_millions IS 'Weapon system cost plus advance procurement, US$ millions, current';
COMMENT ON COLUMN marts.procurement_line_items.quantity IS 'Items procured, a count';
COMMENT ON COLUMN marts.procurement_line_items.unit_cost_usd_millions IS 'Unit cost as the book states it, US$ millions per item';
COMMENT ON COLUMN marts.procurement_line_items.p1_line_item_title IS 'Title of the P-1 line the book details';
COMMENT ON COLUMN marts.procurement_line_items.p1_phase IS 'Phase of the P-1 figure (actual, else enacted, else request)';
COMMENT ON COLUMN marts.procurement_line_items.p1_edition IS 'The P-1 edition (President''s Budget) the figure comes from';
COMMENT ON COLUMN marts.procurement_line_items.p1_column IS 'The P-1 column the figure was read from';
COMMENT ON COLUMN marts.procurement_line_items.p1_amount_usd_millions IS 'The P-1''s weapon system cost of the line for the fiscal year, US$ millions, current';
COMMENT ON COLUMN marts.procurement_line_items.p1_file IS 'The P-1 file';
COMMENT ON COLUMN marts.procurement_line_items.p1_row IS 'The P-1 line''s 1-based row in its file';
COMMENT ON COLUMN marts.procurement_line_items."row" IS 'The first row of the book''s file that holds one of the line item''s figures for this year, phase and funding type (1-based)';
COMMENT ON COLUMN marts.procurement_line_items.source IS 'Publisher and dataset of the justification book, as its reader names it';
