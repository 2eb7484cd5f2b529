"""Write the report site from a warehouse, into a staging folder, and publish it into reports/.

A build draws the site from its working warehouse into data_marts/build/<run id>-site/ and publishes it with the
warehouse: each file is renamed into reports/ (an atomic step per file), then files of an older site that the new
one no longer has (a nation page, a chart) are removed. `milspace report` does the same from the published
warehouse. Chart images (SVG, PNG) are rendered by vl-convert (in two worker processes when there are many to
draw, since vl-convert draws one chart at a time per process), and cached under data_marts/cache/report/ (or
$MILSPACE_CHART_CACHE) by the hash of their specification, with the Vega bundle, so a rebuild redraws only the
charts whose data changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import vl_convert

from pipelines.csv_safety import safe_for_spreadsheets
from pipelines.errors import ReportError
from pipelines.paths import Layout
from pipelines.report import draw
from pipelines.report.page import VEGA_SCRIPT, vega_bundle
from pipelines.report.site import Export, build_site
from pipelines.warehouse import STAGED_SITE_PREFIX, read_only, sweep_staged_sites

VL_CONVERT = vl_convert.__version__  # type: ignore[attr-defined]  # in the module, not in its stub

#: What the site writes under reports/; anything else there (screenshots, notes) is left alone.
SITE_PARTS = ("nations", "data", "assets")
IMAGE_THREADS = 2
#: With this many charts to draw or more, they are drawn in IMAGE_PROCESSES processes (38 charts: 2.8 s, not 5.5 s).
PROCESSES_FROM = 8
IMAGE_PROCESSES = 2


@dataclass(frozen=True)
class ReportResult:
    path: Path  # the site's folder
    pages: int
    charts: int
    bytes: int


#: Specification keys that belong to the whole image, lifted above the chart and its source line.
_TOP_LEVEL = ("$schema", "config", "datasets", "params", "usermeta")
SOURCE_LINE_CHARACTERS = 110


def briefing_spec(spec: dict, source: str) -> dict:
    """The chart as drawn into its SVG and PNG: the chart, and under it its source line (wrapped), so an image
    pasted into a briefing keeps its title, units (the axes) and source."""
    if not source:
        return spec
    chart = {key: value for key, value in spec.items() if key not in _TOP_LEVEL}
    footer = {
        "data": {"values": [{"lines": textwrap.wrap(source, SOURCE_LINE_CHARACTERS)}]},
        "mark": {"type": "text", "align": "left", "baseline": "top", "fontSize": 10, "color": "#555", "lineHeight": 13},
        "encoding": {"text": {"field": "lines"}, "x": {"value": 0}, "y": {"value": 0}},
        "width": 10,
        "height": 13 * len(textwrap.wrap(source, SOURCE_LINE_CHARACTERS)),
        "view": {"stroke": None},
    }
    return {**{key: spec[key] for key in _TOP_LEVEL if key in spec}, "vconcat": [chart, footer], "spacing": 14}


def _cached(export: Export, cache: Path) -> tuple[Path, Path]:
    """Where the chart's SVG and PNG are kept: by the hash of its specification (with its source line) and of
    vl-convert's version (computed once per export)."""
    if export.image_key is None:
        export.image_key = hashlib.sha256(
            json.dumps(briefing_spec(export.spec, export.source), sort_keys=True).encode() + VL_CONVERT.encode()
        ).hexdigest()
    return cache / f"{export.image_key}.svg", cache / f"{export.image_key}.png"


def _draw_missing(exports: list[Export], cache: Path, workers: draw.Workers | None) -> None:
    """Draw the charts whose images are not in the cache, into the cache: by the worker processes started for
    an empty cache, or by new ones when there are many; a few are drawn here, in threads."""
    missing = [
        (briefing_spec(e.spec, e.source), *_cached(e, cache))
        for e in exports
        if not all(p.exists() for p in _cached(e, cache))
    ]
    if workers is None and len(missing) >= PROCESSES_FROM:
        started = draw.Workers(IMAGE_PROCESSES)
        try:
            started.draw(missing)
        finally:  # stopped part-way (Ctrl-C): no worker is left waiting for its charts
            started.close()
        return
    if workers is not None:
        workers.draw(missing)
        return
    with ThreadPoolExecutor(IMAGE_THREADS) as pool:
        list(pool.map(lambda job: draw.keep(job[1], job[2], draw.svg_and_png(job[0])), missing))


