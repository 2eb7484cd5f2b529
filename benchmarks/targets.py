"""Each performance target against what the benchmarks of this run measured (issue 19).

    .venv/bin/python benchmarks/targets.py [--record]

Reads what benchmarks/scale.py, incremental.py, render_site.py and test_suite.py kept in benchmarks/data/measured/
(`make bench` runs them first) and prints one row per target: its limit, the measured value, and whether it is
met; a target whose benchmark has not run says so. With --record it writes the table into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import load, record  # noqa: E402


@dataclass(frozen=True)
class Target:
    name: str
    limit: float
    unit: str
    measured: float | None
    how: str  # how the value was measured

    @property
    def verdict(self) -> str:
        if self.measured is None:
            return "not measured"
        if self.measured <= self.limit:
            return "met"
        return f"MISSED ({self.measured / self.limit:.1f} times the limit)" if self.limit else "MISSED"

    def row(self) -> str:
        value = "" if self.measured is None else f"{self.measured:,.2f} {self.unit}"
        return f"| {self.name} | at most {self.limit:,g} {self.unit} | {value} | {self.verdict} | {self.how} |"


def _scale_at(rows: int) -> dict | None:
    scale = load("scale")
    if scale is None:
        return None
    return next((r for r in scale["results"] if r["rows"] == rows and r["format"] == "csv"), None)


def targets() -> list[Target]:
    incremental, site, full_site, suite = (
        load("incremental"),
        load("render_site"),
        load("render_site_full_corpus"),
        load("test_suite"),
    )
    large, small = _scale_at(10_000_000), _scale_at(1_000_000)

    def of(values: dict | None, key: str, scale: float = 1.0) -> float | None:
        return None if values is None else values[key] * scale

    full = incremental["runs"]["full"] if incremental else None
    rows = f"{incremental['rows']:,} lines" if incremental else "10,000,000 lines"
    return [
        Target(
            "build after one small file, share of a full build of the same inbox",
            10,
            "%",
            of(incremental, "small_ratio", 100),
            f"benchmarks/incremental.py, {rows}",
        ),
        Target(
            "build with nothing changed, share of a full build",
            5,
            "%",
            of(incremental, "unchanged_ratio", 100),
            f"benchmarks/incremental.py, {rows}",
        ),
        Target(
            "incremental result differs from the full build (tables)",
            0,
            "tables",
            None if incremental is None else len(incremental["differing_tables"]),
            "row counts and hash sums of every staging and mart table",
        ),
        Target(
            "whole build, times bare DuckDB CREATE TABLE AS SELECT * FROM read_csv",
            3,
            "x",
            of(incremental, "whole_build_ratio"),
            f"benchmarks/incremental.py, `milspace build --full`, {rows}",
        ),
        Target(
            "whole build, peak memory",
            2500,
            "MB",
            None if full is None else full["peak_mb"],
            f"benchmarks/incremental.py, {rows}",
        ),
        Target(
            "load stage, times the bare load",
            1.3,
            "x",
            None if large is None else large["pipeline"]["load_seconds"] / large["baseline"]["load_seconds"],
            "benchmarks/scale.py, 10,000,000 lines, CSV",
        ),
        Target(
            "growth: time for 10 times the lines, times the time for 1",
            11,
            "x",
            None if large is None or small is None else large["pipeline"]["seconds"] / small["pipeline"]["seconds"],
            "benchmarks/scale.py, pipeline (load and marts), 1,000,000 and 10,000,000 lines, CSV",
        ),
        Target(
            "report site, empty chart cache, starter data",
            5,
            "s",
            of(site, "cold_seconds"),
            "benchmarks/render_site.py --root benchmarks/data/roots/starter",
        ),
        Target(
            "report site, empty chart cache, full corpus",
            10,
            "s",
            of(full_site, "cold_seconds"),
            "benchmarks/render_site.py --full-corpus",
        ),
        Target("make test", 6, "min", of(suite, "test_seconds", 1 / 60), "benchmarks/test_suite.py"),
        Target("make test-fast", 2, "min", of(suite, "test_fast_seconds", 1 / 60), "benchmarks/test_suite.py"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="write the table into benchmarks/RESULTS.md")
    args = parser.parse_args()
    lines = [
        "| target | limit | measured | verdict | measured by |",
        "|---|---|---|---|---|",
        *(t.row() for t in targets()),
        "",
        "Each value is from the last run of the benchmark named (benchmarks/data/measured/); `make bench` runs them "
        "all, then this table.",
    ]
    print("\n".join(lines))
    if args.record:
        record("targets", "Targets (issue 19) against this run's measurements", lines)


if __name__ == "__main__":
    main()
