"""The World and NATO pages of the report site: their queries' figures (FigureSpecs), chart builders, tables and
the headline sentence each page gives the overview.

world.html: SIPRI's 15 largest spenders of the latest year in the manner of SIPRI's fact sheet (a table and a bar
chart of shares of world spending, the rest as "All other nations"), and regional totals over time in constant
dollars with each region's share of the world. SIPRI's own world and regional totals are used where its workbook's
'Regional totals' sheet was read (they include SIPRI's estimates for nations without data); otherwise the nations with
figures are summed, and every caption and table says so.

nato.html: NATO's Defence Expenditure of NATO Countries: each member's share of GDP against the 2 percent guideline
(small multiples, one panel per member; the 2014 Wales pledge marked; NATO's estimates dashed and hollow), the
equipment share against the 20 percent guideline (members only, NATO's definition), and a table setting NATO's share
of GDP beside SIPRI's for the same year.

`world_page` and `nato_page` add their page to a `site.Builder` and return the page's headline (`Headline`: a
sentence and the site-relative link of the chart it summarizes), or None when the data for it is absent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import altair as alt
import polars as pl

from pipelines.report import charts
from pipelines.report.figures import FISCAL_YEAR_NOTE, FigureSpec, publications
from pipelines.report.page import Block, Heading, Paragraph, Table

if TYPE_CHECKING:
    from pipelines.report.site import Builder

PALETTE = charts.PALETTE  # colour-blind safe; charts.OTHERS is the grey of the rest
#: SIPRI's five regions keep their colour whichever are drawn.
REGION_COLOURS = {
    "Africa": PALETTE[6],
    "Americas": PALETTE[0],
    "Asia & Oceania": PALETTE[2],
    "Europe": PALETTE[1],
    "Middle East": PALETTE[4],
}

TOP = 15
OTHERS = "All other nations"  # with SIPRI's world total: the rest of the world
OTHERS_WITH_FIGURES = "Other nations with figures"  # with a sum of nations: the rest of that sum
GDP_GUIDELINE_PCT = 2.0
EQUIPMENT_GUIDELINE_PCT = 20.0
WALES_PLEDGE_YEAR = 2014
ESTIMATE_MARK = "*"

WORLD_PAGE = "world.html"
NATO_PAGE = "nato.html"


@dataclass(frozen=True)
class Headline:
    """One sentence for the overview, and the site-relative link of the chart or table it sums up."""

    text: str
    target: str
    label: str

    def paragraph(self) -> Paragraph:
        """The headline as the overview's findings are written: the sentence, with a link to its chart."""
        return Paragraph(self.text, link=(self.target, self.label))


def _year_axis(title: str = "Year") -> alt.X:
    return alt.X("year:Q", title=title, axis=charts.YEARS, scale=alt.Scale(zero=False, nice=False))


