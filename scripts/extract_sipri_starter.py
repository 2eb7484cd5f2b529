"""Regenerate data_raw/starter/lines/sipri_milex.csv from a SIPRI Military Expenditure Database workbook.

    .venv/bin/python scripts/extract_sipri_starter.py ../shared/data/sipri/SIPRI-Milex-data-1949-2024_2.xlsx

Reads the workbook with milspace's own SIPRI reader (pipelines/sources/sipri.py: estimate and high-uncertainty
flags from font colours, missing-data markers kept, footnotes resolved) and keeps, for the starter nations and
2000-2024, the country lines of every data sheet: constant and current US$, share of GDP and of government
spending, per capita, and local currency (calendar and financial years). The lines are written as the reader
gives them (scripts/starter_extract.py), so the starter figures and the workbook's own are one figure each.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from starter_extract import write  # noqa: E402

from pipelines.nations import default_names  # noqa: E402
from pipelines.sources import sipri  # noqa: E402

NATIONS = [
    "USA", "CHN", "RUS", "GBR", "FRA", "DEU", "JPN", "IND",
    "AUS", "BHR", "BRA", "CAN", "COL", "ISR", "ITA", "KOR", "LUX", "MEX", "NZL", "POL", "ROU", "SGP", "UKR", "ARE",
]  # fmt: skip
FIRST_YEAR, LAST_YEAR = 2000, 2024
URL = "https://www.sipri.org/databases/milex"


def extract(path: Path) -> pl.DataFrame:
    lines = sipri.read(path, path.name, default_names()).lines
    kept = lines.filter(
        pl.col("entity_code").is_in(NATIONS)
        & pl.col("period").is_between(FIRST_YEAR, LAST_YEAR)
        & ~pl.col("is_total")  # countries, not regional totals
    )
    missing = set(NATIONS) - set(kept["entity_code"])
    if missing:
        raise SystemExit(f"nations not found in the workbook: {sorted(missing)}")
    return kept


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    lines = extract(Path(argv[1]))
    edition = lines["edition"][0]
    write(
        lines,
        "sipri_milex",
        title=f"SIPRI Military Expenditure Database, {edition}: 24 nations, {FIRST_YEAR}-{LAST_YEAR}",
        description=(
            "Military expenditure of the starter nations from every data sheet of the SIPRI workbook (constant and "
            "current US$ millions, share of GDP and of government spending in percent, US$ per person, local "
            "currency), with SIPRI's estimate flags and missing-data markers. Made by "
            "scripts/extract_sipri_starter.py."
        ),
        source=f"SIPRI Military Expenditure Database, {edition}",
        url=URL,
        terms="SIPRI terms: non-commercial use, with attribution (cite: SIPRI Military Expenditure Database)",
    )


if __name__ == "__main__":
    main(sys.argv)
