"""Build reports/index.html from the published warehouse (read-only: never blocks a build)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.paths import SQL_DIR, Layout
from pipelines.report import charts
from pipelines.report.page import Figure, render_page
from pipelines.warehouse import read_only


@dataclass(frozen=True)
class ReportResult:
    path: Path
    charts: int
    bytes: int


def _query(con, name: str) -> pl.DataFrame:
    return con.execute((SQL_DIR / "report" / f"{name}.sql").read_text(encoding="utf-8")).pl()


def _publications(frame: pl.DataFrame, column: str = "source") -> str:
    """Distinct publications named in a source column, without the sheet a figure was read from."""
    names = (
        frame.select(pl.col(column).str.split("; ").explode().str.replace(r", sheet '.*'$", ""))
        .unique()
        .sort(column)
        .get_column(column)
        .to_list()
    )
    return "; ".join(n for n in names if n)


def _lede(series: pl.DataFrame, space: pl.DataFrame) -> list[str]:
    paragraphs = [
        "milspace brings published defense and space budgets into one checked warehouse. This page draws "
        "military expenditure for the nations milspace follows first (the USA, China, Russia, the UK, France, "
        "Germany, Japan and India) and the 2022 Artemis Accords signatories, and the US Space Force budget "
        "against the Department of Defense request."
    ]
    request = space.filter(pl.col("phase") == "request").sort("fiscal_year")
    if request.height:
        first, last = request.row(0, named=True), request.row(-1, named=True)
        paragraphs.append(
            f"The Space Force requested US${first['space_usd_billions']:.1f} billion for FY{first['fiscal_year']} "
            f"({first['share_pct']:.2f}% of the DoD request of US${first['defense_usd_billions']:.1f} billion) and "
            f"US${last['space_usd_billions']:.1f} billion for FY{last['fiscal_year']} "
            f"({last['share_pct']:.2f}% of US${last['defense_usd_billions']:.1f} billion)."
        )
    latest = series.filter(pl.col("constant_usd_billions").is_not_null())
    if latest.height:
        year = latest.get_column("year").max()
        top = latest.filter(pl.col("year") == year).sort("constant_usd_billions", descending=True).head(3)
        names = ", ".join(
            f"{r['nation_name']} (US${r['constant_usd_billions']:,.1f} billion)" for r in top.iter_rows(named=True)
        )
        paragraphs.append(f"In {year} the largest spenders here, in constant dollars, were {names}.")
    return paragraphs


def build_figures(series: pl.DataFrame, space: pl.DataFrame) -> list[Figure]:
    base_year = int(series.get_column("constant_base_year").drop_nulls().max())
    sipri = _publications(series)
    focus = series.filter(pl.col("is_focus"))
    artemis = series.filter(pl.col("is_artemis_signatory_2022") & ~pl.col("is_focus"))
    followed = series.filter(pl.col("is_focus") | pl.col("is_artemis_signatory_2022"))
    sipri_caption = (
        f"Source: {sipri}. Calendar years; fiscal years apportioned by SIPRI. Hollow points mark SIPRI estimates."
    )
    return [
        Figure(
            "topline",
            charts.constant_topline(focus, title="Military expenditure of the focus nations", base_year=base_year),
            sipri_caption,
        ),
        Figure(
            "artemis",
            charts.constant_topline(
                artemis, title="Military expenditure of other Artemis Accords signatories (2022)", base_year=base_year
            ),
            sipri_caption + " Signatories as of 31 December 2022 (NASA).",
        ),
        Figure(
            "real-change",
            charts.real_change_heatmap(followed, title="Real year-over-year change in military expenditure"),
            f"Source: {sipri}. Change of the constant {base_year} US$ series on the previous calendar year.",
        ),
        Figure(
            "share-of-gdp",
            charts.share_of_gdp(focus, title="Military expenditure as a share of GDP"),
            f"Source: {sipri}. Shares are of calendar-year GDP.",
        ),
        Figure(
            "space-force",
            charts.space_force_vs_dod(space, title="US Space Force request against the DoD request"),
            "Sources: "
            + _publications(pl.concat([space.select(source="space_source"), space.select(source="defense_source")]))
            + ". FY2021 excludes about US$0.8 billion of Space Force personnel funded by the Air Force; "
            "FY2026 includes reconciliation funding for both. Other counts are in marts.us_budget.",
        ),
    ]


def render_report(layout: Layout, *, source: Path | None = None, target: Path | None = None) -> ReportResult:
    """Query a warehouse (default: the published one) and write the report page atomically to `target` (default:
    reports/index.html). A build renders from its working copy into a staged file, published with the warehouse."""
    source = source or layout.warehouse
    target = target or layout.report_index
    with read_only(source) as con:
        series = _query(con, "nation_series")
        space = _query(con, "space_share")
        vintage = _publications(series)
    figures = build_figures(series, space)
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = render_page(
        title="milspace: military and space investment",
        lede=_lede(series, space),
        figures=figures,
        footer=[
            f"Generated {generated} from {layout.display(layout.warehouse)}. Data vintage: {vintage}.",
            "SIPRI data are used under SIPRI's terms: non-commercial use with attribution. "
            'Query the same figures with: milspace sql "select * from marts.defense_yoy".',
        ],
    )
    write_atomically(target, page)
    return ReportResult(path=target, charts=len(figures), bytes=len(page.encode("utf-8")))


def write_atomically(target: Path, text: str) -> None:
    """Write a file so that readers see the old one or the new one, never half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix, delete=False
    ) as handle:
        handle.write(text)
        temporary = Path(handle.name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    os.replace(temporary, target)
