"""Regenerate data_raw/starter/lines/space_military_objects.csv from the UCS Satellite Database editions and GCAT's
payload catalogue.

    .venv/bin/python scripts/extract_space_starter.py \\
        ../shared/data/space/ucs/UCS-Satellite-Database-8-1-2020.xls \\
        ../shared/data/space/ucs/UCS-Satellite-Database-9-1-2021.xls \\
        ../shared/data/space/ucs/UCS-Satellite-Database-5-1-2022.xls \\
        ../shared/data/space/ucs/UCS-Satellite-Database-1-1-2023.csv \\
        ../shared/data/space/gcat/psatcat_2025-04-13.tsv

Reads each catalogue with milspace's own readers (pipelines/sources/ucs.py, gcat.py: GCAT's orgs.tsv is found
beside psatcat) and keeps the satellites whose users include the military: what the starter build needs to show
military satellites by nation over the UCS editions and over GCAT's years. UCS data are free to use with
attribution to the Union of Concerned Scientists; GCAT is CC BY 4.0 (Jonathan McDowell).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from starter_extract import write  # noqa: E402

from pipelines.nations import default_names  # noqa: E402
from pipelines.sources.registry import read_file  # noqa: E402

URLS = (
    "https://www.ucsusa.org/resources/satellite-database",
    "https://planet4589.org/space/gcat/",
)


def extract(paths: list[Path]) -> pl.DataFrame:
    """The objects with military users of every catalogue file given, as its reader reads it, named by file name
    (the extract's provenance says which published file each object came from)."""
    frames = []
    for path in paths:
        objects = read_file(path, path.name, default_names()).objects
        frames.append(objects.filter(pl.col("is_military").fill_null(False)))
    return pl.concat(frames)


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    objects = extract([Path(a) for a in argv[1:]])
    editions = sorted(set(objects["edition"]))
    write(
        objects,
        "space_military_objects",
        title="Satellites with military users: UCS Satellite Database editions and GCAT's payload catalogue",
        description=(
            "Every satellite whose users include the military, from each UCS Satellite Database edition and GCAT's "
            f"payload catalogue ({'; '.join(editions)}), in the space-object shape. Made by "
            "scripts/extract_space_starter.py."
        ),
        source="Union of Concerned Scientists, UCS Satellite Database; Jonathan McDowell, GCAT",
        url=URLS[0],
        terms="UCS: free use with attribution to the Union of Concerned Scientists; GCAT: CC BY 4.0",
        shape="space_object",
    )


if __name__ == "__main__":
    main(sys.argv)
