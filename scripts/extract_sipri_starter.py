"""Regenerate data_raw/starter/military_expenditure.csv from a SIPRI Military Expenditure workbook.

The starter file ships figures only (one row per nation, year and measure, each with its source); the
SIPRI workbook itself is never copied into the repository. This script records how those figures were
taken, so the file can be checked against, or refreshed from, the workbook SIPRI publishes:

    .venv/bin/python scripts/extract_sipri_starter.py ../shared/data/sipri/SIPRI-Milex-data-1949-2024_2.xlsx

What it reads (SIPRI April 2025 release, data 1949-2024):
- sheets "Constant (2023) US$" and "Current US$" (US$ millions) and "Share of GDP" (a fraction, written
  out here in percent);
- SIPRI's estimate and high-uncertainty flags, which exist only as font colours: blue (indexed colour 12,
  or RGB 0000FF) is a SIPRI estimate, red (indexed 10, or RGB FF0000) highly uncertain data;
- missing-data markers ("...", ". .", "xxx"), kept as the reason a value is missing.

It needs openpyxl (in the dev dependency group), because font colours are not visible to faster readers.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import openpyxl

# SIPRI's country names for the nations the starter data covers.
SIPRI_NAMES = {
    "United States of America": "USA",
    "China": "CHN",
    "Russia": "RUS",
    "United Kingdom": "GBR",
    "France": "FRA",
    "Germany": "DEU",
    "Japan": "JPN",
    "India": "IND",
    "Australia": "AUS",
    "Bahrain": "BHR",
    "Brazil": "BRA",
    "Canada": "CAN",
    "Colombia": "COL",
    "Israel": "ISR",
    "Italy": "ITA",
    "Korea, South": "KOR",
    "Luxembourg": "LUX",
    "Mexico": "MEX",
    "New Zealand": "NZL",
    "Poland": "POL",
    "Romania": "ROU",
    "Singapore": "SGP",
    "Ukraine": "UKR",
    "United Arab Emirates": "ARE",
}

FIRST_YEAR, LAST_YEAR = 2000, 2024
SOURCE = "SIPRI Military Expenditure Database, April 2025 release (data 1949-2024)"
SOURCE_URL = "https://www.sipri.org/databases/milex"
BLUE = {12, "FF0000FF", "000000FF"}
RED = {10, "FFFF0000", "00FF0000"}
MISSING_MARKERS = {"...", ". .", "xxx", ". . ."}


def _colour(cell) -> object:
    colour = cell.font.color if cell.font is not None else None
    if colour is None:
        return None
    if colour.type == "indexed":
        return colour.indexed
    if colour.type == "rgb":
        return str(colour.rgb).upper()
    return None


def _header_row(ws) -> tuple[int, dict[int, int]]:
    """Find the row whose first cell is 'Country'; map year -> column index from it."""
    for row in ws.iter_rows(min_row=1, max_row=20):
        if isinstance(row[0].value, str) and row[0].value.strip() == "Country":
            years = {}
            for cell in row:
                value = cell.value
                if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
                    years[int(float(value))] = cell.column - 1
            return row[0].row, years
    raise SystemExit(f"{ws.title}: no header row starting with 'Country'")


def _sheet(workbook, pattern: str):
    for name in workbook.sheetnames:
        if re.fullmatch(pattern, name):
            return workbook[name]
    raise SystemExit(f"no sheet matching {pattern!r} in {workbook.sheetnames}")


def extract(path: Path) -> list[dict]:
    wb = openpyxl.load_workbook(path)
    constant = _sheet(wb, r"Constant \((\d{4})\) US\$")
    base_year = re.search(r"\d{4}", constant.title).group(0)
    measures = [
        ("constant_usd", constant, f"US$ millions, constant ({base_year}) prices and exchange rates", 1.0),
        ("current_usd", _sheet(wb, r"Current US\$"), "US$ millions, current prices and exchange rates", 1.0),
        ("share_of_gdp", _sheet(wb, r"Share of GDP"), "percent of GDP", 100.0),
    ]
    rows = []
    for measure, ws, unit, factor in measures:
        header, year_cols = _header_row(ws)
        seen = set()
        for row in ws.iter_rows(min_row=header + 1):
            name = row[0].value.strip() if isinstance(row[0].value, str) else None
            iso3 = SIPRI_NAMES.get(name)
            if iso3 is None:
                continue
            seen.add(iso3)
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                cell = row[year_cols[year]]
                raw = cell.value
                colour = _colour(cell)
                value, marker = "", ""
                if isinstance(raw, (int, float)):
                    value = round(float(raw) * factor, 1 if factor == 1.0 else 4)
                elif raw is None or (isinstance(raw, str) and raw.strip() in MISSING_MARKERS | {""}):
                    marker = raw.strip() if isinstance(raw, str) and raw.strip() else "empty"
                else:
                    raise SystemExit(f"{ws.title}!{cell.coordinate}: unexpected value {raw!r}")
                rows.append(
                    {
                        "nation_iso3": iso3,
                        "year": year,
                        "measure": measure,
                        "value": value,
                        "unit": unit,
                        "is_estimate": str(value != "" and colour in BLUE).lower(),
                        "is_highly_uncertain": str(value != "" and colour in RED).lower(),
                        "missing_marker": marker,
                        "source": f"{SOURCE}, sheet '{ws.title}'",
                        "source_url": SOURCE_URL,
                    }
                )
        missing = set(SIPRI_NAMES.values()) - seen
        if missing:
            raise SystemExit(f"{ws.title}: nations not found: {sorted(missing)}")
    order = {m: i for i, (m, *_rest) in enumerate(measures)}
    rows.sort(key=lambda r: (r["nation_iso3"], order[r["measure"]], r["year"]))
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
