"""Budget views: the US topline from the DoD Green Book (for us-budget.html) and the national budgets page
(budgets.html): Germany's Einzelplan 14, Canada's Public Accounts, Australia's Portfolio Budget Statements and
Finance's program expenses, the European Defence Agency's split of its members' spending, and national space
budgets.

One module holds the views' chart builders (a polars frame in, an Altair chart out), their FigureSpecs (query,
builder, caption, export) and the page and section functions. The rules every chart here keeps:

- each chart draws one currency, one price basis and one measure; phases (actual, enacted, request, projection)
  are drawn apart (opacity, or bars side by side, named in the legend) and never added;
- a total a source states (is_total) is drawn as a tick over its parts, or on its own, never stacked on them;
- at most seven named colours (Okabe-Ito, colour-blind safe) and "Others" in grey: the categories past the
  seventh largest are summed into "Others" (they are parts of the same breakdown, so the sum is theirs);
- codes (snake_case) stay in the CSV exports; what is drawn carries words.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence

import altair as alt
import polars as pl

from pipelines.report import charts, labels
from pipelines.report.figures import FigureSpec, Sources
from pipelines.report.page import Block, Heading, Paragraph, Table

#: The site's colour-blind safe palette (charts.PALETTE, Okabe-Ito first) without black, which is kept here for
#: stated totals: seven named categories, then Others in grey.
PALETTE = tuple(c for c in charts.PALETTE if c.upper() != "#000000")[:7]
OTHERS = "Others"
OTHERS_COLOUR = "#9E9E9E"
TOTAL_COLOUR = "#000000"
WIDTH = 620
LEGEND = alt.Legend(labelLimit=320)

PHASES = {"actual": "Actual", "enacted": "Enacted", "request": "Request", "projection": "Projection"}
PHASE_OPACITY = {"actual": 1.0, "enacted": 0.75, "request": 0.5, "projection": 0.3}
PHASE_COLOUR = {"actual": "#0072B2", "enacted": "#009E73", "request": "#E69F00", "projection": "#CC79A7"}

#: The capability areas in the order drawn; their words come from the site's label table (labels.csv).
CAPABILITY_ORDER = (
    "pnt",
    "missile_warning_tracking",
    "space_domain_awareness",
    "launch_ranges",
    "satcom",
    "isr",
    "command_control",
    "space_control_counterspace",
    "science_technology",
    "space_enterprise_support",
    "unmapped",
)
CAPABILITY_AREAS = {code: labels.label("capability_area", code) or code for code in CAPABILITY_ORDER}

EDA_CATEGORIES = {
    "personnel": "Personnel",
    "operations_and_maintenance": "Operations and maintenance",
    "equipment_procurement": "Equipment procurement",
    "research_and_development": "Research and development",
    "infrastructure": "Infrastructure",
    "other": "Other",
}

#: The Hauptgruppen of the federal budget's Gruppierungsplan (the first digit of a title's number).
TITLE_GROUPS = {
    "4": "Personnel (group 4)",
    "5": "Operating costs and military procurement (group 5)",
    "6": "Grants and subsidies (group 6)",
    "7": "Construction (group 7)",
    "8": "Other investment (group 8)",
    "9": "Special financing items (group 9)",
}

SPACE_CATEGORIES = {"civil": "Civil", "military": "Military", "mixed": "Civil and military", "not_split": "Not split"}


def words(code: str | None) -> str:
    """A code in words: 'launch_ranges' -> 'Launch ranges' (for codes no mapping above names)."""
    return "Not given" if code is None else labels.words(str(code))


def _label(mapping: Mapping[str, str], column: str) -> pl.Expr:
    return (
        pl.col(column)
        .map_elements(lambda code: mapping.get(code, words(code)), return_dtype=pl.String)
        .fill_null("Not given")
    )


def fiscal_year_label(year: int) -> str:
    """A fiscal year that ends in `year` and starts the year before, as its publisher names it: 2025 -> '2024-25'."""
    return f"{year - 1}-{year % 100:02d}"


def years_text(years: Iterable[int]) -> str:
    """Years as runs: 2014, 2016, 2018-2023."""
    ordered = sorted(set(years))
    runs: list[list[int]] = []
    for year in ordered:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def fold_others(
    frame: pl.DataFrame, category: str, value: str, keep: int = len(PALETTE)
) -> tuple[pl.DataFrame, list[str]]:
    """The categories of `frame` (its rows: parts of one breakdown) with the `keep` largest by absolute amount named,
    the rest summed into 'Others' per the other columns' values; and the named categories, largest first (with
    'Others' last when there is one)."""
    sizes = (
        frame.group_by(category)
        .agg(pl.col(value).abs().sum().alias("size"))
        .sort(["size", category], descending=[True, False])
    )
    names = sizes.get_column(category).to_list()
    if len(names) <= keep:
        return frame, names
    named = names[:keep]
    keys = [c for c in frame.columns if c not in (category, value)]
    folded = (
        frame.filter(~pl.col(category).is_in(named))
        .group_by(keys, maintain_order=True)
        .agg(pl.col(value).sum())
        .with_columns(pl.lit(OTHERS).alias(category))
        .select(frame.columns)
    )
    return pl.concat([frame.filter(pl.col(category).is_in(named)), folded]), [*named, OTHERS]


def _colours(names: Sequence[str]) -> alt.Scale:
    named = [n for n in names if n != OTHERS]
    rest = [OTHERS_COLOUR] if OTHERS in names else []
    return alt.Scale(domain=[*named, *([OTHERS] if rest else [])], range=[*PALETTE[: len(named)], *rest])


def _phase_opacity(codes: Iterable[str], labels: Mapping[str, str] = PHASES, title: str = "Phase") -> alt.Opacity:
    present = [c for c in PHASES if c in set(codes)]
    return alt.Opacity(
        "phase_label:N",
        title=title,
        scale=alt.Scale(type="ordinal", domain=[labels[c] for c in present], range=[PHASE_OPACITY[c] for c in present]),
        sort=[labels[c] for c in present],
    )


def _phase_colour(codes: Iterable[str], labels: Mapping[str, str] = PHASES, title: str = "Phase") -> alt.Color:
    present = [c for c in PHASES if c in set(codes)]
    return alt.Color(
        "phase_label:N",
        title=title,
        scale=alt.Scale(domain=[labels[c] for c in present], range=[PHASE_COLOUR[c] for c in present]),
        sort=[labels[c] for c in present],
    )


def _phase_labels(frame: pl.DataFrame, labels: Mapping[str, str] = PHASES) -> pl.DataFrame:
    return frame.with_columns(_label(labels, "phase").alias("phase_label"))


def _bar_x(field: str, title: str, sort: Sequence[str] | None = None, values: Sequence[int] | None = None) -> alt.X:
    """A band (ordinal) x axis of years: labels level, and only every fifth or tenth year labelled when there are
    many (`values`: the years drawn, to choose from), so that no two labels overlap."""
    ordered = sorted(set(values or []))
    step = 1 if len(ordered) <= 20 else 5 if len(ordered) <= 50 else 10
    axis = alt.Axis(labelAngle=0, labelOverlap="greedy")
    if step > 1:
        axis = alt.Axis(labelAngle=0, labelOverlap="greedy", values=[v for v in ordered if v % step == 0])
    return alt.X(f"{field}:O", title=title, sort=list(sort) if sort else "ascending", axis=axis)


def _title(title: str, subtitle: str | None) -> alt.Title:
    """A chart title with its subtitle wrapped to lines that fit the chart's width."""
    return alt.Title(title, subtitle=textwrap.wrap(subtitle, 100) if subtitle else "")


