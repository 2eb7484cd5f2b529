"""Benchmark: how long the test suite takes, as a developer runs it.

    .venv/bin/python benchmarks/test_suite.py [--record]

Runs `make test-fast` and then `make test` in the repository (the lint and type checks, `dg check defs` and
pytest, with ../shared/data beside the checkout when it is there), each timed from start to end, and fails when
either fails. Targets (issue 19): `make test` within six minutes on the 2-core development machine, `make test-fast`
within two.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import record, save  # noqa: E402


def timed(target: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(["make", target], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"make {target} failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    summary = next((line for line in reversed(done.stdout.splitlines()) if " passed" in line), "")
    return seconds, summary.strip("= ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="write the result into benchmarks/RESULTS.md")
    args = parser.parse_args()
    fast, fast_summary = timed("test-fast")
    print(f"make test-fast: {fast:.0f} s ({fast_summary})", flush=True)
    whole, whole_summary = timed("test")
    print(f"make test: {whole:.0f} s ({whole_summary})", flush=True)
    save("test_suite", {"test_seconds": whole, "test_fast_seconds": fast})
    lines = [
        f"`make test`: {whole / 60:.1f} min ({whole_summary}); `make test-fast`: {fast / 60:.1f} min ({fast_summary}).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; environment "
        "already set up; command: .venv/bin/python benchmarks/test_suite.py",
    ]
    print("\n".join(lines))
    if args.record:
        record("test_suite", "The test suite", lines)


if __name__ == "__main__":
    main()
