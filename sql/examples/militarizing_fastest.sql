-- Who is militarizing fastest?
-- The change in the militarization index (0-1000) over the last five years, with the latest rank.
WITH latest AS (
    SELECT max(year) AS year FROM marts.militarization_index
),

scores AS (
    SELECT nation_name, year, score, rank FROM marts.militarization_index
)

SELECT
    now_.nation_name,
    now_.score AS score_latest,
    then_.score AS score_5y_before,
    round(now_.score - then_.score, 1) AS change_5y,
    now_.rank AS rank_latest
FROM scores AS now_
INNER JOIN scores AS then_ ON then_.nation_name = now_.nation_name AND then_.year = now_.year - 5
WHERE now_.year = (SELECT year FROM latest)
ORDER BY change_5y DESC
LIMIT 20;
