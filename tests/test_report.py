"""The report site: every page and chart, offline, escaped, linked, with its data; and, where Chromium is
installed, every page opened in a real browser with the network blocked."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import altair as alt
import duckdb
import polars as pl
import pytest
import vl_convert

from pipelines.paths import REPO_ROOT
from pipelines.report import charts, figures
from pipelines.report.build import safe_for_spreadsheets
from pipelines.report.figures import FISCAL_YEAR_NOTE, FigureSpec, Sources
from pipelines.report.page import Figure, Table, render_page
from pipelines.report.site import query as report_query
from pipelines.warehouse import header_comment
from tests.conftest import make_root, query, run_build, shared_file

HOSTILE = "<script>alert(1)</script>"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian installs it there
PAGES = (
    "index.html",
    "compare.html",
    "world.html",
    "nato.html",
    "us-budget.html",
    "budgets.html",
    "strategies.html",
    "orbit.html",
    "methodology.html",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Starter data (one register title made hostile), the DoD exhibits in the inbox, the NDS in strategies."""
    layout = make_root(tmp_path_factory.mktemp("site"))
    register = layout.starter / "strategy_documents.csv"
    rows = list(csv.DictReader(register.open(encoding="utf-8")))
    rows[0]["title"] = HOSTILE  # usa-2018-nds-summary
    with register.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (layout.data_raw / "inbox").mkdir()
    for name in ("M-1", "O-1", "P-1", "R-1"):
        shutil.copy(shared_file(f"dod/fy2019_exhibits/{name}.xlsx"), layout.data_raw / "inbox")
    layout.strategies.mkdir()
    shutil.copy(shared_file("strategy/2018-01-19-national-defense-strategy-2018-summary.md"), layout.strategies)
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    return layout


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.charts = 0
        self.captions = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "link", "img", "iframe", "source") and (attrs.get("src") or attrs.get("href")):
            self.resources.append(attrs.get("src") or attrs.get("href"))
        self.charts += tag == "div" and (attrs.get("class") or "") == "chart"
        self.captions += tag == "figcaption"


def pages(root: Path) -> list[Path]:
    return sorted(root.glob("*.html")) + sorted((root / "nations").glob("*.html"))


def specs_of(page: Path) -> dict:
    found = re.search(r'<script id="milspace-specs" type="application/json">(.*?)</script>', page.read_text(), re.S)
    return json.loads(found.group(1)) if found else {}


def test_every_page_of_the_site_is_written(site):
    reports = site.reports
    for name in PAGES:
        assert (reports / name).is_file(), name
    nations = {p.stem for p in (reports / "nations").glob("*.html")}
    with_series = {code for (code,) in query(site, "select distinct nation_iso3 from marts.defense_yoy")}
    issuers = {code for (code,) in query(site, "select distinct nation_code from marts.strategy_register")}
    assert nations == with_series | issuers
    assert len(list((reports / "assets").glob("*.js"))) == 1


def test_pages_load_nothing_from_the_network_and_the_vega_script_once(site):
    for page in pages(site.reports):
        parsed = _Page()
        parsed.feed(page.read_text(encoding="utf-8"))
        assert all(not urlparse(r).scheme for r in parsed.resources), (page.name, parsed.resources)
        scripts = [r for r in parsed.resources if r.endswith(".js")]
        assert len(scripts) == (1 if parsed.charts else 0), page.name
        assert "window.vegaEmbed=" not in page.read_text(encoding="utf-8")  # not inlined in the page


def test_every_link_between_pages_resolves(site):
    checked = 0
    for page in pages(site.reports):
        parsed = _Page()
        parsed.feed(page.read_text(encoding="utf-8"))
        for link in parsed.links:
            if urlparse(link).scheme or link.startswith("#"):
                continue
            target = (page.parent / link.split("#")[0]).resolve()
            assert target.is_file(), (page.name, link)
            checked += 1
    assert checked > 100


