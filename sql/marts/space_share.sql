-- marts.space_share
-- Grain: one row per nation, fiscal year and phase, where both a military space and a defense figure exist on
--   the government's own release scope (for the USA: the Space Force including SDA, against the DoD request).
--   Other scopes stay in marts.us_budget.
-- Units: space_usd_millions and defense_usd_millions in US$ millions, current; share_pct in percent
--   (100 * space / defense, rounded to 2 decimals).
-- Sources: per row in space_source and defense_source.
CREATE OR REPLACE TABLE marts.space_share AS
WITH headline AS (
    SELECT *
    FROM staging.us_budget_lines
    WHERE appropriation_title = 'total' AND is_headline_scope
),

space AS (
    SELECT * FROM headline WHERE organization = 'Space Force'
),

defense AS (
    SELECT * FROM headline WHERE organization = 'DoD'
),

final AS (
    SELECT
        'USA' AS nation_iso3,
        space.fiscal_year,
        space.phase,
        space.scope AS space_scope,
        defense.scope AS defense_scope,
        space.amount_usd_millions AS space_usd_millions,
        defense.amount_usd_millions AS defense_usd_millions,
        round(100 * space.amount_usd_millions / defense.amount_usd_millions, 2) AS share_pct,
        space.source AS space_source,
        defense.source AS defense_source
    FROM space
    INNER JOIN defense USING (fiscal_year, phase)
    WHERE defense.amount_usd_millions > 0
)

SELECT * FROM final ORDER BY nation_iso3, fiscal_year, phase;

COMMENT ON TABLE marts.space_share IS 'Military space budget as a share of the defense budget, on the government''s own release scope';
COMMENT ON COLUMN marts.space_share.space_usd_millions IS 'Military space budget authority on the headline scope (the Space Force, including SDA), US$ millions, current';
COMMENT ON COLUMN marts.space_share.defense_usd_millions IS 'Defense budget authority on the headline scope (the DoD), US$ millions, current';
COMMENT ON COLUMN marts.space_share.share_pct IS 'Percent: 100 * space_usd_millions / defense_usd_millions, 2 decimals';
COMMENT ON COLUMN marts.space_share.nation_iso3 IS 'Nation, ISO 3166-1 alpha-3: USA, the only nation whose military space and defense budgets are both recorded here';
