"""Chart builders: a polars frame in, an Altair chart out. Pure: no I/O, no warehouse.

Every chart has a title, units in its axis titles, tooltips with exact values, a description for screen
readers, and draws SIPRI estimates as hollow points. Captions naming sources live beside the chart in the page.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import altair as alt
import polars as pl
import pycountry

# Charts with a picker carry every nation's rows (a few thousand), drawn for the picked few.
alt.data_transformers.disable_max_rows()

THEME = "milspace"
FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"
#: Categorical colours, safe for the common colour-vision deficiencies (Okabe and Ito's set, its yellow replaced by
#: a brown that reads on white), for at most this many categories; OTHERS is the grey of "the rest".
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D31", "#000000", "#7F3C8D", "#44AA99"]
OTHERS = "#9E9E9E"
#: The most lines or stacked parts a chart colours, and the most bars or rows on one categorical axis.
MAX_COLOURS = len(PALETTE)
MAX_CATEGORIES = 25


@alt.theme.register(THEME, enable=True)
def _milspace_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 640, "continuousHeight": 320, "stroke": None},
            "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12, "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal", "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal", "labelLimit": 260},
            # Vega-Lite takes a scheme object for a range; Altair's ThemeConfig lists only arrays and names
            "range": {"category": PALETTE},
        }
    }


def _layers(*charts: alt.Chart | alt.LayerChart) -> list:
    """Charts drawn one over another, for `alt.LayerChart(layer=...)` (what `alt.layer` makes, typed as a layer)."""
    return list(charts)


def _year_axis(title: str = "Year (calendar; the US: federal fiscal year)") -> alt.X:
    return alt.X("year:Q", title=title, axis=YEARS, scale=alt.Scale(nice=False, zero=False))


#: A quantitative year axis: whole years, horizontal labels, thinned so they never overlap.
YEARS = alt.Axis(format="d", tickMinStep=1, labelAngle=0, labelOverlap=True)
#: An ordinal (banded) year axis, for bars: horizontal labels, thinned so they never overlap.
BANDED_YEARS = alt.Axis(labelAngle=0, labelOverlap="greedy", labelSeparation=4)


def money(billions: float | None) -> str:
    """US$ billions rounded for people: 2,700 -> 'US$2.7 trillion', 24.46 -> 'US$24.5 billion', 0.31 -> 'US$310
    million' (exact figures stay in tooltips and downloads)."""
    if billions is None:
        return "n/a"
    if abs(billions) >= 1000:
        return f"US${billions / 1000:,.1f} trillion"
    if abs(billions) >= 1:
        return f"US${billions:,.1f} billion"
    return f"US${billions * 1000:,.0f} million"


def top_with_others(
    frame: pl.DataFrame, category: str, value: str, keep: int, by: list[str], others: str
) -> pl.DataFrame:
    """The `keep` largest categories (by their summed `value` over the frame) and one `others` row per `by` group
    summing the rest, so a chart colours at most keep + 1 parts. Parts only: a total must not be in the frame."""
    largest = frame.group_by(category).agg(pl.col(value).abs().sum()).sort([value, category], descending=[True, False])
    if largest.height <= keep + 1:
        return frame
    named = largest.head(keep).get_column(category)
    kept = frame.filter(pl.col(category).is_in(named.implode()))
    rest = (
        frame.filter(~pl.col(category).is_in(named.implode()))
        .group_by(by)
        .agg(pl.col(value).sum())
        .with_columns(pl.lit(others).alias(category))
    )
    return pl.concat([kept.select(*by, category, value), rest.select(*by, category, value)])


def _lines_with_estimates(
    frame: pl.DataFrame,
    value: str,
    value_title: str,
    tooltip_format: str,
    *,
    log_scale: bool = False,
) -> alt.LayerChart:
    """One line per nation; a point per year, hollow where the figure is a SIPRI estimate."""
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=True)
    colour = alt.Color("nation_name:N", title="Nation", scale=alt.Scale(range=PALETTE))
    fill = alt.Fill("nation_name:N", scale=alt.Scale(range=PALETTE), legend=None)
    base = alt.Chart(frame).encode(
        x=_year_axis(),
        y=alt.Y(f"{value}:Q", title=value_title, scale=scale),
        color=colour,
    )
    tooltip = [
        alt.Tooltip("nation_name:N", title="Nation"),
        alt.Tooltip("year:Q", title="Year", format="d"),
        alt.Tooltip(f"{value}:Q", title=value_title, format=tooltip_format),
        alt.Tooltip("is_estimate:N", title="SIPRI estimate"),
    ]
    lines = base.mark_line(strokeWidth=1.8)
    points = base.mark_point(size=28, strokeWidth=1.2).encode(
        fill=alt.when(alt.datum.is_estimate).then(alt.value("white")).otherwise(fill),
        tooltip=tooltip,
    )
    return alt.LayerChart(layer=_layers(lines, points))


