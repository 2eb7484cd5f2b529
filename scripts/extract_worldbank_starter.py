"""Regenerate data_raw/starter/lines/worldbank_milex_share_of_gdp.csv from a World Bank WDI bulk download.

    .venv/bin/python scripts/extract_worldbank_starter.py \
        ../shared/data/worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip

Reads the download with milspace's World Bank reader (pipelines/sources/worldbank.py) and keeps indicator
MS.MIL.XPND.GD.ZS (military expenditure, percent of GDP) for the starter nations, 2000-2024: a second publisher
beside SIPRI, so that marts.source_agreement has something to compare on the shipped data. World Bank data are
CC BY 4.0.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_sipri_starter import FIRST_YEAR, LAST_YEAR, NATIONS  # noqa: E402
from starter_extract import write  # noqa: E402

from pipelines.nations import default_names  # noqa: E402
from pipelines.sources import worldbank  # noqa: E402

URL = "https://data.worldbank.org/indicator/MS.MIL.XPND.GD.ZS"


def extract(path: Path) -> pl.DataFrame:
    result = worldbank.read(path, path.name, default_names())
    return result.lines.filter(
        pl.col("entity_code").is_in(NATIONS)
        & pl.col("period").is_between(FIRST_YEAR, LAST_YEAR)
        & (pl.col("measure") == "milex_share_of_gdp")
    )


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    lines = extract(Path(argv[1]))
    write(
        lines,
        "worldbank_milex_share_of_gdp",
        title="World Bank WDI, military expenditure (% of GDP), starter nations 2000-2024",
        description=(
            "Indicator MS.MIL.XPND.GD.ZS (percent of GDP, from SIPRI) for the starter nations: a second publisher "
            "beside SIPRI. Made by scripts/extract_worldbank_starter.py."
        ),
        source=f"World Bank, World Development Indicators, {lines['edition'][0]}",
        url=URL,
        terms="CC BY 4.0",
    )


if __name__ == "__main__":
    main(sys.argv)