def _layers(*charts: alt.Chart) -> list:
    return list(charts)


def _base_year(rows: pl.DataFrame) -> int | None:
    years = rows.get_column("base_year").drop_nulls()
    return int(years.max()) if len(years) else None  # type: ignore[arg-type]


# --- chart builders: us-budget.html ------------------------------------------------------------------------------


def stacked_with_total(
    frame: pl.DataFrame,
    *,
    title: str,
    category_title: str,
    value_title: str,
    x: str = "fiscal_year",
    x_title: str = "US fiscal year (October-September)",
    x_sort: Sequence[str] | None = None,
    phase_labels: Mapping[str, str] = PHASES,
    subtitle: str | None = None,
    description: str,
    scale: float = 1000.0,
    value: str = "amount_usd_millions",
    number: str = ",.2f",
) -> alt.LayerChart:
    """Parts of one breakdown stacked per `x` (one colour per category, the largest seven and Others; the phase as
    opacity), and the total the source states (rows with is_total) as a black tick on top, never added to them.
    Amounts are divided by `scale` (millions to billions by default)."""
    data = _phase_labels(frame, phase_labels).with_columns((pl.col(value) / scale).alias("amount"))
    parts = data.filter(~pl.col("is_total")).select(x, "phase", "phase_label", "category", "amount")
    parts, names = fold_others(parts, "category", "amount")
    parts = parts.with_columns(
        pl.col("category").replace_strict({n: i for i, n in enumerate(names)}, return_dtype=pl.Int64).alias("stack")
    )
    totals = data.filter(pl.col("is_total")).select(x, "phase_label", "category", "amount")
    opacity = _phase_opacity(data.get_column("phase").to_list(), phase_labels)
    xs = data.get_column(x).to_list() if data.schema[x].is_integer() else None
    tooltip = [
        alt.Tooltip(f"{x}:O", title=x_title),
        alt.Tooltip("category:N", title=category_title),
        alt.Tooltip("phase_label:N", title="Phase"),
        alt.Tooltip("amount:Q", title=value_title, format=number),
    ]
    bars = (
        alt.Chart(parts)
        .mark_bar()
        .encode(
            x=_bar_x(x, x_title, x_sort, xs),
            y=alt.Y("amount:Q", title=value_title, stack="zero", axis=alt.Axis(format=",.0f")),
            color=alt.Color("category:N", title=category_title, scale=_colours(names), sort=names, legend=LEGEND),
            order=alt.Order("stack:Q"),
            opacity=opacity,
            tooltip=tooltip,
        )
    )
    layers = [bars]
    if totals.height:
        layers.append(
            alt.Chart(totals)
            .mark_tick(color=TOTAL_COLOUR, thickness=2)
            .encode(
                x=_bar_x(x, x_title, x_sort, xs),
                y=alt.Y("amount:Q"),
                tooltip=[
                    alt.Tooltip(f"{x}:O", title=x_title),
                    alt.Tooltip("category:N", title="Total row"),
                    alt.Tooltip("phase_label:N", title="Phase"),
                    alt.Tooltip("amount:Q", title=value_title, format=number),
                ],
            )
        )
    return alt.LayerChart(layer=_layers(*layers)).properties(
        title=_title(title, subtitle or ""),
        width=WIDTH,
        description=description,
    )


def greenbook_stacked(frame: pl.DataFrame, *, title: str, category_title: str) -> alt.LayerChart:
    """The newest Green Book edition's constant-dollar table (6-8 by title, 6-10 by department), every fiscal year."""
    base = _base_year(frame)
    edition = str(frame.get_column("edition")[0])
    years = frame.get_column("fiscal_year")
    return stacked_with_total(
        frame,
        title=title,
        category_title=category_title,
        value_title=f"US$ billions, constant FY{base} prices (Green Book)",
        subtitle=(
            f"Budget authority, {edition}; lighter bars are enacted, requested or projected; black ticks: "
            "the table's total row"
        ),
        description=(
            f"Stacked bar chart of Department of Defense budget authority by {category_title.lower()} for fiscal "
            f"years {years_text(years.to_list())}, in billions of constant FY{base} dollars, from the Green Book "
            f"({edition}); the published total is marked above each bar."
        ),
    )


