-- How fast is each nation's military spending growing in real terms over a decade?
-- Compound annual real growth 2014-2024 (percent per year) and the total real change (percent), from SIPRI's
-- constant-dollar series rebased to the latest complete year.
SELECT
    nation_name,
    real_cagr_10y_pct,
    real_cagr_5y_pct,
    round(100 * (pow(1 + real_cagr_10y_pct / 100, 10) - 1), 1) AS real_change_10y_pct
FROM marts.defense_yoy
WHERE year = 2024 AND real_cagr_10y_pct IS NOT NULL
ORDER BY real_cagr_10y_pct DESC;