def constant_topline(frame: pl.DataFrame, *, title: str, base_year: int) -> alt.LayerChart:
    """Military expenditure in constant US$ billions, one line per nation, on a log scale."""
    data = frame.filter(pl.col("constant_usd_billions").is_not_null()).select(
        "nation_name", "year", "constant_usd_billions", "is_estimate"
    )
    chart = _lines_with_estimates(
        data,
        "constant_usd_billions",
        f"US$ billions, constant {base_year} prices (log scale)",
        ",.1f",
        log_scale=True,
    )
    return chart.properties(
        title=alt.Title(title, subtitle=f"Constant {base_year} US$; hollow points are SIPRI estimates"),
        description=(
            f"Line chart of military expenditure in constant {base_year} US dollars by year for "
            f"{data.get_column('nation_name').n_unique()} nations, on a logarithmic scale."
        ),
    )


def real_change_heatmap(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """Real (constant-dollar) change on the previous year, nation by year, diverging around zero."""
    data = frame.filter(pl.col("real_yoy_pct").is_not_null()).select(
        "nation_name", "year", "real_yoy_pct", "is_estimate"
    )
    # the latest years, one column each: a cell stays wide enough to see
    data = data.filter(pl.col("year") > pl.col("year").max() - MAX_CATEGORIES)
    first, last = (int(data["year"].min() or 0), int(data["year"].max() or 0)) if data.height else (0, 0)  # type: ignore[arg-type]
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("year:O", title="Year (calendar; the US: federal fiscal year)", axis=BANDED_YEARS),
            y=alt.Y("nation_name:N", title=None, sort="ascending"),
            color=alt.Color(
                "real_yoy_pct:Q",
                title="Real change, % on previous year",
                scale=alt.Scale(scheme="blueorange", domainMid=0, domain=[-30, 30], clamp=True),
            ),
            stroke=alt.when(alt.datum.is_estimate).then(alt.value("#333")).otherwise(alt.value(None)),
            tooltip=[
                alt.Tooltip("nation_name:N", title="Nation"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("real_yoy_pct:Q", title="Real change, %", format="+.2f"),
                alt.Tooltip("is_estimate:N", title="SIPRI estimate"),
            ],
        )
        .properties(
            title=alt.Title(
                title,
                subtitle=(
                    f"Percent change in constant US$ on the previous year, {first}-{last}; "
                    "outlined cells involve SIPRI estimates; colours clamp at ±30%"
                ),
            ),
            width=640,
            description=(
                "Heatmap of real year-over-year change in military expenditure, percent, with nations as rows "
                "and years as columns; orange is growth, blue is decline."
            ),
        )
    )


