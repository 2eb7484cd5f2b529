"""Benchmark: budget lines at scale through the pipeline, against bare DuckDB on the same file.

    .venv/bin/python benchmarks/scale.py [--rows 1000000 10000000] [--formats csv parquet] [--record]

For each size and format, a seeded file of budget lines (benchmarks/generate.py) is dropped into the inbox of a
scratch milspace root whose warehouse was built from the starter data, and two runs are timed, each in its own
process so that its peak memory is its own:

- pipeline: the code a build runs for the inbox (`pipelines.intake.staging.load_inbox`): detect the file by its
  content, read it in batches, check every batch against the BudgetLine Pandera contract, quarantine the
  rejected rows, load the rest into staging.budget_lines of the run's working copy; then build every mart that
  depends on the budget lines (`sql/marts/*.sql`, in dependency order).
- baseline: bare DuckDB on a copy of the same starter warehouse: `CREATE TABLE staging.milspace_lines AS SELECT
  * FROM read_csv(...)` (or read_parquet; the file's name, an empty row number and two casts added so that the
  pipeline's view staging.budget_lines reads it: no checks, no quarantine, bad rows included), then the same mart
  SQL.

Wall time is measured inside each process around the work (imports excluded, for both); peak memory is the
process's maximum resident set (`wait4`), DuckDB's memory included. Also timed: the whole `milspace build`
(Dagster, checks, report) with the file in the inbox, for the CSV files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data"
WORK = DATA / "roots"
SEED = 8
PYTHON = sys.executable


# --- the two measured runs (each in its own process) ----------------------------------------------------------


def dependent_marts() -> list[str]:
    """Every mart that reads staging.budget_lines, directly or through another mart, in dependency order."""
    from pipelines.assets.marts import mart_names, upstream_tables

    reads = {name: upstream_tables(name) for name in mart_names()}
    chosen: list[str] = []
    affected = {("staging", "budget_lines")}
    pending = set(reads)
    while True:
        ready = sorted(n for n in pending if set(reads[n]) & affected)
        ready = [n for n in ready if not any(("marts", m) in reads[n] for m in pending if m != n)]
        if not ready:
            return chosen
        for name in ready:
            chosen.append(name)
            affected.add(("marts", name))
            pending.discard(name)


def run_pipeline(root: Path, file: Path) -> dict:
    import polars as pl

    from pipelines.intake.inbox import check_file
    from pipelines.intake.staging import load_inbox
    from pipelines.nations import NationNames
    from pipelines.paths import Layout
    from pipelines.warehouse import Warehouse

    layout = Layout(root)
    marts = dependent_marts()
    names = NationNames.from_csv(layout.reference / "nation_names.csv")
    codes = pl.read_csv(layout.reference / "nations.csv", infer_schema=False).get_column("code").to_list()
    run = f"bench-{os.getpid()}"
    working = Warehouse(layout).run(run)
    started = time.perf_counter()
    checked = check_file(file, layout.display(file), names, codes)
    done = load_inbox(working, [checked], codes)
    load_seconds = time.perf_counter() - started
    for mart in marts:
        working.build_mart(mart)
    seconds = time.perf_counter() - started
    (file_done,) = done.files
    rows = working.query("SELECT count(*) AS n FROM marts.budget_lines").item()
    working.discard()
    return {
        "seconds": seconds,
        "load_seconds": load_seconds,
        "lines_loaded": done.rows,
        "rows_rejected": file_done.rows_rejected,
        "mart_rows": rows,
        "status": file_done.status,
        "marts": marts,
    }


def run_baseline(root: Path, file: Path) -> dict:
    import duckdb

    from pipelines.warehouse import sql_text

    marts = dependent_marts()
    copy = root / "data_marts" / "baseline.duckdb"
    read = "read_parquet" if file.suffix == ".parquet" else "read_csv"
    started = time.perf_counter()
    shutil.copyfile(root / "data_marts" / "warehouse.duckdb", copy)
    con = duckdb.connect(str(copy))
    # The file as DuckDB reads it, with the two columns the view needs that the file does not have and its two
    # numeric columns cast (a CSV with text in them reads as text); no checks: every row goes through.
    con.execute(
        f'CREATE OR REPLACE TABLE staging.milspace_lines AS SELECT ? AS file, NULL::BIGINT AS "row", * REPLACE '
        "(TRY_CAST(fiscal_year AS INTEGER) AS fiscal_year, TRY_CAST(amount_thousands AS DOUBLE) AS amount_thousands) "
        f"FROM {read}(?)",
        [f"data_raw/inbox/{file.name}", str(file)],
    )
    # the pipeline's load replaces the lines of files read whole (here: none) and makes its own view
    con.execute(sql_text("staging", "published_lines"))
    con.execute(sql_text("staging", "budget_lines"))
    load_seconds = time.perf_counter() - started
    for mart in marts:
        con.execute(sql_text("marts", mart))
    rows = con.execute("SELECT count(*) FROM marts.budget_lines").fetchone()[0]
    con.close()  # writes the last changes to the file, as each of the pipeline's steps does
    seconds = time.perf_counter() - started
    copy.unlink()
    return {"seconds": seconds, "load_seconds": load_seconds, "mart_rows": rows, "marts": marts}


# --- the harness ------------------------------------------------------------------------------------------------


def scratch_root(name: str, file: Path | None, starter_warehouse: Path | None) -> Path:
    """A milspace root with the repository's starter and reference data, `file` alone in its inbox, and (if
    given) a copy of a starter-built warehouse as its published warehouse."""
    root = WORK / name
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("data_raw/inbox", "data_raw/strategies", "data_marts", "reports"):
        (root / folder).mkdir(parents=True)
    for folder in ("starter", "reference"):
        (root / "data_raw" / folder).symlink_to(ROOT / "data_raw" / folder)
    if file is not None:
        os.link(file, root / "data_raw" / "inbox" / file.name)
    if starter_warehouse is not None:
        shutil.copyfile(starter_warehouse, root / "data_marts" / "warehouse.duckdb")
    return root


def measured(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Run a command; (wall seconds, its peak resident memory in MB, its stdout)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)  # reaped here, so its own rusage is ours to read
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}\n{stdout[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, stdout


def one(kind: str, root: Path, file: Path) -> dict:
    """Run one measured run in a fresh process; its result with its peak memory."""
    _, peak, out = measured([PYTHON, __file__, "--one", kind, "--root", str(root), "--file", str(file)])
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = peak
    return result


def build(root: Path, *options: str) -> tuple[float, float, str]:
    """`milspace build` with `options` (such as --full) on `root`: (seconds, peak MB, what it printed)."""
    env = {**os.environ, "MILSPACE_ROOT": str(root), "DAGSTER_HOME": str(root / "data_marts" / "dagster_home")}
    (root / "data_marts" / "dagster_home").mkdir(parents=True, exist_ok=True)
    return measured([str(Path(PYTHON).parent / "milspace"), "build", *options], env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--formats", nargs="+", choices=["csv", "parquet"], default=["csv", "parquet"])
    parser.add_argument("--no-build", action="store_true", help="skip the whole `milspace build` with each CSV")
    parser.add_argument("--record", action="store_true", help="write the results into benchmarks/RESULTS.md")
    parser.add_argument("--one", choices=["pipeline", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = (run_pipeline if args.one == "pipeline" else run_baseline)(args.root, args.file)
        print(json.dumps(result))
        return

    print("Starter warehouse: building the starter data once (the published warehouse each run starts from) ...")
    starter = scratch_root("starter", None, None)
    build(starter)
    starter_warehouse = starter / "data_marts" / "warehouse.duckdb"

    results = []
    for rows in args.rows:
        print(f"Generating {rows:,} rows (seed {SEED}) ...", flush=True)
        # In its own process: a child's peak memory counts the parent's at the time it was started (Linux keeps
        # the larger of the two across exec), so the harness must stay small.
        formats = "both" if len(args.formats) == 2 else args.formats[0]
        generator = ROOT / "benchmarks" / "generate.py"
        measured(
            [PYTHON, str(generator), "--rows", str(rows), "--seed", str(SEED), "--out", str(DATA), "--format", formats]
        )
        files = {fmt: DATA / f"budget_lines_{rows}_seed{SEED}.{fmt}" for fmt in args.formats}
        for fmt, file in files.items():
            root = scratch_root(f"{fmt}_{rows}", file, starter_warehouse)
            inbox_file = root / "data_raw" / "inbox" / file.name
            pipeline = one("pipeline", root, inbox_file)
            baseline = one("baseline", root, inbox_file)
            row = {
                "rows": rows,
                "format": fmt,
                "bytes": file.stat().st_size,
                "pipeline": pipeline,
                "baseline": baseline,
            }
            if fmt == "csv" and not args.no_build:
                root = scratch_root(f"build_{fmt}_{rows}", file, starter_warehouse)
                row["build_seconds"], row["build_peak_mb"], _ = build(root)
            results.append(row)
            print(line(row), flush=True)
            shutil.rmtree(WORK / f"{fmt}_{rows}", ignore_errors=True)
            shutil.rmtree(WORK / f"build_{fmt}_{rows}", ignore_errors=True)

    lines = report(results, args)
    print("\n" + "\n".join(lines))
    from benchmarks.results import save

    save("scale", {"results": results})
    if args.record:
        from benchmarks.results import record

        record("scale", "Budget lines at scale: pipeline against bare DuckDB", lines)


def line(row: dict) -> str:
    p, b = row["pipeline"], row["baseline"]
    return (
        f"{row['rows']:>12,} {row['format']:<8} pipeline {p['seconds']:7.1f} s "
        f"{row['rows'] / p['seconds']:>11,.0f} rows/s"
        f" {p['peak_mb']:>7,.0f} MB | baseline {b['seconds']:7.1f} s {row['rows'] / b['seconds']:>11,.0f} rows/s"
        f" {b['peak_mb']:>7,.0f} MB | ratio {p['seconds'] / b['seconds']:.2f}"
    )


def report(results: list[dict], args) -> list[str]:
    """The Markdown table and findings written to RESULTS.md."""
    import duckdb
    import pandera
    import polars

    out = [
        "| rows | format | file MB | pipeline s | pipeline rows/s | pipeline peak MB | baseline s | baseline rows/s "
        "| baseline peak MB | ratio | lines loaded | rows rejected | whole build s | whole build peak MB |",
        "|---" * 14 + "|",
    ]
    for r in results:
        p, b = r["pipeline"], r["baseline"]
        whole = (f"{r['build_seconds']:.1f}", f"{r['build_peak_mb']:,.0f}") if "build_seconds" in r else ("", "")
        out.append(
            f"| {r['rows']:,} | {r['format']} | {r['bytes'] / 1e6:,.0f} | {p['seconds']:.1f} | "
            f"{r['rows'] / p['seconds']:,.0f} | {p['peak_mb']:,.0f} | {b['seconds']:.1f} | "
            f"{r['rows'] / b['seconds']:,.0f} | {b['peak_mb']:,.0f} | {p['seconds'] / b['seconds']:.2f} | "
            f"{p['lines_loaded']:,} | {p['rows_rejected']:,} | {whole[0]} | {whole[1]} |"
        )
    out.append("")
    out.append(
        "Pipeline: detect, read in batches, BudgetLine contract, quarantine, load, then the marts "
        f"{', '.join(results[0]['pipeline']['marts'])}. Baseline: DuckDB CREATE TABLE AS SELECT * FROM "
        "read_csv/read_parquet (no checks), the pipeline's view staging.budget_lines over it, the same marts. "
        "Load only (before the marts), pipeline / baseline: "
        + "; ".join(
            f"{r['rows']:,} {r['format']} {r['pipeline']['load_seconds']:.1f} s / {r['baseline']['load_seconds']:.1f} s"
            for r in results
        )
        + "."
    )
    by = {(r["rows"], r["format"]): r for r in results}
    for fmt in args.formats:
        small, large = by.get((min(args.rows), fmt)), by.get((max(args.rows), fmt))
        if small and large and small is not large:
            growth = large["pipeline"]["seconds"] / small["pipeline"]["seconds"]
            out.append(
                f"Growth, {fmt}: {large['rows'] // small['rows']}x the rows took {growth:.1f}x the pipeline time "
                f"(baseline {large['baseline']['seconds'] / small['baseline']['seconds']:.1f}x)."
            )
    out.append("")
    out.append(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {_memory_gb():.0f} GiB, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, DuckDB {duckdb.__version__}, Polars "
        f"{polars.__version__}, Pandera {pandera.__version__}; "
        f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
    )
    out.append(
        "Command: `make bench` (.venv/bin/python benchmarks/scale.py "
        f"--rows {' '.join(str(r) for r in args.rows)} --formats {' '.join(args.formats)} --record)"
    )
    return out


def _memory_gb() -> float:
    with open("/proc/meminfo", encoding="ascii") as handle:
        return int(handle.readline().split()[1]) / 1024 / 1024


if __name__ == "__main__":
    main()
