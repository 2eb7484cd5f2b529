"""Chart builders: a polars frame in, an Altair chart out. Pure: no I/O, no warehouse.

Every chart has a title, units in its axis titles, tooltips with exact values, a description for screen
readers, and draws SIPRI estimates as hollow points. Captions naming sources live beside the chart in the page.
"""

from __future__ import annotations

import altair as alt
import polars as pl

THEME = "milspace"
FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"


@alt.theme.register(THEME, enable=True)
def _milspace_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 640, "continuousHeight": 320, "stroke": None},
            "title": {"anchor": "start", "fontSize": 15, "subtitleFontSize": 12, "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal", "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"},
            "range": {"category": {"scheme": "tableau10"}},
        }
    }


def _year_axis(title: str = "Calendar year") -> alt.X:
    return alt.X("year:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1))


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
    scheme = "tableau10" if frame.get_column("nation_name").n_unique() <= 10 else "tableau20"
    colour = alt.Color("nation_name:N", title="Nation", scale=alt.Scale(scheme=scheme))
    fill = alt.Fill("nation_name:N", scale=alt.Scale(scheme=scheme), legend=None)
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
    return alt.layer(lines, points)


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
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("year:O", title="Calendar year"),
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
                    "Percent change in constant US$ on the previous year; outlined cells involve SIPRI estimates; "
                    "colours clamp at ±30%"
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
    return alt.layer(bars, labels).properties(
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