def _views(spec: dict) -> list[dict]:
    """Every view of a specification: itself, a facet's inner spec, layers and concatenated charts, nested."""
    found = [spec]
    for key in ("spec", "layer", "vconcat", "hconcat", "concat"):
        inner = spec.get(key)
        for child in inner if isinstance(inner, list) else [inner] if isinstance(inner, dict) else []:
            found += _views(child)
    return found


#: A unit in an axis or legend title: a currency, percent, an index scale, words or satellites counted.
UNITS = re.compile(r"US\$|EUR|CAD|AUD|%|[Pp]ercent|0-1000|per 10,000|Share|, count$|, count |count\b")


def check_every_chart(root: Path) -> int:
    """Assert, for the site under `root`, that every chart has a title, a description, units on an axis or legend,
    one caption per figure, and its CSV, SVG and PNG; the number of figures."""
    figures = 0
    for page in pages(root):
        parsed = _Page()
        parsed.feed(page.read_text(encoding="utf-8"))
        specs = specs_of(page)
        # a figure's map view is a chart of its own ("<anchor>--map") under the figure's one caption
        assert parsed.charts == len(specs), page.name
        assert parsed.captions == len([anchor for anchor in specs if not anchor.endswith("--map")]), page.name
        for anchor, spec in specs.items():
            figures += not anchor.endswith("--map")
            where = f"{page.name}#{anchor}"
            title = spec.get("title", {})
            assert title.get("text") if isinstance(title, dict) else title, where
            assert len(spec.get("description", "")) > 40, where
            encodings = [view.get("encoding", {}) for view in _views(spec)]
            titles = " ".join(
                str(enc[ch].get("title", "")) for enc in encodings for ch in ("x", "y", "color") if ch in enc
            )
            assert UNITS.search(titles), (where, titles)
    data = root / "data"
    exports = {p.stem for p in data.glob("*.csv")}
    assert exports == {p.stem for p in data.glob("*.svg")} == {p.stem for p in data.glob("*.png")}
    assert len(exports) == figures
    for svg in data.glob("*.svg"):
        assert svg.read_text().count("<path") > 3, svg.name
    return figures


def test_every_chart_has_title_units_description_caption_and_data(site):
    assert check_every_chart(site.reports) >= 15


def captions_of(page: Path) -> dict[str, str]:
    """A page's figure captions by anchor, as a reader sees them (unescaped, without the data links)."""
    found = re.findall(r'<figure id="([^"]+)">.*?<figcaption>(.*?)</figcaption>', page.read_text(), re.S)
    return {anchor: html.unescape(re.sub(r" Data and image: .*", "", text)) for anchor, text in found}


#: Figures the starter data cannot draw: a nation's figures beside SIPRI's need NATO's or the EDA's tables (drawn on
#: the full corpus, tests/test_report_browser.py); the page says why instead.
NOT_ON_STARTER = {"nations/USA.html#publishers"}


def declared_specs() -> dict[str, tuple[FigureSpec, ...]]:
    """Every declared figure, by page (nation pages and say-against-spend for the fixture's USA, 2018)."""
    return {
        "index.html": figures.INDEX,
        "compare.html": figures.COMPARE + figures.COMPARE_AGREEMENT,
        "us-budget.html": figures.US_BUDGET,
        "nations/USA.html": figures.nation_figures("USA", "United States of America"),
        "strategies.html": (*figures.STRATEGIES, figures.say_vs_spend("USA", 2018)),
        "orbit.html": figures.ORBIT,
    }