def share_of_gdp(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """Military expenditure as a share of GDP, one line per nation."""
    data = frame.filter(pl.col("share_of_gdp_pct").is_not_null()).select(
        "nation_name", "year", "share_of_gdp_pct", "is_estimate"
    )
    chart = _lines_with_estimates(data, "share_of_gdp_pct", "Percent of GDP", ".2f")
    return chart.properties(
        title=alt.Title(title, subtitle="Military expenditure as percent of GDP; hollow points are SIPRI estimates"),
        description=(
            f"Line chart of military expenditure as a percentage of GDP by year for "
            f"{data.get_column('nation_name').n_unique()} nations."
        ),
    )


def space_force_vs_dod(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """US Space Force request in US$ billions by fiscal year, labelled with its share of the DoD request."""
    data = (
        frame.filter(pl.col("phase") == "request")
        .select(
            "fiscal_year", "space_usd_billions", "defense_usd_billions", "share_pct", "space_scope", "defense_scope"
        )
        .with_columns(label=pl.format("{}% of DoD", pl.col("share_pct").round(2)))
    )
    base = alt.Chart(data).encode(
        x=alt.X("fiscal_year:O", title="US fiscal year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("space_usd_billions:Q", title="US$ billions, current (budget authority requested)"),
    )
    tooltip = [
        alt.Tooltip("fiscal_year:O", title="Fiscal year"),
        alt.Tooltip("space_usd_billions:Q", title="Space Force request, US$ B", format=",.1f"),
        alt.Tooltip("defense_usd_billions:Q", title="DoD request, US$ B", format=",.1f"),
        alt.Tooltip("share_pct:Q", title="Share of DoD request, %", format=".2f"),
        alt.Tooltip("space_scope:N", title="Space Force scope"),
        alt.Tooltip("defense_scope:N", title="DoD scope"),
    ]
    bars = base.mark_bar(color="#1f4e79", width={"band": 0.6}).encode(tooltip=tooltip)
    labels = base.mark_text(dy=-8, fontSize=11, color="#222").encode(text="label:N")
    return alt.LayerChart(layer=_layers(bars, labels)).properties(
        title=alt.Title(
            title,
            subtitle=(
                "Space Force request (including SDA from FY2023) and its share of the DoD request, "
                "each year on the government's own release scope"
            ),
        ),
        width=640,
        description=(
            "Bar chart of the US Space Force budget request by fiscal year in billions of current dollars, "
            "each bar labelled with its percentage of the Department of Defense request."
        ),
    )


# --- compare.html --------------------------------------------------------------------------------------------


def _estimate_opacity():  # an Altair condition (alt.when ... otherwise)
    return alt.when(alt.datum.is_estimate).then(alt.value(0.45)).otherwise(alt.value(1.0))


def growth_bars(frame: pl.DataFrame, *, title: str, year: int) -> alt.Chart:
    """5- and 10-year compound annual real growth per nation, side by side; estimates drawn lighter."""
    data = (
        frame.select("nation_name", "real_cagr_5y_pct", "real_cagr_10y_pct", "is_estimate")
        .unpivot(index=["nation_name", "is_estimate"], variable_name="period", value_name="cagr_pct")
        .with_columns(period=pl.col("period").replace({"real_cagr_5y_pct": "5 years", "real_cagr_10y_pct": "10 years"}))
        .drop_nulls("cagr_pct")
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("nation_name:N", title=None, sort="-x"),
            x=alt.X("cagr_pct:Q", title="Compound annual real growth, % per year"),
            yOffset=alt.YOffset("period:N", sort=["5 years", "10 years"]),
            color=alt.Color("period:N", title="Over", sort=["5 years", "10 years"]),
            opacity=_estimate_opacity(),
            tooltip=[
                alt.Tooltip("nation_name:N", title="Nation"),
                alt.Tooltip("period:N", title="Over"),
                alt.Tooltip("cagr_pct:Q", title="Real growth, % per year", format="+.2f"),
                alt.Tooltip("is_estimate:N", title="Latest figure a SIPRI estimate"),
            ],
        )
        .properties(
            title=alt.Title(title, subtitle=f"To {year}, constant US$; lighter bars end on a SIPRI estimate"),
            width=560,
            description=(
                f"Bar chart of compound annual real growth in military expenditure over 5 and 10 "
                f"years to {year}, by nation."
            ),
        )
    )


def per_capita_bars(frame: pl.DataFrame, *, title: str, year: int) -> alt.Chart:
    data = frame.filter(pl.col("per_capita_usd").is_not_null()).select("nation_name", "per_capita_usd", "is_estimate")
    return (
        alt.Chart(data)
        .mark_bar(color="#1f4e79")
        .encode(
            y=alt.Y("nation_name:N", title=None, sort="-x"),
            x=alt.X("per_capita_usd:Q", title="US$ per person, current prices"),
            opacity=_estimate_opacity(),
            tooltip=[
                alt.Tooltip("nation_name:N", title="Nation"),
                alt.Tooltip("per_capita_usd:Q", title="US$ per person", format=",.0f"),
                alt.Tooltip("is_estimate:N", title="SIPRI estimate"),
            ],
        )
        .properties(
            title=alt.Title(title, subtitle=f"{year}; lighter bars are SIPRI estimates"),
            width=560,
            description=f"Bar chart of military expenditure per person in {year}, in current US dollars, by nation.",
        )
    )


def militarization_trend(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """The composite score over time, one line per nation; the rank in the tooltip."""
    data = frame.select("nation_name", "year", "score", "rank", "nations_ranked", "milex_share_of_gdp")
    base = alt.Chart(data).encode(
        x=_year_axis(),
        y=alt.Y("score:Q", title="Militarization index, 0-1000", scale=alt.Scale(domain=[0, 1000])),
        color=alt.Color("nation_name:N", title="Nation"),
    )
    tooltip = [
        alt.Tooltip("nation_name:N", title="Nation"),
        alt.Tooltip("year:Q", title="Year", format="d"),
        alt.Tooltip("score:Q", title="Score (0-1000)", format=".1f"),
        alt.Tooltip("rank:Q", title="Rank"),
        alt.Tooltip("nations_ranked:Q", title="Nations ranked"),
        alt.Tooltip("milex_share_of_gdp:Q", title="Share of GDP, %", format=".2f"),
    ]
    return alt.LayerChart(
        layer=_layers(base.mark_line(strokeWidth=1.8), base.mark_point(size=24, filled=True).encode(tooltip=tooltip))
    ).properties(
        title=alt.Title(
            title,
            subtitle="In the manner of BICC's Global Militarisation Index, comparable across nations and years; "
            "see the methodology page",
        ),
        description="Line chart of the militarization index score, 0 to 1000, by year for the focus nations.",
    )


def source_agreement_scatter(frame: pl.DataFrame, *, title: str, year: int) -> alt.LayerChart:
    """Each publisher's share of GDP against SIPRI's, one point per nation; the diagonal is agreement."""
    data = frame.select("nation_iso3", "year", "value_a", "value_b", "source_b", "difference", "reason")
    # each publisher is compared in the latest year it and SIPRI both give: say which, where they differ
    years = data.group_by("source_b").agg(pl.col("year").max()).sort("source_b")
    when = (
        str(year)
        if years["year"].n_unique() <= 1
        else "each publisher's latest year with SIPRI ("
        + ", ".join(f"{source} {given}" for source, given in years.iter_rows())
        + ")"
    )
    top = max(float(data.select(pl.max_horizontal("value_a", "value_b").max()).item() or 1), 1.0)
    points = (
        alt.Chart(data)
        .mark_point(size=50, filled=True, opacity=0.8)
        .encode(
            x=alt.X("value_a:Q", title="SIPRI, percent of GDP", scale=alt.Scale(domain=[0, top])),
            y=alt.Y("value_b:Q", title="Other publisher, percent of GDP", scale=alt.Scale(domain=[0, top])),
            color=alt.Color("source_b:N", title="Publisher"),
            tooltip=[
                alt.Tooltip("nation_iso3:N", title="Nation"),
                alt.Tooltip("source_b:N", title="Publisher"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("value_a:Q", title="SIPRI, % of GDP", format=".2f"),
                alt.Tooltip("value_b:Q", title="Publisher, % of GDP", format=".2f"),
                alt.Tooltip("difference:Q", title="Difference, points", format="+.2f"),
                alt.Tooltip("reason:N", title="Known reasons"),
            ],
        )
    )
    diagonal = (
        alt.Chart(pl.DataFrame({"a": [0.0, top], "b": [0.0, top]}))
        .mark_line(color="#999", strokeDash=[4, 4])
        .encode(x="a:Q", y="b:Q")
    )
    return alt.LayerChart(layer=_layers(diagonal, points)).properties(
        title=alt.Title(title, subtitle=f"{when}; on the dashed line the publishers agree"),
        width=420,
        height=420,
        description=(
            f"Scatter plot of military expenditure as a share of GDP in {when}: SIPRI against "
            f"other publishers, one point per nation."
        ),
    )


# --- us-budget.html ------------------------------------------------------------------------------------------


def request_vs_enacted_bars(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    data = frame.select("label", "gap_pct", "request_usd_millions", "enacted_usd_millions", "scope")
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=None),
            x=alt.X("gap_pct:Q", title="Enacted minus requested, % of the request"),
            color=alt.when(alt.datum.gap_pct >= 0).then(alt.value("#2e7d32")).otherwise(alt.value("#c62828")),
            tooltip=[
                alt.Tooltip("label:N", title="Budget"),
                alt.Tooltip("scope:N", title="Scope"),
                alt.Tooltip("request_usd_millions:Q", title="Requested, US$ millions", format=",.0f"),
                alt.Tooltip("enacted_usd_millions:Q", title="Enacted, US$ millions", format=",.0f"),
                alt.Tooltip("gap_pct:Q", title="Gap, %", format="+.2f"),
            ],
        )
        .properties(
            title=alt.Title(title, subtitle="Only where a source gives both on the same scope"),
            width=560,
            description=(
                "Bar chart of the gap between enacted and requested budget authority, in percent of the request."
            ),
        )
    )


# --- nations/<iso3>.html -------------------------------------------------------------------------------------


def _spec(**parts: object) -> dict:
    """A top-level Vega-Lite specification written as a dict, with the milspace theme. The nation pages' charts
    (three on each of some 170 pages) are written this way: building them through Altair's objects costs about
    70 ms a chart, as a dict well under one."""
    return {"$schema": alt.SCHEMA_URL, "config": _milspace_theme()["config"], **parts}


def _year_field(title: str) -> dict:
    return {
        "field": "year",
        "type": "quantitative",
        "title": title,
        "axis": {"format": "d", "tickMinStep": 1, "labelAngle": 0, "labelOverlap": True},
        "scale": {"nice": False, "zero": False},
    }


def _values(frame: pl.DataFrame) -> dict:
    return {"values": frame.to_dicts()}


def nation_series(frame: pl.DataFrame, *, title: str, base_year: int) -> dict:
    """A nation's constant-dollar spending (series_usd_billions, at base_year prices) and share of GDP, one above
    the other; estimates hollow."""
    colour = "#1f4e79"

    def panel(value: str, axis_title: str, number: str) -> dict:
        rows = frame.filter(pl.col(value).is_not_null()).select("year", value, "is_estimate")
        return {
            "data": _values(rows),
            "width": 600,
            "height": 200,
            "encoding": {
                "x": _year_field("Year (calendar; the US: federal fiscal year)"),
                "y": {"field": value, "type": "quantitative", "title": axis_title, "scale": {"zero": True}},
            },
            "layer": [
                {"mark": {"type": "line", "color": colour}},
                {
                    "mark": {"type": "point", "size": 28, "color": colour},
                    "encoding": {
                        "fill": {"condition": {"test": "datum.is_estimate", "value": "white"}, "value": colour},
                        "tooltip": [
                            {"field": "year", "type": "quantitative", "title": "Year", "format": "d"},
                            {"field": value, "type": "quantitative", "title": axis_title, "format": number},
                            {"field": "is_estimate", "type": "nominal", "title": "SIPRI estimate"},
                        ],
                    },
                },
            ],
        }

    return _spec(
        title={"text": title, "subtitle": "Hollow points are SIPRI estimates"},
        description=(
            f"Two line charts: military expenditure in constant {base_year} US dollars, and as a share of GDP, by year."
        ),
        vconcat=[
            panel("series_usd_billions", f"US$ billions, constant {base_year} prices", ",.2f"),
            panel("share_of_gdp_pct", "Percent of GDP", ".2f"),
        ],
    )


# --- strategies.html -----------------------------------------------------------------------------------------


def rhetoric_heatmap(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    data = frame.select("label", "year", "category_label", "per_10k_tokens", "hits", "documents")
    # the latest nation-years, one row each
    latest = data.select("label", "year").unique().sort(["year", "label"], descending=True).head(MAX_CATEGORIES)
    data = data.join(latest.select("label"), on="label")
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("category_label:N", title="Lexicon category", axis=alt.Axis(labelAngle=-40, labelLimit=180)),
            y=alt.Y("label:N", title=None, sort=alt.EncodingSortField("year", order="descending")),
            color=alt.Color("per_10k_tokens:Q", title="Hits per 10,000 words", scale=alt.Scale(scheme="orangered")),
            tooltip=[
                alt.Tooltip("label:N", title="Nation, year"),
                alt.Tooltip("category_label:N", title="Category"),
                alt.Tooltip("per_10k_tokens:Q", title="Hits per 10,000 words", format=".1f"),
                alt.Tooltip("hits:Q", title="Hits"),
                alt.Tooltip("documents:Q", title="Documents"),
            ],
        )
        .properties(
            title=alt.Title(title, subtitle="Rhetoric categories, pooled over each nation's documents of the year"),
            width=520,
            description=(
                "Heatmap of lexicon hits per 10,000 words by nation and year (rows) and rhetoric category (columns)."
            ),
        )
    )


def _side_bars(frame: pl.DataFrame, sides: dict[str, str], *, title: str, subtitle: str, description: str) -> alt.Chart:
    """Per capability area, one bar per side (a share column of `frame`, labelled by `sides`), in percent; a side
    with no value for an area is left out."""
    order = list(sides.values())
    data = (
        frame.select("capability_area_label", *sides)
        .unpivot(index="capability_area_label", variable_name="side", value_name="share_pct")
        .filter(pl.col("share_pct").is_not_null())
        .with_columns(side=pl.col("side").replace(sides))
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("capability_area_label:N", title=None),
            x=alt.X("share_pct:Q", title="Share of the nation's capability areas, percent"),
            yOffset=alt.YOffset("side:N", sort=order),
            color=alt.Color("side:N", title=None, sort=order, scale=alt.Scale(range=PALETTE)),
            tooltip=[
                alt.Tooltip("capability_area_label:N", title="Capability area"),
                alt.Tooltip("side:N", title="Side"),
                alt.Tooltip("share_pct:Q", title="Share, %", format=".1f"),
            ],
        )
        .properties(title=alt.Title(title, subtitle=subtitle), width=520, description=description)
    )


