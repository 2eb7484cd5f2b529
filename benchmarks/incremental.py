"""Benchmark: what a build costs when little or nothing has changed, against a full build of the same inbox.

    .venv/bin/python benchmarks/incremental.py [--rows 10000000] [--small 5000] [--record]

One scratch root (benchmarks/data/roots/incremental: the repository's starter and reference data, the seeded file
of `--rows` budget lines of benchmarks/generate.py in its inbox) goes through four `milspace build` commands, each
in its own process, as a user or a scheduler runs them:

1. first: `milspace build --full` (the published warehouse and report the next builds start from);
2. one small file: a seeded file of `--small` budget lines (another seed) added to the inbox, then `milspace build`;
3. full: `milspace build --full` of that same inbox (the comparison for 2 and 4);
4. nothing changed: `milspace build` again.

Also in the same run, each in its own process: bare DuckDB's `CREATE TABLE lines AS SELECT * FROM read_csv(...)` of
the large file (the yardstick of the whole build). The warehouses of builds 2 and 3 are compared table by table
(row count and an order-independent sum of row hashes of every staging and mart table, leaving out the columns that
name a run or a time, and staging.quarantine_history, which remembers earlier builds by design) and must be
identical. Per-step times come from the builds' progress lines.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import save  # noqa: E402
from benchmarks.scale import DATA, PYTHON, SEED, WORK, build, measured, scratch_root  # noqa: E402

SMALL_SEED = SEED + 1
#: Columns whose values name the run, the time it ran or what it did (staging.streamed_files.reused: copied, not
#: read), left out of the comparison of two warehouses.
RUN_COLUMNS = {"read_at", "first_run_id", "first_quarantined_at", "run_id", "quarantined_at", "reused"}
#: Tables that remember earlier builds (rows rejected by builds before this one): they differ by design.
HISTORY = {"quarantine_history"}


def generated(rows: int, seed: int) -> Path:
    """The seeded CSV of `rows` budget lines (written once; the same seed and size always give the same file)."""
    path = DATA / f"budget_lines_{rows}_seed{seed}.csv"
    if not path.exists():
        generator = ROOT / "benchmarks" / "generate.py"
        measured(
            [PYTHON, str(generator), "--rows", str(rows), "--seed", str(seed), "--out", str(DATA), "--format", "csv"]
        )
    return path


def bare_load(file: Path) -> tuple[float, float]:
    """Bare DuckDB: CREATE TABLE AS SELECT * FROM read_csv of `file` into a new database file, in its own process;
    (seconds inside the process, peak MB)."""
    target = WORK / "bare.duckdb"
    target.unlink(missing_ok=True)
    script = (
        "import duckdb, json, sys, time\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "started = time.perf_counter()\n"
        'con.execute("CREATE TABLE lines AS SELECT * FROM read_csv(?)", [sys.argv[2]])\n'
        "print(json.dumps({'seconds': time.perf_counter() - started}))\n"
    )
    _, peak, out = measured([PYTHON, "-c", script, str(target), str(file)])
    target.unlink(missing_ok=True)
    return json.loads(out.strip().splitlines()[-1])["seconds"], peak


def checksums(warehouse: Path) -> dict[str, tuple[int, int]]:
    """Every staging and mart table's row count and order-independent sum of row hashes, leaving out RUN_COLUMNS."""
    import duckdb

    sums = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('staging', 'marts') ORDER BY ALL"
        ).fetchall()
        for schema, table in tables:
            if table in HISTORY:
                continue
            columns = con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?", [schema, table]
            ).fetchall()
            skip = [f'"{column}"' for (column,) in columns if column in RUN_COLUMNS]
            exclude = f" EXCLUDE ({', '.join(skip)})" if skip else ""
            sums[f"{schema}.{table}"] = con.execute(
                f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM (SELECT *{exclude} FROM "
                f'{schema}."{table}") AS t'
            ).fetchone()
    return sums


def checksums_apart(warehouse: Path) -> dict[str, list]:
    """`checksums` in a process of its own: reading ten million rows here would raise this process's peak memory,
    which Linux hands on to every build it starts after (a child's peak counts its parent's at the time of the
    fork), and the builds' peaks would be this harness's."""
    _, _, out = measured([PYTHON, __file__, "--checksums", str(warehouse)])
    return json.loads(out.strip().splitlines()[-1])


STEP = re.compile(r"^\[\s*\d+/\d+\] (?:check )?(\S+)\s.*\((\d+\.\d+) s")


def slowest_steps(output: str, count: int = 6) -> list[tuple[str, float]]:
    """The build's slowest steps, from its progress lines."""
    steps = [(m.group(1), float(m.group(2))) for m in map(STEP.match, output.splitlines()) if m]
    return sorted(steps, key=lambda s: -s[1])[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--record", action="store_true", help="write the results into benchmarks/RESULTS.md")
    parser.add_argument("--checksums", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.checksums:
        print(json.dumps({table: list(sums) for table, sums in checksums(args.checksums).items()}))
        return

    large, small = generated(args.rows, SEED), generated(args.small, SMALL_SEED)
    root = scratch_root("incremental", large, None)
    inbox = root / "data_raw" / "inbox"
    print(f"Bare DuckDB load of {large.name} ...", flush=True)
    bare_seconds, bare_peak = bare_load(large)
    runs: dict[str, dict] = {}

    def run(name: str, *options: str) -> None:
        seconds, peak, output = build(root, *options)
        runs[name] = {"seconds": seconds, "peak_mb": peak, "slowest": slowest_steps(output)}
        said = "nothing changed" if "Nothing changed" in output else "built"
        print(f"{name:<16} {seconds:7.1f} s {peak:7,.0f} MB peak ({said})", flush=True)

    run("first", "--full")
    settled = time.time() - 60  # an inbox file counts once it has stopped changing (10 s)
    os.link(small, inbox / small.name)
    os.utime(inbox / small.name, (settled, settled))
    run("one small file")
    after_small = checksums_apart(root / "data_marts" / "warehouse.duckdb")
    run("full", "--full")
    after_full = checksums_apart(root / "data_marts" / "warehouse.duckdb")
    run("nothing changed")
    identical = after_small == after_full
    differing = sorted(t for t in after_full if after_small.get(t) != after_full[t])

    full = runs["full"]["seconds"]
    result = {
        "rows": args.rows,
        "small_rows": args.small,
        "bare_load_seconds": bare_seconds,
        "bare_load_peak_mb": bare_peak,
        "runs": runs,
        "small_ratio": runs["one small file"]["seconds"] / full,
        "unchanged_ratio": runs["nothing changed"]["seconds"] / full,
        "whole_build_ratio": full / bare_seconds,
        "identical": identical,
        "differing_tables": differing,
        "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    save("incremental", result)
    lines = report(result)
    print("\n" + "\n".join(lines))
    if args.record:
        from benchmarks.results import record

        record("incremental", "Builds when little or nothing changed, against a full build", lines)
    shutil.rmtree(root, ignore_errors=True)
    if not identical:
        raise SystemExit(f"The build after one small file differs from the full build in: {', '.join(differing)}")


def report(r: dict) -> list[str]:
    runs = r["runs"]
    out = [
        "| build | seconds | peak MB | share of the full build | slowest steps (s) |",
        "|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        steps = ", ".join(f"{step} {seconds:.1f}" for step, seconds in run["slowest"]) or "none (nothing ran)"
        out.append(
            f"| {name} | {run['seconds']:.1f} | {run['peak_mb']:,.0f} | "
            f"{100 * run['seconds'] / runs['full']['seconds']:.1f} % | {steps} |"
        )
    out += [
        "",
        f"{r['rows']:,} generated budget lines in the inbox (seed {SEED}); the small file: {r['small_rows']:,} lines "
        f"(seed {SMALL_SEED}). Bare DuckDB CREATE TABLE AS SELECT * FROM read_csv of the large file: "
        f"{r['bare_load_seconds']:.1f} s ({r['bare_load_peak_mb']:,.0f} MB peak); the full build took "
        f"{r['whole_build_ratio']:.1f} times as long.",
        "The warehouse after the small file against the full build of the same inbox (every staging and mart table's "
        "row count and hash sum): " + ("identical." if r["identical"] else f"DIFFERENT in {r['differing_tables']}."),
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; measured "
        f"{r['measured_at']}. Command: .venv/bin/python benchmarks/incremental.py --rows {r['rows']} "
        f"--small {r['small_rows']} --record",
    ]
    return out


if __name__ == "__main__":
    main()
