"""The report site: which pages, what each says and draws, from the warehouse's marts.

Pages: index.html (headline findings with their numbers, links, the vintage of each source), compare.html (nations
side by side), us-budget.html, nations/<code>.html (one per nation or body), strategies.html and methodology.html.
Every chart's data is exported beside it (data/<page>-<chart>.csv, with SVG and PNG images made by the build).
Queries live in sql/report/; the charts each page draws are declared in figures.py and drawn by `Builder.figures`;
the chart builders are in charts.py; the page layout in page.py. This module keeps each page's own prose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines import dictionary
from pipelines.errors import WarehouseError
from pipelines.paths import SQL_DIR
from pipelines.report import budgets, charts, figures, world
from pipelines.report.figures import FigureSpec
from pipelines.report.labels import label, words
from pipelines.report.page import Block, Details, Figure, Heading, Links, NationIndex, Paragraph, Table, render_page
from pipelines.warehouse import header_comment

NAV = (
    ("index.html", "Overview"),
    ("compare.html", "Compare nations"),
    ("us-budget.html", "US budget"),
    budgets.NAV_ENTRY,
    ("strategies.html", "Strategies"),
    ("orbit.html", "In orbit"),
    ("world.html", "World"),
    ("nato.html", "NATO"),
    ("methodology.html", "Methodology"),
)


@dataclass
class Export:
    """A chart's data and specification, to be written as CSV, SVG and PNG (the images with the source line
    drawn under the chart, so a slide that shows one names its source)."""

    name: str  # file stem under data/
    frame: pl.DataFrame
    spec: dict
    source: str = ""
    image_key: str | None = None  # the hash its images are cached by (build.py)


@dataclass
class Site:
    pages: dict[str, str] = field(default_factory=dict)  # site-relative path -> HTML
    exports: list[Export] = field(default_factory=list)

    @property
    def charts(self) -> int:
        return len(self.exports)


def query(con, name: str) -> pl.DataFrame:
    """A report query's rows; exact decimals become floats (charts and JSON take floats)."""
    try:
        return _floats(con.execute((SQL_DIR / "report" / f"{name}.sql").read_text(encoding="utf-8")).pl())
    except duckdb.Error as exc:
        raise WarehouseError(f"The report query sql/report/{name}.sql failed on this warehouse: {exc}") from None


def _floats(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64))