def test_every_figure_spec_draws_from_its_query_and_exports_its_columns(site):
    """Each spec's export and source columns exist in its query's result, every declared figure is drawn on this
    warehouse, and the CSV beside it holds exactly the export columns, in order."""
    with duckdb.connect(str(site.warehouse), read_only=True) as con:
        for page, specs in declared_specs().items():
            assert len({spec.name for spec in specs}) == len(specs), page
            for spec in specs:
                frame = report_query(con, spec.query)
                where = f"{page}#{spec.name}"
                assert set(spec.export) <= set(frame.columns), (where, set(spec.export) - set(frame.columns))
                assert set(spec.sources.columns) <= set(frame.columns), where
                if where in NOT_ON_STARTER:
                    assert spec.drawn(frame) is None, where
                    continue
                assert spec.drawn(frame) is not None, where
                stem = f"{page.replace('/', '-').removesuffix('.html')}-{spec.name}"
                with (site.reports / "data" / f"{stem}.csv").open(encoding="utf-8") as handle:
                    assert tuple(next(csv.reader(handle))) == spec.export, where


def test_every_caption_names_the_sources_of_the_rows_it_draws(site):
    captions = {page: captions_of(site.reports / page) for page in declared_specs()}
    for page, found in captions.items():
        for anchor, caption in found.items():
            assert re.match(r"Sources?: \S", caption), (page, anchor, caption)
            assert "not named in the data" not in caption, (page, anchor)
    editions = {e for (e,) in query(site, "select distinct edition from marts.capability_investment")}
    assert editions and all(e in captions["us-budget.html"]["space-areas"] for e in editions)
    others = {
        d for (d,) in query(site, "select distinct detail_b from marts.source_agreement where source_a = 'SIPRI'")
    }
    assert others and all(d in captions["compare.html"]["source-agreement"] for d in others)
    # the strategy document read and the budget exhibits it is held against, not a typed description
    assert captions["strategies.html"]["rhetoric"].startswith("Source: National Defense Strategy (2018). ")
    say = captions["strategies.html"]["say-vs-spend-usa-2018"]
    assert "National Defense Strategy (2018)" in say
    assert "US DoD Comptroller, budget exhibit R-1 (FY2019 President's Budget)" in say
    # SIPRI's fiscal-year note where the rows drawn include the US, and only there
    assert FISCAL_YEAR_NOTE in captions["nations/USA.html"]["series"]
    assert FISCAL_YEAR_NOTE in captions["compare.html"]["topline"]
    assert FISCAL_YEAR_NOTE not in captions["compare.html"]["artemis"]
    assert FISCAL_YEAR_NOTE not in captions_of(site.reports / "nations" / "GBR.html")["series"]


def test_a_figure_names_only_the_sources_of_its_rows_and_is_left_out_without_rows():
    frame = pl.DataFrame(
        {
            "nation_name": ["A", "A", "B"],
            "year": [2020, 2021, 2020],
            "year_type": ["calendar_year"] * 3,
            "share_of_gdp_pct": [1.0, 2.0, None],
            "is_estimate": [False, False, False],
            "source": ["Publisher X (2031 edition), sheet 'T1'", "Publisher X (2031 edition)", "Publisher Y"],
            "edition": ["e2", "e1", "e3"],
        }
    )
    spec = FigureSpec(
        name="a",
        query="unused",
        chart=charts.share_of_gdp,
        title="Title",
        caption=lambda rows: f"{rows.height} rows.",
        export=("year", "nation_name"),
        sources=Sources(edition="edition"),
        rows=lambda f: f.filter(pl.col("nation_name") == "A"),
    )
    rows = spec.drawn(frame)
    assert spec.caption_of(rows) == "Source: Publisher X (2031 edition) (e1, e2). 2 rows."
    assert spec.export_of(rows).columns == ["year", "nation_name"]
    assert spec.chart_of(rows).to_dict()["title"]["text"] == "Title"
    fiscal = rows.with_columns(year_type=pl.lit("fiscal_year"))
    assert (
        Sources(("source", "edition")).line(fiscal)
        == f"Sources: Publisher X (2031 edition); e1; e2 ({FISCAL_YEAR_NOTE})."
    )
    assert spec.drawn(frame.filter(pl.col("nation_name") == "B")) is None
    needing = FigureSpec("b", "unused", charts.share_of_gdp, "T", "", ("year",), needs="share_of_gdp_pct")
    assert needing.drawn(frame.filter(pl.col("nation_name") == "B")) is None
    assert needing.drawn(frame) is not None