def _marked(value: float | None, estimate: bool | None, digits: int = 1, sign: bool = False) -> str:
    """A number for a table cell, with the estimate mark where the figure is an estimate."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:+,.{digits}f}" if sign else f"{value:,.{digits}f}"
    return text + (ESTIMATE_MARK if estimate else "")


def _chunks(count: int, most: int = charts.MAX_CATEGORIES) -> int:
    """How many rows per panel to split `count` rows into panels of at most `most`, evenly."""
    panels = max(1, math.ceil(count / most))
    return math.ceil(count / panels)


# --- chart builders: a frame in, an Altair chart out ----------------------------------------------------------


def largest_spenders_bars(frame: pl.DataFrame, *, title: str, subtitle: str) -> alt.LayerChart:
    """Shares of world military spending: the largest spenders, ranked, and "All other nations" in grey; SIPRI's
    estimates in a lighter blue, named in the legend."""
    data = frame.select(
        "rank", "nation_name", "current_usd_billions", "world_share_pct", "is_estimate", "world_basis"
    ).with_columns(
        figure=pl.when(pl.col("rank").is_null())
        .then(pl.lit("Others"))
        .when(pl.col("is_estimate"))
        .then(pl.lit("SIPRI estimate"))
        .otherwise(pl.lit("SIPRI figure")),
        label=pl.format("{}%", pl.col("world_share_pct").round(1)),
    )
    order = data.sort("rank", nulls_last=True).get_column("nation_name").to_list()
    figures = ["SIPRI figure", "SIPRI estimate", "Others"]
    sipri = data.get_column("world_basis")[0] == "SIPRI world total"
    axis = "Share of world military spending" if sipri else "Share of the nations' summed spending"
    base = alt.Chart(data).encode(
        y=alt.Y("nation_name:N", title=None, sort=order),
        x=alt.X("world_share_pct:Q", title=f"{axis}, percent (current US$)"),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "figure:N",
            title="Figure",
            scale=alt.Scale(domain=figures, range=[PALETTE[0], PALETTE[5], charts.OTHERS]),
            sort=figures,
        ),
        tooltip=[
            alt.Tooltip("nation_name:N", title="Nation"),
            alt.Tooltip("current_usd_billions:Q", title="US$ billions, current", format=",.2f"),
            alt.Tooltip("world_share_pct:Q", title=f"{axis}, %", format=".2f"),
            alt.Tooltip("figure:N", title="Figure"),
            alt.Tooltip("world_basis:N", title="World total used"),
        ],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#333").encode(text="label:N")
    return alt.LayerChart(layer=[bars, labels]).properties(
        title=alt.Title(title, subtitle=subtitle),
        width=520,
        description=(
            f"Horizontal bar chart of the shares of world military spending of the {data.height - 1} largest "
            "spenders, ranked, and of all other nations together, in percent of the world total at current prices."
        ),
    )


def regional_totals(frame: pl.DataFrame, *, title: str, subtitle: str, base_year: int) -> alt.VConcatChart:
    """Regional military spending in constant US$ over time, one line per region, and below it each region's share
    of the world total of the same year and price basis. A year without a total leaves a gap in its line."""
    data = frame.select("region", "year", "constant_usd_billions", "share_of_world_pct", "total_basis")
    regions = sorted(data.get_column("region").unique().to_list())
    spare = iter(c for c in PALETTE if c not in REGION_COLOURS.values())
    colours = [REGION_COLOURS.get(region) or next(spare) for region in regions]
    colour = alt.Color("region:N", title="Region", scale=alt.Scale(domain=regions, range=colours))
    sipri = data.get_column("total_basis")[0] == "SIPRI regional total"
    share_title = "Share of the world total, percent" if sipri else "Share of the nations' sum, percent"

    def panel(value: str, axis_title: str, number: str, height: int) -> alt.LayerChart:
        base = alt.Chart(data).encode(x=_year_axis(), y=alt.Y(f"{value}:Q", title=axis_title), color=colour)
        tooltip = [
            alt.Tooltip("region:N", title="Region"),
            alt.Tooltip("year:Q", title="Year", format="d"),
            alt.Tooltip("constant_usd_billions:Q", title=f"US$ billions, constant {base_year}", format=",.2f"),
            alt.Tooltip("share_of_world_pct:Q", title=share_title, format=".2f"),
            alt.Tooltip("total_basis:N", title="Total"),
        ]
        return alt.LayerChart(
            layer=[
                base.mark_line(strokeWidth=1.8),
                base.mark_point(size=16, filled=True).encode(tooltip=tooltip),
            ]
        ).properties(width=600, height=height)

    return alt.vconcat(
        panel("constant_usd_billions", f"US$ billions, constant {base_year} prices", ",.1f", 260),
        panel("share_of_world_pct", share_title, ".1f", 170),
    ).properties(
        title=alt.Title(title, subtitle=subtitle),
        description=(
            f"Two line charts, one line per region ({', '.join(regions)}): military spending in billions of "
            f"constant {base_year} US dollars by year, and each region's percentage share of the world total."
        ),
    )


def _gdp_panels_data(frame: pl.DataFrame) -> pl.DataFrame:
    """Each member's rows with its panel label (the year it joined, where NATO's tables start before), the status of
    each figure, and one copy of the last figure NATO reports so the dashed estimate segment joins the solid line."""
    first = frame.select(pl.col("year").min()).item()
    data = frame.select(
        "nation_name", "year", "share_of_gdp_pct", "is_estimate", "meets_guideline", "was_member", "nato_member_since"
    ).with_columns(
        panel=pl.when(pl.col("nato_member_since").dt.year() > first)
        .then(pl.format("{} (joined {})", pl.col("nation_name"), pl.col("nato_member_since").dt.year()))
        .otherwise(pl.col("nation_name")),
        guideline=pl.when(pl.col("meets_guideline")).then(pl.lit("2% or more")).otherwise(pl.lit("Below 2%")),
        segment=pl.when(pl.col("is_estimate")).then(pl.lit("NATO estimate")).otherwise(pl.lit("Reported by NATO")),
    )
    last_reported = (
        data.filter(~pl.col("is_estimate"))
        .sort("year")
        .group_by("nation_name", maintain_order=True)
        .last()
        .join(data.filter(pl.col("is_estimate")).select("nation_name").unique(), on="nation_name")
        .with_columns(segment=pl.lit("NATO estimate"))
        .select(data.columns)
    )
    return pl.concat([data, last_reported]).with_columns(pl.col("nato_member_since").cast(pl.String))


def two_percent_panels(frame: pl.DataFrame, *, title: str, subtitle: str) -> alt.FacetChart:
    """Small multiples: one panel per member (wrapped in six columns, ordered by the latest share), its share of GDP
    by year against the 2 percent rule; the Wales pledge year a dotted rule; NATO's estimates dashed and hollow;
    points coloured by whether they reach 2 percent."""
    data = _gdp_panels_data(frame)
    latest = frame.select(pl.col("year").max()).item()
    panels = dict(data.select("nation_name", "panel").unique().iter_rows())
    ranked = frame.filter(pl.col("year") == latest).sort(["share_of_gdp_pct", "nation_name"], descending=[True, False])
    order = [panels[name] for name in ranked.get_column("nation_name").to_list()]
    order += sorted(set(panels.values()) - set(order))
    top = max(4.0, math.ceil(float(frame.select(pl.col("share_of_gdp_pct").max()).item() or 0)))
    first, last = (int(frame.select(getattr(pl.col("year"), end)()).item()) for end in ("min", "max"))
    x_scale = alt.Scale(domain=[first - 1, last], nice=False, zero=False)
    x = alt.X("year:Q", title="Year", scale=x_scale, axis=charts.YEARS)
    y = alt.Y("share_of_gdp_pct:Q", title="Percent of GDP", scale=alt.Scale(domain=[0, top]))
    segments = ["Reported by NATO", "NATO estimate"]
    guideline_scale = alt.Scale(domain=["2% or more", "Below 2%"], range=[PALETTE[0], PALETTE[3]])
    lines = (
        alt.Chart()
        .mark_line(color=PALETTE[0], strokeWidth=1.5)
        .encode(
            x=x,
            y=y,
            detail="segment:N",
            strokeDash=alt.StrokeDash(
                "segment:N", title="Figure", scale=alt.Scale(domain=segments, range=[[1, 0], [4, 2]])
            ),
        )
    )
    points = (
        alt.Chart()
        .mark_point(size=22, strokeWidth=1.3)
        .encode(
            x=x,
            y=y,
            color=alt.Color("guideline:N", title="Share of GDP", scale=guideline_scale),
            fill=alt.when(alt.datum.is_estimate)
            .then(alt.value("white"))
            .otherwise(alt.Fill("guideline:N", title="Share of GDP", scale=guideline_scale)),
            tooltip=[
                alt.Tooltip("nation_name:N", title="Member"),
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("share_of_gdp_pct:Q", title="Percent of GDP", format=".2f"),
                alt.Tooltip("is_estimate:N", title="NATO estimate"),
                alt.Tooltip("was_member:N", title="Member that year"),
            ],
        )
    )
    guideline = alt.Chart().mark_rule(color="#333", strokeWidth=1).encode(y=alt.Y(datum=GDP_GUIDELINE_PCT))
    layers = [guideline, lines, points]
    if first <= WALES_PLEDGE_YEAR <= last:
        layers.insert(
            0,
            alt.Chart()
            .mark_rule(color="#777", strokeDash=[2, 2])
            .encode(x=alt.X(datum=WALES_PLEDGE_YEAR, scale=x_scale)),
        )
    return (
        alt.LayerChart(layer=layers, data=data)
        .properties(width=100, height=70)
        .facet(
            facet=alt.Facet("panel:N", title=None, sort=order, header=alt.Header(labelFontSize=9.5, labelLimit=150)),
            columns=6,
        )
        .properties(
            title=alt.Title(title, subtitle=subtitle),
            description=(
                f"Small multiples, one panel for each of {frame.get_column('nation_name').n_unique()} NATO members: "
                "defence expenditure as a percentage of GDP by year, with a line at NATO's 2 percent guideline and "
                f"a dotted line at {WALES_PLEDGE_YEAR}, the year of the Wales pledge; NATO's estimates are dashed "
                "with hollow points."
            ),
        )
    )


def equipment_ranked(frame: pl.DataFrame, *, title: str, subtitle: str) -> alt.HConcatChart:
    """NATO members ranked by the share of their defence expenditure on equipment, against the 20 percent
    guideline; split into side-by-side panels of at most 25 members; NATO's estimates lighter, named in the legend."""
    data = (
        frame.filter(pl.col("equipment_share_pct").is_not_null())
        .sort("equipment_rank")
        .select("nation_name", "year", "equipment_share_pct", "equipment_is_estimate", "equipment_rank")
        .with_columns(
            guideline=pl.when(pl.col("equipment_share_pct") >= EQUIPMENT_GUIDELINE_PCT)
            .then(pl.lit("20% or more"))
            .otherwise(pl.lit("Below 20%")),
            figure=pl.when(pl.col("equipment_is_estimate"))
            .then(pl.lit("NATO estimate"))
            .otherwise(pl.lit("Reported by NATO")),
        )
    )
    top = max(
        EQUIPMENT_GUIDELINE_PCT, 10 * math.ceil(float(data.select(pl.col("equipment_share_pct").max()).item()) / 10)
    )
    size = _chunks(data.height)
    shown = {"Reported by NATO": 1.0, "NATO estimate": 0.55}
    kinds = [kind for kind in shown if kind in set(data.get_column("figure"))]
    opacities = [shown[kind] for kind in kinds]
    panels = []
    for start in range(0, data.height, size):
        part = data.slice(start, size)
        x = alt.X(
            "equipment_share_pct:Q",
            title="Equipment, % of defence expenditure",
            scale=alt.Scale(domain=[0, top]),
        )
        bars = (
            alt.Chart(part)
            .mark_bar()
            .encode(
                y=alt.Y("nation_name:N", title=None, sort=part.get_column("nation_name").to_list()),
                x=x,
                color=alt.Color(
                    "guideline:N",
                    title="Equipment share",
                    scale=alt.Scale(domain=["20% or more", "Below 20%"], range=[PALETTE[0], PALETTE[3]]),
                ),
                opacity=alt.Opacity("figure:N", title="Figure", scale=alt.Scale(domain=kinds, range=opacities)),
                tooltip=[
                    alt.Tooltip("equipment_rank:Q", title="Rank"),
                    alt.Tooltip("nation_name:N", title="Member"),
                    alt.Tooltip("year:Q", title="Year", format="d"),
                    alt.Tooltip("equipment_share_pct:Q", title="Equipment, %", format=".2f"),
                    alt.Tooltip("figure:N", title="Figure"),
                ],
            )
        )
        rule = (
            alt.Chart(part)
            .mark_rule(color="#333", strokeDash=[5, 3])
            .encode(x=alt.X(datum=EQUIPMENT_GUIDELINE_PCT, scale=alt.Scale(domain=[0, top])))
        )
        panels.append(alt.LayerChart(layer=[bars, rule]).properties(width=230, height=alt.Step(15)))
    return alt.hconcat(*panels, spacing=24).properties(
        title=alt.Title(title, subtitle=subtitle),
        description=(
            f"Horizontal bar chart, in {len(panels)} panels, of {data.height} NATO members ranked by equipment "
            "expenditure as a percentage of defence expenditure, with a dashed line at NATO's 20 percent guideline."
        ),
    )