def say_vs_spend_bars(frame: pl.DataFrame, *, title: str, subtitle: str) -> alt.Chart:
    sides = {"attention_share_pct": "say (strategy text)", "spend_share_pct": "spend (budget lines)"}
    return _side_bars(
        frame,
        sides,
        title=title,
        subtitle=subtitle,
        description=(
            "Bar chart comparing, per space capability area, its share of strategy attention "
            "and its share of space investment, in percent."
        ),
    )


def say_spend_field_bars(frame: pl.DataFrame, *, title: str, subtitle: str) -> alt.Chart:
    """Per capability area, three bars: share of strategy attention, of space budget authority, of military
    satellites fielded (percent); an empty side (no budget lines mapped, no catalogue) is left out."""
    sides = {
        "attention_share_pct": "say (strategy text)",
        "spend_share_pct": "spend (budget lines)",
        "fielded_share_pct": "field (military satellites)",
    }
    return _side_bars(
        frame,
        sides,
        title=title,
        subtitle=subtitle,
        description=(
            "Bar chart comparing, per space capability area, its share of strategy attention, of space budget "
            "authority and of military satellites in orbit, in percent."
        ),
    )


# --- orbit.html ----------------------------------------------------------------------------------------------


def satellites_by_operator(frame: pl.DataFrame, *, title: str, subtitle: str, dated: bool) -> alt.LayerChart:
    """Satellites with military users by operator: one line per operator (the largest eight and the rest), over
    the catalogue's edition dates (`dated`: UCS editions) or its years (GCAT)."""
    data = frame.select("edition_date", "year", "operator", "rank", "active", "edition")
    order = data.sort("rank").get_column("operator").unique(maintain_order=True).to_list()
    colours = [OTHERS if name.startswith("Other") else PALETTE[n % len(PALETTE)] for n, name in enumerate(order)]
    x = (
        alt.X("edition_date:T", title="Catalogue edition (date it describes)", axis=alt.Axis(format="%b %Y"))
        if dated
        else alt.X("year:Q", title="Year (satellites active at year end)", axis=YEARS)
    )
    base = alt.Chart(data).encode(
        x=x,
        y=alt.Y("active:Q", title="Satellites with military users, count"),
        color=alt.Color(
            "operator:N",
            title="Operator",
            sort=order,
            scale=alt.Scale(domain=order, range=colours),
        ),
        tooltip=[
            alt.Tooltip("operator:N", title="Operator"),
            alt.Tooltip("edition:N", title="Edition"),
            alt.Tooltip("year:Q", title="Year", format="d"),
            alt.Tooltip("active:Q", title="Satellites", format=","),
        ],
    )
    layers = [base.mark_line()] + ([base.mark_point(size=30, filled=True)] if dated else [])
    return alt.LayerChart(layer=_layers(*layers)).properties(
        title=alt.Title(title, subtitle=subtitle),
        width=600,
        description=(
            "Line chart of satellites whose users include the military, by operating nation or body, "
            + ("over the UCS Satellite Database editions." if dated else "at the end of each year, from GCAT.")
        ),
    )


