"""Benchmark: `milspace build` on the shipped starter data, in an environment that is already set up.

    .venv/bin/python benchmarks/starter_build.py [--runs 3] [--record]

Builds a scratch milspace root (benchmarks/data/roots/starter: the repository's starter and reference data,
an empty inbox) `--runs` times with the real command, each in its own process, and prints the wall time and
peak memory of each. The first run starts with nothing built; the later ones rebuild everything (`--full`: without it, a
build that finds nothing changed runs nothing, benchmarks/incremental.py). The warehouse of the last run is left for
benchmarks/render_site.py.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import record  # noqa: E402
from benchmarks.scale import build, scratch_root  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="write the result into benchmarks/RESULTS.md")
    args = parser.parse_args()
    root = scratch_root("starter", None, None)
    runs = []
    for number in range(1, args.runs + 1):
        seconds, peak, _ = build(root, "--full")  # every run builds, as the first did
        runs.append((seconds, peak))
        print(f"run {number}: {seconds:.1f} s, peak memory {peak:,.0f} MB", flush=True)
    best = min(s for s, _ in runs)
    lines = [
        f"`milspace build` on the starter data (set-up environment, empty inbox): best of {args.runs} "
        f"{best:.1f} s; each run: " + ", ".join(f"{s:.1f} s ({p:,.0f} MB peak)" for s, p in runs) + ".",
        "Each run is the whole command as `make build` runs it: Python start-up and imports, loading the Dagster "
        "definitions, every asset and check, and the report site.",
        f"Machine: {platform.machine()}, Python {platform.python_version()}; "
        f"command: .venv/bin/python benchmarks/starter_build.py --runs {args.runs}",
    ]
    print("\n".join(lines))
    if args.record:
        record("starter_build", "make build on the starter data", lines)


if __name__ == "__main__":
    main()