def real_growth_bars(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """The published real growth of the DoD total, bars around zero, one colour per phase."""
    data = _phase_labels(frame).select("fiscal_year", "phase", "phase_label", "real_growth_pct")
    edition = str(frame.get_column("edition")[0])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_bar_x(
                "fiscal_year", "US fiscal year (October-September)", values=data.get_column("fiscal_year").to_list()
            ),
            y=alt.Y("real_growth_pct:Q", title="Real growth of budget authority, % on the previous year"),
            color=_phase_colour(data.get_column("phase").to_list()),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Fiscal year"),
                alt.Tooltip("phase_label:N", title="Phase"),
                alt.Tooltip("real_growth_pct:Q", title="Real growth, %", format="+.2f"),
            ],
        )
    )
    zero = alt.Chart(pl.DataFrame({"zero": [0.0]})).mark_rule(color="#333").encode(y="zero:Q")
    return alt.LayerChart(layer=_layers(bars, zero)).properties(
        title=_title(title, f"The Green Book's own real-growth line for the DoD total, {edition}"),
        width=WIDTH,
        description=(
            "Bar chart of the real growth of Department of Defense budget authority by fiscal year, in percent on "
            "the previous year, above and below a zero line, as the Green Book publishes it."
        ),
    )


def _edition_label(edition_year: int | None, edition: str) -> str:
    return f"FY{edition_year} President's Budget" if edition_year else edition


def editions_bars(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """The same fiscal years as each Green Book edition gives them, side by side, in current dollars."""
    data = _phase_labels(frame).with_columns(
        pl.struct("edition_year", "edition")
        .map_elements(lambda r: _edition_label(r["edition_year"], r["edition"]), return_dtype=pl.String)
        .alias("edition_label"),
        (pl.col("amount_usd_millions") / 1000).alias("amount"),
    )
    order = data.sort("edition_year").get_column("edition_label").unique(maintain_order=True).to_list()
    return (
        alt.Chart(data.select("fiscal_year", "edition_label", "phase", "phase_label", "amount"))
        .mark_bar()
        .encode(
            x=_bar_x("fiscal_year", "US fiscal year (October-September)"),
            xOffset=alt.XOffset("edition_label:N", sort=order),
            y=alt.Y("amount:Q", title="US$ billions, current prices (budget authority)"),
            color=alt.Color(
                "edition_label:N", title="Green Book edition", sort=order, scale=alt.Scale(range=list(PALETTE))
            ),
            opacity=_phase_opacity(data.get_column("phase").to_list()),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Fiscal year"),
                alt.Tooltip("edition_label:N", title="Edition"),
                alt.Tooltip("phase_label:N", title="Phase in that edition"),
                alt.Tooltip("amount:Q", title="US$ billions, current", format=",.3f"),
            ],
        )
        .properties(
            title=_title(
                title,
                (
                    "DoD budget authority, Table 6-8 total, in current dollars: each edition's constant dollars "
                    "are at its own base year, so the editions are compared in current prices"
                ),
            ),
            width=WIDTH,
            description=(
                "Grouped bar chart: for each fiscal year, the DoD budget authority total as each Green Book edition "
                "gives it (request, enacted, projection or actual), in billions of current dollars."
            ),
        )
    )