def _fmt(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _agreement_finding(agreement: pl.DataFrame) -> list[str]:
    """The headline on source agreement: SIPRI against an independent publisher (NATO) where one was read; else what
    the World Bank's republication of SIPRI's series shows (a check of the copy, not agreement between sources)."""
    independent = agreement.filter(pl.col("comparison") == "independent")
    if independent.height:
        publisher = independent.group_by("source_b").len().sort("len", descending=True)["source_b"][0]
        rows = independent.filter(pl.col("source_b") == publisher)
        gap = rows.select(pl.col("difference").abs().median()).item()
        worst = rows.sort(pl.col("difference").abs(), descending=True).row(0, named=True)
        reasons = ", ".join(words(r.strip()).lower() for r in str(worst["reason"] or "").split(",") if r.strip())
        why = f" (known reasons: {reasons})" if reasons else ""
        return [
            f"SIPRI and {publisher}, which compile their figures separately, differ on military spending as a share "
            f"of GDP by a median of {gap:.2f} percentage points across {rows.height} nations in {rows['year'][0]}; "
            f"the widest gap is {worst['nation_name']}, {abs(worst['difference']):.2f} points{why}."
        ]
    copies = agreement.filter(pl.col("source_b") == "World Bank")
    if not copies.height:
        return []
    differing = copies.filter(pl.col("difference").abs() >= 0.005)
    text = (
        f"The World Bank republishes SIPRI's share-of-GDP series: for {copies.height - differing.height} of the "
        f"{copies.height} nations compared in {copies['year'][0]} its copy matches SIPRI's to 0.01 percentage points"
    )
    if differing.height:
        worst = differing.sort(pl.col("difference").abs(), descending=True).row(0, named=True)
        text += (
            f"; where they differ, the World Bank carries another SIPRI release (widest: {worst['nation_name']}, "
            f"{abs(worst['difference']):.2f} points)"
        )
    return [text + ". Comparing independent publishers needs NATO's tables or the Green Book in the inbox."]


class Builder:
    """Collects pages and chart exports; runs each report query once and draws declared figures."""

    def __init__(self, con, generated: str):
        self.con = con
        self.site = Site()
        self._frames: dict[str, pl.DataFrame] = {}
        vintage = _vintage(self.rows("sources_vintage"))
        self.footer: list[str | tuple[str, list[str]]] = [
            f"Generated {generated}.",
            (f"Data vintage: {vintage.count('; ') + 1} publications (show their editions)", [vintage + "."]),
            "SIPRI data are used under SIPRI's terms (non-commercial, with attribution); World Bank and Our World in "
            "Data under CC BY 4.0; NATO with attribution; US Government works are public domain. "
            'The same figures: milspace sql "select * from marts.<table>" (see the methodology page).',
        ]

    def rows(self, name: str) -> pl.DataFrame:
        """The rows of sql/report/<name>.sql, queried once per build."""
        if name not in self._frames:
            self._frames[name] = query(self.con, name)
        return self._frames[name]

    def figures(self, page: str, specs: Iterable[FigureSpec]) -> list[Block]:
        """Every figure of `specs` that has rows to draw (with its heading), its data exported; the others left out."""
        blocks: list[Block] = []
        for spec in specs:
            rows = spec.drawn(self.rows(spec.query))
            if rows is None:
                continue
            if spec.heading:
                blocks.append(Heading(spec.heading))
            chart, picker = spec.spec_of(rows)
            name = f"{page.replace('/', '-').removesuffix('.html')}-{spec.name}"
            self.site.exports.append(Export(name, spec.export_of(rows), chart, spec.sources.line(rows)))
            blocks.append(
                Figure(
                    spec.name,
                    chart,
                    spec.caption_of(rows),
                    tuple(f"data/{name}.{ext}" for ext in ("csv", "svg", "png")),
                    picker=picker,
                    map_spec=spec.map_of(rows),
                    table=spec.table_of(rows),
                )
            )
        return blocks

    def page(self, path: str, title: str, blocks: list[Block], here: str | None = None) -> None:
        depth = path.count("/")
        self.site.pages[path] = render_page(
            title=title, blocks=blocks, nav=NAV, here=here or path, footer=self.footer, depth=depth
        )


def _vintage(sources: pl.DataFrame) -> str:
    """The editions of the inbox files loaded, and of the starter extract: each publication once, with its editions
    ("SIPRI Military Expenditure Database (April 2016 release, April 2025 release)"), so the line stays readable when
    many editions of one publication are read."""
    editions: dict[str, set[str]] = {"SIPRI Military Expenditure Database": {"April 2025 release, starter extract"}}
    for row in sources.filter(pl.col("status") == "loaded").iter_rows(named=True):
        if row["edition"] and row["origin"] == "inbox":
            editions.setdefault(row["source"] or row["detected_format"], set()).add(row["edition"])
    return "; ".join(f"{source} ({', '.join(sorted(editions[source]))})" for source in sorted(editions))


def build_site(con, generated: str) -> Site:
    """Query the marts and assemble every page."""
    builder = Builder(con, generated)
    series = builder.rows("nation_series")
    base_year = series.select(pl.col("constant_base_year").max()).item()
    _compare(builder)
    _us_budget(builder)
    budgets.build_budgets(builder)
    _strategies(builder, con)
    _orbit(builder)
    headlines = [found.paragraph() for found in (world.world_page(builder), world.nato_page(builder)) if found]
    nations = _nations(builder)
    _methodology(builder, base_year)
    _index(builder, con, nations, headlines)
    return builder.site


# --- index -----------------------------------------------------------------------------------------------------


def _index(builder: Builder, con, nations: list[tuple[str, str, str]], headlines: list[Paragraph]) -> None:
    """The overview: headline findings (each linking to its chart; the World and NATO pages' headlines among
    them), the focus nations' topline, the nation index and every file read."""
    series, space, sources = builder.rows("nation_series"), builder.rows("space_share"), builder.rows("sources_vintage")
    findings: list[Paragraph] = []
    fy2023 = space.filter((pl.col("fiscal_year") == 2023) & (pl.col("phase") == "request"))
    if fy2023.height:
        row = fy2023.row(0, named=True)
        findings.append(
            Paragraph(
                f"In its FY2023 request the US Space Force (including the Space Development Agency) asked for "
                f"US${row['space_usd_billions']:.1f} billion: {row['share_pct']:.2f}% of the Department of Defense "
                f"request of US${row['defense_usd_billions']:.1f} billion.",
                link=("us-budget.html#space-share", "Chart: Space Force against DoD"),
            )
        )
    request = space.filter(pl.col("phase") == "request").sort("fiscal_year")
    if request.height > 1:
        last = request.row(-1, named=True)
        findings.append(
            Paragraph(
                f"For FY{last['fiscal_year']} the request is US${last['space_usd_billions']:.1f} billion, "
                f"{last['share_pct']:.2f}% of US${last['defense_usd_billions']:.1f} billion ({last['space_scope']}).",
                link=("us-budget.html#space-share", "Chart: Space Force against DoD"),
            )
        )
    findings += headlines
    latest = series.filter(pl.col("constant_usd_billions").is_not_null())
    if latest.height:
        year = latest.select(pl.col("year").max()).item()
        top = latest.filter(pl.col("year") == year).sort("constant_usd_billions", descending=True).head(3)
        names = ", ".join(
            f"{r['nation_name']} ({charts.money(r['constant_usd_billions'])})" for r in top.iter_rows(named=True)
        )
        findings.append(
            Paragraph(
                f"In {year} the largest military spenders, in constant {year} dollars, were {names}.",
                link=("compare.html#topline", "Chart: spending in constant dollars"),
            )
        )
    growth = builder.rows("followed_latest").drop_nulls("real_cagr_10y_pct").sort("real_cagr_10y_pct", descending=True)
    if growth.height:
        row = growth.row(0, named=True)
        findings.append(
            Paragraph(
                f"Among the nations followed here, {row['nation_name']} grew its military spending fastest in real "
                f"terms over ten years: {row['real_cagr_10y_pct']:+.1f}% a year to {row['year']}.",
                link=("compare.html#growth", "Chart: real growth"),
            )
        )
    index = builder.rows("militarization").filter(pl.col("year") == pl.col("year").max())
    if index.height:
        row = index.sort("rank").row(0, named=True)
        findings.append(
            Paragraph(
                f"On milspace's militarization index for {row['year']}, {row['nation_name']} ranks first of "
                f"{row['nations_ranked']} nations (score {row['score']:.0f} of 1000).",
                link=("compare.html#militarization", "Chart: militarization index"),
            )
        )
    findings += [
        Paragraph(text, link=("compare.html#source-agreement", "Chart: where publishers agree"))
        for text in _agreement_finding(builder.rows("source_agreement"))
    ]
    findings += [
        Paragraph(text, link=("orbit.html#military-satellites-ucs", "Chart: military satellites"))
        for text in _satellite_finding(builder.rows("military_satellites"))
    ]
    documents = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_scored) FROM marts.strategy_documents"
    ).fetchone()
    registered = con.execute("SELECT count(*), count(DISTINCT nation_code) FROM marts.strategy_register").fetchone()
    findings.append(
        Paragraph(
            f"The strategy register lists {registered[0]} documents from {registered[1]} nations and bodies; "
            f"{documents[0]} document texts have been read ({documents[1]} scored).",
            link=("strategies.html", "Page: strategies"),
        )
    )
    blocks: list[Block] = [
        Paragraph(
            "milspace brings published defense and space budgets and strategy documents into one checked "
            "warehouse. The headline findings below are computed from it; every page names its sources."
        ),
        Heading("Headline findings"),
        *findings,
        *builder.figures("index.html", figures.INDEX),
        Heading("Pages"),
        Links(tuple((path, label) for path, label in NAV[1:])),
        Heading("Nations", anchor="nations"),
        _nation_index(nations),
        Heading("Sources read and their vintage"),
        Table(
            ("Origin", "File", "Status", "Format", "Source", "Edition", "Rows"),
            tuple(
                (r["origin"], r["path"], r["status"], r["detected_format"], r["source"], r["edition"], r["rows_loaded"])
                for r in sources.iter_rows(named=True)
            ),
            caption="Every file the last build read (marts.sources).",
            summary=f"Every file the last build read: {sources.height} (show)",
            numeric=(6,),
        ),
    ]
    builder.page("index.html", "Military and space investment", blocks)


