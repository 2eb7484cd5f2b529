"""The data dictionary: every column of the warehouse's `staging` and `marts` schemas with its type and description
(the column comments the warehouse writer gives, pipelines/warehouse.py `describe_columns`), and every table with
its description, read from a warehouse connection.

A description says what a column holds and its unit. `unit_of` finds the unit a description names, from one small
vocabulary (UNITS): the README's table of marts and the methodology page show it, and tests/test_dictionary.py holds
every numeric column to naming one.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

from pipelines.paths import SQL_DIR
from pipelines.warehouse import header_comment

#: The schemas the dictionary covers.
SCHEMAS = ("staging", "marts")

#: The units a description may name: (pattern, the unit in short), the first match winning. A description names a
#: unit when one of the patterns is found in it (case-insensitive). In words: a figure in the unit its measure or
#: another column names; money (US$ millions or billions, US$ per person or per item, millions or thousands of the
#: currency a column names, local currency per US$); percent and percentage points; rates per 10,000 words or per
#: 1,000 people; a score 0-1000; a ratio; a relative weight; a rank; a count; a row number; a position (a paragraph
#: or word, 0- or 1-based); bytes; km; degrees; years or months of duration; a month 1-12; a year; a multiplier;
#: an identifier (no unit).
UNITS: tuple[tuple[str, str], ...] = (
    (r"in the unit of the measure", "unit of its measure"),
    (r"\bin (?:`unit`|unit\b)|named by (?:the )?unit|in the newer edition's unit", "see unit"),
    (r"x unit_factor is in|\bmultiplier\b", "multiplier"),
    (r"US\$ per person", "US$ per person"),
    (r"US\$ millions per item", "US$ millions per item"),
    (r"US\$ millions", "US$ millions"),
    (r"US\$ billions", "US$ billions"),
    (r"millions of (?:the )?(?:currency|`currency`|<currency>)", "millions of currency"),
    (r"thousands of (?:the )?(?:currency|`currency`)", "thousands of currency"),
    (r"`scale` units of `currency`", "currency, as written"),
    (r"whole currency units", "whole units"),
    (r"currency per US dollar", "currency per US$"),
    (r"percentage points", "percentage points"),
    (r"per 10,000 words", "per 10,000 words"),
    (r"per 1,000 people", "per 1,000 people"),
    (r"\bpercent\b", "percent"),
    (r"\b0-1000\b", "score 0-1000"),
    (r"\bratio\b", "ratio"),
    (r"relative weight", "relative weight"),
    (r"\brank\b", "rank"),
    (r"\ba count\b|\bnumber of\b", "count"),
    (r"\brow\b.*\b1-based\b|\b1-based row\b|\brow 1\b|record number", "row number"),
    (r"\b[01]-based\b", "position"),
    (r"\bbytes\b", "bytes"),
    (r"\bkm\b", "km"),
    (r"\bdegrees\b", "degrees"),
    (r", years\b", "years"),
    (r"\bmonths\b", "months"),
    (r"\bmonth\b", "month 1-12"),
    (r"\byear\b", "year"),
    (r"\bidentifier\b", "identifier"),
)
_UNIT_PATTERNS = tuple((re.compile(pattern, re.IGNORECASE), unit) for pattern, unit in UNITS)

#: DuckDB's numeric types (a column of one of these must name its unit).
NUMERIC_TYPES = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|"
    r"FLOAT|DOUBLE|DECIMAL.*)$"
)


def unit_of(description: str | None) -> str | None:
    """The unit a description names (the short form from UNITS), or None when it names none."""
    for pattern, unit in _UNIT_PATTERNS:
        if description and pattern.search(description):
            return unit
    return None


def is_numeric(data_type: str) -> bool:
    return bool(NUMERIC_TYPES.match(data_type))


def columns(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every column of the staging and marts tables and views: schema, table, kind (table or view), column, type
    and description, ordered by schema, table and the table's own column order."""
    return con.execute(
        """
        SELECT
            c.schema_name AS schema,
            c.table_name AS "table",
            CASE t.table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind,
            c.column_name AS "column",
            c.data_type AS type,
            c.comment AS description
        FROM duckdb_columns() AS c
        INNER JOIN information_schema.tables AS t
            ON t.table_catalog = c.database_name AND t.table_schema = c.schema_name AND t.table_name = c.table_name
        WHERE c.database_name = current_database() AND c.schema_name IN ('staging', 'marts')
        ORDER BY array_position(['staging', 'marts'], c.schema_name), c.table_name, c.column_index
        """
    ).pl()


