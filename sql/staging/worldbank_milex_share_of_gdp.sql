-- staging.worldbank_milex_share_of_gdp
-- Grain: one row per nation and calendar year, from data_raw/starter/worldbank_milex_share_of_gdp.csv after its
-- contract (World Bank WDI indicator MS.MIL.XPND.GD.ZS).
-- Units: share_of_gdp_pct in percent of GDP.
CREATE OR REPLACE TABLE staging.worldbank_milex_share_of_gdp (
    nation_iso3 VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    share_of_gdp_pct DOUBLE NOT NULL,
    edition VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_url VARCHAR,
    source_file VARCHAR NOT NULL,
    source_row BIGINT NOT NULL,
    PRIMARY KEY (nation_iso3, year)
);
COMMENT ON COLUMN staging.worldbank_milex_share_of_gdp.share_of_gdp_pct IS 'Military expenditure, percent of GDP';
