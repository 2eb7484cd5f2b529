"""Write one benchmark's section of benchmarks/RESULTS.md, between its markers, leaving the others as they are."""

from __future__ import annotations

import json
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
#: Each benchmark's measurements as numbers, for benchmarks/targets.py (generated, not in git).
MEASURED = Path(__file__).resolve().parent / "data" / "measured"


def save(name: str, values: dict) -> None:
    """Keep one benchmark's measurements (with the time they were taken) for benchmarks/targets.py."""
    MEASURED.mkdir(parents=True, exist_ok=True)
    stamped = {**values, "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    (MEASURED / f"{name}.json").write_text(json.dumps(stamped, indent=2), encoding="utf-8")


def load(name: str) -> dict | None:
    """What `save` kept for `name`, or None when that benchmark has not run."""
    path = MEASURED / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def record(name: str, title: str, lines: list[str]) -> None:
    """Replace (or append) the section `<!-- name -->` ... `<!-- name -->` with `## title` and `lines`."""
    marker = f"<!-- {name} -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{marker}\n## {title}\n\n" + "\n".join(lines) + f"\n{marker}\n"
    if marker in text:
        before, _, rest = text.partition(marker)
        text = before + block + rest.partition(marker + "\n")[2]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(text, encoding="utf-8")
