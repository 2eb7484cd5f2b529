"""The World and NATO pages (pipelines/report/world.py).

Figures are checked against the published files read here by hand (SIPRI's workbook, NATO's tables, with openpyxl)
and against the marts the pages draw from, never by re-running the pages' own queries; every chart drawn is held to
the chart rules (at most 10 colour categories, at most 25 values on a categorical axis, units in axis titles, a
title and a description); and both pages build from the starter data, the NATO page saying why it has no figures.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.report import charts, world
from pipelines.report.site import Builder
from tests.conftest import BuildRun, query, shared_file

SIPRI_WORKBOOK = "sipri/SIPRI-Milex-data-1949-2024_2.xlsx"
NATO_WORKBOOK = "nato/240617-def-exp-2024-TABLES-en.xlsx"
#: Members in NATO's 2024 tables that joined after 2014 (NATO's own dates of accession).
JOINED_AFTER_2014 = {"Montenegro": 2017, "North Macedonia": 2020, "Finland": 2023, "Sweden": 2024}


# --- the published files, read by hand --------------------------------------------------------------------------


def nato_block(sheet: str) -> dict[str, dict[str, float]]:
    """The first block of one of NATO's tables as printed: member (NATO's label without its footnote star) -> year
    heading as printed ('2014', '2024e') -> value. Year headings are on the row holding 2014; a member's name is in
    the third column; the block ends at the first aggregate (a label in the second column)."""
    book = openpyxl.load_workbook(shared_file(NATO_WORKBOOK), read_only=True, data_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    header = next(i for i, row in enumerate(rows) if 2014 in row)
    years = {j: str(cell) for j, cell in enumerate(rows[header]) if cell is not None}
    block: dict[str, dict[str, float]] = {}
    for row in rows[header + 1 :]:
        if row[1] is not None and block:
            break
        if isinstance(row[2], str):
            block[row[2].rstrip("*").strip()] = {year: row[j] for j, year in years.items()}
    return block


def sipri_cell(sheet: str, label: str, column: object) -> float:
    """One figure of SIPRI's workbook: the row whose first cell is `label`, under the heading `column`."""
    book = openpyxl.load_workbook(shared_file(SIPRI_WORKBOOK), read_only=True, data_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    header = next(row for row in rows if row and row[0] in ("Country", "Region"))
    line = next(row for row in rows if row and row[0] == label)
    return float(line[header.index(column)])


# --- the pages, as built and as returned -------------------------------------------------------------------------


def table_rows(page: Path) -> list[list[str]]:
    """Every table row of a page, as a reader sees its cells (tags stripped, unescaped)."""
    text = page.read_text(encoding="utf-8")
    rows = [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", text, re.S)
    ]
    return [row for row in rows if row]  # the heading row has no <td>


def specs_of(page: Path) -> dict:
    found = re.search(r'<script id="milspace-specs" type="application/json">(.*?)</script>', page.read_text(), re.S)
    return json.loads(found.group(1)) if found else {}


def export(run: BuildRun, name: str) -> list[dict[str, str]]:
    with (run.layout.reports / "data" / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def pages(full):
    """The pages drawn again from the full corpus's warehouse, with their headlines and the charts they draw."""
    with duckdb.connect(str(full.layout.warehouse), read_only=True) as con:
        builder = Builder(con, "test")
        headlines = {"world": world.world_page(builder), "nato": world.nato_page(builder)}
    return builder.site, headlines


# --- NATO ------------------------------------------------------------------------------------------------------


def test_members_at_2_percent_are_counted_as_natos_tables_and_budget_facts_give_them(full, pages):
    table3 = nato_block("TABLE3")
    assert len(table3) == 31 and "Iceland" not in table3  # Iceland has no armed forces and no figure
    met_2024 = sorted(name for name, years in table3.items() if years["2024e"] >= 2.0)
    members_2014 = {name: years for name, years in table3.items() if name not in JOINED_AFTER_2014}
    met_2014 = sorted(name for name, years in members_2014.items() if years["2014"] >= 2.0)
    assert len(met_2024) == 23  # NATO, June 2024: 23 Allies expected to meet 2 percent
    assert met_2014 == ["Greece", "United Kingdom", "United States"]
    ((counted,),) = query(
        full.layout,
        "select count(distinct entity_code) filter (where value >= 2) from marts.budget_facts "
        "where is_preferred and source like 'NATO%' and measure = 'milex_share_of_gdp' and entity_kind = 'country' "
        "and period = 2024",
    )
    assert counted == len(met_2024)
    headline = pages[1]["nato"]
    assert headline.target == "nato.html#two-percent"
    assert headline.text == (
        f"In 2014, the year of the Wales pledge, {len(met_2014)} of the {len(members_2014)} NATO members in NATO's "
        f"tables spent at least 2 percent of GDP on defence; in 2024 (NATO estimates), {len(met_2024)} of "
        f"{len(table3)} did."
    )
    # every member's latest figure is drawn as NATO gives it, and marked as its estimate
    rows = {r["nation_name"]: r for r in export(full, "nato-two-percent") if r["year"] == "2024"}
    assert len(rows) == 31 and all(r["is_estimate"] == "true" for r in rows.values())
    assert float(rows["Germany"]["share_of_gdp_pct"]) == pytest.approx(table3["Germany"]["2024e"])
    assert sum(r["meets_guideline"] == "true" for r in rows.values()) == 23


def test_the_nato_table_sets_natos_share_of_gdp_beside_sipris_for_the_same_year(full):
    table3, table8a = nato_block("TABLE3"), nato_block("TABLE8a")
    ((sipri,),) = query(
        full.layout,
        "select value from marts.military_expenditure where nation_iso3 = 'DEU' and year = 2024 "
        "and measure = 'share_of_gdp'",
    )
    rows = {r[0]: r for r in table_rows(full.layout.reports / "nato.html")}
    nato = table3["Germany"]["2024e"]
    assert rows["Germany"] == [
        "Germany",
        f"{nato:.2f}*",
        f"{sipri:.2f}",
        f"{nato - sipri:+.2f}*",
        f"{table8a['Germany']['2024e']:.2f}*",
    ]
    assert (nato, sipri) == pytest.approx((2.119, 1.892), abs=5e-4)
    assert len(rows) == 31
    # members linked to their nation pages, which exist
    page = (full.layout.reports / "nato.html").read_text(encoding="utf-8")
    links = set(re.findall(r'<a href="(nations/[A-Z]{3}\.html)">', page))
    assert "nations/DEU.html" in links and len(links) == 31
    assert all((full.layout.reports / link).is_file() for link in links)


def test_the_equipment_guideline_chart_draws_nato_members_only_on_natos_definition(full):
    table8a = nato_block("TABLE8a")
    rows = export(full, "nato-equipment")
    assert len(rows) == len(table8a) == 31
    assert {r["year"] for r in rows} == {"2024"}
    members = {
        code for (code,) in query(full.layout, "select code from marts.nations where nato_member_since is not null")
    }
    assert {r["nation_iso3"] for r in rows} <= members
    ranked = sorted(rows, key=lambda r: int(r["equipment_rank"]))
    assert [r["nation_name"] for r in ranked[:2]] == ["Poland", "Hungary"]
    assert float(ranked[0]["equipment_share_pct"]) == pytest.approx(table8a["Poland"]["2024e"], abs=0.005)
    below = sorted(name for name, years in table8a.items() if years["2024e"] < 20)
    assert below == ["Belgium", "Canada"]
    assert sorted(r["nation_name"] for r in rows if r["meets_equipment_guideline"] == "false") == below
    assert all(r["equipment_sheet"] == "TABLE8a" and r["equipment_row"] for r in rows)


# --- World -----------------------------------------------------------------------------------------------------


def test_the_largest_spenders_shares_are_of_sipris_world_total(full, pages):
    world_total = sipri_cell("Regional totals", "World", "2024 (current prices)")  # US$ billions
    us = sipri_cell("Current US$", "United States of America", 2024)  # US$ millions
    assert (round(world_total, 1), us) == (2718.2, 997309)
    # the 15 largest, from marts.military_expenditure, and their shares of SIPRI's world total
    largest = query(
        full.layout,
        "select nation_name, value from marts.military_expenditure where measure = 'current_usd' and year = 2024 "
        "and value is not null order by value desc limit 15",
    )
    shares = [(name, 100 * value / 1000 / world_total) for name, value in largest]
    table = table_rows(full.layout.reports / "world.html")
    assert [row[1] for row in table] == [name for name, _ in shares]
    assert table[0][:3] == ["1", "United States of America", f"{us / 1000:,.1f}"]
    assert [row[5].rstrip("*") for row in table] == [f"{share:.1f}" for _, share in shares]
    assert all(row[7] == "SIPRI world total" for row in table)
    assert table[1][2].endswith("*")  # China's figure is a SIPRI estimate
    # the chart's bars: the same shares, and the rest of the world, which is not the sum of the other nations' figures
    bars = export(full, "world-largest-shares")
    assert [b["nation_name"] for b in bars] == [name for name, _ in shares] + [world.OTHERS]
    assert float(bars[0]["world_share_pct"]) == pytest.approx(100 * us / 1000 / world_total)
    rest = 100 - sum(share for _, share in shares)
    assert float(bars[-1]["world_share_pct"]) == pytest.approx(rest)
    ((others_with_figures,),) = query(
        full.layout,
        "select sum(value) from (select value from marts.military_expenditure where measure = 'current_usd' "
        "and year = 2024 and value is not null order by value desc offset 15)",
    )
    assert float(bars[-1]["current_usd_billions"]) > others_with_figures / 1000  # SIPRI's estimates for the rest
    headline = pages[1]["world"]
    assert headline.target == "world.html#largest-shares"
    assert headline.text == (
        f"In 2024 world military spending was US${world_total / 1000:.1f} trillion at current prices (SIPRI's world "
        "total); "
        f"the 15 largest spenders accounted for {100 - rest:.1f}% of it, and United States of America alone for "
        f"{100 * us / 1000 / world_total:.1f}%."
    )


def test_real_change_is_computed_on_sipris_constant_series(full):
    """Germany's changes over one and ten years, from the constant-dollar sheet of SIPRI's workbook."""
    now, before, decade = (sipri_cell("Constant (2023) US$", "Germany", year) for year in (2024, 2023, 2014))
    row = next(r for r in table_rows(full.layout.reports / "world.html") if r[1] == "Germany")
    assert row[3:5] == [f"{100 * (now / before - 1):+,.1f}", f"{100 * (now / decade - 1):+,.1f}"]
    assert row[3:5] == ["+28.3", "+91.9"]


def test_regions_are_sipris_totals_that_add_up_to_its_world_total(full):
    rows = export(full, "world-regions")
    assert {r["region"] for r in rows} == {"Africa", "Americas", "Asia & Oceania", "Europe", "Middle East"}
    assert {r["total_basis"] for r in rows} == {"SIPRI regional total"}
    assert {r["price_basis"] for r in rows} == {"constant_2023"}
    world_2024 = sipri_cell("Regional totals", "World", 2024)
    europe_2024 = sipri_cell("Regional totals", "Europe", 2024)
    europe = next(r for r in rows if r["region"] == "Europe" and r["year"] == "2024")
    assert float(europe["constant_usd_billions"]) == pytest.approx(europe_2024)
    assert float(europe["share_of_world_pct"]) == pytest.approx(100 * europe_2024 / world_2024)
    by_year: dict[str, float] = {}
    for r in rows:
        if r["share_of_world_pct"]:
            by_year[r["year"]] = by_year.get(r["year"], 0.0) + float(r["share_of_world_pct"])
    assert "1991" not in by_year  # SIPRI gives no world total for 1991
    assert all(abs(total - 100) < 0.5 for total in by_year.values()), by_year


# --- the chart rules, on every chart these pages draw ------------------------------------------------------------

CATEGORICAL = ("nominal", "ordinal")
COLOUR_CHANNELS = ("color", "fill", "stroke", "strokeDash", "shape")
AXIS_CHANNELS = ("x", "y", "xOffset", "yOffset")
UNITS = re.compile(r"US\$|%|[Pp]ercent|Share")


def views(spec: dict, datasets: dict, data: list | None = None):
    """Every single view of a specification with the rows it draws (inherited from the enclosing views)."""
    if "data" in spec:
        source = spec["data"]
        data = source["values"] if "values" in source else datasets.get(source.get("name"), [])
    if "mark" in spec:
        yield spec, data or []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for inner in spec.get(key, []):
            yield from views(inner, datasets, data)
    if isinstance(spec.get("spec"), dict):
        yield from views(spec["spec"], datasets, data)


def widths(spec: dict) -> list[float]:
    """The width of every view and panel of a specification that sets one in pixels."""
    found = [spec["width"]] if isinstance(spec.get("width"), (int, float)) else []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for inner in spec.get(key, []):
            found += widths(inner)
    return found + (widths(spec["spec"]) if isinstance(spec.get("spec"), dict) else [])


def chart_rule_breaches(spec: dict) -> list[str]:
    """What breaks the chart rules in one chart's specification (an empty list: nothing)."""
    found = []
    if not spec.get("title") or len(spec.get("description", "")) < 40:
        found.append("title or description missing")
    titles = []
    for view, rows in views(spec, spec.get("datasets", {})):
        encoding = view.get("encoding", {})
        for channel, definition in encoding.items():
            if not isinstance(definition, dict):
                continue
            if channel in ("x", "y") and definition.get("title"):
                titles.append(definition["title"])
            field, kind = definition.get("field"), definition.get("type")
            if field == "year" and kind == "quantitative" and channel == "x":
                axis = definition.get("axis", {})
                if axis.get("format") != "d" or axis.get("labelAngle") != 0:
                    found.append("a year axis not formatted as years with level labels")
            if not field or kind not in CATEGORICAL:
                continue
            distinct = len({row.get(field) for row in rows})
            if channel in COLOUR_CHANNELS and distinct > charts.MAX_COLOURS:
                found.append(f"{distinct} colours of {field}")
            if channel in AXIS_CHANNELS and distinct > charts.MAX_CATEGORIES:
                found.append(f"{distinct} values of {field} on {channel}")
    found += [f"a view {width} px wide" for width in widths(spec) if width > 640]
    if not any(UNITS.search(str(title)) for title in titles):
        found.append(f"no unit in the axis titles {titles}")
    return found


def test_no_chart_of_the_full_corpus_has_more_than_10_colours_or_25_categories(full):
    assert _rule_breaches_of_every_chart(full) == 4  # both World charts and both NATO charts drawn


def test_no_chart_of_the_starter_data_has_more_than_10_colours_or_25_categories(built):
    assert _rule_breaches_of_every_chart(built) == 2  # the World charts; NATO's tables are not in the starter


def _rule_breaches_of_every_chart(run) -> int:
    """Assert the chart rules on every World and NATO chart the build's warehouse draws; how many were drawn.
    (Two tests, each naming its build fixture, so that the fast loop's slow marker sees the build they need.)"""
    drawn = 0
    with duckdb.connect(str(run.layout.warehouse), read_only=True) as con:
        builder = Builder(con, "test")
        for spec in (*world.WORLD_FIGURES, *world.NATO_FIGURES):
            rows = spec.drawn(builder.rows(spec.query))
            if rows is None:
                continue
            chart = spec.chart_of(rows).to_dict()
            assert chart_rule_breaches(chart) == [], spec.name
            drawn += 1
    return drawn


def test_the_rule_checker_catches_a_chart_that_breaks_the_rules():
    """The check above can fail: 31 members on one axis, 12 colours, no unit."""
    import altair as alt

    frame = pl.DataFrame(
        {"member": [f"m{i}" for i in range(31)], "v": list(range(31)), "c": [i % 12 for i in range(31)]}
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(y="member:N", x=alt.X("v:Q", title="Value"), color="c:N")
        .properties(title="t", description="a chart with too many bars and too many colours to read well")
        .to_dict()
    )
    assert sorted(chart_rule_breaches(chart)) == [
        "12 colours of c",
        "31 values of member on y",
        "no unit in the axis titles ['Value']",
    ]


def test_the_two_percent_chart_is_small_multiples_marking_the_wales_pledge_and_natos_estimates(full):
    spec = specs_of(full.layout.reports / "nato.html")["two-percent"]
    assert spec["facet"]["field"] == "panel" and spec["columns"] == 6
    layers = spec["spec"]["layer"]
    rules = [layer["encoding"] for layer in layers if layer["mark"]["type"] == "rule"]
    assert {"y": {"datum": 2.0}} in rules
    assert any(rule["x"].get("datum") == 2014 for rule in rules if "x" in rule)
    dash = next(layer["encoding"]["strokeDash"] for layer in layers if "strokeDash" in layer["encoding"])
    assert dash["scale"]["domain"] == ["Reported by NATO", "NATO estimate"]
    fill = next(layer["encoding"]["fill"] for layer in layers if "fill" in layer["encoding"])
    assert fill["condition"] == {"test": "datum.is_estimate", "value": "white"}


# --- the starter data ---------------------------------------------------------------------------------------------


def test_both_pages_build_from_the_starter_data(built):
    reports = built.layout.reports
    nato = (reports / "nato.html").read_text(encoding="utf-8")
    assert "NATO&#x27;s tables are not in the warehouse, so this page has no figures" in nato
    assert "240617-def-exp-2024-TABLES-en.xlsx" in nato and "data_raw/inbox/" in nato
    assert specs_of(reports / "nato.html") == {}
    # no SIPRI world total in the starter extract: shares of the nations with figures, said so
    ((nations,),) = query(
        built.layout,
        "select count(*) from marts.military_expenditure where measure = 'current_usd' and value is not null "
        "and year = (select max(year) from marts.military_expenditure where measure = 'current_usd' "
        "and value is not null)",
    )
    table = table_rows(reports / "world.html")
    assert len(table) == 15 and {row[7] for row in table} == {f"sum of the {nations} nations with figures"}
    page = html.unescape((reports / "world.html").read_text(encoding="utf-8"))
    assert "SIPRI's world total was not read" in page and "not of the world" in page
    assert set(specs_of(reports / "world.html")) == {"largest-shares", "regions"}
    regions = export(built, "world-regions")
    assert {r["total_basis"] for r in regions} == {"sum of the nations with figures"}
    bars = export(built, "world-largest-shares")
    assert bars[-1]["nation_name"] == world.OTHERS_WITH_FIGURES
    assert sum(float(b["world_share_pct"]) for b in bars) == pytest.approx(100)
    for link in re.findall(r'<a href="(nations/[A-Z]{3}\.html)">', page):
        assert (reports / link).is_file(), link
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="world.html"' in index and 'href="nato.html"' in index