# --- world maps ----------------------------------------------------------------------------------------------

#: world-atlas 2.0.2 (npm), Natural Earth 1:110m countries as TopoJSON, ids ISO 3166-1 numeric (geo/README.md).
WORLD = Path(__file__).with_name("geo") / "countries-110m.json"
ANTARCTICA = "010"


@functools.cache
def _world() -> dict:
    return json.loads(WORLD.read_text(encoding="utf-8"))


@functools.cache
def iso_numeric(alpha3: str) -> str | None:
    """ISO 3166-1 numeric code of an alpha-3 code (the map's country ids), from pycountry; None for codes that are
    not countries today (the Soviet Union, Kosovo's XKX), which the map cannot draw."""
    country = pycountry.countries.get(alpha_3=alpha3)
    return country.numeric if country else None


def world_map(
    frame: pl.DataFrame,
    value: str,
    *,
    title: str,
    legend: str,
    number: str,
    log_scale: bool = False,
    first_year: int = 1990,
) -> dict:
    """A choropleth of one nation-year indicator with a year slider (a Vega-Lite parameter bound to a range input),
    as a specification dict; the map's geometry is embedded, so it draws with no network. Nations the map cannot
    draw (no ISO numeric code) are left out and named in the description."""
    data = (
        frame.filter(pl.col(value).is_not_null() & (pl.col("year") >= first_year))
        .select("nation_iso3", "nation_name", "year", value)
        .with_columns(id=pl.col("nation_iso3").map_elements(iso_numeric, return_dtype=pl.String))
    )
    undrawn = sorted(data.filter(pl.col("id").is_null()).get_column("nation_name").unique().to_list())
    data = data.drop_nulls("id")
    first, last = int(data["year"].min()), int(data["year"].max())  # type: ignore[arg-type]
    topology = _world()
    world = {"values": topology, "format": {"type": "topojson", "feature": "countries"}}
    scale: dict = {"scheme": "blues"}
    if log_scale:
        scale["type"] = "log"
    else:
        scale["domain"] = [0, float(data[value].quantile(0.98) or 1)]
        scale["clamp"] = True
    missing = f" Not on the map: {', '.join(undrawn)}." if undrawn else ""
    return {
        "$schema": alt.SCHEMA_URL,
        "config": _milspace_theme()["config"],
        "title": {"text": title, "subtitle": f"Move the slider to choose the year ({first}-{last}); grey: no figure"},
        "description": f"World map of {legend} by nation, one year at a time, {first} to {last}.{missing}",
        "params": [
            {
                "name": "year",
                "value": last,
                "bind": {"input": "range", "min": first, "max": last, "step": 1, "name": "Year "},
            }
        ],
        "width": 600,
        "height": 320,
        "projection": {"type": "equalEarth"},
        "layer": [
            {
                "data": world,
                "transform": [{"filter": f"datum.id !== '{ANTARCTICA}'"}],
                "mark": {"type": "geoshape", "fill": "#e4e4e4", "stroke": "#fff", "strokeWidth": 0.5},
            },
            {
                "data": {"values": data.rename({value: "value"}).to_dicts()},
                "transform": [
                    {"filter": "datum.year === year"},
                    {"lookup": "id", "from": {"data": world, "key": "id"}, "as": "geo"},
                ],
                "mark": {"type": "geoshape", "stroke": "#fff", "strokeWidth": 0.5},
                "encoding": {
                    "shape": {"field": "geo", "type": "geojson"},
                    "color": {"field": "value", "type": "quantitative", "title": legend, "scale": scale},
                    "tooltip": [
                        {"field": "nation_name", "title": "Nation"},
                        {"field": "year", "title": "Year"},
                        {"field": "value", "title": legend, "format": number},
                    ],
                },
            },
        ],
    }


