"""Regenerate data_raw/starter/military_expenditure.csv from a SIPRI Military Expenditure Database workbook.

The starter file ships figures only (one row per nation, year and measure, each with its source); the SIPRI
workbook itself is never copied into the repository. This script records how those figures were taken, so the
file can be checked against, or refreshed from, the workbook SIPRI publishes:

    .venv/bin/python scripts/extract_sipri_starter.py ../shared/data/sipri/SIPRI-Milex-data-1949-2024_2.xlsx

It reads the workbook with milspace's own SIPRI reader (pipelines/sources/sipri.py: estimate and
high-uncertainty flags from font colours, missing-data markers kept) and keeps, for the starter nations and
2000-2024: constant and current US$ millions, share of GDP and of government spending (percent), per capita
(US$) and local currency at current prices (calendar years, in millions of the currency).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import polars as pl

from pipelines.sources import sipri
from pipelines.sources.budget_lines import default_names

NATIONS = [
    "USA", "CHN", "RUS", "GBR", "FRA", "DEU", "JPN", "IND",
    "AUS", "BHR", "BRA", "CAN", "COL", "ISR", "ITA", "KOR", "LUX", "MEX", "NZL", "POL", "ROU", "SGP", "UKR", "ARE",
]  # fmt: skip
FIRST_YEAR, LAST_YEAR = 2000, 2024
SOURCE = "SIPRI Military Expenditure Database, April 2025 release (data 1949-2024)"
SOURCE_URL = "https://www.sipri.org/databases/milex"

#: reader measure -> (starter measure, divisor to the starter unit, decimals); units are set per row below.
MEASURES = {
    "milex_constant_usd": ("constant_usd", 1.0, 1),
    "milex_current_usd": ("current_usd", 1.0, 1),
    "milex_share_of_gdp": ("share_of_gdp", 1.0, 4),
    "milex_per_capita_usd": ("per_capita_usd", 1.0, 1),
    "milex_share_of_government_spending": ("share_of_government_spending", 1.0, 4),
    "milex_local_currency": ("local_currency", 1e6, 1),
}
ORDER = {starter: i for i, (starter, _, _) in enumerate(MEASURES.values())}


def _unit(measure: str, base_year: str, currency: str | None) -> str:
    return {
        "constant_usd": f"US$ millions, constant ({base_year}) prices and exchange rates",
        "current_usd": "US$ millions, current prices and exchange rates",
        "share_of_gdp": "percent of GDP",
        "per_capita_usd": "US$ per person, current prices",
        "share_of_government_spending": "percent of general government expenditure",
        "local_currency": f"local currency millions ({currency}), current prices",
    }[measure]


def extract(path: Path) -> list[dict]:
    lines = sipri.read(path, str(path), default_names()).lines.filter(
        pl.col("entity_code").is_in(NATIONS)
        & pl.col("period").is_between(FIRST_YEAR, LAST_YEAR)
        & pl.col("measure").is_in(list(MEASURES))
        & pl.col("unit_factor").is_in([1.0, 1e6])  # countries, not regional totals in US$ billions
        # local currency from the calendar-year sheet (the reader marks the US rows of every sheet as fiscal years,
        # as SIPRI's footnote says, so the sheet, not the period type, tells the two local-currency sheets apart)
        & ~pl.col("sheet").str.to_lowercase().str.starts_with("local currency financial")
    )
    base_year = lines.filter(pl.col("measure") == "milex_constant_usd")["price_basis"][0].removeprefix("constant_")
    rows = []
    for line in lines.iter_rows(named=True):
        measure, divisor, decimals = MEASURES[line["measure"]]
        value = "" if line["value"] is None else round(line["value"] / divisor, decimals)
        rows.append(
            {
                "nation_iso3": line["entity_code"],
                "year": line["period"],
                "measure": measure,
                "value": value,
                "unit": _unit(measure, base_year, line["currency"]),
                "is_estimate": str(value != "" and line["is_estimate"]).lower(),
                "is_highly_uncertain": str(value != "" and line["is_highly_uncertain"]).lower(),
                "missing_marker": line["missing_marker"] or "",
                "source": f"{SOURCE}, sheet '{line['sheet']}'",
                "source_url": SOURCE_URL,
            }
        )
    missing = set(NATIONS) - {r["nation_iso3"] for r in rows}
    if missing:
        raise SystemExit(f"nations not found in the workbook: {sorted(missing)}")
    rows.sort(key=lambda r: (r["nation_iso3"], ORDER[r["measure"]], r["year"]))
    return rows


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    rows = extract(Path(argv[1]))
    out = Path(__file__).resolve().parents[1] / "data_raw" / "starter" / "military_expenditure.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main(sys.argv)
