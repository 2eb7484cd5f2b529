-- report: militarization
-- Grain: one row per nation and year of the militarization index, for the focus nations and the 2022 Artemis
-- Accords signatories, where the nation has every ranked indicator. Units: score 0-1000 over every nation and year;
-- rank 1 = highest of the year. source: the publications of the indicators (marts.burden, marts.defense_yoy).
SELECT
    mi.nation_iso3, mi.nation_name, mi.year, mi.score, mi.rank, mi.nations_ranked, mi.milex_share_of_gdp,
    mi.real_growth_pct, nations.is_focus, array_to_string(list_distinct([burden.source, yoy.source]), '; ') AS source
FROM marts.militarization_index AS mi
INNER JOIN marts.nations AS nations ON nations.code = mi.nation_iso3
LEFT JOIN marts.burden AS burden USING (nation_iso3, year)
LEFT JOIN marts.defense_yoy AS yoy USING (nation_iso3, year)
WHERE (nations.is_focus OR nations.is_artemis_signatory_2022) AND mi.is_ranked
ORDER BY mi.nation_iso3, mi.year