# --- nations/<code>.html: beside SIPRI ------------------------------------------------------------------------


def publisher_shares(frame: pl.DataFrame, *, title: str) -> dict:
    """One nation's military spending as a share of GDP as SIPRI, NATO and the EDA each state it, one line per
    publisher; estimates faint."""
    order = ["SIPRI", "NATO", "European Defence Agency"]
    return _spec(
        title={"text": title, "subtitle": "Each publisher's own figure; faint points are estimates"},
        description="Line chart of military spending as a percentage of GDP by year, one line per publisher.",
        data=_values(frame.select("year", "publisher", "share_pct", "is_estimate", "edition")),
        width=600,
        height=240,
        encoding={
            "x": _year_field("Year (calendar; the US: federal fiscal year)"),
            "y": {"field": "share_pct", "type": "quantitative", "title": "Military spending, percent of GDP"},
            "color": {
                "field": "publisher",
                "type": "nominal",
                "title": "Publisher",
                "sort": order,
                "scale": {"domain": order, "range": PALETTE[:3]},
            },
        },
        layer=[
            {"mark": {"type": "line", "strokeWidth": 1.6}},
            {
                "mark": {"type": "point", "size": 26, "filled": True},
                "encoding": {
                    "opacity": {"condition": {"test": "datum.is_estimate", "value": 0.35}, "value": 1},
                    "tooltip": [
                        {"field": "publisher", "type": "nominal", "title": "Publisher"},
                        {"field": "year", "type": "quantitative", "title": "Year", "format": "d"},
                        {"field": "share_pct", "type": "quantitative", "title": "Percent of GDP", "format": ".3f"},
                        {"field": "is_estimate", "type": "nominal", "title": "Estimate"},
                        {"field": "edition", "type": "nominal", "title": "Edition"},
                    ],
                },
            },
        ],
    )


