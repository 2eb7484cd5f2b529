-- check: calendar_years_of_one_phase
-- asset: marts.calendar_year_budget
-- severity: error
-- Invariant: a calendar-year amount apportioned from fiscal years covers exactly 12 months, all from fiscal years of
-- one phase (an actual fiscal year is never added to an enacted one, nor an enacted one to a request). Returns the
-- calendar years with an amount that break it.
SELECT nation_iso3, year, measure, category, price_basis, currency, phase, months_covered, from_fiscal_years, source
FROM marts.calendar_year_budget
WHERE amount_millions IS NOT NULL AND (phase IS NULL OR months_covered <> 12)
