"""Benchmark: render the whole report site from a built warehouse.

    .venv/bin/python benchmarks/render_site.py [--root PATH | --full-corpus] [--record]

With --full-corpus the site is the one a reader of every real file gets: a scratch root
(benchmarks/data/roots/full-corpus) with every file of ../shared/data in its inbox beside the starter data, built
once with `milspace build` when it has no warehouse yet. Target (issue 17): within FULL_CORPUS_TARGET seconds with
the chart cache warm.

Renders every page, chart and data export (CSV, SVG, PNG) of the site from the published warehouse under --root
(default: the repository, after `make build`) into a temporary folder: once with an empty chart cache (every
chart drawn, as in a project's first build), then three times with the cache that run filled (as in every later
build), and prints both times, the pages and charts, and peak memory. With --record it writes the result into
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import record, save  # noqa: E402
from benchmarks.scale import build, scratch_root  # noqa: E402
from pipelines.paths import Layout  # noqa: E402
from pipelines.report.build import render_site  # noqa: E402

SHARED_DATA = ROOT.parent / "shared" / "data"
FULL_CORPUS_TARGET = 10.0


def full_corpus_root() -> Path:
    """benchmarks/data/roots/full-corpus: the starter data and every file of ../shared/data in the inbox, built."""
    root = ROOT / "benchmarks" / "data" / "roots" / "full-corpus"
    if (root / "data_marts" / "warehouse.duckdb").exists():
        return root
    if not SHARED_DATA.exists():
        sys.exit(f"{SHARED_DATA} is absent: the full-corpus benchmark reads the real published files there")
    root = scratch_root("full-corpus", None, None)
    for path in sorted(SHARED_DATA.rglob("*")):
        if path.is_file() and path.suffix != ".md":
            shutil.copyfile(path, root / "data_raw" / "inbox" / path.name)
    print(f"Building the full corpus into {root} (once; about two minutes)", flush=True)
    seconds, _, _ = build(root)
    print(f"built in {seconds:.0f} s", flush=True)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--full-corpus", action="store_true", help="render the site of every file in ../shared/data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    layout = Layout(full_corpus_root() if args.full_corpus else args.root.resolve())
    cache = layout.chart_cache
    times, result = [], None
    with tempfile.TemporaryDirectory() as kept:
        # The first run draws every chart (the chart cache is moved aside, then put back): a first build's cost.
        if cache.exists():
            shutil.move(cache, Path(kept) / "report")
        try:
            for _ in range(args.runs + 1):
                with tempfile.TemporaryDirectory() as folder:
                    started = time.perf_counter()
                    result = render_site(layout, target=Path(folder) / "site")
                    times.append(time.perf_counter() - started)
        finally:
            if (Path(kept) / "report").exists():
                shutil.rmtree(cache, ignore_errors=True)
                shutil.move(Path(kept) / "report", cache)
    cold, warm = times[0], times[1:]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"Report site from {layout.display(layout.warehouse)}: {result.pages} pages, {result.charts} charts "
        f"(each with CSV, SVG, PNG), {result.bytes / 1e6:.1f} MB; with the chart cache of an earlier build, best "
        f"of {args.runs}: {min(warm):.2f} s; with an empty chart cache (every chart drawn by vl-convert, as in a "
        f"project's first build): {cold:.2f} s; peak memory {peak_mb:,.0f} MB.",
        f"Machine: {platform.machine()}, Python {platform.python_version()}; "
        "command: .venv/bin/python benchmarks/render_site.py",
    ]
    if args.full_corpus:
        verdict = "met" if min(warm) <= FULL_CORPUS_TARGET else "MISSED"
        target = f"Target: the full-corpus site within {FULL_CORPUS_TARGET:.0f} s with the cache warm: {verdict}."
        lines.insert(1, target)
    print("\n".join(lines))
    values = {"cold_seconds": cold, "warm_seconds": min(warm), "pages": result.pages, "charts": result.charts}
    save("render_site_full_corpus" if args.full_corpus else "render_site", values)
    if args.record:
        if args.full_corpus:
            record("render_site_full_corpus", "Report site, full corpus", lines)
        else:
            record("render_site", "Report site", lines)


if __name__ == "__main__":
    main()
