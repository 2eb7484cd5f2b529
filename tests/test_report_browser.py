"""The report site built from the whole real corpus (every file of ../shared/data in the inbox), opened in Chromium
as a reader would: every page at 1280 and 390 px wide, offline. Screenshots of every page at both widths are written
under reports/screenshots/<width>/ for review."""

from __future__ import annotations

import pytest

from pipelines.paths import REPO_ROOT
from pipelines.report.charts import MAX_CATEGORIES, MAX_COLOURS
from tests.test_report import CHROMIUM, browser_session, check_every_chart, pages

WIDTHS = (1280, 390)
SCREENSHOTS = REPO_ROOT / "reports" / "screenshots"

#: Read in the page once every chart is drawn: horizontal overflow, chart containers without a drawing, and the
#: categorical (band, point, ordinal) scales of every chart with the size of their domains; a domain of years is
#: a time axis (thinned labels), not a list of categories.
INSPECT = """() => (window.milspaceReady || Promise.resolve()).then(() => {
  const found = {overflow: document.documentElement.scrollWidth - window.innerWidth, empty: [], scales: []};
  document.querySelectorAll('.chart').forEach(c => { if (!c.querySelector('svg')) found.empty.push(c.id); });
  for (const [id, view] of Object.entries(window.milspaceViews || {})) {
    for (const name of Object.keys(view._runtime.scales)) {
      const scale = view.scale(name);
      if (!['band', 'point', 'ordinal'].includes(scale.type)) continue;
      const domain = scale.domain();
      const years = domain.every(v => Number.isInteger(+v) && +v > 1900 && +v < 2100);
      found.scales.push({id: id, name: name, size: domain.length, years: years});
    }
  }
  return found;
})"""


def _limit(scale_name: str) -> int | None:
    """The most values a categorical scale may hold: bars or rows on an axis, colours in a legend."""
    if scale_name.endswith(("_x", "_y")) or scale_name in ("x", "y"):
        return MAX_CATEGORIES
    if scale_name.endswith(("color", "fill", "stroke")):
        return MAX_COLOURS
    return None  # offsets within a band (side by side bars) are bounded by their band's own scale


@pytest.fixture(scope="module")
def opened(full):
    """A Chromium page with the network blocked, recording console errors and every request that leaves the site."""
    with browser_session() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
        record: dict[str, list[str]] = {"errors": [], "failed": [], "external": []}
        page.on("console", lambda m: record["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: record["errors"].append(str(e)))
        page.on("requestfailed", lambda r: record["failed"].append(r.url))
        page.route(
            "**/*",
            lambda route: (
                (record["external"].append(route.request.url), route.abort())
                if not route.request.url.startswith(("file:", "data:", "blob:", "about:"))
                else route.continue_()
            ),
        )
        yield full.layout.reports, page, record
        browser.close()


def test_every_page_reads_at_1280_and_390_pixels_with_every_chart_drawn_within_its_limits(opened):
    site, page, record = opened
    problems: list[str] = []
    visited = 0
    for width in WIDTHS:
        folder = SCREENSHOTS / str(width)
        folder.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages(site):
            before = {key: len(values) for key, values in record.items()}
            page.goto(path.as_uri())
            found = page.evaluate(INSPECT)
            name = path.name if path.parent == site else f"nations-{path.name}"
            page.screenshot(path=str(folder / name.replace(".html", ".png")), full_page=True)
            visited += 1
            where = f"{name} at {width} px"
            for key, values in record.items():
                problems += [f"{where}: {key} {value}" for value in values[before[key] :]]
            if found["overflow"] > 0:
                problems.append(f"{where}: scrolls sideways by {found['overflow']} px")
            problems += [f"{where}: chart {chart} not drawn" for chart in found["empty"]]
            for scale in found["scales"]:
                limit = _limit(scale["name"])
                if limit and not scale["years"] and scale["size"] > limit:
                    problems.append(f"{where}: {scale['id']} scale {scale['name']} has {scale['size']} > {limit}")
    assert problems == [], "\n".join(problems[:40])
    assert visited == 2 * len(pages(site)) > 2 * 150  # every nation page, not a sample
    assert (SCREENSHOTS / "390" / "compare.png").stat().st_size > 20_000


def _legend(page, chart: str) -> list[str]:
    return page.evaluate(f"window.milspaceViews[{chart!r}].scale('color').domain()")


def test_picking_a_nation_in_the_list_changes_what_is_drawn(opened):
    site, page, _ = opened
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto((site / "compare.html").as_uri())
    page.evaluate("window.milspaceReady")
    first = _legend(page, "topline")
    assert len(first) == 8 and "Norway" not in first
    paths_before = page.locator("#chart-topline path").count()
    box = page.locator('.picker[data-chart="topline"] input')
    box.fill("norway")  # any case
    box.dispatch_event("change")
    page.wait_for_function("window.milspaceViews['topline'].scale('color').domain().includes('Norway')")
    assert sorted(_legend(page, "topline")) == sorted([*first, "Norway"])
    assert page.locator("#chart-topline path").count() > paths_before
    page.locator('.picker[data-chart="topline"] .chips button', has_text="Norway").click()
    page.wait_for_function("!window.milspaceViews['topline'].scale('color').domain().includes('Norway')")
    box.fill("Atlantis")
    box.dispatch_event("change")
    assert "Not in this chart: Atlantis" in page.locator('.picker[data-chart="topline"] .note').inner_text()


def test_the_map_view_draws_offline_and_its_slider_chooses_the_year(opened):
    site, page, record = opened
    page.goto((site / "compare.html").as_uri())
    page.evaluate("window.milspaceReady")
    page.get_by_role("tab", name="Map").first.click()
    chart = "topline--map"
    slider = page.locator(f"#chart-{chart} input[type=range]")
    last = int(slider.get_attribute("max"))
    coloured = f"document.querySelectorAll('#chart-{chart} path[fill^=\"rgb\"]').length"
    countries_last = page.evaluate(coloured)
    assert countries_last > 100  # most nations have a figure in the latest year
    slider.fill("1990")
    page.wait_for_function(f"window.milspaceViews[{chart!r}].signal('year') === 1990")
    page.wait_for_timeout(200)
    countries_1990 = page.evaluate(coloured)
    # before the Soviet Union's successors and others had figures, fewer nations are coloured
    assert 0 < countries_1990 < countries_last
    assert last >= 2024
    assert record["external"] == []


def test_printing_puts_one_chart_on_a_page_with_its_caption_and_no_controls(opened):
    site, page, _ = opened
    page.goto((site / "compare.html").as_uri())
    page.evaluate("window.milspaceReady")
    page.emulate_media(media="print")
    try:
        style = page.evaluate(
            """() => ({
              header: getComputedStyle(document.querySelector('header.site')).display,
              picker: getComputedStyle(document.querySelector('.picker')).display,
              tabs: getComputedStyle(document.querySelector('.tabs')).display,
              after: getComputedStyle(document.querySelector('figure')).breakAfter,
              inside: getComputedStyle(document.querySelector('figure')).breakInside,
              caption: getComputedStyle(document.querySelector('figcaption')).display,
            })"""
        )
    finally:
        page.emulate_media(media="screen")
    assert style == {
        "header": "none",
        "picker": "none",
        "tabs": "none",
        "after": "page",
        "inside": "avoid",
        "caption": "block",
    }


def test_every_chart_of_the_full_corpus_site_has_title_units_caption_and_its_files(full):
    """The starter site's chart checks (tests/test_report.py) on the site of every real file: the national budgets'
    currencies, the NATO small multiples and the maps included."""
    assert check_every_chart(full.layout.reports) > 250