def _write_export(folder: Path, export: Export, cache: Path) -> None:
    """The chart's CSV, and its SVG and PNG from the cache (`_draw_missing` drew any that were not there)."""
    data = folder / "data"
    safe_for_spreadsheets(without_float_noise(export.frame)).write_csv(data / f"{export.name}.csv")
    svg_cache, png_cache = _cached(export, cache)
    _place(svg_cache, data / f"{export.name}.svg")
    _place(png_cache, data / f"{export.name}.png")


def _place(cached: Path, target: Path) -> None:
    """A cached image into the site: a hard link where the cache and the site share a file system (images are
    never written in place, so the cache cannot change under the site), else a copy."""
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)


#: Significant digits a CSV download keeps of a computed float: every published figure (at most 15 digits) is kept,
#: and binary noise (0.30000000000000004) is not.
SIGNIFICANT_DIGITS = 12


def without_float_noise(frame: pl.DataFrame) -> pl.DataFrame:
    """Float columns rounded to SIGNIFICANT_DIGITS significant digits."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(pl.col(floats).round_sig_figs(SIGNIFICANT_DIGITS)) if floats else frame


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _bundle(cache: Path) -> str:
    """The Vega JavaScript bundle, kept on disk per vl-convert version (making it costs about a second)."""
    path = cache / f"vega-embed-{VL_CONVERT}.js"
    if not path.exists():
        _write_atomically(path, vega_bundle().encode("utf-8"))
    return path.read_text(encoding="utf-8")


def render_site(layout: Layout, *, source: Path | None = None, target: Path | None = None) -> ReportResult:
    """Query a warehouse (default: the published one) and write the whole site into `target` (a new folder;
    default: a staging folder under reports/, published at once)."""
    source = source or layout.warehouse
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cache = _ensure(layout.chart_cache)
    # An empty chart cache (a first build): every chart will be drawn, so the drawing processes start now.
    workers = draw.Workers(IMAGE_PROCESSES) if not any(cache.glob("*.png")) else None
    try:
        with read_only(source) as con:
            site = build_site(con, generated)
        _draw_missing(site.exports, cache, workers)
    finally:
        if workers is not None:
            workers.close()
    publish_now = target is None
    if target is None:
        sweep_staged_sites(layout.reports, builds_too=False)
    prefix = f"{STAGED_SITE_PREFIX}pid{os.getpid()}-"
    folder = target or Path(tempfile.mkdtemp(prefix=prefix, dir=_writable(layout.reports)))
    if folder.exists():
        shutil.rmtree(folder)
    try:
        for sub in SITE_PARTS:
            (folder / sub).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"Cannot write the report site into {folder.parent}: {exc.strerror}") from None
    (folder / VEGA_SCRIPT).write_text(_bundle(cache), encoding="utf-8")
    for path, page in site.pages.items():
        (folder / path).write_text(page, encoding="utf-8")
    for export in site.exports:
        _write_export(folder, export, cache)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    if publish_now:
        publish_site(folder, layout.reports)
        folder = layout.reports
    return ReportResult(path=folder, pages=len(site.pages), charts=site.charts, bytes=size)


def _writable(path: Path) -> Path:
    try:
        return _ensure(path)
    except OSError as exc:
        raise ReportError(f"Cannot write the report site into {path}: {exc.strerror}") from None


def check_can_publish(staged: Path, reports: Path) -> None:
    """Raise ReportError unless every folder the staged site's files will be renamed into can be written, so
    that the warehouse is never replaced by a build whose report cannot follow it."""
    folders = {reports} | {reports / p.parent.relative_to(staged) for p in staged.rglob("*") if p.is_file()}
    for folder in sorted(folders):
        existing = folder
        while not existing.exists():
            existing = existing.parent
        if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
            raise ReportError(
                f"Cannot publish the report into {folder}: {existing} is not a folder this build can write. "
                "Make it writable (or remove what is in the way) and build again."
            )
        if existing.stat().st_dev != staged.stat().st_dev:
            raise ReportError(f"Cannot publish the report into {folder}: it is not on the file system of {staged}")


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def publish_site(staged: Path, reports: Path) -> None:
    """Move a staged site into reports/: each file by an atomic rename, then remove files the new site lacks."""
    reports.mkdir(parents=True, exist_ok=True)
    umask = os.umask(0)
    os.umask(umask)
    new_files = set()
    for path in sorted(staged.rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(staged)
        destination = reports / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o666 & ~umask)
        os.replace(path, destination)
        new_files.add(relative)
    for part in SITE_PARTS:
        old = reports / part
        if old.is_dir():
            for path in old.rglob("*"):
                if path.is_file() and path.relative_to(reports) not in new_files:
                    path.unlink()
    shutil.rmtree(staged, ignore_errors=True)
