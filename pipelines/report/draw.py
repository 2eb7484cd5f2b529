"""Draw charts' images with vl-convert, in this process or in worker processes.

vl-convert draws one chart at a time per process (its JavaScript engine is single-threaded), so a site with many
new charts (a project's first build, or new data everywhere) is drawn by `Workers`: a few plain
`python -m pipelines.report.draw` processes, each drawing its share of the charts into the cache. This module
imports nothing of milspace, so each worker is ready in about half a second (vl-convert's engine), and they are
started before the site's queries when the cache is empty, to be ready when the charts are.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import vl_convert

#: PNG images are drawn at twice the chart's size, sharp on a slide or a high-density screen.
PNG_SCALE = 2


def svg_and_png(spec: dict) -> tuple[str, bytes]:
    """The chart's SVG, and the PNG drawn from it at PNG_SCALE."""
    svg = vl_convert.vegalite_to_svg(spec)
    return svg, vl_convert.svg_to_png(svg, scale=PNG_SCALE)


def keep(svg_path: Path, png_path: Path, images: tuple[str, bytes]) -> None:
    """Write both images, each by an atomic rename (a reader never sees half an image)."""
    for path, content in ((svg_path, images[0].encode("utf-8")), (png_path, images[1])):
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(content)
        os.replace(temporary, path)


class Workers:
    """`processes` worker processes, started now so that their engines warm up while the caller does other work
    (the site's queries), then given their charts by `draw`. `close` stops any that are still running."""

    def __init__(self, processes: int):
        command = [sys.executable, "-m", "pipelines.report.draw"]
        # Each worker's messages go to a file, not a pipe: vl-convert prints Vega's warnings, and a worker whose
        # pipe filled up (64 KiB) would wait for a reader while this process waits for it to end.
        self.errors = [tempfile.TemporaryFile() for _ in range(processes)]
        self.workers = [
            subprocess.Popen(command, stdin=subprocess.PIPE, stderr=errors, text=True) for errors in self.errors
        ]

    def draw(self, jobs: list[tuple[dict, Path, Path]]) -> None:
        """Draw (spec, svg path, png path) jobs, shared among the workers; RuntimeError with the first failure."""
        count = len(self.workers)
        shares = [[{"spec": s, "svg": str(v), "png": str(p)} for s, v, p in jobs[n::count]] for n in range(count)]
        for worker, share in zip(self.workers, shares, strict=True):
            assert worker.stdin is not None  # opened with stdin=PIPE
            worker.stdin.write(json.dumps(share))
            worker.stdin.close()
        for worker, errors in zip(self.workers, self.errors, strict=True):
            if code := worker.wait():
                errors.seek(0)
                said = errors.read().decode("utf-8", errors="replace").strip()
                raise RuntimeError(f"drawing charts failed (exit {code}): {said[-2000:]}")

    def close(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        for errors in self.errors:
            errors.close()


def main() -> None:
    """A worker: read its jobs (JSON, on standard input), draw each into its cache files."""
    import vl_convert as engine

    engine.vegalite_to_svg({"mark": "point"})  # start the JavaScript engine while the jobs are being prepared
    for job in json.loads(sys.stdin.read() or "[]"):
        keep(Path(job["svg"]), Path(job["png"]), svg_and_png(job["spec"]))


if __name__ == "__main__":
    main()