# --- the figures ------------------------------------------------------------------------------------------------


def _with_others(frame: pl.DataFrame) -> pl.DataFrame:
    """The largest spenders and one row for the rest: the world total used less the largest (for SIPRI's world
    total this includes SIPRI's estimates for nations without data)."""
    top = frame.filter(pl.col("rank") <= TOP)
    if top.is_empty() or frame.height <= TOP:
        return top
    first = top.row(0, named=True)
    rest_usd = first["world_current_usd_billions"] - top.get_column("current_usd_billions").sum()
    others = {column: None for column in frame.columns} | {
        "nation_name": OTHERS if first["world_basis"] == "SIPRI world total" else OTHERS_WITH_FIGURES,
        "year": first["year"],
        "year_type": None,
        "current_usd_billions": rest_usd,
        "world_share_pct": 100 * rest_usd / first["world_current_usd_billions"],
        "world_current_usd_billions": first["world_current_usd_billions"],
        "world_basis": first["world_basis"],
        "is_estimate": False,
        "source": first["source"],
        "world_edition": first["world_edition"],
        "world_sheet": first["world_sheet"],
        "world_row": first["world_row"],
    }
    return pl.concat([top, pl.DataFrame([others], schema=frame.schema)])


def _is_sipri_world(rows: pl.DataFrame) -> bool:
    return str(rows.get_column("world_basis")[0]) == "SIPRI world total"


