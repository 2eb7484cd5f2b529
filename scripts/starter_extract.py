"""Write a starter extract: budget lines a milspace reader made of a published file, in the budget-line shape (or
space objects a catalogue reader made, in the space-object shape), into data_raw/starter/lines/, and describe it in
that folder's datapackage.json.

The extract scripts (extract_sipri_starter.py, extract_worldbank_starter.py, extract_dod_space_starter.py) read a
published file with milspace's own reader, keep the lines the starter data needs, and call `write`. The extract is
read back by pipelines/sources/extracts.py, by the same road as an inbox file, so the figures it carries are the
same figures (same publisher, reader, edition, measure, phase and price basis) as the publication's own lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from pipelines.paths import REPO_ROOT
from pipelines.shapes import BUDGET_LINE_COLUMNS, SPACE_OBJECT_COLUMNS
from pipelines.sources.extracts import LIST_SEPARATOR

FOLDER = REPO_ROOT / "data_raw" / "starter" / "lines"
PACKAGE = FOLDER / "datapackage.json"
_TYPES = {
    pl.String: "string",
    pl.Int64: "integer",
    pl.Float64: "number",
    pl.Boolean: "boolean",
    pl.Date: "date",
    pl.Datetime("us"): "datetime",
    pl.List(pl.String): "string",
}
#: The shapes an extract may have: its columns, and the order its rows are written in (by publication, then where
#: each was read).
SHAPES = {
    "budget_line": (BUDGET_LINE_COLUMNS, ("file", "sheet", "row", "source_column", "measure", "period")),
    "space_object": (SPACE_OBJECT_COLUMNS, ("file", "sheet", "row")),
}


def schema(shape: str = "budget_line") -> dict:
    """A declared shape as a Frictionless table schema (declared once, in pipelines/shapes.py)."""
    return {
        "fields": [
            {"name": name, "type": _TYPES[column.dtype], "description": column.description}
            for name, column in SHAPES[shape][0].items()
        ]
    }


def csv_text(lines: pl.DataFrame, shape: str = "budget_line") -> str:
    """The extract file's text: the shape's columns in their declared order, rows in the shape's order; a list
    cell as its items separated by LIST_SEPARATOR."""
    columns, order = SHAPES[shape]
    ordered = lines.select(list(columns)).sort(list(order), nulls_last=False)
    lists = [name for name, column in columns.items() if column.dtype == pl.List(pl.String)]
    ordered = ordered.with_columns(pl.col(name).list.join(LIST_SEPARATOR) for name in lists)
    return ordered.write_csv(line_terminator="\n", null_value="")


def write(
    lines: pl.DataFrame,
    name: str,
    *,
    title: str,
    description: str,
    source: str,
    url: str,
    terms: str,
    shape: str = "budget_line",
) -> Path:
    """Write `lines` (finalized budget lines, or space objects with shape="space_object") to
    data_raw/starter/lines/<name>.csv and describe it."""
    if lines.is_empty():
        raise SystemExit(f"{name}: no lines to write")
    FOLDER.mkdir(parents=True, exist_ok=True)
    out = FOLDER / f"{name}.csv"
    out.write_text(csv_text(lines, shape), encoding="utf-8")
    package = json.loads(PACKAGE.read_text(encoding="utf-8")) if PACKAGE.exists() else _package()
    resource = {
        "name": name,
        "path": out.name,
        "format": "csv",
        "encoding": "utf-8",
        "title": title,
        "description": description,
        "sources": [{"title": source, "path": url}],
        "licenses": [{"name": terms}],
        "rows": lines.height,
        "schema": schema(shape),
    }
    package["resources"] = [r for r in package["resources"] if r["name"] != name] + [resource]
    package["resources"].sort(key=lambda r: r["name"])
    PACKAGE.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {lines.height:,} lines to {out.relative_to(REPO_ROOT)}")
    return out


def _package() -> dict:
    return {
        "name": "milspace-starter-lines",
        "title": "milspace starter extracts: budget lines read by milspace's readers from published files",
        "description": (
            "Each file holds budget lines in the budget-line shape (pipelines/shapes.py), made by the "
            "script named in its description with milspace's own reader, and read back by "
            "pipelines/sources/extracts.py like any file in the inbox. extracted_from gives, per line, the "
            "published file, sheet, row and column the reader read it from."
        ),
        "resources": [],
    }
