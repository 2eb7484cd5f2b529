-- What share of the DoD request goes to the Space Force, year by year, and on which scope?
-- Units: US$ millions, current; share_pct in percent.
SELECT fiscal_year, space_scope, space_usd_millions, defense_usd_millions, share_pct
FROM marts.space_share
WHERE phase = 'request'
ORDER BY fiscal_year;