def _shares_subtitle(rows: pl.DataFrame) -> str:
    year, world = rows.get_column("year")[0], rows.get_column("world_current_usd_billions")[0]
    if _is_sipri_world(rows):
        return f"{year}; shares of SIPRI's world total of US${world:,.1f} billion at current prices"
    return f"{year}; shares of the {rows.get_column('world_basis')[0]} (US${world:,.1f} billion), not of the world"


def _shares_caption(rows: pl.DataFrame) -> str:
    if _is_sipri_world(rows):
        return (
            f"SIPRI's world total includes its estimates for nations without data; '{OTHERS}' is that total "
            f"less the {TOP} largest. Lighter bars are SIPRI estimates."
        )
    return (
        "SIPRI's world total was not read (its workbook's 'Regional totals' sheet), so the shares are of the nations "
        f"with figures in SIPRI's series, summed; '{OTHERS_WITH_FIGURES}' is that sum less the {TOP} largest. Lighter "
        "bars are SIPRI estimates."
    )


def _base(rows: pl.DataFrame) -> int:
    return int(rows.select(pl.col("base_year").max()).item())


def _regions_subtitle(rows: pl.DataFrame) -> str:
    if rows.get_column("total_basis")[0] == "SIPRI regional total":
        return f"US$ billions at constant {_base(rows)} prices, SIPRI's regional totals, and each region's share"
    return (
        f"US$ billions at constant {_base(rows)} prices, sums of the nations with figures, and each region's share "
        "of their sum"
    )


