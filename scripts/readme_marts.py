"""Write README.md's table of marts from a built warehouse's data dictionary (pipelines/dictionary.py).

    .venv/bin/python scripts/readme_marts.py [WAREHOUSE] [--readme README.md] [--check]

WAREHOUSE defaults to the published warehouse, data_marts/warehouse.duckdb; it is opened read-only. The table
between `<!-- marts:begin -->` and `<!-- marts:end -->` in the README (section "The marts (the public interface)")
is replaced by one row per mart: its name, its description (the mart's COMMENT ON TABLE) and its columns, each
numeric one with its unit. With --check nothing is written: the command prints the difference and exits 1 when the
README's table is not what the warehouse gives, 0 when it is.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.dictionary import marts_table, with_marts_table  # noqa: E402
from pipelines.errors import MilspaceError  # noqa: E402
from pipelines.paths import Layout, default_root  # noqa: E402
from pipelines.warehouse import read_only  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("warehouse", nargs="?", type=Path, help="a built warehouse (default: the published one)")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--check", action="store_true", help="print the difference and exit 1 if the README is stale")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or Layout(default_root()).warehouse
    try:
        with read_only(warehouse) as con:
            table = marts_table(con)
    except MilspaceError as exc:
        print(f"readme_marts: {exc}", file=sys.stderr)
        return 2
    current = args.readme.read_text(encoding="utf-8")
    try:
        wanted = with_marts_table(current, table)
    except ValueError as exc:
        print(f"readme_marts: {args.readme}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if wanted == current:
            print(f"{args.readme}: the table of marts matches {warehouse}")
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True), wanted.splitlines(keepends=True), str(args.readme), f"from {warehouse}"
        )
        sys.stdout.writelines(diff)
        print(f"{args.readme} is stale: run .venv/bin/python scripts/readme_marts.py {warehouse}")
        return 1
    if wanted != current:
        args.readme.write_text(wanted, encoding="utf-8")
        print(f"{args.readme}: table of marts rewritten from {warehouse}")
    else:
        print(f"{args.readme}: the table of marts already matches {warehouse}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
