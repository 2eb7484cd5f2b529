"""The report: one self-contained page whose every chart renders with no network."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import altair as alt
import pytest
import vl_convert

from pipelines.report.page import Figure, render_page


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external: list[str] = []
        self.scripts = 0
        self.figures = 0
        self.captions: list[str] = []
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for attr in ("src", "href"):
            value = attrs.get(attr) or ""
            if tag in ("script", "link", "img", "iframe", "source") and value:
                self.external.append(value)
        self.scripts += tag == "script"
        self.figures += tag == "figure"
        self._in_caption = tag == "figcaption"

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_caption = False

    def handle_data(self, data):
        if self._in_caption:
            self.captions.append(data)


@pytest.fixture(scope="module")
def page(built) -> str:
    return built.layout.report_index.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def specs(page) -> dict:
    raw = re.search(r'<script id="milspace-specs" type="application/json">(.*?)</script>', page, re.S).group(1)
    return json.loads(raw)


def test_page_loads_nothing_from_the_network(page):
    parser = _Resources()
    parser.feed(page)
    assert parser.external == []
    assert page.count("window.vegaEmbed=") == 1  # the Vega bundle is embedded once, not once per chart


def test_every_chart_has_title_axis_units_description_and_sourced_caption(page, specs):
    parser = _Resources()
    parser.feed(page)
    assert list(specs) == ["topline", "artemis", "real-change", "share-of-gdp", "space-force"]
    assert parser.figures == len(specs) == len(parser.captions)
    for caption in parser.captions:
        assert "Source" in caption and ("SIPRI" in caption or "SpaceNews" in caption)
    for anchor, spec in specs.items():
        assert spec["title"]["text"], anchor
        assert len(spec["description"]) > 40, anchor
        layers = spec.get("layer", [spec])
        encodings = [layer.get("encoding", {}) for layer in layers] + [spec.get("encoding", {})]
        # the measured quantity's unit is on its axis (or, for a heatmap, on its colour legend)
        titles = [enc[ch]["title"] for enc in encodings for ch in ("y", "color") if enc.get(ch, {}).get("title")]
        assert any(unit in " ".join(titles) for unit in ("US$", "Percent", "%")), (anchor, titles)
        x_titles = [enc["x"]["title"] for enc in encodings if enc.get("x", {}).get("title")]
        assert any("year" in t for t in x_titles), (anchor, x_titles)


def test_every_chart_renders_offline(specs):
    """vl-convert runs the same Vega-Lite compiler and Vega renderer as the page, with no network."""
    for anchor, spec in specs.items():
        svg = vl_convert.vegalite_to_svg(spec)
        rows = sum(len(values) for values in spec["datasets"].values())
        marks = svg.count("<path")
        assert rows > 0 and marks >= rows, (anchor, rows, marks)


def test_space_force_chart_carries_the_fy2023_share(specs):
    values = specs["space-force"]["datasets"]
    rows = [row for data in values.values() for row in data if row.get("fiscal_year") == 2023]
    assert rows and rows[0]["share_pct"] == 3.17 and rows[0]["label"] == "3.17% of DoD"


def test_text_from_inputs_is_escaped():
    hostile = "<script>alert('x')</script>"
    chart = (
        alt.Chart(alt.Data(values=[{"a": 1}]))
        .mark_point()
        .encode(x="a:Q")
        .properties(title=hostile, description=hostile)
    )
    page = render_page(title=hostile, lede=[hostile], figures=[Figure("x", chart, hostile)], footer=[hostile])
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert "\\u003cscript>alert" in page  # inside the JSON of the chart specification


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (apt install chromium)")
def test_page_draws_every_chart_in_a_browser_with_no_network(built, tmp_path):
    command = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        built.layout.report_index.as_uri(),
    ]
    if shutil.which("unshare"):
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        if probe.returncode == 0:
            command = ["unshare", "-n", *command]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
    drawn = re.findall(r'<div class="chart[^"]*" id="chart-([a-z-]+)"[^>]*>\s*<svg', dom)
    assert sorted(set(drawn)) == sorted(["topline", "artemis", "real-change", "share-of-gdp", "space-force"])
    assert ">This chart could not be drawn" not in dom