#: Where a nation without a SIPRI region is listed in the nation index.
NO_REGION = "Bodies and nations without a SIPRI region"


def _nation_index(nations: list[tuple[str, str, str]]) -> NationIndex:
    """The nation pages grouped by SIPRI region (alphabetical; bodies and unregioned nations last)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name, region in nations:
        groups.setdefault(region or NO_REGION, []).append((code, name))
    order = sorted(groups, key=lambda region: (region == NO_REGION, region))
    return NationIndex(tuple((region, tuple(sorted(groups[region], key=lambda n: n[1]))) for region in order))


def _satellite_finding(satellites: pl.DataFrame) -> list[str]:
    """The three largest operators of satellites with military users in the newest UCS edition loaded."""
    ucs = satellites.filter(pl.col("catalogue") == "ucs")
    if ucs.is_empty():
        return []
    latest = ucs.filter(pl.col("edition_date") == pl.col("edition_date").max()).sort("rank")
    named = latest.filter(pl.col("operator") != "Other nations and bodies").head(3)
    edition = str(latest["edition"][0]).removeprefix("UCS Satellite Database, ")
    listed = ", ".join(f"{r['operator']} ({r['active']:,})" for r in named.iter_rows(named=True))
    return [
        f"In the newest UCS Satellite Database edition read ({edition}), the nations operating the most satellites "
        f"whose users include the military are {listed}."
    ]


# --- compare -------------------------------------------------------------------------------------------------


def _compare(builder: Builder) -> None:
    page = "compare.html"
    blocks: list[Block] = [
        Paragraph(
            "Nations side by side: spending in constant dollars, real growth, burden and the militarization index, "
            "from SIPRI's series, and where publishers disagree."
        ),
        *builder.figures(page, figures.COMPARE),
    ]
    index = builder.rows("militarization")
    if index.height:
        year = index.select(pl.col("year").max()).item()
        ranking = index.filter(pl.col("year") == year).sort("rank")
        blocks.append(
            Table(
                ("Rank", "Nation", "Score (0-1000)", "Share of GDP, %", "Real growth, %"),
                tuple(
                    (r["rank"], r["nation_name"], r["score"], _fmt(r["milex_share_of_gdp"]), _fmt(r["real_growth_pct"]))
                    for r in ranking.iter_rows(named=True)
                ),
                caption=(
                    f"{year}: ranks among the {ranking['nations_ranked'][0]} nations scored; nations followed here."
                ),
            )
        )
    blocks += builder.figures(page, figures.COMPARE_AGREEMENT)
    builder.page(page, "Compare nations", blocks)


# --- US budget -----------------------------------------------------------------------------------------------


def _us_budget(builder: Builder) -> None:
    page = "us-budget.html"
    blocks: list[Block] = [
        Paragraph(
            "The Department of Defense topline from the Green Book in constant dollars, by appropriation title and "
            "by military department, with its real growth and what each President's Budget said of the same years; "
            "the Space Force by title and its share of the DoD request; space programmes by capability area and "
            "phase; and enacted budgets against requests. Fiscal years run October to September."
        ),
        *budgets.us_topline_blocks(builder),
        Heading("Requests and enactments"),
        *builder.figures(page, figures.US_BUDGET),
    ]
    builder.page(page, "US defense and space budget", blocks)


# --- nations -------------------------------------------------------------------------------------------------


def _nations(builder: Builder) -> list[tuple[str, str, str]]:
    documents = builder.rows("nation_documents")
    commitments = builder.rows("nation_commitments")
    listed = []
    for nation in builder.rows("nation_pages").iter_rows(named=True):
        code, name = nation["code"], nation["name"]
        path = f"nations/{code}.html"
        memberships = f" Memberships: {nation['memberships']}." if nation["memberships"] else ""
        blocks: list[Block] = [
            Paragraph(f"{name} ({code}); region: {nation['region'] or 'none in SIPRI'}.{memberships}"),
        ]
        drawn = builder.figures(path, figures.nation_figures(code, name))
        blocks += drawn
        blocks += _caveats(name, nation["kind"], drawn)
        docs = documents.filter(pl.col("nation_code") == code)
        blocks.append(Heading("Strategy documents"))
        if docs.height:
            blocks.append(
                Table(
                    ("Published", "Title", "Issuer", "Kind", "Words read", "Official address"),
                    tuple(
                        (
                            r["published"],
                            r["title"],
                            r["issuer"],
                            label("kind", r["kind"]),
                            r["tokens"],
                            r["official_url"],
                        )
                        for r in docs.iter_rows(named=True)
                    ),
                    caption="The strategy register (marts.strategy_register); words read when the text has been read.",
                )
            )
        else:
            blocks.append(Paragraph("The register lists no strategy document for this nation yet."))
        stated = commitments.filter(pl.col("nation_code") == code)
        if stated.height:
            blocks += [
                Heading("Stated commitments"),
                Table(
                    ("Document", "Item", "Commitment", "Period", "Relation", "Source"),
                    tuple(
                        (
                            r["document_title"],
                            r["item"],
                            r["commitment"],
                            r["period"],
                            label("relation", r["relation"]),
                            r["source"],
                        )
                        for r in stated.iter_rows(named=True)
                    ),
                ),
            ]
        builder.page(path, name, blocks, here="compare.html")
        listed.append((code, name, nation["region"]))
    return listed


def _caveats(name: str, kind: str | None, drawn: list[Block]) -> list[Block]:
    """What a nation's page lacks and why, in place of an empty chart."""
    anchors = {block.anchor for block in drawn if isinstance(block, Figure)}
    said: list[Block] = []
    if "series" not in anchors:
        why = (
            "it is an organization, not a state: SIPRI's series are by nation"
            if kind not in ("country", "historical_state")
            else "SIPRI gives no figure for it in the edition loaded (a missing figure is shown as missing, not as "
            "zero)"
        )
        said.append(Paragraph(f"No military expenditure series for {name}: {why}."))
    if "publishers" not in anchors and "series" in anchors:
        said.append(
            Paragraph(
                f"Only SIPRI's figures for {name}: NATO's tables cover NATO members and the European Defence "
                "Agency's data EU members in the agency, so there is no second publisher to set beside it."
            )
        )
    if "satellites" not in anchors:
        said.append(
            Paragraph(
                f"No satellite with military users is listed for {name} in the catalogues loaded (the UCS Satellite "
                "Database, GCAT), by operator's country."
            )
        )
    return said