def _regions_caption(rows: pl.DataFrame) -> str:
    if rows.get_column("total_basis")[0] == "SIPRI regional total":
        edition = ", ".join(sorted({str(e) for e in rows.get_column("edition").drop_nulls()}))
        gaps = rows.filter(pl.col("constant_usd_billions").is_null())
        text = (
            f"SIPRI's regional totals of its {edition} ('Regional totals' sheet), which include its estimates for "
            "nations without data; the five regions add up to its world total, the base of the shares."
        )
        if gaps.height:
            missing = "; ".join(
                f"{region} {', '.join(str(y) for y in sorted(group.get_column('year').to_list()))}"
                for (region,), group in gaps.group_by(["region"], maintain_order=True)
            )
            text += f" SIPRI gives no total where it judges the estimate too uncertain: {missing}."
        no_world = sorted(set(rows.filter(pl.col("world_constant_usd_billions").is_null()).get_column("year")))
        if no_world:
            text += f" Nor a world total in {', '.join(str(y) for y in no_world)}, so no shares that year."
        return text
    counts = rows.group_by("year").agg(pl.col("nations_summed").sum())
    low, high = counts.select(pl.col("nations_summed").min().alias("low"), pl.col("nations_summed").max()).row(0)
    return (
        "SIPRI's regional totals were not read (its workbook's 'Regional totals' sheet): each line sums the nations "
        "with a figure in SIPRI's series by the region marts.nations gives them "
        f"({low} to {high} nations a year), so the "
        "totals and "
        "shares are of the nations with figures, not of the world."
    )


WORLD_FIGURES = (
    FigureSpec(
        name="largest-shares",
        query="world_top",
        chart=largest_spenders_bars,
        title=lambda rows: (
            f"The {TOP} largest military spenders' shares of "
            f"{'world spending' if _is_sipri_world(rows) else 'the spending of the nations with figures'}, "
            f"{rows['year'][0]}"
        ),
        subtitle=_shares_subtitle,
        caption=_shares_caption,
        export=(
            "rank",
            "nation_iso3",
            "nation_name",
            "year",
            "year_type",
            "current_usd_billions",
            "world_share_pct",
            "world_current_usd_billions",
            "world_basis",
            "is_estimate",
            "source",
            "file",
            "sheet",
            "row",
            "world_edition",
            "world_sheet",
            "world_row",
        ),
        rows=_with_others,
        needs="world_share_pct",
    ),
    FigureSpec(
        name="regions",
        query="world_regions",
        chart=regional_totals,
        title="Military spending by region",
        subtitle=_regions_subtitle,
        caption=_regions_caption,
        export=(
            "region",
            "year",
            "constant_usd_billions",
            "world_constant_usd_billions",
            "share_of_world_pct",
            "price_basis",
            "total_basis",
            "nations_summed",
            "edition",
            "source",
            "file",
            "sheet",
            "row",
        ),
        options=lambda rows: {"base_year": _base(rows)},
        needs="constant_usd_billions",
    ),
)


