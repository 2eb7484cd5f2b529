"""Regenerate data_raw/starter/us_space_program_lines.csv from the DoD Comptroller's budget exhibits.

    .venv/bin/python scripts/extract_dod_space_starter.py ../shared/data/dod/fy2019_exhibits/{R-1,P-1,O-1}.xlsx

Reads each exhibit with milspace's own reader (pipelines/sources/dod_exhibits.py) and keeps the space lines
(`is_space`, the reader's documented rule: Space Force and SDA lines; before FY2021, Air Force Major Force
Program 12 program elements and space accounts), their budget authority by fiscal year, phase and funding type
(memo lines left out). These are the budget lines marts.capability_investment maps to capability areas when no
exhibit is in the inbox. US Government works: public domain.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import polars as pl

from pipelines.sources import dod_exhibits
from pipelines.sources.budget_lines import default_names

SOURCE_URL = "https://comptroller.defense.gov/Budget-Materials/"
FIELDS = [
    "fiscal_year", "phase", "funding_type", "exhibit", "exhibit_row", "appropriation_title", "account", "account_title",
    "organization", "budget_activity_title", "line_item", "line_item_title", "amount_usd_thousands",
    "source_column", "source", "source_url",
]  # fmt: skip


def extract(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        result = dod_exhibits.read(path, path.name, default_names())
        lines = result.lines.filter(
            pl.col("is_space") & (pl.col("measure") == "budget_authority") & ~pl.col("is_memo") & ~pl.col("is_total")
        )
        exhibit = result.source.rsplit(" ", 1)[-1]
        for line in lines.iter_rows(named=True):
            rows.append(
                {
                    "fiscal_year": line["period"],
                    "phase": line["phase"],
                    "funding_type": line["funding_type"],
                    "exhibit": exhibit,
                    "exhibit_row": line["row"],
                    "appropriation_title": line["appropriation_title"],
                    "account": line["account"],
                    "account_title": line["account_title"],
                    "organization": line["organization"] or "",
                    "budget_activity_title": line["budget_activity_title"] or "",
                    "line_item": line["line_item"],
                    "line_item_title": line["line_item_title"],
                    "amount_usd_thousands": line["value"] if line["value"] is not None else "",
                    "source_column": line["source_column"],
                    "source": f"{result.source}, {result.edition}, sheet '{line['sheet']}', row {line['row']}",
                    "source_url": SOURCE_URL,
                }
            )
    return rows


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    rows = extract([Path(a) for a in argv[1:]])
    out = Path(__file__).resolve().parents[1] / "data_raw" / "starter" / "us_space_program_lines.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main(sys.argv)