def space_force_bars(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """Space Force budget authority by appropriation title where a source gives titles, one bar per fiscal year and
    phase (side by side); the totals the sources state as black ticks on their phase's bar."""
    data = _phase_labels(frame).with_columns((pl.col("amount_usd_millions") / 1000).alias("amount"))
    phases = [PHASES[c] for c in PHASES if c in set(data.get_column("phase"))]
    parts = data.filter(~pl.col("is_total")).select(
        "fiscal_year", "phase", "phase_label", "appropriation_title", "amount", "source"
    )
    names = (
        parts.group_by("appropriation_title")
        .agg(pl.col("amount").abs().sum())
        .sort(["amount", "appropriation_title"], descending=[True, False])
        .get_column("appropriation_title")
        .to_list()
    )
    totals = data.filter(pl.col("is_total")).select("fiscal_year", "phase_label", "scope", "amount", "source")
    x = _bar_x("fiscal_year", "US fiscal year (October-September)")
    offset = alt.XOffset("phase_label:N", sort=phases, scale=alt.Scale(domain=phases))
    value_title = "US$ billions, current prices (budget authority)"
    bars = (
        alt.Chart(parts)
        .mark_bar()
        .encode(
            x=x,
            xOffset=offset,
            y=alt.Y("amount:Q", title=value_title, stack="zero"),
            color=alt.Color(
                "appropriation_title:N", title="Appropriation title", scale=_colours(names), sort=names, legend=LEGEND
            ),
            opacity=_phase_opacity(data.get_column("phase").to_list()),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Fiscal year"),
                alt.Tooltip("phase_label:N", title="Phase"),
                alt.Tooltip("appropriation_title:N", title="Title"),
                alt.Tooltip("amount:Q", title="US$ billions", format=",.3f"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
    )
    ticks = (
        alt.Chart(totals)
        .mark_tick(color=TOTAL_COLOUR, thickness=2)
        .encode(
            x=x,
            xOffset=offset,
            y=alt.Y("amount:Q"),
            tooltip=[
                alt.Tooltip("fiscal_year:O", title="Fiscal year"),
                alt.Tooltip("phase_label:N", title="Phase"),
                alt.Tooltip("scope:N", title="Total stated for"),
                alt.Tooltip("amount:Q", title="US$ billions", format=",.3f"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
    )
    return alt.LayerChart(layer=_layers(bars, ticks)).properties(
        title=_title(
            title,
            (
                "Bars by title where a source gives titles; black ticks: totals as the sources state them; "
                "one bar per phase"
            ),
        ),
        width=WIDTH,
        description=(
            "Bar chart of US Space Force budget authority by fiscal year and phase, in billions of current dollars: "
            "stacked by appropriation title where the source gives titles, with the stated totals as ticks."
        ),
    )


#: The most fiscal year and phase pairs drawn side by side per area (the latest ones).
AREA_COLUMNS = 7


def capability_bars(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """US space budget lines per capability area (rows), one bar per fiscal year and phase side by side: the
    colour names the year and the phase, so that a request and an actual are never one bar."""
    data = _phase_labels(frame).with_columns(
        _label(CAPABILITY_AREAS, "capability_area").alias("area"),
        pl.format("FY{}, {}", pl.col("fiscal_year"), pl.col("phase_label").str.to_lowercase()).alias("column"),
    )
    columns = (
        data.select("fiscal_year", "phase", "column")
        .unique()
        .with_columns(pl.col("phase").replace_strict({c: i for i, c in enumerate(PHASES)}, default=9).alias("rank"))
        .sort("fiscal_year", "rank")
        .tail(AREA_COLUMNS)
        .get_column("column")
        .to_list()
    )
    data = data.filter(pl.col("column").is_in(columns))
    order = [CAPABILITY_AREAS[c] for c in CAPABILITY_AREAS if c in set(data.get_column("capability_area"))]
    order += sorted(set(data.get_column("area")) - set(order))
    years = data.get_column("fiscal_year").to_list()
    return (
        alt.Chart(data.select("area", "column", "phase_label", "amount_usd_millions", "share_of_space_pct"))
        .mark_bar()
        .encode(
            y=alt.Y("area:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("column:N", sort=columns),
            x=alt.X("amount_usd_millions:Q", title="Budget authority, US$ millions, current prices"),
            color=alt.Color(
                "column:N", title="Fiscal year, phase", sort=columns, scale=_colours(columns), legend=LEGEND
            ),
            tooltip=[
                alt.Tooltip("area:N", title="Capability area"),
                alt.Tooltip("column:N", title="Fiscal year, phase"),
                alt.Tooltip("amount_usd_millions:Q", title="US$ millions", format=",.3f"),
                alt.Tooltip("share_of_space_pct:Q", title="Share of the space lines, %", format=".2f"),
            ],
        )
        .properties(
            title=_title(
                title,
                f"The DoD exhibits' space lines by capability area, fiscal years {years_text(years)}; one bar per "
                "fiscal year and phase",
            ),
            width=400,
            description=(
                "Grouped horizontal bar chart of US space budget authority by capability area (GPS and navigation, "
                "missile warning and tracking, space domain awareness, launch, satellite communications and "
                "others), one bar per fiscal year and phase, in millions of current dollars."
            ),
        )
    )


# --- chart builders: budgets.html --------------------------------------------------------------------------------


def germany_groups(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """Einzelplan 14 by title group (Hauptgruppe), every year loaded, in EUR billions; annexes are left out here."""
    data = frame.filter(pl.col("scope") == "Einzelplan 14").with_columns(
        _label(TITLE_GROUPS, "title_group").alias("category"), pl.lit(False).alias("is_total")
    )
    data = data.group_by("fiscal_year", "phase", "category", "is_total").agg(pl.col("amount_millions").sum())
    years = data.get_column("fiscal_year")
    return stacked_with_total(
        data,
        title=title,
        category_title="Title group",
        value_title="EUR billions, current prices (Soll)",
        x_title="Budget year",
        value="amount_millions",
        subtitle="Enacted appropriations (Soll) of Einzelplan 14 by the first digit of each title; annexes apart",
        description=(
            f"Stacked bar chart of Germany's defence budget (Einzelplan 14) by title group for the budget years "
            f"{years_text(years.to_list())}, in billions of euros at current prices; negative groups (global cuts) "
            "stack below zero."
        ),
        number=",.3f",
    )


def germany_chapters(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """The newest budget year's chapters of Einzelplan 14, and its annexes, one bar each (nothing added across)."""
    year = int(frame.get_column("fiscal_year").max())  # type: ignore[arg-type]
    latest = frame.filter(pl.col("fiscal_year") == year)
    data = (
        latest.with_columns(
            pl.when(pl.col("scope") == "Einzelplan 14")
            .then(pl.format("{} {}", pl.col("chapter"), pl.col("chapter_title")))
            .otherwise(pl.col("scope").str.replace(r"^annex: (Anlage \d+ )?(Wirtschaftsplan des )?", "Annex: "))
            .alias("line"),
            pl.when(pl.col("scope") == "Einzelplan 14")
            .then(pl.lit("Einzelplan 14, by chapter"))
            .otherwise(pl.lit("Annex to Einzelplan 14"))
            .alias("part"),
        )
        .group_by("line", "part")
        .agg((pl.col("amount_millions").sum() / 1000).alias("amount"))
        .with_columns(pl.col("line").str.slice(0, 90).alias("line"))
        .sort("amount", descending=True)
    )
    parts = ["Einzelplan 14, by chapter", "Annex to Einzelplan 14"]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("line:N", title=None, sort="-x", axis=alt.Axis(labelLimit=300)),
            x=alt.X("amount:Q", title=f"EUR billions, current prices (Soll {year})"),
            color=alt.Color(
                "part:N", title=None, sort=parts, scale=alt.Scale(domain=parts, range=[PALETTE[0], PALETTE[1]])
            ),
            tooltip=[
                alt.Tooltip("line:N", title="Chapter or annex"),
                alt.Tooltip("amount:Q", title="EUR billions", format=",.3f"),
            ],
        )
        .properties(
            title=_title(title, f"{year}: each chapter of Einzelplan 14, and each annex, on its own"),
            width=360,
            description=(
                f"Horizontal bar chart of Germany's defence budget for {year} by chapter of Einzelplan 14, with the "
                "annexes (special fund, NATO infrastructure) as separate bars, in billions of euros."
            ),
        )
    )


def canada_votes(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """National Defence: authorities available and expenditures (the vote table), side by side per fiscal year."""
    measures = {"budget_authority": "Authorities available (enacted)", "outlays": "Expenditures (actual)"}
    data = (
        frame.filter(pl.col("classification") == "vote")
        .group_by("fiscal_year", "measure")
        .agg((pl.col("amount_millions").sum() / 1000).alias("amount"))
        .with_columns(
            _label(measures, "measure").alias("measure_label"),
            pl.col("fiscal_year").map_elements(fiscal_year_label, return_dtype=pl.String).alias("year_label"),
        )
        .sort("fiscal_year")
    )
    order = data.get_column("year_label").unique(maintain_order=True).to_list()
    names = list(measures.values())
    return (
        alt.Chart(data.select("year_label", "measure_label", "amount"))
        .mark_bar()
        .encode(
            x=_bar_x("year_label", "Fiscal year (April-March)", order),
            xOffset=alt.XOffset("measure_label:N", sort=names),
            y=alt.Y("amount:Q", title="CAD billions, current prices"),
            color=alt.Color(
                "measure_label:N", title=None, sort=names, scale=alt.Scale(domain=names, range=[PALETTE[2], PALETTE[0]])
            ),
            tooltip=[
                alt.Tooltip("year_label:O", title="Fiscal year"),
                alt.Tooltip("measure_label:N", title="Measure"),
                alt.Tooltip("amount:Q", title="CAD billions", format=",.3f"),
            ],
        )
        .properties(
            title=_title(title, "Department of National Defence, all votes and statutory items"),
            width=WIDTH,
            description=(
                "Grouped bar chart of Canada's Department of National Defence: authorities available and "
                "expenditures by fiscal year, in billions of Canadian dollars."
            ),
        )
    )


def _year_labels(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    data = frame.with_columns(
        pl.col("fiscal_year").map_elements(fiscal_year_label, return_dtype=pl.String).alias("year_label")
    )
    return data, data.sort("fiscal_year").get_column("year_label").unique(maintain_order=True).to_list()


def canada_objects(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """National Defence expenditures by standard object, stacked per fiscal year."""
    data = frame.filter(pl.col("classification") == "standard object").with_columns(
        pl.col("line").alias("category"), pl.lit(False).alias("is_total")
    )
    data, order = _year_labels(
        data.group_by("fiscal_year", "phase", "category", "is_total").agg(pl.col("amount_millions").sum())
    )
    return stacked_with_total(
        data,
        title=title,
        category_title="Standard object",
        value_title="CAD billions, current prices",
        x="year_label",
        x_title="Fiscal year (April-March)",
        x_sort=order,
        value="amount_millions",
        subtitle="Expenditures of the Department of National Defence; revenues netted against them stack below zero",
        description=(
            "Stacked bar chart of Canada's Department of National Defence expenditures by standard object and "
            "fiscal year, in billions of Canadian dollars."
        ),
        number=",.3f",
    )


AUSTRALIA_PHASES = {
    "actual": "Estimated actual",
    "enacted": "Enacted",
    "request": "Budget",
    "projection": "Forward estimate",
}
AUSTRALIA_TOTALS = ("Total Defence resourcing", "Total Departmental funding", "Total Administered funding")


def australia_resourcing(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """The totals of the PBS table T-1, each drawn on its own (side by side), per fiscal year."""
    rows = frame.filter(pl.col("statement") == "resourcing")
    chosen = rows.filter(pl.col("line").is_in(AUSTRALIA_TOTALS))
    rows = chosen if chosen.height else rows
    data, order = _year_labels(
        _phase_labels(rows, AUSTRALIA_PHASES).with_columns((pl.col("amount_millions") / 1000).alias("amount"))
    )
    lines = [n for n in AUSTRALIA_TOTALS if n in set(data.get_column("line"))] or sorted(set(data.get_column("line")))
    return (
        alt.Chart(data.select("year_label", "phase", "phase_label", "line", "amount"))
        .mark_bar()
        .encode(
            x=_bar_x("year_label", "Fiscal year (July-June)", order),
            xOffset=alt.XOffset("line:N", sort=lines),
            y=alt.Y("amount:Q", title="AUD billions, current prices"),
            color=alt.Color("line:N", title="Line of table T-1", sort=lines, scale=_colours(lines), legend=LEGEND),
            opacity=_phase_opacity(data.get_column("phase").to_list(), AUSTRALIA_PHASES),
            tooltip=[
                alt.Tooltip("year_label:O", title="Fiscal year"),
                alt.Tooltip("line:N", title="Line"),
                alt.Tooltip("phase_label:N", title="Phase"),
                alt.Tooltip("amount:Q", title="AUD billions", format=",.3f"),
            ],
        )
        .properties(
            title=_title(
                title,
                "Portfolio Budget Statements, table T-1: the total and its two parts, each as stated",
            ),
            width=WIDTH,
            description=(
                "Grouped bar chart of Australia's Department of Defence resourcing by fiscal year: the total, "
                "departmental and administered funding as the Portfolio Budget Statements state them, in billions "
                "of Australian dollars; the estimated actual, the budget year and forward estimates drawn lighter."
            ),
        )
    )


def australia_programmes(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """Department of Defence program expenses, stacked per fiscal year: the largest seven programs and Others."""
    data = frame.filter(pl.col("statement") == "programmes").with_columns(
        pl.col("line").alias("category"), pl.lit(False).alias("is_total")
    )
    data, order = _year_labels(
        data.group_by("fiscal_year", "phase", "category", "is_total").agg(pl.col("amount_millions").sum())
    )
    return stacked_with_total(
        data,
        title=title,
        category_title="Program",
        value_title="AUD billions, current prices",
        x="year_label",
        x_title="Fiscal year (July-June)",
        x_sort=order,
        phase_labels=AUSTRALIA_PHASES,
        value="amount_millions",
        subtitle=(
            "Expenses funded by appropriations and by other revenue, per program (Department of Finance line items)"
        ),
        description=(
            "Stacked bar chart of Australia's Department of Defence program expenses by fiscal year, the seven "
            "largest programs and the rest, in billions of Australian dollars; later years are forward estimates."
        ),
        number=",.3f",
    )


def eda_split(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """The EDA collective's defence expenditure by category, stacked per year; the EDA's total as a tick."""
    data = frame.with_columns(
        pl.when(pl.col("is_total"))
        .then(pl.lit("Total defence expenditure"))
        .otherwise(_label(EDA_CATEGORIES, "category"))
        .alias("category"),
        pl.col("year").alias("fiscal_year"),
    ).select("fiscal_year", "phase", "category", "is_total", "amount_millions")
    years = data.get_column("fiscal_year")
    return stacked_with_total(
        data,
        title=title,
        category_title="Category",
        value_title="EUR billions, current prices",
        x_title="Year",
        value="amount_millions",
        subtitle=(
            "Black ticks: the total the EDA states; where a bar stops short of its tick, the EDA gives no "
            "figure for some categories that year"
        ),
        description=(
            f"Stacked bar chart of the defence expenditure of the European Defence Agency's 27 member states by "
            f"category, {years_text(years.to_list())}, in billions of euros, with the stated total marked."
        ),
        number=",.3f",
    )


def space_budget_bars(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """One bar per one-year space budget figure a source gives in US$ (as the source converts it)."""
    data = (
        frame.filter(
            pl.col("usd_millions").is_not_null() & (pl.col("years_covered") == 1) & (pl.col("entity_code") != "WLD")
        )
        .with_columns(
            _label(SPACE_CATEGORIES, "category").alias("category_label"),
            _label(PHASES, "phase").alias("phase_label"),
            (pl.col("usd_millions") / 1000).alias("amount"),
        )
        .with_columns(
            pl.format(
                "{}: {}, {} ({}{})",
                pl.col("entity_name").fill_null(pl.col("entity_code")),
                pl.col("programme"),
                pl.col("period"),
                pl.col("phase_label").str.to_lowercase(),
                pl.when(pl.col("is_lower_bound")).then(pl.lit(", at least")).otherwise(pl.lit("")),
            ).alias("label")
        )
        .sort("amount", descending=True)
        .head(25)
    )
    names = [
        SPACE_CATEGORIES[c] for c in SPACE_CATEGORIES if SPACE_CATEGORIES[c] in set(data.get_column("category_label"))
    ]
    return (
        alt.Chart(data.select("label", "category_label", "amount", "is_estimate", "source"))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=400)),
            x=alt.X("amount:Q", title="US$ billions, as each source converts"),
            color=alt.Color("category_label:N", title="Budget", sort=names, scale=_colours(names)),
            opacity=alt.when(alt.datum.is_estimate).then(alt.value(0.5)).otherwise(alt.value(1.0)),
            tooltip=[
                alt.Tooltip("label:N", title="Budget"),
                alt.Tooltip("category_label:N", title="Civil or military"),
                alt.Tooltip("amount:Q", title="US$ billions", format=",.3f"),
                alt.Tooltip("is_estimate:N", title="Estimate"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
        .properties(
            title=_title(title, "One-year figures the sources give in US dollars; lighter bars are estimates"),
            width=280,
            description=(
                "Horizontal bar chart of national space budgets for one year each, in billions of US dollars as "
                "each source converts them, coloured civil, military or both."
            ),
        )
    )


# --- figure specifications --------------------------------------------------------------------------------------

_GREENBOOK_EXPORT = (
    "breakdown",
    "fiscal_year",
    "phase",
    "category",
    "is_total",
    "price_basis",
    "amount_usd_millions",
    "source",
    "edition",
    "file",
    "sheet",
    "row",
    "source_column",
)
_NATIONAL_EXPORT = ("amount_millions", "currency", "amount_usd_millions", "source", "edition", "file", "sheet", "row")


def _greenbook_caption(rows: pl.DataFrame) -> str:
    phases = rows.group_by("phase").agg(pl.col("fiscal_year").min().alias("first"), pl.col("fiscal_year").max())
    parts = [
        f"{PHASES.get(p, words(p)).lower()} FY{first}" + (f"-FY{last}" if last != first else "")
        for p, first, last in phases.sort("first").iter_rows()
    ]
    return (
        f"Federal fiscal years: {', '.join(parts)}. Lines past the seventh largest are summed as Others; the "
        "total row is the table's own."
    )


US_TOPLINE = (
    FigureSpec(
        name="greenbook-titles",
        query="us_greenbook_topline",
        chart=greenbook_stacked,
        title="DoD budget authority by appropriation title, in constant dollars",
        caption=_greenbook_caption,
        export=_GREENBOOK_EXPORT,
        sources=Sources(edition="edition"),
        options=lambda rows: {"category_title": "Appropriation title"},
        rows=lambda frame: frame.filter(pl.col("breakdown") == "title"),
        heading="The DoD topline (Green Book)",
    ),
    FigureSpec(
        name="greenbook-departments",
        query="us_greenbook_topline",
        chart=greenbook_stacked,
        title="DoD budget authority by military department, in constant dollars",
        caption=_greenbook_caption,
        export=_GREENBOOK_EXPORT,
        sources=Sources(edition="edition"),
        options=lambda rows: {"category_title": "Military department"},
        rows=lambda frame: frame.filter(pl.col("breakdown") == "department"),
    ),
    FigureSpec(
        name="greenbook-real-growth",
        query="us_greenbook_real_growth",
        chart=real_growth_bars,
        title="Real growth of DoD budget authority",
        caption="Percent change of constant-dollar budget authority on the previous fiscal year, as published.",
        export=("fiscal_year", "phase", "line", "real_growth_pct", "source", "edition", "file", "sheet", "row"),
        sources=Sources(edition="edition"),
    ),
    FigureSpec(
        name="greenbook-editions",
        query="us_greenbook_editions",
        chart=editions_bars,
        title="The same fiscal years in each Green Book edition",
        caption=(
            "A request or projection in an early edition beside the enacted or actual figure of a later one. "
            "Current dollars, since each edition states constant dollars at its own base year."
        ),
        export=(
            "fiscal_year",
            "edition",
            "phase",
            "line",
            "amount_usd_millions",
            "source",
            "file",
            "sheet",
            "row",
            "source_column",
        ),
        sources=Sources(edition="edition"),
    ),
)


def _space_force_caption(rows: pl.DataFrame) -> str:
    titled = (
        rows.filter(~pl.col("is_total"))
        .group_by("fiscal_year")
        .agg(pl.col("phase").unique().sort())
        .sort("fiscal_year")
    )
    listed = "; ".join(
        f"FY{year} ({', '.join(PHASES.get(p, words(p)).lower() for p in phases)})"
        for year, phases in titled.iter_rows()
    )
    return (
        f"Titles are given for {listed or 'no fiscal year'}; other years and phases have only a total. The Green "
        "Book's Space Force accounts (operation and maintenance, procurement, RDT&E) and the starter data's Space "
        "Force figures (us_budget_lines.csv); the ticks are the sources' own totals, not sums of the bars."
    )


SPACE_FORCE = FigureSpec(
    name="space-force-titles",
    query="us_space_force_titles",
    chart=space_force_bars,
    title="US Space Force budget authority by appropriation title",
    caption=_space_force_caption,
    export=(
        "fiscal_year",
        "phase",
        "appropriation_title",
        "is_total",
        "scope",
        "amount_usd_millions",
        "source",
        "edition",
        "file",
        "sheet",
        "row",
    ),
    sources=Sources(edition="edition"),
    heading="The Space Force by appropriation title",
)

SPACE_AREAS = FigureSpec(
    name="space-areas",
    query="us_space_areas",
    chart=capability_bars,
    title="US space programs by capability area and phase",
    caption=lambda rows: (
        f"Fiscal years {years_text(rows.get_column('fiscal_year').to_list())}: the DoD exhibits' space lines "
        "mapped to capability areas by data_raw/reference/capability_rules.csv (marts.capability_investment); one "
        "total column per fiscal year and phase; phases are never added."
    ),
    export=(
        "fiscal_year",
        "phase",
        "capability_area",
        "amount_usd_millions",
        "share_of_space_pct",
        "lines",
        "rules_used",
        "exhibit_column",
        "edition",
        "source",
    ),
    sources=Sources(edition="edition"),
    heading="Space programs by capability area",
)


def _germany_caption(rows: pl.DataFrame) -> str:
    years = sorted(set(rows.get_column("fiscal_year").to_list()))
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    gap = f"; no file for {years_text(missing)}" if missing else ""
    return (
        f"Budget years {years_text(years)}{gap}. Every spending title of Einzelplan 14 (Bundesministerium der "
        "Verteidigung), EUR at current prices; the annexes (special funds) are outside the Einzelplan and are not "
        "in these bars."
    )


GERMANY = (
    FigureSpec(
        name="germany",
        query="national_germany",
        chart=germany_groups,
        title="Germany: the defence budget, Einzelplan 14",
        caption=_germany_caption,
        export=(
            "fiscal_year",
            "phase",
            "scope",
            "chapter",
            "title",
            "title_name",
            "title_group",
            *_NATIONAL_EXPORT,
            "source_column",
        ),
        sources=Sources(edition="edition"),
        heading="Germany",
    ),
    FigureSpec(
        name="germany-chapters",
        query="national_germany",
        chart=germany_chapters,
        title="Germany: Einzelplan 14 by chapter, and its annexes",
        caption="Each chapter's titles summed; each annex on its own, never added to the Einzelplan.",
        export=("fiscal_year", "phase", "scope", "chapter", "chapter_title", "title", *_NATIONAL_EXPORT),
        sources=Sources(edition="edition"),
        rows=lambda frame: frame.filter(pl.col("fiscal_year") == pl.col("fiscal_year").max()),
    ),
)

_CANADA_EXPORT = (
    "fiscal_year",
    "fiscal_year_label",
    "classification",
    "measure",
    "phase",
    "line",
    "vote",
    *_NATIONAL_EXPORT,
    "source_column",
)


CANADA = (
    FigureSpec(
        name="canada",
        query="national_canada",
        chart=canada_votes,
        title="Canada: National Defence authorities and expenditures",
        caption=lambda rows: (
            "Fiscal years April-March, named by the years they span; CAD at current prices; authorities (what "
            "Parliament made available) and expenditures are two measures, drawn side by side, never added. Each "
            "figure from the newest Public Accounts edition that gives it; what changed between editions is in "
            "marts.vintage_revisions."
        ),
        export=_CANADA_EXPORT,
        sources=Sources(edition="edition"),
        rows=lambda frame: frame.filter(pl.col("classification") == "vote"),
        heading="Canada",
    ),
    FigureSpec(
        name="canada-objects",
        query="national_canada",
        chart=canada_objects,
        title="Canada: National Defence expenditures by standard object",
        caption=lambda rows: (
            "The same expenditures by what they bought (the standard-object table, another breakdown of the "
            "vote table's expenditures)."
        ),
        export=_CANADA_EXPORT,
        sources=Sources(edition="edition"),
        rows=lambda frame: frame.filter(pl.col("classification") == "standard object"),
    ),
)

_AUSTRALIA_EXPORT = (
    "statement",
    "fiscal_year",
    "phase",
    "is_estimate",
    "line",
    "cost_type",
    "is_total",
    *_NATIONAL_EXPORT,
    "source_column",
)

AUSTRALIA = (
    FigureSpec(
        name="australia",
        query="national_australia",
        chart=australia_resourcing,
        title="Australia: Defence resourcing",
        caption=(
            "Fiscal years July-June; AUD at current prices; the year before the budget is an estimated actual, the "
            "years after it forward estimates. The three lines are the table's own totals, drawn side by side."
        ),
        export=_AUSTRALIA_EXPORT,
        sources=Sources(edition="edition"),
        rows=lambda frame: frame.filter(pl.col("statement") == "resourcing"),
        heading="Australia",
    ),
    FigureSpec(
        name="australia-programmes",
        query="national_australia",
        chart=australia_programmes,
        title="Australia: Department of Defence program expenses",
        caption=(
            "Program expense line items of the Department of Defence (the whole-of-government table), the two "
            "funding columns added per program; programs past the seventh largest summed as Others."
        ),
        export=_AUSTRALIA_EXPORT,
        sources=Sources(edition="edition"),
        rows=lambda frame: frame.filter(pl.col("statement") == "programmes"),
    ),
)


def _eda_gaps(rows: pl.DataFrame) -> str:
    """Which categories the EDA gives no figure for, by year (a bar then stops short of the stated total)."""
    parts = rows.filter(~pl.col("is_total"))
    gaps = []
    for year in sorted(set(rows.get_column("year").to_list())):
        given = set(parts.filter(pl.col("year") == year).get_column("category").to_list())
        missing = [EDA_CATEGORIES[c].lower() for c in EDA_CATEGORIES if c not in given]
        if missing:
            gaps.append(f"{year} ({', '.join(missing)})")
    return f"No figure for: {'; '.join(gaps)}. " if gaps else ""


EDA = (
    FigureSpec(
        name="eda",
        query="national_eda",
        chart=eda_split,
        title="European Defence Agency: defence expenditure of its 27 members by category",
        caption=lambda rows: (
            "The EDA's collective figure for its 27 member states (EDA:EDA27), EUR at current prices; investment is "
            "equipment procurement plus R&D and is not drawn again. " + _eda_gaps(rows)
        ).strip(),
        export=(
            "year",
            "entity",
            "category",
            "is_total",
            "phase",
            "is_estimate",
            *_NATIONAL_EXPORT,
            "source_column",
        ),
        sources=Sources(edition="edition"),
        heading="European Defence Agency",
    ),
)

SPACE_BUDGETS = (
    FigureSpec(
        name="space-budgets",
        query="national_space_budgets",
        chart=space_budget_bars,
        title="National space budgets, one year each, in US dollars",
        caption=(
            "Only figures a source gives for one year and converts to US dollars itself (milspace converts none); "
            "multi-year programmes, other currencies and the world estimate are in the table below."
        ),
        export=(
            "entity_code",
            "entity_name",
            "programme",
            "period",
            "category",
            "phase",
            "amount_millions",
            "currency",
            "usd_millions",
            "is_estimate",
            "is_lower_bound",
            "source",
            "source_url",
            "source_kind",
        ),
        rows=lambda frame: frame.filter(
            pl.col("usd_millions").is_not_null() & (pl.col("years_covered") == 1) & (pl.col("entity_code") != "WLD")
        ),
        heading="National space budgets",
    ),
)


# --- pages and sections ----------------------------------------------------------------------------------------

MISSING = {
    "greenbook": (
        "No Green Book has been loaded, so the DoD topline in constant dollars, its real growth and the comparison "
        "of editions are not drawn: put the DoD Comptroller's National Defense Budget Estimates (Green Book) "
        "tables 6-8 (budget authority by title) and 6-10 (by military department) in data_raw/inbox/ and build "
        "again."
    ),
    "space_force": (
        "No Space Force budget line has been loaded: the starter file data_raw/starter/us_budget_lines.csv gives "
        "them, and a Green Book (tables 6-6 and 6-7) adds the Space Force accounts."
    ),
    "space_areas": (
        "No space budget line has been mapped to a capability area: put the DoD budget exhibits (R-1, P-1, O-1, "
        "M-1 workbooks) in data_raw/inbox/ and build again."
    ),
    "germany": (
        "No Bundeshaushalt has been loaded: put the Federal Ministry of Finance's Haushaltsplan CSV files (one per "
        "year, hh_YYYY.csv) in data_raw/inbox/ and build again."
    ),
    "canada": (
        "No Public Accounts of Canada have been loaded: put the 'Expenditures and authorities by vote' and "
        "'Expenditures by standard object' CSV files (eav_eac_en_*.csv, easo_eac_en_*.csv) in data_raw/inbox/ "
        "and build again."
    ),
    "australia": (
        "No Australian budget papers have been loaded: put the Defence Portfolio Budget Statements workbook "
        "(tables T-1 ...) and the Department of Finance's program expense line items CSV in data_raw/inbox/ and "
        "build again."
    ),
    "eda": (
        "No European Defence Agency defence data have been loaded: put the EDA's 'Defence Data' workbooks in "
        "data_raw/inbox/ and build again."
    ),
    "space_budgets": "No national space budget figure has been loaded (data_raw/starter/space_budgets.csv).",
}


def _section(builder, page: str, specs: Sequence[FigureSpec], missing: str, heading: str | None = None) -> list[Block]:
    """The figures of `specs` that have rows; else the section's heading and a paragraph saying what is missing."""
    drawn = builder.figures(page, specs)
    if drawn:
        return drawn
    title = heading or next((s.heading for s in specs if s.heading), None)
    return [*([Heading(title)] if title else []), Paragraph(MISSING[missing])]


def us_topline_blocks(builder) -> list[Block]:
    """The blocks us-budget.html adds: the DoD topline from the newest Green Book (constant dollars by title and by
    department, real growth), the same years in each edition, the Space Force by title, and US space programs by
    capability area and phase."""
    page = "us-budget.html"
    return [
        *_section(builder, page, US_TOPLINE, "greenbook"),
        *_section(builder, page, [SPACE_FORCE], "space_force"),
        *_section(builder, page, [SPACE_AREAS], "space_areas"),
    ]


def _space_table(rows: pl.DataFrame) -> Table:
    return Table(
        (
            "Nation or body",
            "Programme",
            "Period",
            "Civil or military",
            "Phase",
            "Amount (millions)",
            "Currency",
            "US$ millions (source's)",
            "Source",
        ),
        tuple(
            (
                r["entity_name"] or r["entity_code"],
                r["programme"],
                r["period"],
                SPACE_CATEGORIES.get(r["category"], words(r["category"])),
                PHASES.get(r["phase"], words(r["phase"])),
                f"{r['amount_millions']:,.1f}" + (" (at least)" if r["is_lower_bound"] else ""),
                r["currency"],
                "" if r["usd_millions"] is None else f"{r['usd_millions']:,.1f}",
                r["source"],
            )
            for r in rows.iter_rows(named=True)
        ),
        caption="marts.space_budgets: every figure, in its own currency and over its own period; never summed.",
    )


def build_budgets(builder) -> None:
    """The page budgets.html: national defence budgets, each in its own currency and as its publisher breaks it
    down, and national space budgets with their sources."""
    page = "budgets.html"
    blocks: list[Block] = [
        Paragraph(
            "National defence budgets as governments publish them: Germany's federal budget (Einzelplan 14), "
            "Canada's Public Accounts, Australia's Portfolio Budget Statements and program expenses, and the European "
            "Defence Agency's split of its members' spending; then national space budgets. Each chart keeps its "
            "publisher's currency, prices and phases: nothing here is converted, added across currencies or "
            "phases, or added to a total the publisher states. Every chart's data (with file, sheet and row) is "
            "linked under it."
        ),
    ]
    blocks += _section(builder, page, GERMANY, "germany")
    blocks += _section(builder, page, CANADA, "canada")
    blocks += _section(builder, page, AUSTRALIA, "australia")
    blocks += _section(builder, page, EDA, "eda")
    space = builder.rows("national_space_budgets")
    blocks += _section(builder, page, SPACE_BUDGETS, "space_budgets")
    if space.height:
        blocks.append(_space_table(space))
    builder.page(page, "National budgets", blocks)


#: For the lead: the entry site.py's NAV gains for this page.
NAV_ENTRY = ("budgets.html", "National budgets")