# --- strategies ------------------------------------------------------------------------------------------------


def _strategies(builder: Builder, con) -> None:
    page = "strategies.html"
    blocks: list[Block] = [
        Paragraph(
            "What nations say in their defence and space strategies, measured with milspace's lexicon (hits per "
            "10,000 words), with the sentences behind every count, and held against what they spend."
        )
    ]
    rhetoric = builder.figures(page, figures.STRATEGIES)
    if rhetoric:
        blocks += [*rhetoric, Heading("Evidence behind each cell")]
        # one fold per nation and year, its categories inside: the first hits of each, with where they are
        for (nation, year), group in builder.rows("strategy_evidence").group_by(
            ["nation_code", "year"], maintain_order=True
        ):
            categories = group.get_column("category").unique(maintain_order=True)
            blocks.append(
                Details(
                    f"{nation} {year}: {group.height} sentences in {categories.len()} categories",
                    tuple(
                        f"{label('category', r['category'])}. {r['doc_id']}, paragraph {r['paragraph']}: "
                        f"“{r['context']}”"
                        for r in group.iter_rows(named=True)
                    ),
                )
            )
    else:
        blocks.append(
            Paragraph(
                "No strategy document text has been read yet: put documents in data_raw/strategies/ (or run "
                "milspace fetch-docs) and build again. The register and stated commitments are on the nation pages."
            )
        )
    pairs = builder.rows("say_vs_spend").select("nation_code", "year").unique(maintain_order=True)
    blocks += builder.figures(page, [figures.say_vs_spend(nation, year) for nation, year in pairs.iter_rows()])
    register = con.execute(
        "SELECT nation_code, published, title, kind, commitments FROM "
        "marts.strategy_register ORDER BY nation_code, published"
    ).fetchall()
    blocks += [
        Heading("The strategy register"),
        Table(
            ("Nation", "Published", "Title", "Kind", "Commitments"), tuple(register), caption="marts.strategy_register"
        ),
    ]
    builder.page(page, "Strategies: what nations say", blocks)


