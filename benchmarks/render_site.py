"""Benchmark: render the whole report site from a built warehouse.

    .venv/bin/python benchmarks/render_site.py [--root PATH] [--record]

Renders every page, chart and data export (CSV, SVG, PNG) of the site from the published warehouse under --root
(default: the repository, after `make build`) into a temporary folder, three times, and prints the best time,
the pages and charts, and peak memory. With --record it writes the result into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import record  # noqa: E402
from pipelines.paths import Layout  # noqa: E402
from pipelines.report.build import render_site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    layout = Layout(args.root.resolve())
    times, result = [], None
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            result = render_site(layout, target=Path(folder) / "site")
            times.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"Report site from {layout.display(layout.warehouse)}: {result.pages} pages, {result.charts} charts "
        f"(each with CSV, SVG, PNG), {result.bytes / 1e6:.1f} MB; best of {args.runs}: {min(times):.2f} s "
        f"(first run {times[0]:.2f} s, including vl-convert's start-up); peak memory {peak_mb:,.0f} MB.",
        f"Machine: {platform.machine()}, Python {platform.python_version()}; "
        "command: .venv/bin/python benchmarks/render_site.py",
    ]
    print("\n".join(lines))
    if args.record:
        record("render_site", "Report site", lines)


if __name__ == "__main__":
    main()
