"""Benchmark: the column lineage of every SQL file of sql/staging and sql/marts (pipelines/lineage.py).

    .venv/bin/python benchmarks/column_lineage.py [--runs 5] [--record]

Each run starts from nothing read (the in-memory catalog dropped) and asks `column_lineage` for every file, as the
Dagster definitions would: every file parsed, qualified and traced once, the tables each reads resolved from the
files that create them. Also reported: the import of sqlglot and pipelines.lineage in a fresh process, and sqlglot's
own per-column `lineage()` over the same files for comparison (one run).
Target: well under 2 s for all the files together.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import record  # noqa: E402
from pipelines import lineage  # noqa: E402
from pipelines.paths import SQL_DIR  # noqa: E402


def _files() -> list[Path]:
    return [p for schema in lineage.SCHEMAS for p in sorted((SQL_DIR / schema).glob("*.sql"))]


def one_run() -> tuple[float, int, int, int]:
    """(seconds, files, columns, plain copies) for every file, from nothing read."""
    with lineage._LOCK:
        lineage._CATALOG = None
    start = time.perf_counter()
    columns = copies = 0
    for path in _files():
        for found in lineage.file_lineage(path).values():
            columns += len(found)
            copies += sum(1 for c in found.values() if c.is_copy)
    return time.perf_counter() - start, len(_files()), columns, copies


def sqlglot_per_column() -> float:
    """sqlglot's `lineage(column, ...)` for every column of every CREATE ... AS query, with the same schema."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.lineage import lineage as per_column

    start = time.perf_counter()
    for path in _files():
        text = lineage.with_shapes(path.read_text(encoding="utf-8"), str(path))
        schema = {}
        for statement in sqlglot.parse(text, dialect="duckdb"):
            if not isinstance(statement, exp.Create) or not isinstance(statement.expression, exp.Query):
                continue
            for db, table in lineage._reads(statement.expression):
                columns = lineage._catalog(SQL_DIR).columns(db, table) or []
                schema.setdefault(db, {})[table] = dict.fromkeys(columns, "UNKNOWN")
            for column in lineage._query_lineage(statement.expression.copy(), schema):
                try:
                    with lineage._quiet():
                        per_column(column, statement.expression, schema=schema, dialect="duckdb")
                except Exception:  # noqa: BLE001 - sqlglot cannot follow some (BY NAME unions): counted as tried
                    pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--record", action="store_true", help="write the result into benchmarks/RESULTS.md")
    args = parser.parse_args()
    imported = subprocess.run(
        [sys.executable, "-c", "import time; t = time.perf_counter(); import pipelines.lineage; "
         "print(time.perf_counter() - t)"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    runs = [one_run() for _ in range(args.runs)]
    seconds = [r[0] for r in runs]
    _, files, columns, copies = runs[0]
    warm = time.perf_counter()
    for path in _files():
        lineage.column_lineage(path)
    warm_seconds = time.perf_counter() - warm
    lines = [
        f"Column lineage of all {files} files of sql/staging and sql/marts ({columns} columns, {copies} plain copies), "
        f"from nothing read: best of {args.runs} {min(seconds):.2f} s, worst {max(seconds):.2f} s; asked again with "
        f"the files unchanged (the in-memory catalog kept): {warm_seconds:.3f} s. Import of pipelines.lineage "
        f"(sqlglot included) in a fresh process: {float(imported.stdout):.2f} s.",
        f"For comparison, sqlglot's per-column `lineage()` over the same columns: {sqlglot_per_column():.1f} s.",
        "Target: well under 2 s for all the files together.",
        f"Machine: {platform.machine()}, Python {platform.python_version()}; "
        f"command: .venv/bin/python benchmarks/column_lineage.py --runs {args.runs}",
    ]
    print("\n".join(lines))
    if args.record:
        record("column_lineage", "Column lineage of the SQL files", lines)


if __name__ == "__main__":
    main()