def tables(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> pl.DataFrame:
    """Every staging and marts table and view: schema, table, kind, description (its COMMENT ON TABLE, else the first
    paragraph of its SQL file's header) and its number of columns, ordered by schema and table."""
    found = con.execute(
        """
        SELECT schema_name AS schema, table_name AS "table", 'table' AS kind, comment
        FROM duckdb_tables() WHERE database_name = current_database() AND schema_name IN ('staging', 'marts')
        UNION ALL
        SELECT schema_name, view_name, 'view', comment
        FROM duckdb_views() WHERE database_name = current_database() AND schema_name IN ('staging', 'marts')
        """
    ).pl()
    counted = columns(con).group_by("schema", "table").agg(pl.len().alias("columns"))
    described = [
        row["comment"] or header_description(sql_dir / row["schema"] / f"{row['table']}.sql")
        for row in found.iter_rows(named=True)
    ]
    return (
        found.with_columns(pl.Series("description", described, dtype=pl.String))
        .drop("comment")
        .join(counted, on=["schema", "table"], how="left")
        .with_columns(pl.col("columns").fill_null(0).cast(pl.Int64))
        .sort(pl.col("schema").replace_strict({"staging": 0, "marts": 1}, return_dtype=pl.Int8), "table")
    )


def header_paragraphs(lines: list[str]) -> list[str]:
    """A SQL file's header comment lines as paragraphs: a line that starts with a word (or words) and a colon, a dash
    or a numbered step begins a new one; other lines continue the one before."""
    paragraphs: list[str] = []
    for line in lines:
        if not paragraphs or re.match(r"^[A-Z][\w ()]*:", line) or line.startswith(("-", "1.", "2.", "3.", "4.")):
            paragraphs.append(line)
        else:
            paragraphs[-1] += " " + line
    return paragraphs


def header_description(path: Path) -> str | None:
    """The first paragraph of a SQL file's header after the line naming its table, without its "Grain:" label
    ("One row per nation or body code, from ..."); None without a file or a header."""
    if not path.is_file():
        return None
    lines = header_comment(path).splitlines()
    if lines and re.fullmatch(r"[a-z_]+\.[a-z_]+", lines[0].strip()):
        lines = lines[1:]
    paragraphs = header_paragraphs(lines)
    if not paragraphs:
        return None
    text = re.sub(r"^Grain:\s*", "", paragraphs[0])
    return text[:1].upper() + text[1:]


# --- the README's table of marts ----------------------------------------------------------------------------------

#: The markers around the generated table of marts in README.md.
README_BEGIN = "<!-- marts:begin -->"
README_END = "<!-- marts:end -->"
#: How a unit reads in parentheses after a column's name, where its short form would not.
_SHOWN_UNIT = {"see unit": "in its row's unit"}


def shown_unit(column_type: str, description: str | None) -> str | None:
    """The unit to show beside a numeric column's name (None for other columns, and for numbers naming none)."""
    if not is_numeric(column_type):
        return None
    unit = unit_of(description)
    return _SHOWN_UNIT.get(unit, unit) if unit else None


def _markdown(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def marts_table(con: duckdb.DuckDBPyConnection) -> str:
    """The README's table of marts, made from the dictionary: one row per mart with its description and its columns,
    each numeric column with its unit in short."""
    found = columns(con).filter(pl.col("schema") == "marts")
    lines = ["| table | what it holds | columns (units of the numeric ones) |", "|---|---|---|"]
    for row in tables(con).filter(pl.col("schema") == "marts").iter_rows(named=True):
        own = found.filter(pl.col("table") == row["table"])
        shown = []
        for column in own.iter_rows(named=True):
            unit = shown_unit(column["type"], column["description"])
            shown.append(f"`{column['column']}`" + (f" ({unit})" if unit else ""))
        lines.append(f"| `marts.{row['table']}` | {_markdown(row['description'] or '')} | {', '.join(shown)} |")
    return "\n".join(lines) + "\n"


def with_marts_table(readme: str, table: str) -> str:
    """README text with the part between README_BEGIN and README_END replaced by `table`."""
    before, begin, rest = readme.partition(README_BEGIN)
    _, end, after = rest.partition(README_END)
    if not begin or not end:
        raise ValueError(f"README has no {README_BEGIN} ... {README_END} section")
    return f"{before}{README_BEGIN}\n{table}{README_END}{after}"