# --- orbit -----------------------------------------------------------------------------------------------------


def _orbit(builder: Builder) -> None:
    page = "orbit.html"
    blocks: list[Block] = [
        Paragraph(
            "What nations field in space: satellites whose users include the military, from the satellite "
            "catalogues loaded (the UCS Satellite Database, McDowell's GCAT, CelesTrak), set against what the "
            "nations say in their strategies and spend on space. Every object is in marts.space_objects with the "
            "catalogue, edition, file and row it comes from; the counts are in marts.space_capability."
        )
    ]
    drawn = builder.figures(page, figures.ORBIT)
    blocks += drawn or [
        Paragraph(
            "No satellite catalogue has been loaded: put a UCS Satellite Database edition, GCAT's payload catalogue "
            "(psatcat.tsv with orgs.tsv) or a CelesTrak export in data_raw/inbox/ and build again."
        )
    ]
    complete = (
        builder.rows("say_spend_field")
        .filter(
            pl.col("attention_share_pct").is_not_null()
            & pl.col("spend_share_pct").is_not_null()
            & pl.col("fielded_share_pct").is_not_null()
        )
        .group_by("nation_code")
        .agg(pl.col("year").max())
        .sort("nation_code")
    )
    if complete.height:
        blocks.append(Heading("Say, spend, field"))
        blocks += builder.figures(
            page, [figures.say_spend_field(nation, year) for nation, year in complete.iter_rows()]
        )
    builder.page(page, "In orbit: what nations field", blocks)


