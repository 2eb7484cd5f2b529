"""Regenerate data_raw/starter/lines/dod_space_lines.csv from the DoD Comptroller's budget exhibits.

    .venv/bin/python scripts/extract_dod_space_starter.py ../shared/data/dod/fy2019_exhibits/{R-1,P-1,O-1}.xlsx

Reads each exhibit with milspace's own reader (pipelines/sources/dod_exhibits.py) and keeps its space lines
(`is_space`, the reader's documented rule), every amount column as the reader reads it. These are the budget lines
marts.capability_investment maps to capability areas when no exhibit is in the inbox; with the exhibits in the
inbox they are the same figures, counted once. US Government works: public domain.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from starter_extract import write  # noqa: E402

from pipelines.nations import default_names  # noqa: E402
from pipelines.sources import dod_exhibits  # noqa: E402

URL = "https://comptroller.defense.gov/Budget-Materials/"


def extract(paths: list[Path]) -> pl.DataFrame:
    frames = [dod_exhibits.read(p, p.name, default_names()).lines.filter(pl.col("is_space")) for p in paths]
    return pl.concat(frames)


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    lines = extract([Path(a) for a in argv[1:]])
    editions = ", ".join(sorted(set(lines["edition"])))
    exhibits = ", ".join(sorted(set(lines["source"].str.extract(r"(\S+)$"))))
    write(
        lines,
        "dod_space_lines",
        title=f"US DoD Comptroller budget exhibits {exhibits}, {editions}: space lines",
        description=(
            "The space lines (is_space, the DoD exhibit reader's documented rule) of the exhibits, every amount "
            "column (fiscal year, phase, funding type) in thousands of US$. Made by "
            "scripts/extract_dod_space_starter.py."
        ),
        source=f"US DoD Comptroller, budget exhibits {exhibits}, {editions}",
        url=URL,
        terms="US Government work: public domain",
    )


if __name__ == "__main__":
    main(sys.argv)