def _nato_edition(rows: pl.DataFrame) -> str:
    return ", ".join(sorted({str(e) for e in rows.get_column("edition").drop_nulls()}))


def _span(rows: pl.DataFrame) -> str:
    first, last = rows.select(pl.col("year").min().alias("first"), pl.col("year").max()).row(0)
    return f"{first}-{last}"


def _gdp_caption(rows: pl.DataFrame) -> str:
    estimated = sorted(set(rows.filter(pl.col("is_estimate")).get_column("year").to_list()))
    joined = rows.filter(~pl.col("was_member")).group_by("nation_name").agg(pl.col("nato_member_since").first())
    text = (
        f"Edition read: {_nato_edition(rows)}. Solid line: NATO's rule at 2 percent of GDP; dotted: "
        f"{WALES_PLEDGE_YEAR}, when the Allies pledged at the Wales summit to move towards 2 percent within a decade. "
        "Shares of GDP as NATO computes them (its unit: "
        f"{', '.join(sorted(set(rows.get_column('unit').drop_nulls().to_list())))})."
    )
    if estimated:
        text += f" NATO marks {', '.join(str(y) for y in estimated)} as estimates: dashed, with hollow points."
    if joined.height:
        text += (
            " NATO's tables give figures for members before they joined; a panel says the year a member joined "
            "where it is after the first year shown."
        )
    return text


def _equipment_caption(rows: pl.DataFrame) -> str:
    return (
        f"Edition read: {_nato_edition(rows)}. NATO's equipment expenditure (major equipment and the research and "
        "development devoted to it) as a share of each member's defence expenditure, on NATO's definition "
        "(marts.investment_share); dashed line: NATO's 20 percent guideline. Members only: the US budget's own "
        "investment shares by fiscal year are on the US budget page."
    )


NATO_FIGURES = (
    FigureSpec(
        name="two-percent",
        query="nato_gdp",
        chart=two_percent_panels,
        title="NATO members' defence expenditure against the 2 percent guideline",
        subtitle=lambda rows: (
            f"Percent of GDP, {_span(rows)}; solid rule: 2 percent; dotted: the {WALES_PLEDGE_YEAR} Wales pledge; "
            "panels ordered by the latest year"
        ),
        caption=_gdp_caption,
        export=(
            "nation_iso3",
            "nation_name",
            "year",
            "year_type",
            "share_of_gdp_pct",
            "meets_guideline",
            "is_estimate",
            "was_member",
            "unit",
            "source",
            "edition",
            "file",
            "sheet",
            "row",
        ),
    ),
    FigureSpec(
        name="equipment",
        query="nato_latest",
        chart=equipment_ranked,
        title=lambda rows: f"NATO members' equipment expenditure against the 20 percent guideline, {rows['year'][0]}",
        subtitle=lambda rows: (
            "Share of defence expenditure on major equipment and its R&D, NATO's definition; ranked"
            + ("; lighter bars are NATO estimates" if rows.get_column("equipment_is_estimate").any() else "")
        ),
        caption=_equipment_caption,
        export=(
            "nation_iso3",
            "nation_name",
            "year",
            "equipment_share_pct",
            "equipment_is_estimate",
            "equipment_rank",
            "meets_equipment_guideline",
            "source",
            "edition",
            "file",
            "equipment_sheet",
            "equipment_row",
        ),
        rows=lambda frame: frame.filter(pl.col("equipment_share_pct").is_not_null()),
        needs="equipment_share_pct",
    ),
)


# --- the pages --------------------------------------------------------------------------------------------------


def _nation_link(codes: set[str], code: str | None) -> str | None:
    return f"nations/{code}.html" if code in codes else None


def _fiscal_note(rows: pl.DataFrame, column: str) -> str:
    return f" {FISCAL_YEAR_NOTE}." if (rows.get_column(column) == "fiscal_year").any() else ""


