"""The report's charts as data: one `FigureSpec` per chart (query, chart builder, caption, export columns, and how
its source line is made), declared per page below and drawn by one loop (`Builder.figures` in site.py).

A caption opens with a source line made from the rows the chart draws (`Sources`): the publications named in their
source columns, never typed by hand. Page prose (headline findings, tables, links) stays in site.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import altair as alt
import polars as pl

from pipelines.report import charts
from pipelines.report.labels import with_labels
from pipelines.report.page import PICKED, Picker, Table

#: A text fixed in the spec, or made from the rows the chart draws.
Text = str | Callable[[pl.DataFrame], str]

#: What SIPRI's footnote says of the US series, said wherever a drawn row is a fiscal year.
FISCAL_YEAR_NOTE = "US figures are federal fiscal years, October-September, as SIPRI's footnote says"


def publications(*columns: pl.Series) -> str:
    """Distinct publications named in source columns (split on '; '), without sheet names."""
    names: set[str] = set()
    for column in columns:
        for value in column.drop_nulls().unique().to_list():
            names.update(re.sub(r", sheet '.*'$", "", part).strip() for part in str(value).split("; "))
    return "; ".join(sorted(n for n in names if n))


def _text(value: Text, rows: pl.DataFrame) -> str:
    return value(rows) if callable(value) else value


@dataclass(frozen=True)
class Sources:
    """How a caption's source line is made from the rows drawn: the publications in `columns`, then the distinct
    values of `edition` (a column) in brackets, then SIPRI's fiscal-year note if a row's year_type is fiscal_year."""

    columns: tuple[str, ...] = ("source",)
    edition: str | None = None

    def line(self, rows: pl.DataFrame) -> str:
        named = publications(*(rows.get_column(c) for c in self.columns))
        text = named or "not named in the data"
        if self.edition:
            editions = sorted({str(e) for e in rows.get_column(self.edition).drop_nulls()})
            text += f" ({', '.join(editions)})" if editions else ""
        if "year_type" in rows.columns and (rows.get_column("year_type") == "fiscal_year").any():
            text += f" ({FISCAL_YEAR_NOTE})"
        return f"{'Sources' if '; ' in named else 'Source'}: {text}."


@dataclass(frozen=True)
class Pick:
    """A chart drawn for chosen values of `field` (nations), picked from a searchable list: at first the `first`
    largest by the latest value of `by` (as in its images), at most `limit` at once."""

    field: str = "nation_name"
    by: str = "constant_usd_billions"
    first: int = 8
    limit: int = charts.MAX_COLOURS

    def picker(self, rows: pl.DataFrame) -> Picker:
        options = tuple(sorted(rows.get_column(self.field).drop_nulls().unique().to_list()))
        latest = rows.filter(pl.col(self.by).is_not_null())
        if "year" in latest.columns:
            latest = latest.filter(pl.col("year") == pl.col("year").max())
        ranked = latest.group_by(self.field).agg(pl.col(self.by).max()).sort([self.by, self.field], descending=True)
        return Picker(self.field, options, tuple(ranked.get_column(self.field).head(self.first)), self.limit)


def picked(spec: dict, field: str, chosen: tuple[str, ...]) -> dict:
    """The specification drawing only the chosen values of `field`: a top-level parameter holding them (which the
    page's picker sets) and a filter on every view that encodes the field (a guideline layer is left whole)."""
    test = f"indexof({PICKED}, datum[{field!r}]) >= 0"

    def walk(node: object) -> None:
        if isinstance(node, dict):
            encoding = node.get("encoding")
            if "mark" in node and isinstance(encoding, dict) and _encodes(encoding, field):
                node["transform"] = [{"filter": test}, *node.get("transform", [])]
            for key, child in node.items():
                if key in ("layer", "vconcat", "hconcat", "concat", "spec"):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    spec = dict(spec)
    walk(spec)
    spec["params"] = [*spec.get("params", []), {"name": PICKED, "value": list(chosen)}]
    return spec


def _encodes(encoding: dict, field: str) -> bool:
    for channel in encoding.values():
        for item in channel if isinstance(channel, list) else [channel]:
            if isinstance(item, dict) and item.get("field") == field:
                return True
    return False


@dataclass(frozen=True)
class MapView:
    """A world-map view of a nation-year indicator (column `value`), beside the chart, with a year slider."""

    value: str
    legend: str
    number: str
    log_scale: bool = False

    def spec(self, rows: pl.DataFrame, title: str) -> dict:
        return charts.world_map(
            rows, self.value, title=title, legend=self.legend, number=self.number, log_scale=self.log_scale
        )


@dataclass(frozen=True)
class TableView:
    """A table view of a nation-year indicator: every nation's latest figure, ten years before and the change."""

    value: str
    heading: str
    digits: int = 2

    def table(self, rows: pl.DataFrame) -> Table:
        data = rows.filter(pl.col(self.value).is_not_null())
        last = int(data["year"].max())  # type: ignore[arg-type]
        before = last - 10
        wide = (
            data.filter(pl.col("year").is_in([before, last]))
            .pivot(on="year", index=["nation_iso3", "nation_name"], values=self.value)
            .rename({str(last): "last", str(before): "before"}, strict=False)
        )
        for column in ("last", "before"):
            if column not in wide.columns:
                wide = wide.with_columns(pl.lit(None, pl.Float64).alias(column))
        wide = wide.drop_nulls("last").sort("last", descending=True)
        fmt = f"{{:,.{self.digits}f}}"
        return Table(
            ("Nation", f"{self.heading}, {last}", f"{before}", "Change"),
            tuple(
                (
                    r["nation_name"],
                    fmt.format(r["last"]),
                    "" if r["before"] is None else fmt.format(r["before"]),
                    "" if r["before"] in (None, 0) else f"{100 * (r['last'] / r['before'] - 1):+.1f}%",
                    f"nations/{r['nation_iso3']}.html",
                )
                for r in wide.iter_rows(named=True)
            ),
            caption=f"Every nation with a figure in {last}, largest first; the CSV has every year.",
            links={0: 4},
            numeric=(1, 2, 3),
        )


@dataclass(frozen=True)
class YearTable:
    """A table view of one nation's series: a row per year, newest first; `columns` are (column, heading, digits)."""

    columns: tuple[tuple[str, str, int], ...]

    def table(self, rows: pl.DataFrame) -> Table:
        def cell(value: object, digits: int) -> str:
            return "" if value is None else f"{value:,.{digits}f}"

        ordered = rows.sort("year", descending=True)
        return Table(
            ("Year", *(heading for _, heading, _ in self.columns), "SIPRI estimate"),
            tuple(
                (r["year"], *(cell(r[c], d) for c, _, d in self.columns), "yes" if r["is_estimate"] else "")
                for r in ordered.iter_rows(named=True)
            ),
            numeric=tuple(range(1, len(self.columns) + 1)),
        )


@dataclass(frozen=True)
class FigureSpec:
    """One chart of a page. Drawn from the rows of sql/report/<query>.sql that `rows` keeps (all by default), and
    left out when there are none (or when the column `needs` holds no value): no empty chart is drawn."""

    name: str  # the figure's anchor on its page; its data is data/<page>-<name>.csv (.svg, .png)
    query: str  # sql/report/<query>.sql
    chart: Callable[..., alt.TopLevelMixin | dict]  # a builder of charts.py: frame, title=, [subtitle=,] **options
    title: Text
    caption: Text  # what follows the source line
    export: tuple[str, ...]  # the query's columns in the CSV download, in order
    sources: Sources = Sources()
    subtitle: Text | None = None
    options: Callable[[pl.DataFrame], Mapping[str, object]] | None = None  # more chart keywords, from the rows
    rows: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    needs: str | None = None
    heading: str | None = None  # a heading put before the figure when it is drawn
    condition: Callable[[pl.DataFrame], bool] | None = None  # drawn only when this holds of its rows
    pick: Pick | None = None  # drawn for nations picked from a list
    map: MapView | None = None  # also a world map with a year slider
    table: TableView | YearTable | None = None  # also a table

    def drawn(self, frame: pl.DataFrame) -> pl.DataFrame | None:
        """The rows this figure draws from its query's result, or None when there is nothing to draw."""
        rows = self.rows(frame) if self.rows else frame
        if rows.is_empty() or (self.needs and rows.get_column(self.needs).drop_nulls().is_empty()):
            return None
        if self.condition is not None and not self.condition(rows):
            return None
        return rows

    def only_if(self, condition: Callable[[pl.DataFrame], bool]) -> FigureSpec:
        """This figure, drawn only when `condition` holds of its rows (beside SIPRI: only with another publisher)."""
        return dataclasses.replace(self, condition=condition)

    def chart_of(self, rows: pl.DataFrame) -> alt.TopLevelMixin | dict:
        keywords = dict(self.options(rows)) if self.options else {}
        if self.subtitle is not None:
            keywords["subtitle"] = _text(self.subtitle, rows)
        return self.chart(with_labels(rows), title=_text(self.title, rows), **keywords)

    def spec_of(self, rows: pl.DataFrame) -> tuple[dict, Picker | None]:
        """The chart's Vega-Lite specification, and its picker (the specification then draws the picked values)."""
        # Altair's schema validation of every chart costs more than drawing it; the tests validate the specs.
        chart = self.chart_of(rows)
        spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
        if self.pick is None:
            return spec, None
        picker = self.pick.picker(rows)
        return picked(spec, picker.field, picker.chosen), picker

    def caption_of(self, rows: pl.DataFrame) -> str:
        return f"{self.sources.line(rows)} {_text(self.caption, rows)}".strip()

    def export_of(self, rows: pl.DataFrame) -> pl.DataFrame:
        return rows.select(self.export)

    def map_of(self, rows: pl.DataFrame) -> dict | None:
        return self.map.spec(rows, _text(self.title, rows)) if self.map else None

    def table_of(self, rows: pl.DataFrame) -> Table | None:
        return self.table.table(rows) if self.table else None


# --- shared by several pages -----------------------------------------------------------------------------------

SERIES_EXPORT = (
    "nation_iso3",
    "nation_name",
    "year",
    "constant_usd_billions",
    "real_yoy_pct",
    "share_of_gdp_pct",
    "is_estimate",
)


def _largest(rows: pl.DataFrame, column: str) -> int:
    """The largest value of a column of years (nulls left out)."""
    return int(rows.select(pl.col(column).max()).item())


def _base_year(rows: pl.DataFrame) -> int:
    return _largest(rows, "constant_base_year")


def _first_year(rows: pl.DataFrame) -> dict[str, int]:
    return {"year": int(rows.get_column("year")[0])}


def _focus(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("is_focus"))


def _topline(name: str, caption: str, export: tuple[str, ...], heading: str | None = None) -> FigureSpec:
    return FigureSpec(
        name=name,
        query="nation_series",
        chart=charts.constant_topline,
        title="Military expenditure of the focus nations",
        caption=caption,
        export=export,
        options=lambda rows: {"base_year": _base_year(rows)},
        rows=_focus,
        heading=heading,
    )


#: The nations drawn at first on the compare views: the largest spenders of the latest year.
LARGEST = Pick(by="constant_usd_billions", first=8)


# --- index.html --------------------------------------------------------------------------------------------------

INDEX = (
    _topline(
        "topline",
        "Hollow points mark SIPRI estimates.",
        ("nation_iso3", "nation_name", "year", "constant_usd_billions", "is_estimate"),
    ),
)

# --- compare.html ------------------------------------------------------------------------------------------------

COMPARE = (
    FigureSpec(
        name="topline",
        query="nation_series",
        chart=charts.constant_topline,
        title="Military expenditure in constant dollars",
        caption="Calendar years; hollow points mark SIPRI estimates. At first the eight largest spenders of the "
        "latest year; add or remove nations with the list.",
        export=SERIES_EXPORT,
        options=lambda rows: {"base_year": _base_year(rows)},
        rows=lambda frame: frame.filter(pl.col("constant_usd_billions").is_not_null()),
        heading="Spending in constant dollars",
        pick=LARGEST,
        map=MapView("constant_usd_billions", "US$ billions, constant prices", ",.2f", log_scale=True),
        table=TableView("constant_usd_billions", "US$ billions, constant prices"),
    ),
    FigureSpec(
        name="artemis",
        query="nation_series",
        chart=charts.constant_topline,
        title="Military expenditure of other Artemis Accords signatories (2022)",
        caption="Calendar years; hollow points mark SIPRI estimates. Signatories as of 31 December 2022 (NASA).",
        export=SERIES_EXPORT,
        options=lambda rows: {"base_year": _base_year(rows)},
        rows=lambda frame: frame.filter(pl.col("is_artemis_signatory_2022") & ~pl.col("is_focus")),
        pick=LARGEST,
    ),
    FigureSpec(
        name="real-change",
        query="nation_series",
        chart=charts.real_change_heatmap,
        title="Real year-over-year change in military expenditure",
        caption=lambda rows: (
            f"Change of the constant {_base_year(rows)} US$ series on the previous year; outlined cells involve "
            "estimates."
        ),
        export=SERIES_EXPORT,
        rows=lambda frame: frame.filter(pl.col("is_focus") | pl.col("is_artemis_signatory_2022")),
        heading="Real change",
        pick=Pick(first=12, limit=charts.MAX_CATEGORIES),
    ),
    FigureSpec(
        name="growth",
        query="followed_latest",
        chart=charts.growth_bars,
        title="Compound annual real growth over 5 and 10 years",
        caption="CAGR = (constant[y] / constant[y-N])^(1/N) - 1.",
        export=("nation_iso3", "nation_name", "year", "real_cagr_5y_pct", "real_cagr_10y_pct", "is_estimate"),
        options=_first_year,
        pick=Pick(by="real_cagr_10y_pct", first=12, limit=charts.MAX_CATEGORIES),
    ),
    FigureSpec(
        name="share-of-gdp",
        query="nation_series",
        chart=charts.share_of_gdp,
        title="Military expenditure as a share of GDP",
        caption="Shares of calendar-year GDP. At first the eight largest spenders; add or remove nations with the "
        "list.",
        export=SERIES_EXPORT,
        rows=lambda frame: frame.filter(pl.col("share_of_gdp_pct").is_not_null()),
        heading="Burden",
        pick=LARGEST,
        map=MapView("share_of_gdp_pct", "Percent of GDP", ".2f"),
        table=TableView("share_of_gdp_pct", "Percent of GDP"),
    ),
    FigureSpec(
        name="per-capita",
        query="followed_latest",
        chart=charts.per_capita_bars,
        title="Military expenditure per person",
        caption="Current US$.",
        export=("nation_iso3", "nation_name", "year", "per_capita_usd", "is_estimate"),
        options=_first_year,
        needs="per_capita_usd",
        pick=Pick(by="per_capita_usd", first=15, limit=charts.MAX_CATEGORIES),
    ),
    FigureSpec(
        name="militarization",
        query="militarization",
        chart=charts.militarization_trend,
        title="Militarization index of the focus nations",
        caption=(
            "Computed by milspace from these series (share of GDP, of government spending, per capita, real "
            "growth), one indicator set for every nation, normalized over every nation and year; method, weights "
            "and where it differs from BICC on the methodology page."
        ),
        export=(
            "nation_iso3",
            "nation_name",
            "year",
            "score",
            "rank",
            "nations_ranked",
            "milex_share_of_gdp",
            "real_growth_pct",
            "is_focus",
        ),
        rows=_focus,
        heading="Militarization index",
    ),
)

#: After the militarization index's ranking table.
COMPARE_AGREEMENT = (
    FigureSpec(
        name="source-agreement",
        query="source_agreement",
        chart=charts.source_agreement_scatter,
        title="Military spending as a share of GDP: SIPRI against other publishers",
        caption="Each publisher's figures as read (marts.source_agreement, with the known reasons for differences).",
        export=(
            "nation_iso3",
            "nation_name",
            "year",
            "value_a",
            "value_b",
            "source_b",
            "difference",
            "comparison",
            "reason",
        ),
        sources=Sources(("detail_a", "detail_b")),
        options=_first_year,
        heading="Where publishers agree",
    ),
)

# --- us-budget.html ----------------------------------------------------------------------------------------------


US_BUDGET = (
    FigureSpec(
        name="request-vs-enacted",
        query="request_vs_enacted",
        chart=charts.request_vs_enacted_bars,
        title="Enacted budgets against requests",
        caption="",
        export=(
            "label",
            "fiscal_year",
            "organization",
            "scope",
            "appropriation_title",
            "request_usd_millions",
            "enacted_usd_millions",
            "gap_pct",
            "source",
        ),
    ),
    FigureSpec(
        name="space-share",
        query="space_share",
        chart=charts.space_force_vs_dod,
        title="US Space Force request against the DoD request",
        caption=(
            "FY2021 excludes about US$0.8 billion of Space Force personnel funded by the Air Force; FY2026 includes "
            "reconciliation."
        ),
        export=(
            "fiscal_year",
            "phase",
            "space_scope",
            "defense_scope",
            "space_usd_billions",
            "defense_usd_billions",
            "share_pct",
            "space_source",
            "defense_source",
        ),
        sources=Sources(("space_source", "defense_source")),
    ),
)

# --- nations/<code>.html -----------------------------------------------------------------------------------------


def _nation_caption(name: str) -> Callable[[pl.DataFrame], str]:
    def caption(rows: pl.DataFrame) -> str:
        if rows.get_column("constant_usd_billions").is_not_null().any():
            return ""
        if rows.get_column("series_usd_billions").is_null().all():
            return ""
        return (
            f"{name} has no figure for {_base_year(rows)}: its spending is drawn at SIPRI's own constant "
            f"{_largest(rows, 'series_price_year')} prices (real change does not depend on the base year)."
        )

    return caption


def _subregion(frame: pl.DataFrame, code: str) -> str:
    return str(frame.filter(pl.col("nation_iso3") == code).get_column("subregion").drop_nulls().first())


def _peers(frame: pl.DataFrame, code: str) -> pl.DataFrame:
    """The nations of `code`'s SIPRI subregion with a share of GDP (none when it has no subregion or no peer)."""
    subregion = frame.filter(pl.col("nation_iso3") == code).get_column("subregion").drop_nulls()
    if subregion.is_empty():
        return frame.clear()
    peers = frame.filter((pl.col("subregion") == subregion[0]) & pl.col("share_of_gdp_pct").is_not_null())
    return (
        peers
        if peers.get_column("nation_iso3").n_unique() > 1 and (peers["nation_iso3"] == code).any()
        else frame.clear()
    )


def nation_figures(code: str, name: str) -> tuple[FigureSpec, ...]:
    """The charts of one nation's page."""
    return (
        FigureSpec(
            name="series",
            query="nation_series",
            chart=charts.nation_series,
            title=f"Military expenditure of {name}",
            caption=_nation_caption(name),
            export=(
                "nation_iso3",
                "year",
                "year_type",
                "series_usd_billions",
                "series_price_year",
                "share_of_gdp_pct",
                "real_yoy_pct",
                "is_estimate",
            ),
            options=lambda rows: {"base_year": _largest(rows, "series_price_year")},
            rows=lambda frame: frame.filter(
                (pl.col("nation_iso3") == code) & pl.col("series_usd_billions").is_not_null()
            ),
            table=YearTable(
                (
                    ("series_usd_billions", "US$ billions, constant prices", 3),
                    ("real_yoy_pct", "Real change, %", 1),
                    ("share_of_gdp_pct", "Percent of GDP", 2),
                )
            ),
        ),
        FigureSpec(
            name="peers",
            query="nation_series",
            chart=charts.nation_among_peers,
            title=f"{name} among its neighbours: military spending as a share of GDP",
            caption="Shares of GDP as SIPRI states them; the US and some others by fiscal year.",
            export=("nation_iso3", "nation_name", "year", "year_type", "share_of_gdp_pct", "is_estimate", "subregion"),
            options=lambda rows: {"code": code, "subregion": _subregion(rows, code)},
            rows=lambda frame: _peers(frame, code),
        ),
        FigureSpec(
            name="publishers",
            query="nation_publishers",
            chart=charts.publisher_shares,
            title=f"Military spending of {name} as a share of GDP, by publisher",
            caption="SIPRI, NATO and the European Defence Agency compile their figures separately (definitions, "
            "fiscal years and GDP series differ; NATO divides by GDP at 2015 prices).",
            export=(
                "nation_iso3",
                "year",
                "publisher",
                "share_pct",
                "is_estimate",
                "source",
                "edition",
                "file",
                "sheet",
                "row",
            ),
            sources=Sources(edition="edition"),
            rows=lambda frame: frame.filter(pl.col("nation_iso3") == code),
            needs=None,
            heading="Beside other publishers",
        ).only_if(lambda rows: rows.get_column("publisher").n_unique() > 1),
        FigureSpec(
            name="satellites",
            query="nation_satellites",
            chart=charts.nation_satellites,
            title=f"Satellites of {name} with military users",
            caption="Counted by operator's country (marts.space_capability); a joint satellite counts for each party.",
            export=("nation_iso3", "catalogue", "year", "edition", "military", "all_users", "source"),
            sources=Sources(edition="edition"),
            rows=lambda frame: frame.filter((pl.col("nation_iso3") == code) & (pl.col("military") > 0)),
            heading="In orbit",
        ),
    )


# --- strategies.html ---------------------------------------------------------------------------------------------

STRATEGIES = (
    FigureSpec(
        name="rhetoric",
        query="strategy_heatmap",
        chart=charts.rhetoric_heatmap,
        title="Rhetoric by nation and year",
        caption="Counted with the lexicon data_raw/reference/lexicon.csv (marts.strategy_trends).",
        export=("label", "nation_code", "year", "category", "per_10k_tokens", "hits", "documents"),
        sources=Sources(("sources",)),
    ),
)


def say_vs_spend(nation: str, year: int) -> FigureSpec:
    """One nation's strategy attention in one year against its space budget lines."""
    return FigureSpec(
        name=f"say-vs-spend-{nation.lower()}-{year}",
        query="say_vs_spend",
        chart=charts.say_vs_spend_bars,
        title=f"Say against spend: {nation}, {year}",
        subtitle=lambda rows: (
            f"Strategy attention in {year} against space budget lines of "
            f"FY{rows['spend_fiscal_year'][0]} ({rows['spend_phase'][0]})"
        ),
        caption="Shares of the strategy text's capability hits against shares of space budget authority "
        "(marts.say_vs_spend).",
        export=(
            "nation_code",
            "year",
            "capability_area",
            "attention_hits",
            "attention_share_pct",
            "spend_fiscal_year",
            "spend_phase",
            "spend_exhibit_column",
            "spend_usd_millions",
            "spend_share_pct",
            "gap_pct_points",
        ),
        sources=Sources(("sources",)),
        rows=lambda frame: frame.filter((pl.col("nation_code") == nation) & (pl.col("year") == year)),
    )


# --- orbit.html --------------------------------------------------------------------------------------------------

_SATELLITE_EXPORT = ("source", "edition", "edition_date", "year", "active_as_of", "operator", "active")
_JOINT_NOTE = (
    "Satellites whose users include the military (alone or with others), by the operator's country; a satellite "
    "operated jointly counts for each party, and 'Multinational' without named parties for none."
)

ORBIT = (
    FigureSpec(
        name="military-satellites-ucs",
        query="military_satellites",
        chart=charts.satellites_by_operator,
        title="Military satellites by nation, UCS Satellite Database editions",
        subtitle="Satellites active at each edition's date; the eight largest operators and the rest",
        caption=_JOINT_NOTE
        + " Each edition lists the satellites active when it was compiled (marts.space_capability).",
        export=_SATELLITE_EXPORT,
        sources=Sources(edition="edition"),
        options=lambda rows: {"dated": True},
        rows=lambda frame: frame.filter(pl.col("catalogue") == "ucs"),
    ),
    FigureSpec(
        name="military-satellites-gcat",
        query="military_satellites",
        chart=charts.satellites_by_operator,
        title="Military satellites in orbit at year end, GCAT",
        subtitle="Defence-class payloads operating at the end of each year; the eight largest operators, then the rest",
        caption=_JOINT_NOTE + " A payload counts from its launch until its operations end, else until it re-enters "
        "(marts.space_capability).",
        export=_SATELLITE_EXPORT,
        sources=Sources(edition="edition"),
        options=lambda rows: {"dated": False},
        rows=lambda frame: frame.filter(pl.col("catalogue") == "gcat"),
    ),
    FigureSpec(
        name="military-missions",
        query="military_missions",
        chart=charts.satellites_by_mission,
        title="Military satellites by mission, GCAT",
        subtitle="Satellites with military users operating at the end of each year, by capability area",
        caption="Missions from GCAT's payload categories by data_raw/reference/space_mission_rules.csv; a joint "
        "satellite counts for each party (marts.space_capability).",
        export=("source", "edition", "year", "operator", "capability_area", "active"),
        sources=Sources(edition="edition"),
    ),
)


def say_spend_field(nation: str, year: int) -> FigureSpec:
    """One nation's strategy attention in one year against its space budget lines and its military satellites."""
    return FigureSpec(
        name=f"say-spend-field-{nation.lower()}-{year}",
        query="say_spend_field",
        chart=charts.say_spend_field_bars,
        title=f"Say, spend, field: {nation}, {year}",
        subtitle=lambda rows: (
            f"Strategy attention in {year}; space budget lines of FY{rows['spend_fiscal_year'][0]} "
            f"({rows['spend_phase'][0]}); military satellites {rows['fielded_as_of'][0]} "
            f"({rows['fielded_edition'][0]})"
        ),
        caption=(
            "Shares of the strategy text's capability hits, of space budget authority and of satellites with military "
            "users, over the capability areas (marts.say_spend_field)."
        ),
        export=(
            "nation_code",
            "year",
            "capability_area",
            "attention_hits",
            "attention_share_pct",
            "spend_fiscal_year",
            "spend_phase",
            "spend_usd_millions",
            "spend_share_pct",
            "satellites_fielded",
            "fielded_share_pct",
            "fielded_as_of",
            "fielded_source",
            "fielded_edition",
        ),
        sources=Sources(("sources",)),
        rows=lambda frame: frame.filter((pl.col("nation_code") == nation) & (pl.col("year") == year)),
    )
