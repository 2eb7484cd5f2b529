"""The budget views (pipelines/report/budgets.py): the US topline from the Green Book on us-budget.html and the
national budgets page. Values drawn are checked against figures read independently: straight from
marts.budget_facts (the cell a chart row comes from) or from the hand-read values in ../shared/data/README.md;
every chart is checked for its colour and category limits and for codes drawn where words should be."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest
import vl_convert

from pipelines.report import budgets
from pipelines.report.page import Figure, Heading, Paragraph, Table
from pipelines.report.site import Builder
from tests.conftest import query

SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
COLOUR_CHANNELS = ("color", "fill", "stroke", "opacity", "fillOpacity", "shape", "strokeDash")
AXIS_CHANNELS = ("x", "y", "xOffset", "yOffset", "row", "column", "facet")


def _views(builder: Builder) -> tuple[list, Builder]:
    blocks = budgets.us_topline_blocks(builder)
    budgets.build_budgets(builder)
    return blocks, builder


@pytest.fixture(scope="module")
def full_views(full):
    """The views drawn from the whole corpus: the blocks us-budget.html gains, and the builder that drew them
    (its exports, and the budgets.html page)."""
    with duckdb.connect(str(full.layout.warehouse), read_only=True) as con:
        yield _views(Builder(con, "test"))


@pytest.fixture(scope="module")
def starter_views(built):
    with duckdb.connect(str(built.layout.warehouse), read_only=True) as con:
        yield _views(Builder(con, "test"))


def export(builder: Builder, name: str):
    found = [e for e in builder.site.exports if e.name == name]
    assert found, f"no chart {name}; drawn: {[e.name for e in builder.site.exports]}"
    return found[0]


# --- reading a chart's specification: its views, their data, their encodings ---------------------------------


def _data(spec: dict, datasets: dict, inherited: list[dict]) -> list[dict]:
    data = spec.get("data")
    if not data:
        return inherited
    if "values" in data:
        return data["values"]
    return datasets.get(data.get("name"), inherited)


def views(spec: dict, datasets: dict | None = None, inherited: list[dict] | None = None):
    """(encoding, rows) for every view of a Vega-Lite specification (layers, facets, concatenations)."""
    datasets = spec.get("datasets", {}) if datasets is None else datasets
    rows = _data(spec, datasets, inherited or [])
    encoding = dict(spec.get("encoding", {}))
    if isinstance(spec.get("facet"), dict) and "field" in spec["facet"]:
        encoding["facet"] = spec["facet"]
    if encoding:
        yield encoding, rows
    for key in ("layer", "concat", "vconcat", "hconcat"):
        for sub in spec.get(key, []):
            yield from views(sub, datasets, rows)
    if isinstance(spec.get("spec"), dict):
        yield from views(spec["spec"], datasets, rows)


def categorical(definition) -> list[dict]:
    """The nominal or ordinal field definitions of one encoding channel (a tooltip holds a list)."""
    items = definition if isinstance(definition, list) else [definition]
    return [d for d in items if isinstance(d, dict) and d.get("field") and d.get("type") in ("nominal", "ordinal")]


def is_year(values: set) -> bool:
    return all(
        (isinstance(v, int) and 1900 <= v <= 2100) or (isinstance(v, str) and re.fullmatch(r"\d{4}(-\d{2})?", v))
        for v in values
    )


def layer_rows(spec: dict, mark: str) -> list[dict]:
    """The rows of the first view drawn with `mark`."""
    datasets = spec.get("datasets", {})
    for layer in spec.get("layer", [spec]):
        kind = layer.get("mark")
        kind = kind.get("type") if isinstance(kind, dict) else kind
        if kind == mark:
            return _data(layer, datasets, _data(spec, datasets, []))
    raise AssertionError(f"no {mark} layer")


# --- the US topline: values against marts.budget_facts -------------------------------------------------------

NEWEST_TITLES = """
    SELECT appropriation_title, is_total, value FROM marts.budget_facts
    WHERE source_format = 'dod_greenbook' AND sheet = '6-8' AND measure = 'budget_authority'
      AND price_basis = 'constant_2022' AND edition = 'FY 2022 President''s Budget' AND period = ?