def nation_satellites(frame: pl.DataFrame, *, title: str) -> dict:
    """One nation's satellites with military users over time: GCAT's year-end count as a line, each UCS edition as
    a point."""
    order = ["GCAT", "UCS Satellite Database"]
    return _spec(
        title={
            "text": title,
            "subtitle": "GCAT: in orbit and operating at year end; UCS: active at each edition's date",
        },
        description="Line chart of the nation's satellites whose users include the military, by year.",
        data=_values(frame.filter(pl.col("military").is_not_null()).select("year", "catalogue", "military", "edition")),
        width=600,
        height=200,
        encoding={
            "x": _year_field("Year"),
            "y": {"field": "military", "type": "quantitative", "title": "Satellites with military users, count"},
            "color": {
                "field": "catalogue",
                "type": "nominal",
                "title": "Catalogue",
                "sort": order,
                "scale": {"domain": order, "range": PALETTE[:2]},
            },
            "tooltip": [
                {"field": "catalogue", "type": "nominal", "title": "Catalogue"},
                {"field": "edition", "type": "nominal", "title": "Edition"},
                {"field": "year", "type": "quantitative", "title": "Year", "format": "d"},
                {"field": "military", "type": "quantitative", "title": "Satellites", "format": ","},
            ],
        },
        layer=[
            {"transform": [{"filter": "datum.catalogue === 'GCAT'"}], "mark": {"type": "line"}},
            {"mark": {"type": "point", "size": 40, "filled": True}},
        ],
    )