def _top_table(top: pl.DataFrame, codes: set[str]) -> Table:
    first = top.row(0, named=True)
    year = first["year"]
    sipri_world = first["world_basis"] == "SIPRI world total"
    world_note = (
        f"Shares are of SIPRI's world total of US${first['world_current_usd_billions']:,.1f} billion, which includes "
        "SIPRI's estimates for nations without data."
        if sipri_world
        else f"SIPRI's world total was not read: shares are of the {first['world_basis']} (US$"
        f"{first['world_current_usd_billions']:,.1f} billion), not of the world."
    )
    return Table(
        (
            "Rank",
            "Nation",
            f"Spending {year}, US$ billions (current)",
            f"Real change {year - 1}-{year}, %",
            f"Real change {year - 10}-{year}, %",
            "Share of world spending, %" if sipri_world else "Share of the nations' sum, %",
            "Share of GDP, %",
            "World total used",
        ),
        tuple(
            (
                r["rank"],
                r["nation_name"],
                _marked(r["current_usd_billions"], r["is_estimate"]),
                _marked(r["real_change_1y_pct"], r["change_1y_is_estimate"], sign=True),
                _marked(r["real_change_10y_pct"], r["change_10y_is_estimate"], sign=True),
                _marked(r["world_share_pct"], r["is_estimate"]),
                _marked(r["share_of_gdp_pct"], r["gdp_is_estimate"]),
                r["world_basis"],
                _nation_link(codes, r["nation_iso3"]),
            )
            for r in top.iter_rows(named=True)
        ),
        caption=(
            f"Source: {publications(top.get_column('source'))}, {year}. Spending at current prices and exchange "
            "rates; real change from SIPRI's constant-price series. "
            f"{world_note} {ESTIMATE_MARK} SIPRI estimate (for a change: either year).{_fiscal_note(top, 'year_type')}"
        ),
        links={1: 8},
        numeric=(0, 2, 3, 4, 5, 6),
    )


def _world_headline(top: pl.DataFrame) -> Headline:
    first = top.row(0, named=True)
    share = top.get_column("world_share_pct").sum()
    if first["world_basis"] == "SIPRI world total":
        whole = (
            f"In {first['year']} world military spending was {charts.money(first['world_current_usd_billions'])} "
            "at current prices (SIPRI's world total)"
        )
        part = "of it"
    else:
        whole = (
            f"In {first['year']} the {first['world_basis'].removeprefix('sum of the ')} in SIPRI's series spent "
            f"{charts.money(first['world_current_usd_billions'])} together at current prices"
        )
        part = "of that sum"
    return Headline(
        f"{whole}; the {top.height} largest spenders accounted for {share:.1f}% {part}, and "
        f"{first['nation_name']} alone for {first['world_share_pct']:.1f}%.",
        f"{WORLD_PAGE}#largest-shares",
        "Chart: the largest spenders' shares",
    )


def world_page(builder: Builder) -> Headline | None:
    """world.html: SIPRI's largest spenders of the latest year (a table and a chart of shares) and regional totals
    over time. Returns the page's headline, or None when SIPRI's series has no current-dollar figure."""
    top = builder.rows("world_top").filter(pl.col("rank") <= TOP)
    codes = set(builder.rows("nation_pages").get_column("code").to_list())
    blocks: list[Block] = [
        Paragraph(
            "World and regional military spending from SIPRI's Military Expenditure Database: the largest spenders "
            "of the latest year, in the manner of SIPRI's fact sheet, and each region's spending over time in "
            "constant dollars. A total of SIPRI's own includes its estimates for nations without data; a sum of "
            "nations is of the nations with figures, and is named so."
        )
    ]
    headline = None
    if top.height:
        year = top.get_column("year")[0]
        blocks += [Heading(f"The {top.height} largest spenders in {year}", anchor="largest"), _top_table(top, codes)]
        headline = _world_headline(top)
    else:
        blocks.append(
            Paragraph(
                "No nation has a SIPRI figure in current US dollars: put SIPRI's Military Expenditure Database "
                "workbook (SIPRI-Milex-data-1949-2024.xlsx) in data_raw/inbox/ and build again."
            )
        )
    shares, regions = (builder.figures(WORLD_PAGE, [spec]) for spec in WORLD_FIGURES)
    blocks += shares
    blocks.append(Heading("Regions", anchor="by-region"))
    blocks += regions or [
        Paragraph(
            "No regional series can be drawn: SIPRI's constant-dollar series has no figure. Put SIPRI's workbook in "
            "data_raw/inbox/ and build again."
        )
    ]
    builder.page(WORLD_PAGE, "World military spending", blocks)
    return headline


