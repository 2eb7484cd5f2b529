"""Write one benchmark's section of benchmarks/RESULTS.md, between its markers, leaving the others as they are."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


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