def satellites_by_mission(frame: pl.DataFrame, *, title: str, subtitle: str) -> alt.Chart:
    """Satellites with military users by mission (capability area), stacked over the years, one small panel per
    operator shown (the largest four, then the rest)."""
    data = top_with_others(
        frame.select("operator", "year", "capability_area_label", "active"),
        "capability_area_label",
        "active",
        MAX_COLOURS - 1,
        ["operator", "year"],
        "Other areas",
    )
    operators = frame.group_by("operator").agg(pl.col("active").sum()).sort("active", descending=True)
    order = [o for o in operators.get_column("operator").to_list() if not o.startswith("Other")]
    order += [o for o in operators.get_column("operator").to_list() if o.startswith("Other")]
    return (
        alt.Chart(data)
        .mark_area()
        .encode(
            x=alt.X("year:Q", title="Year (at year end)", axis=YEARS, scale=alt.Scale(nice=False, zero=False)),
            y=alt.Y("active:Q", title="Satellites with military users, count", stack="zero"),
            color=alt.Color("capability_area_label:N", title="Mission", scale=alt.Scale(range=PALETTE)),
            tooltip=[
                alt.Tooltip("operator:N", title="Operator"),
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("capability_area_label:N", title="Mission"),
                alt.Tooltip("active:Q", title="Satellites", format=","),
            ],
        )
        .properties(width=270, height=160)
        .facet(facet=alt.Facet("operator:N", title=None, sort=order), columns=2)
        .properties(
            title=alt.Title(title, subtitle=subtitle),
            description=(
                "Small multiples of stacked areas: satellites whose users include the military, by mission, at the "
                "end of each year, one panel per operator."
            ),
        )
    )


def nation_among_peers(frame: pl.DataFrame, *, title: str, code: str, subregion: str) -> dict:
    """One nation's military spending as a share of GDP in a strong colour, the other nations of its subregion in
    light grey behind it: the nation the page is about stands out."""
    rows = frame.filter(pl.col("share_of_gdp_pct").is_not_null()).select(
        "nation_iso3", "nation_name", "year", "share_of_gdp_pct"
    )
    is_nation = f"datum.nation_iso3 === {json.dumps(code)}"
    tooltip = [
        {"field": "nation_name", "type": "nominal", "title": "Nation"},
        {"field": "year", "type": "quantitative", "title": "Year", "format": "d"},
        {"field": "share_of_gdp_pct", "type": "quantitative", "title": "Percent of GDP", "format": ".2f"},
    ]
    line = {
        "x": _year_field("Year (calendar; the US: federal fiscal year)"),
        "y": {"field": "share_of_gdp_pct", "type": "quantitative", "title": "Military spending, percent of GDP"},
        "detail": {"field": "nation_name", "type": "nominal"},
        "tooltip": tooltip,
    }
    peers = rows.filter(pl.col("nation_iso3") != code).get_column("nation_name").n_unique()
    return _spec(
        title={
            "text": title,
            "subtitle": f"Among the {peers} other nations of {subregion} (grey) in SIPRI's series",
        },
        description=(
            f"Line chart of military spending as a percentage of GDP by year: the nation in blue, the other nations "
            f"of {subregion} in grey."
        ),
        data=_values(rows),
        width=600,
        height=220,
        layer=[
            {
                "transform": [{"filter": f"!({is_nation})"}],
                "mark": {"type": "line", "color": "#BDBDBD", "strokeWidth": 1},
                "encoding": line,
            },
            {
                "transform": [{"filter": is_nation}],
                "mark": {"type": "line", "color": PALETTE[0], "strokeWidth": 2.6},
                "encoding": line,
            },
        ],
    )
