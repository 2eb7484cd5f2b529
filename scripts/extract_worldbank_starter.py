"""Regenerate data_raw/starter/worldbank_milex_share_of_gdp.csv from a World Bank WDI bulk download.

    .venv/bin/python scripts/extract_worldbank_starter.py \
        ../shared/data/worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip

Reads the download with milspace's World Bank reader (pipelines/sources/worldbank.py) and keeps indicator
MS.MIL.XPND.GD.ZS (military expenditure, percent of GDP) for the starter nations, 2000-2024: a second publisher
beside SIPRI, so that marts.source_agreement has something to compare on the shipped data. World Bank data are
CC BY 4.0.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import polars as pl

from pipelines.sources import worldbank
from pipelines.sources.budget_lines import default_names

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_sipri_starter import FIRST_YEAR, LAST_YEAR, NATIONS  # noqa: E402

SOURCE = "World Bank, World Development Indicators, indicator MS.MIL.XPND.GD.ZS (from SIPRI)"
SOURCE_URL = "https://data.worldbank.org/indicator/MS.MIL.XPND.GD.ZS"


def extract(path: Path) -> list[dict]:
    result = worldbank.read(path, str(path), default_names())
    lines = result.lines.filter(
        pl.col("entity_code").is_in(NATIONS)
        & pl.col("period").is_between(FIRST_YEAR, LAST_YEAR)
        & (pl.col("measure") == "milex_share_of_gdp")
        & pl.col("value").is_not_null()
    ).sort("entity_code", "period")
    return [
        {
            "nation_iso3": line["entity_code"],
            "year": line["period"],
            "share_of_gdp_pct": round(line["value"], 4),
            "edition": result.edition,
            "source": SOURCE,
            "source_url": SOURCE_URL,
        }
        for line in lines.iter_rows(named=True)
    ]


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    rows = extract(Path(argv[1]))
    out = Path(__file__).resolve().parents[1] / "data_raw" / "starter" / "worldbank_milex_share_of_gdp.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main(sys.argv)