def test_the_methodology_page_describes_every_mart_by_its_header_comment(site):
    """Each sql/marts/*.sql file's leading comment (warehouse.header_comment) under its heading, in order; comments
    further down a file (notes on its SQL) are not shown."""
    page = (site.reports / "methodology.html").read_text(encoding="utf-8")
    texts = [html.unescape(text) for text in re.findall(r"<(?:h2|p)>(.*?)</(?:h2|p)>", page, re.S)]
    shown = " ".join(" ".join(texts).split())
    marts = sorted((REPO_ROOT / "sql" / "marts").glob("*.sql"))
    assert len(marts) > 20
    for path in marts:
        header = " ".join(header_comment(path).split())
        assert header.startswith(f"marts.{path.stem} "), path.name
        assert f"marts.{path.stem} {header}" in shown, path.name
    assert "self-join below" in (REPO_ROOT / "sql" / "marts" / "vintage_revisions.sql").read_text(encoding="utf-8")
    assert "self-join below" not in shown


def test_the_methodology_page_holds_the_data_dictionary_of_its_warehouse(site):
    """Under "Data dictionary", one folded table per mart of the warehouse the site was drawn from, a row per column:
    its name, its description (the column comment), its unit and its type."""
    page = (site.reports / "methodology.html").read_text(encoding="utf-8")
    assert 'id="data-dictionary"' in page
    with duckdb.connect(str(site.warehouse), read_only=True) as con:
        marts = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        share = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = 'space_share' "
            "AND column_name = 'share_pct'"
        ).fetchone()
    assert len(marts) > 30
    for (name,) in marts:
        assert f"<summary>marts.{name} (" in page, name
    assert share is not None and share[0]
    assert f"<td>share_pct</td><td>{html.escape(share[0])}</td><td>percent</td><td>DOUBLE</td>" in page


def test_estimates_are_drawn_hollow(site):
    spec = specs_of(site.reports / "compare.html")["topline"]
    fills = [layer["encoding"].get("fill", {}) for layer in spec["layer"] if "fill" in layer.get("encoding", {})]
    assert fills and "is_estimate" in json.dumps(fills[0]) and '"white"' in json.dumps(fills[0])