def _nato_table(latest: pl.DataFrame, codes: set[str]) -> Table:
    year = latest.get_column("year")[0]
    rows = latest.sort(["nato_share_of_gdp_pct", "nation_name"], descending=[True, False])
    return Table(
        (
            "Member",
            f"Share of GDP {year}, NATO, %",
            f"Share of GDP {year}, SIPRI, %",
            "Difference, points (NATO - SIPRI)",
            f"Equipment share {year}, NATO, %",
        ),
        tuple(
            (
                r["nation_name"],
                _marked(r["nato_share_of_gdp_pct"], r["nato_is_estimate"], digits=2),
                _marked(r["sipri_share_of_gdp_pct"], r["sipri_is_estimate"], digits=2),
                _marked(r["difference_pct_points"], r["nato_is_estimate"] or r["sipri_is_estimate"], 2, sign=True),
                _marked(r["equipment_share_pct"], r["equipment_is_estimate"], digits=2),
                _nation_link(codes, r["nation_iso3"]),
            )
            for r in rows.iter_rows(named=True)
        ),
        caption=(
            f"Sources: {publications(rows.get_column('source'))} ({_nato_edition(rows)}); "
            f"{publications(rows.get_column('sipri_source')) or 'SIPRI not read'}, the same year. "
            f"{ESTIMATE_MARK} the publisher's estimate (for a difference: either figure). The two count defence "
            "spending differently (NATO from its members' reports, on its definition; SIPRI from open sources); "
            f"NATO's unit: {', '.join(sorted(set(rows.get_column('nato_unit').drop_nulls())))}."
            + (
                " SIPRI's US figure is the federal fiscal year (October-September), as SIPRI's footnote says."
                if (rows.get_column("sipri_year_type") == "fiscal_year").any()
                else ""
            )
        ),
        links={0: 5},
        numeric=(1, 2, 3, 4),
    )


def _nato_headline(gdp: pl.DataFrame) -> Headline:
    members = gdp.filter(pl.col("was_member"))
    first, last = members.select(pl.col("year").min()).item(), members.select(pl.col("year").max()).item()

    def met(year: int) -> tuple[int, int, bool]:
        rows = members.filter(pl.col("year") == year)
        return int(rows.get_column("meets_guideline").sum()), rows.height, bool(rows.get_column("is_estimate").any())

    (met_first, of_first, _), (met_last, of_last, estimated) = met(first), met(last)
    when = ", the year of the Wales pledge," if first == WALES_PLEDGE_YEAR else ""
    return Headline(
        f"In {first}{when} {met_first} of the {of_first} NATO members in NATO's tables spent at least 2 percent of "
        f"GDP on defence; in {last}{' (NATO estimates)' if estimated else ''}, {met_last} of {of_last} did.",
        f"{NATO_PAGE}#two-percent",
        "Chart: NATO members against 2 percent",
    )


def nato_page(builder: Builder) -> Headline | None:
    """nato.html: members against the 2 percent and 20 percent guidelines, and NATO's share of GDP beside SIPRI's.
    Returns the page's headline, or None when NATO's tables were not read."""
    gdp = builder.rows("nato_gdp")
    latest = builder.rows("nato_latest")
    blocks: list[Block] = [
        Paragraph(
            "NATO's own figures for its members, from its Defence Expenditure of NATO Countries: defence "
            "expenditure as a share of GDP against the 2 percent guideline, the share spent on equipment against the "
            "20 percent guideline, and NATO's share of GDP beside SIPRI's for the same year."
        )
    ]
    if gdp.is_empty():
        blocks.append(
            Paragraph(
                "NATO's tables are not in the warehouse, so this page has no figures: put NATO's workbook of tables "
                "from Defence Expenditure of NATO Countries (for example 240617-def-exp-2024-TABLES-en.xlsx, from "
                "nato.int) in data_raw/inbox/ and build again."
            )
        )
        builder.page(NATO_PAGE, "NATO members' defence expenditure", blocks)
        return None
    codes = set(builder.rows("nation_pages").get_column("code").to_list())
    two_percent, equipment = (builder.figures(NATO_PAGE, [spec]) for spec in NATO_FIGURES)
    blocks += [Heading("The 2 percent guideline", anchor="gdp"), *two_percent]
    blocks += [Heading("The 20 percent equipment guideline", anchor="equipment-guideline")]
    blocks += equipment or [Paragraph("NATO's tables read give no equipment share for the latest year.")]
    if latest.height:
        blocks += [
            Heading(f"NATO and SIPRI, {latest.get_column('year')[0]}", anchor="nato-sipri"),
            _nato_table(latest, codes),
        ]
    builder.page(NATO_PAGE, "NATO members' defence expenditure", blocks)
    return _nato_headline(gdp)