# --- methodology ---------------------------------------------------------------------------------------------


def _methodology(builder: Builder, base_year: int | None) -> None:
    blocks: list[Block] = [
        Paragraph(
            "Definitions, formulas, deflators and base years, sources with licences and attribution, and known "
            "limits. Each mart is built by one SQL file in sql/marts/, whose header is reproduced here."
        ),
        Heading("How figures are identified and counted once"),
        Paragraph(
            "A figure is what a publisher states about one entity, period, measure, price-basis kind (current or "
            "constant), phase, funding type and classification; the file, sheet and edition that bring it are not "
            "part of it. The shipped starter figures are extracts the readers made of the published files and "
            "enter like any inbox file, so a figure from a starter extract and from the workbook it came from is "
            "one figure. For each figure one file is used: the newest edition, then a file from the inbox, then "
            "the fuller file. Two lines of one sheet stating the same figure are quarantined, every copy."
        ),
        Heading("Editions"),
        Paragraph(
            "Each reader names the edition from the file's content: SIPRI's release (from the base year its data "
            "show, not the copyright line, which lags a year), the President's Budget of the DoD exhibits and the "
            "Green Book, the World Bank's update date. Two exports of one release are one edition. A constant-"
            "price series is taken whole from one edition, so it never mixes base years; the revisions between "
            "editions are in marts.vintage_revisions."
        ),
        Heading("Price bases, phases and totals"),
        Paragraph(
            "Sums and comparisons stay within one price basis, one phase (request, enacted, actual, projection) "
            "and one measure; a line a source marks as a total or memo is never added to its parts. SIPRI's partial "
            "export labels its constant sheet 2024 while its figures are at 2023 prices: milspace reads the base "
            "from the data and stores 2023. Real growth is computed on the publisher's own constant series and does "
            "not depend on the base year chosen for the levels."
        ),
        Heading("Fiscal years"),
        Paragraph(
            "Each line says how its year is named (by the year it starts or ends in) and the month it starts, from "
            "the file or from data_raw/reference/fiscal_years.csv. The US federal year ran July-June to FY 1976 and "
            "October-September since FY 1977; the transition quarter of July-September 1976 belongs to no fiscal "
            "year, so calendar 1976 has no apportioned total. SIPRI reports the US by federal fiscal year (its "
            "footnote), and is compared with the DoD's fiscal years, never with calendar years."
        ),
        Heading("The militarization index, and where it differs from BICC's"),
        Paragraph(
            "Like BICC's Global Militarisation Index, milspace log-transforms its ratio indicators, normalizes each "
            "over every nation and year, weights them, and normalizes the weighted sum again, so that scores compare "
            "across nations and years. Every ranked nation is scored on the same four indicators from SIPRI: "
            "military expenditure as a share of GDP (BICC's weight 5), as a share of government spending (weight 3, "
            "in place of BICC's comparison with health spending), per person (2) and real growth (1). BICC also "
            "scores military and paramilitary personnel and reservists against population and physicians, and heavy "
            "weapons holdings; milspace holds personnel for NATO members only (shown beside the index, not scored) "
            "and no weapons holdings, and real growth is not a BICC indicator. The US figures are federal fiscal "
            "years, as SIPRI gives them."
        ),
        Heading("Constant dollars and base year"),
        Paragraph(
            f"SIPRI's constant-dollar series is rebased nation by nation to {base_year}, the latest complete year: "
            "constant_B[y] = constant_S[y] x current[B] / constant_S[B]. US line items use the Green Book's "
            "chapter 5 budget-authority deflator of their appropriation title: constant = current x 100 / deflator."
        ),
    ]
    for path in sorted((SQL_DIR / "marts").glob("*.sql")):
        paragraphs = dictionary.header_paragraphs(header_comment(path).splitlines())
        blocks += [Heading(f"marts.{path.stem}"), *[Paragraph(text) for text in paragraphs]]
    # The data dictionary of the warehouse this site is drawn from: every mart's columns with their comments.
    marts = dictionary.tables(builder.con).filter(pl.col("schema") == "marts")
    described = dictionary.columns(builder.con).filter(pl.col("schema") == "marts")
    blocks += [
        Heading("Data dictionary", anchor="data-dictionary"),
        Paragraph(
            f"Every column of the {marts.height} marts, with what it holds, its unit and its type, as the warehouse "
            "this site was drawn from describes it (its column comments: select * from duckdb_columns() where "
            "schema_name = 'marts'). Numbers name their unit; codes say what they mean or where they are listed; "
            "flags say what true means. Open a mart to see its columns."
        ),
    ]
    for mart in marts.iter_rows(named=True):
        rows = described.filter(pl.col("table") == mart["table"])
        blocks.append(
            Table(
                ("Column", "Description", "Unit", "Type"),
                tuple(
                    (r["column"], r["description"], dictionary.shown_unit(r["type"], r["description"]) or "", r["type"])
                    for r in rows.iter_rows(named=True)
                ),
                summary=f"marts.{mart['table']} ({mart['columns']} columns): {mart['description']}",
            )
        )
    blocks += [
        Heading("Sources, licences and attribution"),
        Table(
            ("Source", "Terms"),
            (
                (
                    "SIPRI Military Expenditure Database",
                    "Non-commercial use with attribution: cite SIPRI Military Expenditure Database, "
                    "https://www.sipri.org/databases/milex",
                ),
                ("World Bank, World Development Indicators", "CC BY 4.0"),
                ("Our World in Data", "CC BY 4.0"),
                ("NATO, Defence Expenditure of NATO Countries", "Attribution to NATO"),
                ("US DoD Comptroller (budget exhibits, Green Book)", "US Government work, public domain"),
                ("News and analysis cited in the starter data", "Figures cited as facts, each row naming its source"),
            ),
        ),
        Heading("Known limits"),
        Paragraph(
            "Publishers count military spending differently (definitions, fiscal years, exchange rates); milspace "
            "keeps each count apart and shows the differences rather than reconciling them. The militarization index "
            "uses the indicators available here for every nation, not all of BICC's (see above). The lexicon counts "
            "words, not meaning: a term "
            "in a quotation or a negation counts like any other, and the evidence sentences let a reader judge."
        ),
    ]
    builder.page("methodology.html", "Methodology", blocks)