def test_every_spec_is_valid_vega_lite(site):
    """The site skips Altair's validation for speed; here every specification is validated against the schema."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema import core

    schema = core.load_schema()
    checked = 0
    for page in pages(site.reports):
        for anchor, spec in specs_of(page).items():
            validate_jsonschema(spec, schema)  # raises on an invalid specification
            assert vl_convert.vegalite_to_vega(spec), f"{page.name}#{anchor}"
            checked += 1
    assert checked >= 15


def test_text_from_input_files_shows_as_text(site):
    page = (site.reports / "nations" / "USA.html").read_text(encoding="utf-8")
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_render_page_escapes_everything_it_is_given():
    chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q").properties(description=HOSTILE)
    page = render_page(
        title=HOSTILE,
        blocks=[Figure.of("x", chart, HOSTILE), Table(("c",), ((HOSTILE,),))],
        nav=[("index.html", HOSTILE)],
        here="index.html",
        footer=[HOSTILE],
    )
    assert "<script>alert" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    assert "\\u003cscript>alert" in page  # inside the JSON of the chart specification


def test_csv_exports_cannot_run_as_spreadsheet_formulas():
    frame = pl.DataFrame({"title": ['=HYPERLINK("http://x")', "+1", "plain", "-2"], "value": [1.0, -2.0, 3.0, 4.0]})
    safe = safe_for_spreadsheets(frame)
    assert safe["title"].to_list() == ['\'=HYPERLINK("http://x")', "'+1", "plain", "'-2"]
    assert safe["value"].to_list() == [1.0, -2.0, 3.0, 4.0]


# --- in a real browser --------------------------------------------------------------------------------------


def browser_session():
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Chromium is not installed: install Debian's package (apt-get install -y chromium) to open the report "
            "in a real browser; .ci/run installs it in CI"
        )
    from playwright.sync_api import sync_playwright

    return sync_playwright()


def test_every_page_opens_offline_in_chromium_with_every_chart_drawn(site):
    screenshots = REPO_ROOT / "reports" / "screenshots" / "starter"
    screenshots.mkdir(parents=True, exist_ok=True)
    checked_links = 0
    with browser_session() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for path in pages(site.reports):
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                errors, failed, dialogs = [], [], []
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
                page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(d.message), d.dismiss()))
                page.route(
                    "**/*", lambda route: route.abort() if route.request.url.startswith("http") else route.continue_()
                )
                page.goto(path.as_uri())
                charts = page.evaluate("document.querySelectorAll('.chart').length")
                if charts:
                    page.wait_for_function(
                        "document.querySelectorAll('.chart svg, .chart canvas').length >= "
                        "document.querySelectorAll('.chart').length",
                        timeout=30_000,
                    )
                name = path.name if path.parent == site.reports else f"nations-{path.name}"
                page.screenshot(path=str(screenshots / name.replace(".html", ".png")), full_page=True)
                assert errors == [], (path.name, errors)
                assert failed == [], (path.name, failed)
                assert dialogs == [], (path.name, dialogs)
                assert "This chart could not be drawn" not in page.inner_text("body")
                for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
                    if href.startswith("file:"):  # a link between pages, resolved by the browser itself
                        target = Path(unquote(urlparse(href).path))
                        assert target.is_file(), (path.name, href)
                        checked_links += 1
                if path.name == "strategies.html":
                    assert HOSTILE in page.inner_text("body")  # shown as text, not run
                page.close()
        finally:
            browser.close()
    assert (screenshots / "index.png").stat().st_size > 10_000
    assert checked_links > 100


def test_charts_drawn_by_worker_processes_match_those_drawn_here(tmp_path):
    """A first build draws its charts in worker processes (pipelines/report/draw.py): the same images, and a
    worker that cannot draw a chart fails the report with its message."""
    from pipelines.report import draw

    specs = [
        {
            "mark": "bar",
            "data": {"values": [{"a": "x", "b": n}, {"a": "y", "b": 2 * n}]},
            "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}},
        }
        for n in (1, 5, 9)
    ]
    jobs = [(spec, tmp_path / f"{n}.svg", tmp_path / f"{n}.png") for n, spec in enumerate(specs)]
    workers = draw.Workers(2)
    try:
        workers.draw(jobs)
    finally:
        workers.close()
    for spec, svg, png in jobs:
        here_svg, here_png = draw.svg_and_png(spec)
        assert svg.read_text(encoding="utf-8") == here_svg
        assert png.read_bytes() == here_png
    broken = draw.Workers(1)
    try:
        with pytest.raises(RuntimeError, match="drawing charts failed"):
            broken.draw(
                [
                    (
                        {"layer": 3},  # not a chart vl-convert can draw
                        tmp_path / "x.svg",
                        tmp_path / "x.png",
                    )
                ]
            )
    finally:
        broken.close()


def test_the_data_vintage_names_each_publication_once_with_its_editions():
    from pipelines.report.site import _vintage

    sources = pl.DataFrame(
        {
            "status": ["loaded", "loaded", "loaded", "unreadable", "loaded"],
            "origin": ["inbox", "inbox", "inbox", "inbox", "starter"],
            "source": ["EDA, Defence Data", "EDA, Defence Data", "NATO", "Broken", "Starter"],
            "detected_format": ["eda", "eda", "nato", None, "extract"],
            "edition": ["Defence Data (2017-2021)", "Defence Data (2005-2014)", "2014-2024", "x", "y"],
        }
    )
    assert _vintage(sources) == (
        "EDA, Defence Data (Defence Data (2005-2014), Defence Data (2017-2021)); NATO (2014-2024); "
        "SIPRI Military Expenditure Database (April 2025 release, starter extract)"
    )


def test_the_agreement_scatter_names_each_publishers_year_when_they_differ():
    frame = pl.DataFrame(
        {
            "nation_iso3": ["DEU", "DEU", "FRA"],
            "year": [2021, 2024, 2024],
            "value_a": [1.3, 1.9, 2.1],
            "value_b": [1.4, 2.1, 2.0],
            "source_b": ["EDA", "NATO", "NATO"],
            "difference": [0.1, 0.2, -0.1],
            "reason": [None, "definition", "definition"],
        }
    )
    chart = charts.source_agreement_scatter(frame, title="t", year=2024)
    assert chart.title.subtitle == (
        "each publisher's latest year with SIPRI (EDA 2021, NATO 2024); on the dashed line the publishers agree"
    )
    same = charts.source_agreement_scatter(frame.filter(pl.col("source_b") == "NATO"), title="t", year=2024)
    assert same.title.subtitle == "2024; on the dashed line the publishers agree"


def test_the_overview_names_the_largest_operators_of_military_satellites(site):
    """The headline on satellites repeats marts.space_capability: the newest UCS edition's three largest operators."""
    top = query(
        site,
        "select coalesce(operator_name, operator_code), sum(active)::BIGINT from marts.space_capability "
        "where user_class = 'military' and source like 'Union of Concerned Scientists%' and edition_date = ("
        "select max(edition_date) from marts.space_capability where source like 'Union of Concerned Scientists%') "
        "group by all order by 2 desc limit 3",
    )
    listed = ", ".join(f"{name} ({count:,})" for name, count in top)
    text = html.unescape((site.reports / "index.html").read_text(encoding="utf-8"))
    assert f"the nations operating the most satellites whose users include the military are {listed}." in text
    assert top[0][0] == "United States of America"