"""


def test_the_greenbook_titles_chart_draws_each_title_and_the_published_total_of_the_newest_edition(full, full_views):
    _, builder = full_views
    spec = export(builder, "us-budget-greenbook-titles").spec
    bars, ticks = layer_rows(spec, "bar"), layer_rows(spec, "tick")
    for year in (1990, 2010, 2021):
        cells = query(full.layout, NEWEST_TITLES, [year])
        total = next(v for _, is_total, v in cells if is_total)
        drawn = [r for r in bars if r["fiscal_year"] == year]
        # every part drawn once: the named titles are the cells, Others is the rest; the parts add up to the
        # published total (to its rounding) and the total itself is drawn as a tick, not a bar
        named = {r["category"]: r["amount"] * 1000 for r in drawn if r["category"] != budgets.OTHERS}
        cell = {title: v for title, is_total, v in cells if not is_total}
        assert named == pytest.approx({t: cell[t] for t in named})
        assert sum(r["amount"] for r in drawn) * 1000 == pytest.approx(sum(cell.values()))
        assert abs(sum(cell.values()) - total) <= 2  # the table's own rounding
        assert [r["amount"] * 1000 for r in ticks if r["fiscal_year"] == year] == pytest.approx([total])
    # FY2010: 853,658 million constant FY2022 dollars, as published (budget_facts above); FY2021 enacted, FY2022
    # a request, distinct from the actual years
    phases = {r["fiscal_year"]: r["phase_label"] for r in bars}
    assert (phases[2010], phases[2021], phases[2022]) == ("Actual", "Enacted", "Request")
    assert "constant FY2022" in spec["layer"][0]["encoding"]["y"]["title"]


def test_the_departments_chart_adds_the_four_departments_to_the_table_total(full, full_views):
    _, builder = full_views
    spec = export(builder, "us-budget-greenbook-departments").spec
    bars = layer_rows(spec, "bar")
    cells = query(
        full.layout,
        """SELECT organization, is_total, value FROM marts.budget_facts
           WHERE source_format = 'dod_greenbook' AND sheet = '6-10' AND measure = 'budget_authority'
             AND price_basis = 'constant_2022' AND edition = 'FY 2022 President''s Budget' AND period = 2020""",
    )
    drawn = {r["category"]: r["amount"] * 1000 for r in bars if r["fiscal_year"] == 2020}
    assert set(drawn) == {"Army", "Navy", "Air Force", "Defense-Wide"}
    assert drawn == pytest.approx({o: v for o, is_total, v in cells if not is_total})
    total = next(v for _, is_total, v in cells if is_total)
    assert abs(sum(drawn.values()) - total) <= 2


def test_real_growth_is_the_published_total_line(full, full_views):
    _, builder = full_views
    rows = layer_rows(export(builder, "us-budget-greenbook-real-growth").spec, "bar")
    published = dict(
        query(
            full.layout,
            """SELECT period, value FROM marts.budget_facts
               WHERE source_format = 'dod_greenbook' AND sheet = '6-8' AND is_total
                 AND measure = 'budget_authority_real_growth_pct' AND edition = 'FY 2022 President''s Budget'""",
        )
    )
    drawn = {r["fiscal_year"]: r["real_growth_pct"] for r in rows}
    assert drawn == pytest.approx({y: v for y, v in published.items() if v is not None})
    assert any(v < 0 for v in drawn.values()) and any(v > 0 for v in drawn.values())


def test_the_editions_chart_sets_a_request_beside_the_later_actual_in_current_dollars(full_views):
    _, builder = full_views
    rows = layer_rows(export(builder, "us-budget-greenbook-editions").spec, "bar")
    by = {(r["fiscal_year"], r["edition_label"]): (r["amount"], r["phase_label"]) for r in rows}
    # hand-read (../shared/data/README.md): Table 6-8 total in current dollars, FY2016 is 587,101 in the FY2017
    # edition, FY2019 is 693,058 in the FY2020 edition
    assert by[(2016, "FY2017 President's Budget")] == (pytest.approx(587.101), "Enacted")
    assert by[(2019, "FY2020 President's Budget")] == (pytest.approx(693.058), "Enacted")
    # the FY2020 request (FY2020 edition) beside the FY2020 actual (FY2022 edition)
    assert by[(2020, "FY2020 President's Budget")][1] == "Request"
    assert by[(2020, "FY2022 President's Budget")][1] == "Actual"
    assert len({label for _, label in by}) == 3


def test_the_space_force_chart_draws_titles_where_given_and_stated_totals_as_ticks(full, full_views):
    _, builder = full_views
    spec = export(builder, "us-budget-space-force-titles").spec
    bars, ticks = layer_rows(spec, "bar"), layer_rows(spec, "tick")
    green_book = dict(
        query(
            full.layout,
            """SELECT account_title, value FROM marts.budget_facts
               WHERE source_format = 'dod_greenbook' AND account_title ILIKE '%, Space Force' AND period = 2022
                 AND phase = 'request' AND price_basis = 'current' AND measure = 'budget_authority'
                 AND is_preferred""",
        )
    )
    drawn = {
        r["appropriation_title"]: r["amount"] * 1000
        for r in bars
        if (r["fiscal_year"], r["phase_label"]) == (2022, "Request")
    }
    assert drawn == pytest.approx(
        {
            "Operation and Maintenance": green_book["Operation and Maintenance, Space Force"],
            "Procurement": green_book["Procurement, Space Force"],
            "RDT&E": green_book["RDT&E, Space Force"],
        }
    )
    starter = dict(
        query(
            full.layout,
            """SELECT lower(appropriation_title), value FROM marts.budget_facts
               WHERE source_format = 'milspace_starter' AND organization = 'Space Force' AND period = 2023
                 AND phase = 'request' AND scope = 'USSF, including SDA'""",
        )
    )
    fy2023 = {
        r["appropriation_title"].lower(): r["amount"] * 1000
        for r in bars
        if (r["fiscal_year"], r["phase_label"]) == (2023, "Request")
    }
    assert fy2023 == pytest.approx({k: v for k, v in starter.items() if k != "total"})
    # totals are drawn once each, as ticks, and never as a bar: the FY2023 request of 24.5 billion (USSF with SDA)
    assert [r["amount"] for r in ticks if r["fiscal_year"] == 2023 and r["phase_label"] == "Request"] == [
        pytest.approx(starter["total"] / 1000)
    ]
    assert "Total" not in {r["appropriation_title"] for r in bars}
    # the DoD-wide space count is another scope and is not drawn
    assert all("DoD space programs" not in r["scope"] for r in ticks)


def test_space_programs_are_drawn_per_capability_area_with_words_and_phases(full, full_views):
    _, builder = full_views
    spec = export(builder, "us-budget-space-areas").spec
    rows = next(r for _, r in views(spec) if r)
    fy2019 = {r["area"]: r["amount_usd_millions"] for r in rows if r["column"] == "FY2019, request"}
    marts = dict(
        query(
            full.layout,
            """SELECT capability_area, amount_usd_millions FROM marts.capability_investment
               WHERE fiscal_year = 2019 AND exhibit_column = 'FY 2019 Total' AND price_basis = 'current'""",
        )
    )
    assert fy2019 == pytest.approx({budgets.CAPABILITY_AREAS[a]: v for a, v in marts.items()})
    named = ("pnt", "missile_warning_tracking", "space_domain_awareness", "launch_ranges", "satcom")
    assert {budgets.CAPABILITY_AREAS[a] for a in named} <= set(fy2019)
    assert any("GPS" in area for area in fy2019)
    assert {r["column"] for r in rows} == {"FY2017, actual", "FY2018, request", "FY2019, request"}


# --- the national budgets page ------------------------------------------------------------------------------


def _sum_by(rows: list[dict], key: str, value: str = "amount") -> dict:
    out: dict = {}
    for r in rows:
        out[r[key]] = out.get(r[key], 0.0) + r[value]
    return out


def test_germany_draws_einzelplan_14_at_the_hand_read_totals(full_views):
    _, builder = full_views
    bars = layer_rows(export(builder, "budgets-germany").spec, "bar")
    per_year = _sum_by(bars, "fiscal_year")
    # hand-read (../shared/data/README.md): sum of Soll over Einzelplan 14's spending rows, thousand EUR
    assert per_year[2014] * 1e6 == pytest.approx(32_435_376, abs=1)
    assert per_year[2019] * 1e6 == pytest.approx(43_227_814, abs=1)
    assert per_year[2022] * 1e6 == pytest.approx(50_404_828, abs=1)
    assert per_year[2023] * 1e6 == pytest.approx(50_117_445, abs=1)  # without the annexes
    chapters = next(r for _, r in views(export(builder, "budgets-germany-chapters").spec) if r)
    annexes = sum(r["amount"] for r in chapters if r["part"] == "Annex to Einzelplan 14")
    assert annexes * 1e6 == pytest.approx(8_665_517, abs=1)
    assert sum(r["amount"] for r in chapters) * 1e6 == pytest.approx(58_782_962, abs=1)  # each bar its own
    # the CSV keeps every title with the cell it came from
    frame = export(builder, "budgets-germany").frame
    line = frame.filter((pl.col("fiscal_year") == 2014) & (pl.col("chapter") == "1401") & (pl.col("title") == "42301"))
    assert line.select("amount_millions", "row").row(0) == (pytest.approx(62.159), 3973)


def test_canada_draws_authorities_and_expenditures_apart(full, full_views):
    _, builder = full_views
    rows = next(r for _, r in views(export(builder, "budgets-canada").spec) if r)
    fy2018 = {r["measure_label"]: r["amount"] for r in rows if r["year_label"] == "2017-18"}
    read = dict(
        query(
            full.layout,
            """SELECT measure, sum(value) FROM marts.budget_facts
               WHERE source_format = 'ca_public_accounts' AND organization = '133' AND period = 2018
                 AND category = 'vote' AND is_preferred GROUP BY measure""",
        )
    )
    assert fy2018 == pytest.approx(
        {
            "Authorities available (enacted)": read["budget_authority"] / 1e9,
            "Expenditures (actual)": read["outlays"] / 1e9,
        }
    )
    # hand-read: FY2018 vote 1 of National Defence, authorities 16,071,130,527.00 and expenditures 15,739,904,501.00
    frame = export(builder, "budgets-canada").frame
    vote1 = frame.filter((pl.col("fiscal_year") == 2018) & (pl.col("vote") == "1"))
    assert dict(vote1.select("measure", "amount_millions").iter_rows()) == pytest.approx(
        {"budget_authority": 16_071.130527, "outlays": 15_739.904501}
    )
    assert {"file", "row", "edition", "source"} <= set(frame.columns)


def test_australia_draws_the_hand_read_totals_with_their_phases(full_views):
    _, builder = full_views
    rows = next(r for _, r in views(export(builder, "budgets-australia").spec) if r)
    total = {r["year_label"]: (r["amount"], r["phase_label"]) for r in rows if r["line"] == "Total Defence resourcing"}
    # hand-read: sheet T-1 row 32, $'000
    assert total["2023-24"] == (pytest.approx(55.492018), "Estimated actual")
    assert total["2024-25"] == (pytest.approx(58.089847), "Budget")
    assert total["2027-28"] == (pytest.approx(71.417655), "Forward estimate")
    frame = export(builder, "budgets-australia").frame
    assert (
        frame.filter(pl.col("fiscal_year") == 2025).filter(pl.col("line") == "Total Defence resourcing")["row"][0] == 32
    )


def test_the_eda_split_stacks_categories_under_the_stated_total(full, full_views):
    _, builder = full_views
    spec = export(builder, "budgets-eda").spec
    bars, ticks = layer_rows(spec, "bar"), layer_rows(spec, "tick")
    read = dict(
        query(
            full.layout,
            """SELECT category, value FROM marts.budget_facts
               WHERE source_format = 'eda_defence_data' AND entity_code = 'EDA:EDA27' AND period = 2006
                 AND measure = 'defence_expenditure_eur' AND is_preferred""",
        )
    )
    parts = {r["category"]: r["amount"] * 1000 for r in bars if r["fiscal_year"] == 2006}
    assert parts == pytest.approx({budgets.EDA_CATEGORIES[c]: read[c] for c in budgets.EDA_CATEGORIES})
    assert [r["amount"] * 1000 for r in ticks if r["fiscal_year"] == 2006] == pytest.approx([read["total"]])
    assert sum(parts.values()) == pytest.approx(
        read["total"], rel=1e-6
    )  # the EDA's split adds up; investment not drawn
    assert "Investment" not in {r["category"] for r in bars}


def test_space_budgets_are_drawn_as_the_sources_convert_them_with_every_figure_in_a_table(full, full_views):
    _, builder = full_views
    rows = next(r for _, r in views(export(builder, "budgets-space-budgets").spec) if r)
    one_year = query(
        full.layout,
        "SELECT usd_millions FROM marts.space_budgets WHERE usd_millions IS NOT NULL AND year_start = year_end "
        "AND entity_code <> 'WLD'",
    )
    assert sorted(r["amount"] * 1000 for r in rows) == pytest.approx(sorted(v for (v,) in one_year))
    assert {r["category_label"] for r in rows} <= set(budgets.SPACE_CATEGORIES.values())
    page = builder.site.pages["budgets.html"]
    (count,) = query(full.layout, "SELECT count(*) FROM marts.space_budgets")[0]
    table = page.split("<table>")[-1].split("</table>")[0]
    assert table.count("<tr>") == count + 1  # every figure and the header row


# --- chart craft, on every chart of these views --------------------------------------------------------------


def _exports(builder: Builder) -> list:
    return [e for e in builder.site.exports if e.name.startswith("budgets-") or e.name in BUDGET_US_CHARTS]


BUDGET_US_CHARTS = {f"us-budget-{s.name}" for s in (*budgets.US_TOPLINE, budgets.SPACE_FORCE, budgets.SPACE_AREAS)}


def test_no_full_corpus_chart_has_too_many_colours_or_categories_or_draws_a_code(full_views):
    _check_chart_craft(full_views[1])


def test_no_starter_chart_has_too_many_colours_or_categories_or_draws_a_code(starter_views):
    _check_chart_craft(starter_views[1])


def _check_chart_craft(builder: Builder) -> None:
    """(Two tests, each naming its views fixture, so that the fast loop's slow marker sees the build they need.)"""
    checked = 0
    for chart in _exports(builder):
        assert chart.spec.get("description"), chart.name
        for encoding, rows in views(chart.spec):
            for channel, definition in encoding.items():
                for field in categorical(definition):
                    values = {r.get(field["field"]) for r in rows} - {None}
                    if not values:
                        continue
                    checked += 1
                    codes = sorted(v for v in values if isinstance(v, str) and SNAKE.match(v))
                    assert not codes, f"{chart.name}: {channel} {field['field']} draws codes {codes}"
                    if channel in COLOUR_CHANNELS:
                        assert len(values) <= 10, f"{chart.name}: {len(values)} colours in {field['field']}"
                    if channel in AXIS_CHANNELS and not is_year(values):
                        assert len(values) <= 25, f"{chart.name}: {len(values)} values on {channel}"
    assert checked > 10


def test_every_chart_is_valid_vega_lite_and_draws(full_views):
    """The site skips Altair's validation; each of these specifications is validated against the schema here."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema import core

    schema = core.load_schema()
    _, builder = full_views
    for chart in _exports(builder):
        validate_jsonschema(chart.spec, schema)
        assert vl_convert.vegalite_to_vega(chart.spec), chart.name


def test_each_export_keeps_the_provenance_its_mart_has(full_views):
    _, builder = full_views
    for chart in _exports(builder):
        columns = set(chart.frame.columns)
        assert "source" in columns, chart.name
        if not chart.name.endswith(("space-areas", "space-budgets")):  # those marts name no file or row
            assert {"edition", "file", "row"} <= columns, chart.name


def test_totals_are_never_stacked_with_their_parts(full_views):
    _, builder = full_views
    for chart in _exports(builder):
        frame = chart.frame
        if "is_total" not in frame.columns or not frame["is_total"].any():
            continue
        for encoding, rows in views(chart.spec):
            if encoding.get("y", {}).get("stack") == "zero":
                assert not any(r.get("category", "").startswith(("Total", "total")) for r in rows), chart.name


# --- pages -------------------------------------------------------------------------------------------------------


def test_the_page_builds_on_starter_data_and_says_which_files_are_missing(starter_views):
    blocks, builder = starter_views
    page = builder.site.pages["budgets.html"]
    for missing in ("germany", "canada", "australia", "eda"):
        assert budgets.MISSING[missing].replace("'", "&#x27;") in page
    assert "budgets-space-budgets" in {e.name for e in builder.site.exports}  # the starter data give these
    assert "<table>" in page
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    assert budgets.MISSING["greenbook"] in texts
    assert any(isinstance(b, Figure) and b.anchor == "space-force-titles" for b in blocks)
    assert [b.text for b in blocks if isinstance(b, Heading)] == [
        "The DoD topline (Green Book)",
        "The Space Force by appropriation title",
        "Space programs by capability area",
    ]


def test_the_site_links_and_writes_the_budgets_page(built):
    reports = built.layout.reports
    assert (reports / "budgets.html").exists()
    assert 'href="budgets.html"' in (reports / "index.html").read_text(encoding="utf-8")
    assert (reports / "data" / "budgets-space-budgets.csv").exists()
    assert (reports / "data" / "us-budget-space-force-titles.csv").exists()


def test_the_full_page_has_every_section_drawn(full_views):
    blocks, builder = full_views
    drawn = {e.name for e in builder.site.exports}
    assert {
        f"budgets-{n}"
        for n in (
            "germany",
            "germany-chapters",
            "canada",
            "canada-objects",
            "australia",
            "australia-programmes",
            "eda",
            "space-budgets",
        )
    } <= drawn
    assert not [b for b in blocks if isinstance(b, Paragraph)]  # nothing missing on the full corpus
    assert isinstance(next(b for b in [*blocks] if isinstance(b, Figure)), Figure)
    assert all(not isinstance(b, Table) for b in blocks)


# --- helpers ---------------------------------------------------------------------------------------------------


def test_others_sums_only_the_smallest_parts():
    frame = pl.DataFrame(
        {"year": [2020] * 10, "category": [f"c{i}" for i in range(10)], "amount": [float(i + 1) for i in range(10)]}
    )
    folded, names = budgets.fold_others(frame, "category", "amount")
    assert names == ["c9", "c8", "c7", "c6", "c5", "c4", "c3", budgets.OTHERS]
    assert folded.filter(pl.col("category") == budgets.OTHERS)["amount"].to_list() == [1.0 + 2.0 + 3.0]
    assert folded["amount"].sum() == frame["amount"].sum()
    same, kept = budgets.fold_others(frame.head(7), "category", "amount")
    assert same.equals(frame.head(7)) and budgets.OTHERS not in kept


def test_codes_become_words_and_years_runs():
    assert budgets.words("launch_ranges") == "Launch ranges"
    assert budgets.fiscal_year_label(2025) == "2024-25"
    assert budgets.years_text([2014, 2016, 2018, 2019, 2020, 2021]) == "2014, 2016, 2018-2021"