def test_a_nation_page_says_why_a_view_is_missing_instead_of_drawing_it_empty(site):
    text = html.unescape(re.sub(r"<[^>]+>", " ", (site.reports / "nations" / "USA.html").read_text()))
    assert "Only SIPRI's figures for United States of America" in text
    assert 'id="publishers"' not in (site.reports / "nations" / "USA.html").read_text()
    # a page of a body SIPRI does not cover says so, and draws no chart
    bodies = [p for p in (site.reports / "nations").glob("*.html") if "No military expenditure series" in p.read_text()]
    assert bodies, "no nation page without a SIPRI series"
    assert all('class="chart"' not in p.read_text() or "In orbit" in p.read_text() for p in bodies)


def test_images_carry_their_source_line_and_pngs_are_drawn_at_twice_the_size(site):
    """A chart's SVG and PNG, pasted alone into a briefing, still name their source; the PNG is sharp (2x)."""
    images = sorted((site.reports / "data").glob("*.svg"))
    assert len(images) >= 15
    for svg in images:
        text = svg.read_text(encoding="utf-8")
        drawn = html.unescape(re.sub(r"<[^>]+>", " ", text))
        assert re.search(r"\bSources?: ", drawn), svg.name
        width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', text).group(1))
        png = svg.with_suffix(".png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert abs(int.from_bytes(png[16:20], "big") - 2 * width) <= 2, svg.name


def test_csv_downloads_keep_published_digits_without_float_noise(site):
    from pipelines.report.build import without_float_noise

    frame = without_float_noise(pl.DataFrame({"share": [0.1 + 0.2, 2.021675, 123456.789012345678], "n": [1, 2, 3]}))
    assert frame["share"].to_list() == [0.3, 2.021675, 123456.789012]
    assert frame["n"].to_list() == [1, 2, 3]
    noisy = re.compile(r"\d\.\d*(?:0{6,}|9{6,})\d\b")
    for path in (site.reports / "data").glob("*.csv"):
        assert not noisy.search(path.read_text(encoding="utf-8")), path.name
