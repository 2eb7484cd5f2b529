"""Pandera contracts: what a row must be to cross a stage boundary.

One model per starter or reference file (the boundary between a reader and the warehouse), plus the shape of
a rejected row. A row that breaks a rule is not loaded: it is quarantined with the rule it broke.

Two kinds of rule need data the model cannot hold, and are declared here but bound at validation time
(`pipelines.intake.contract.bind_references`):
- `references="nations"`: the code must be listed in data_raw/reference/nations.csv;
- `references="strategy_documents"`: the doc_id must be in the strategy register.

Plausibility: an amount in US dollars above MAX_USD_MILLIONS (1e9 US$ millions, US$1 quadrillion, about nine times
world GDP) is not a budget figure but a slip (a unit typed twice, an exponent) and is quarantined with
PLAUSIBLE_USD_RULE, in every starter file and in every published file's budget lines (value x unit_factor where
the currency is USD). The largest real US$ figure in data_raw/ and in the published files milspace is tested
with is NATO's 2024 GDP of all its members, 5.4e7 US$ millions (the largest budget figure, the US federal budget
in the Green Book, is 7.7e6). Amounts in other currencies have no cap: with hyperinflation real figures reach
2.4e22 (SIPRI's 2024 Venezuelan spending in bolivares). A budget line's value must also be finite.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandera.polars as pa
import polars as pl

from pipelines.shapes import BUDGET_LINE_COLUMNS, REJECTED_COLUMNS, SPACE_OBJECT_COLUMNS, Column

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

#: Actual spending cannot be reported for a year that has not begun.
CURRENT_YEAR = dt.date.today().year
#: Budget requests reach a little ahead: FY N+1 is requested early in calendar year N.
LAST_BUDGET_YEAR = CURRENT_YEAR + 2

#: Where the values a `references=` field is checked against come from.
REFERENCE_LABELS = {
    "nations": "data_raw/reference/nations.csv",
    "strategy_documents": "data_raw/starter/strategy_documents.csv",
    "measures": "the MEASURES a reader declares (pipelines/sources/)",
}

#: The largest plausible amount in US$ millions (see the module docstring), and its rule.
MAX_USD_MILLIONS = 1e9
PLAUSIBLE_USD_RULE = (
    "an amount above 1e9 US$ millions (US$1 quadrillion, about nine times world GDP) is not a plausible budget figure"
)
FINITE_RULE = "a figure is a finite number (not infinity or NaN)"


def usd_plausible(amount: pl.Expr, millions_per_unit: float = 1.0, is_usd: pl.Expr | None = None) -> pl.Expr:
    """True where `amount` (in units of `millions_per_unit` US$ millions) is at most MAX_USD_MILLIONS in size, is
    empty, or (with `is_usd`) is not in US dollars. Infinity and NaN are left to the rules that check finiteness."""
    within = (amount.abs() * millions_per_unit <= MAX_USD_MILLIONS) | amount.is_null() | ~amount.is_finite()
    return within if is_usd is None else within | ~is_usd.fill_null(False)


#: Columns each row-level rule is about, for the quarantine (rule text -> columns).
ROW_RULE_COLUMNS: dict[str, tuple[str, ...]] = {}


def row_rule(rule: str, *columns: str):
    """Declare a rule across several columns of one row; its text is the rule the quarantine shows."""
    ROW_RULE_COLUMNS[rule] = columns
    return pa.dataframe_check(error=rule)


def references(target: str, when: tuple[str, tuple[str, ...]] | None = None, **kwargs) -> Any:
    """A field whose values must exist in another table (bound at validation time).

    With `when=(column, values)`, only rows whose `column` is one of `values` are checked. Typed Any like the
    `pa.Field` it returns, so that it can be the default of a field annotated `str`."""
    metadata = {"references": target, "when": when} if when else {"references": target}
    return pa.Field(metadata=metadata, **kwargs)


class _Provenance(pa.DataFrameModel):
    """Every loaded row keeps its source publication and the row of the file it came from."""

    source: str = pa.Field(description="Publication the figure was taken from.")
    source_row: int = pa.Field(ge=2, description="Row in the file, the header being row 1.")


#: A figure no source states as negative: totals, shares, per-capita figures and counts (each reader's
#: NEVER_NEGATIVE measures). Budget lines (a rescission is negative) and changes are exempt.
NOT_NEGATIVE_RULE = "a total, share, per-capita figure or count is not negative (budget lines and changes may be)"

SECONDARY_RULE = "a row cites a primary source, or says it is secondary and why (secondary_reason)"


class _Cited(_Provenance):
    """A curated figure: its source's address, and whether the source is the primary publication of the figure."""

    source_url: str = pa.Field(str_matches=r"^https?://", description="Address of the source.")
    source_kind: str = pa.Field(isin=["primary", "secondary"])
    secondary_reason: str = pa.Field(nullable=True)

    @row_rule(SECONDARY_RULE, "source_kind", "secondary_reason")
    def _secondary_says_why(cls, data) -> pl.LazyFrame:
        reason = pl.col("secondary_reason").fill_null("").str.strip_chars()
        return data.lazyframe.select((pl.col("source_kind") == "primary") == (reason == ""))


class UsBudgetLine(_Cited):
    """US DoD and Space Force toplines: one row per fiscal year, organization, phase, scope and title."""

    fiscal_year: int = pa.Field(ge=1976, le=LAST_BUDGET_YEAR, description="US federal fiscal year.")
    organization: str = pa.Field(isin=["DoD", "Space Force"])
    phase: str = pa.Field(isin=["request", "enacted"])
    scope: str
    appropriation_title: str = pa.Field(
        isin=[
            "total",
            "military personnel",
            "operation and maintenance",
            "procurement",
            "RDT&E",
            "military construction",
            "family housing",
            "revolving funds",
        ]
    )
    amount_usd_millions: float = pa.Field(ge=0, description="US$ millions, current.")
    is_headline_scope: bool
    note: str = pa.Field(nullable=True)

    @pa.check("amount_usd_millions", name="plausible_usd", error=PLAUSIBLE_USD_RULE)
    def _plausible(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(usd_plausible(pl.col(data.key)))

    @row_rule(
        "at most one headline-scope total per fiscal_year, organization and phase",
        "fiscal_year",
        "organization",
        "phase",
        "is_headline_scope",
    )
    def _one_headline(cls, data) -> pl.LazyFrame:
        headline = (pl.col("is_headline_scope") & (pl.col("appropriation_title") == "total")).cast(pl.Int32)
        return data.lazyframe.select(headline.sum().over(["fiscal_year", "organization", "phase"]) <= 1)

    class Config:
        strict = True
        unique = ["fiscal_year", "organization", "phase", "scope", "appropriation_title"]


class SpaceBudget(_Cited):
    """Government space budgets: one row per body, programme, period, category, phase and source."""

    entity_code: str = references("nations")
    programme: str
    period: str
    year_start: int = pa.Field(ge=1957, le=LAST_BUDGET_YEAR + 10)
    year_end: int = pa.Field(ge=1957, le=LAST_BUDGET_YEAR + 20)
    category: str = pa.Field(isin=["civil", "military", "mixed", "not_split"])
    phase: str = pa.Field(isin=["request", "enacted", "planned", "budget_estimate", "revised_estimate", "actual"])
    amount_millions: float = pa.Field(ge=0)
    currency: str = pa.Field(str_matches=r"^[A-Z]{3}$")
    usd_millions: float = pa.Field(ge=0, nullable=True)
    is_estimate: bool
    is_lower_bound: bool
    note: str = pa.Field(nullable=True)

    @pa.check("amount_millions", name="plausible_usd", error=PLAUSIBLE_USD_RULE)
    def _plausible_amount(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(usd_plausible(pl.col(data.key), is_usd=pl.col("currency") == "USD"))

    @pa.check("usd_millions", name="plausible_usd", error=PLAUSIBLE_USD_RULE)
    def _plausible_usd(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(usd_plausible(pl.col(data.key)))

    @row_rule("year_end is not before year_start", "year_start", "year_end")
    def _period_order(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("year_end") >= pl.col("year_start"))

    class Config:
        strict = True
        unique = ["entity_code", "programme", "period", "category", "phase", "source"]


class StrategyDocument(_Provenance):
    """The strategy register: one row per document."""

    doc_id: str = pa.Field(str_matches=r"^[a-z]{2,4}-\d{4}-[a-z0-9-]+$")
    nation_code: str = references("nations")
    published: str = pa.Field(str_matches=r"^\d{4}(-(0[1-9]|1[0-2]))?$")
    year: int = pa.Field(ge=1945, le=CURRENT_YEAR)
    title: str
    issuer: str
    kind: str = pa.Field(
        isin=[
            "defense_strategy",
            "national_security_strategy",
            "space_strategy",
            "white_paper",
            "doctrine",
            "policy",
            "law",
            "accord",
        ]
    )
    official_url: str = pa.Field(nullable=True, str_matches=r"^https?://")
    url_kind: str = pa.Field(isin=["document", "announcement_page", "not_found"])
    evidence_urls: str = pa.Field(nullable=True)

    @row_rule("published begins with year", "published", "year")
    def _published_year(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("published").str.slice(0, 4) == pl.col("year").cast(pl.String))

    @row_rule("official_url is empty exactly when url_kind is not_found", "official_url", "url_kind")
    def _url_kind(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("official_url").is_null() == (pl.col("url_kind") == "not_found"))

    class Config:
        strict = True
        unique = ["doc_id"]


class StrategyCommitment(_Provenance):
    """Funding commitments of the register's documents: one row per document, item and source."""

    doc_id: str = references("strategy_documents")
    item: str
    commitment_type: str = pa.Field(isin=["amount", "share_of_gdp"])
    amount_millions: float = pa.Field(ge=0, nullable=True)
    currency: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{3}$")
    share_of_gdp_pct: float = pa.Field(ge=0, le=100, nullable=True)
    period: str
    year_start: int = pa.Field(nullable=True, ge=1945, le=CURRENT_YEAR + 30)
    year_end: int = pa.Field(nullable=True, ge=1945, le=CURRENT_YEAR + 30)
    is_lower_bound: bool
    is_approximate: bool
    relation: str = pa.Field(
        isin=[
            "stated_in_document",
            "announced_alongside",
            "announced_before",
            "restated",
            "companion_document",
            "follow_up_document",
            "reported_in_debate",
        ]
    )
    part_of: str = pa.Field(nullable=True)
    note: str = pa.Field(nullable=True)
    source_url: str = pa.Field(nullable=True)

    @pa.check("amount_millions", name="plausible_usd", error=PLAUSIBLE_USD_RULE)
    def _plausible(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(usd_plausible(pl.col(data.key), is_usd=pl.col("currency") == "USD"))

    @row_rule(
        "an amount has amount_millions and currency; a share_of_gdp target has share_of_gdp_pct",
        "commitment_type",
        "amount_millions",
        "currency",
        "share_of_gdp_pct",
    )
    def _type_fields(cls, data) -> pl.LazyFrame:
        is_amount = pl.col("commitment_type") == "amount"
        has_amount = pl.col("amount_millions").is_not_null() & pl.col("currency").is_not_null()
        has_share = pl.col("share_of_gdp_pct").is_not_null()
        return data.lazyframe.select(
            pl.when(is_amount).then(has_amount & ~has_share).otherwise(has_share & ~has_amount)
        )

    class Config:
        strict = True
        unique = ["doc_id", "item", "source"]


class Nation(_Provenance):
    """Reference: the nations, historical states and bodies milspace knows."""

    code: str = pa.Field(str_matches=r"^[A-Z]{2,4}$")
    name: str
    kind: str = pa.Field(isin=["country", "historical_state", "organization", "aggregate"])
    region: str = pa.Field(nullable=True)
    subregion: str = pa.Field(nullable=True)
    is_focus: bool

    class Config:
        strict = True
        unique = ["code"]


class Membership(_Provenance):
    """Reference: a nation's membership of NATO, Five Eyes, the Combined Space Operations initiative or the
    Artemis Accords, with the date it began."""

    code: str = references("nations")
    membership: str = pa.Field(isin=["nato", "five_eyes", "cspo", "artemis_accords"])
    joined_on: dt.date
    date_precision: str = pa.Field(isin=["day", "month", "year"])
    left_on: dt.date = pa.Field(nullable=True)

    @row_rule("left_on is after joined_on", "joined_on", "left_on")
    def _order(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("left_on").is_null() | (pl.col("left_on") > pl.col("joined_on")))

    class Config:
        strict = True
        unique = ["code", "membership"]


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


#: The space capability areas budget lines (capability_rules.csv) and catalogue objects (space_mission_rules.csv)
#: are mapped to.
CAPABILITY_AREAS = [
    "missile_warning_tracking",
    "pnt",
    "satcom",
    "isr",
    "space_domain_awareness",
    "launch_ranges",
    "space_control_counterspace",
    "command_control",
    "science_technology",
    "space_enterprise_support",
]


class _AreaRule(_Provenance):
    """A rule mapping something that matches its pattern to a space capability area (lowest priority wins)."""

    rule_id: str = pa.Field(str_matches=r"^[a-z0-9_]+$")
    capability_area: str = pa.Field(isin=CAPABILITY_AREAS)
    pattern: str
    priority: int = pa.Field(ge=0)
    rationale: str

    @row_rule("pattern is a valid regular expression", "pattern")
    def _pattern_compiles(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("pattern").map_elements(_compiles, return_dtype=pl.Boolean))

    class Config:
        strict = True
        unique = ["rule_id"]


class CapabilityRule(_AreaRule):
    """Reference: a rule mapping US space budget lines to a space capability area."""

    field: str = pa.Field(isin=["line_item", "line_item_title", "account_title", "budget_activity_title"])


class SpaceMissionRule(_AreaRule):
    """Reference: a rule mapping a satellite catalogue's purposes to a space capability area."""

    source_format: str = pa.Field(isin=["ucs_satellites", "gcat_payloads"])
    field: str = pa.Field(isin=["purpose", "detailed_purpose"])


class MilitarizationWeight(_Provenance):
    """Reference: an indicator of the militarization index, its weight and transform."""

    indicator: str
    measure: str = pa.Field(
        isin=[
            "milex_share_of_gdp",
            "milex_share_of_government_spending",
            "milex_per_capita_usd",
            "real_growth_pct",
            "personnel_per_1000_people",
        ]
    )
    weight: float = pa.Field(gt=0)
    transform: str = pa.Field(isin=["log10", "linear"])
    in_ranking: bool = pa.Field(description="Scored for every ranked nation (else shown beside the index only).")
    description: str

    class Config:
        strict = True
        unique = ["measure"]


class LexiconTerm(pa.DataFrameModel):
    """Reference: a term of the strategy lexicon (see pipelines/text/score.py for how terms match)."""

    lexicon_version: str
    category: str = pa.Field(str_matches=r"^[a-z_]+$")
    family: str = pa.Field(isin=["rhetoric", "capability"])
    term: str = pa.Field(str_matches=r"^[a-z'*]+( [a-z'*]+)*$")
    exclude: str = pa.Field(nullable=True, str_matches=r"^[a-z'*]+(\|[a-z'*]+)*$")
    rationale: str
    source_row: int = pa.Field(ge=2)

    @row_rule("one lexicon version", "lexicon_version")
    def _one_version(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("lexicon_version") == pl.col("lexicon_version").first())

    class Config:
        strict = True
        unique = ["category", "term"]


#: The publishers marts.source_agreement compares, by the names it gives them (sql/marts/source_agreement.sql).
AGREEMENT_PUBLISHERS = (
    "SIPRI",
    "NATO",
    "World Bank",
    "Our World in Data",
    "US DoD",
    "EDA",
    "Germany (Bundeshaushalt)",
    "Canada (Public Accounts)",
    "Australia (PBS)",
)


class SourceDifference(_Provenance):
    """Reference: a known reason two publishers' figures for the same nation and year differ."""

    source_a: str = pa.Field(isin=list(AGREEMENT_PUBLISHERS))
    source_b: str = pa.Field(isin=list(AGREEMENT_PUBLISHERS))
    measure: str = pa.Field(isin=["*", "milex_usd", "milex_share_of_gdp"])
    reason: str = pa.Field(isin=["definition", "vintage", "currency", "coverage", "fiscal_year", "rounding"])
    explanation: str

    class Config:
        strict = True
        unique = ["source_a", "source_b", "measure", "reason", "explanation"]


class FiscalYearCalendar(_Provenance):
    """Reference: a nation's fiscal-year calendar over a range of its fiscal years (start month and naming)."""

    nation_code: str = references("nations")
    first_fiscal_year: int = pa.Field(nullable=True, ge=1789, le=LAST_BUDGET_YEAR)
    last_fiscal_year: int = pa.Field(nullable=True, ge=1789, le=LAST_BUDGET_YEAR)
    start_month: int = pa.Field(ge=1, le=12, description="Month the fiscal year starts in, 1 = January.")
    named_by: str = pa.Field(isin=["start", "end"], description="FY N begins (start) or ends (end) in year N.")
    note: str
    source_url: str = pa.Field(str_matches=r"^https?://")

    @row_rule("last_fiscal_year is not before first_fiscal_year", "first_fiscal_year", "last_fiscal_year")
    def _range(cls, data) -> pl.LazyFrame:
        first, last = pl.col("first_fiscal_year"), pl.col("last_fiscal_year")
        return data.lazyframe.select(first.is_null() | last.is_null() | (last >= first))

    class Config:
        strict = True
        unique = ["nation_code", "first_fiscal_year"]


class ProgramElementLineage(_Provenance):
    """Reference: a program element of a US space program that milspace counts as space wherever it appears (the
    DoD exhibit reader's is_space rule 3): renumbered into MFP 12, moved to the Space Force, or the SDA's own."""

    program_element: str = pa.Field(str_matches=r"^\d{7}[A-Z]{1,3}$", description="PE number as the exhibits write it.")
    title: str
    lineage_kind: str = pa.Field(isin=["renumbered_to", "transferred_to_space_force", "sda", "space_program"])
    successor_program_element: str = pa.Field(nullable=True, str_matches=r"^\d{7}[A-Z]{1,3}$")
    organization_now: str = pa.Field(nullable=True, isin=["Space Force", "Air Force"])
    first_space_fiscal_year: int = pa.Field(nullable=True, ge=1959, le=LAST_BUDGET_YEAR)
    note: str
    source_url: str = pa.Field(str_matches=r"^https?://")

    @row_rule(
        "a renumbered or transferred program element names its successor, which differs from it",
        "lineage_kind",
        "program_element",
        "successor_program_element",
    )
    def _successor(cls, data) -> pl.LazyFrame:
        kind, successor = pl.col("lineage_kind"), pl.col("successor_program_element")
        needs = kind.is_in(["renumbered_to", "transferred_to_space_force"])
        return data.lazyframe.select(
            ~needs | (successor.is_not_null() & (successor != pl.col("program_element"))).fill_null(False)
        )

    class Config:
        strict = True
        unique = ["program_element"]


class NationName(_Provenance):
    """Reference: a name as a publisher writes it, and the nation code it means."""

    name: str
    code: str = references("nations")

    class Config:
        strict = True
        unique = ["name"]


_PYTHON_TYPES: dict[PolarsDataType, object] = {pl.String: str, pl.Int64: int, pl.Float64: float, pl.Boolean: bool}


def _field(column: Column) -> object:
    """The Pandera field of a declared column: its rules, and the metadata `bind_references` and the quarantine read."""
    rules: dict[str, Any] = dict(column.rules)  # Field's keyword arguments, each of its own type
    metadata: dict[str, object] = {key: rules.pop(key) for key in ("references", "when", "reported_at") if key in rules}
    return pa.Field(nullable=column.nullable, metadata=metadata or None, **rules)


def with_declared_columns(
    name: str, model: type[pa.DataFrameModel], columns: Mapping[str, Column]
) -> type[pa.DataFrameModel]:
    """A model named `name`: `model` (its docstring, rules across columns and Config) with one field per declared
    column, in order: the columns of a contract made from their one declaration in pipelines/shapes.py."""
    namespace = {
        "__annotations__": {name: _PYTHON_TYPES.get(column.dtype, column.dtype) for name, column in columns.items()},
        **{name: _field(column) for name, column in columns.items()},
        "__doc__": model.__doc__,
        "__module__": model.__module__,
        "__qualname__": name,
    }
    return type(name, (model,), namespace)


class _BudgetLineRules(pa.DataFrameModel):
    """One figure of one published source line, for one period and measure (every reader's output)."""

    @pa.check("value", name="finite", error=FINITE_RULE)
    def _finite(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_null() | pl.col(data.key).is_finite())

    @pa.check("value", name="plausible_usd", error=PLAUSIBLE_USD_RULE)
    def _plausible(cls, data) -> pl.LazyFrame:
        value, is_usd = pl.col(data.key), (pl.col("currency") == "USD").fill_null(False)
        within = (value * pl.col("unit_factor")).abs() <= MAX_USD_MILLIONS * 1e6  # a product overflowing to inf fails
        return data.lazyframe.select(value.is_null() | ~value.is_finite() | ~is_usd | within)

    @row_rule("value is empty only where missing_marker says why", "value", "missing_marker")
    def _missing_has_marker(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value").is_not_null() | pl.col("missing_marker").is_not_null())

    @row_rule(
        "only a fiscal-year period names the month its fiscal year starts and how it is named",
        "period_type",
        "fiscal_year_start_month",
        "fiscal_year_label",
    )
    def _fiscal_month(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("period_type") == "fiscal_year")
            | (pl.col("fiscal_year_start_month").is_null() & pl.col("fiscal_year_label").is_null())
        )

    class Config:
        strict = True
        unique = ["file", "sheet", "row", "source_column"]


#: The budget line's contract: its columns and their rules from BUDGET_LINE_COLUMNS (pipelines/shapes.py), the rules
#: across columns here. A failure of `value` is reported at the column the figure was read from (its `reported_at`).
BudgetLine = with_declared_columns("BudgetLine", _BudgetLineRules, BUDGET_LINE_COLUMNS)


class _SpaceObjectRules(pa.DataFrameModel):
    """One object (satellite or other payload) of one satellite catalogue edition (every catalogue reader's output)."""

    @row_rule(
        "operator_code only for a single operator, operator_parties only for a joint one",
        "operator_kind",
        "operator_code",
        "operator_parties",
    )
    def _operator_named_once(cls, data) -> pl.LazyFrame:
        kind = pl.col("operator_kind")
        code_ok = pl.col("operator_code").is_null() | (kind == "single")
        parties_ok = pl.col("operator_parties").is_null() | (kind == "joint")
        single_named = (kind != "single") | pl.col("operator_code").is_not_null()
        return data.lazyframe.select(code_ok & parties_ok & single_named)

    @row_rule("an object leaves orbit after it is launched", "launch_date", "decay_date")
    def _dates_in_order(cls, data) -> pl.LazyFrame:
        launch, decay = pl.col("launch_date"), pl.col("decay_date")
        return data.lazyframe.select(launch.is_null() | decay.is_null() | (decay >= launch))

    class Config:
        strict = True
        unique = ["file", "sheet", "row"]


#: The space object's contract: its columns and rules from SPACE_OBJECT_COLUMNS (pipelines/shapes.py).
SpaceObject = with_declared_columns("SpaceObject", _SpaceObjectRules, SPACE_OBJECT_COLUMNS)


class _RejectedRowRules(pa.DataFrameModel):
    """A row that was not loaded, and why: the shape of `marts.quarantine` before run details are added."""

    class Config:
        strict = True


RejectedRow = with_declared_columns("RejectedRow", _RejectedRowRules, REJECTED_COLUMNS)


#: The contract of each starter and reference resource, by resource name.
CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "nations": Nation,
    "nation_names": NationName,
    "fiscal_years": FiscalYearCalendar,
    "program_element_lineage": ProgramElementLineage,
    "memberships": Membership,
    "capability_rules": CapabilityRule,
    "space_mission_rules": SpaceMissionRule,
    "militarization_weights": MilitarizationWeight,
    "source_differences": SourceDifference,
    "lexicon": LexiconTerm,
    "us_budget_lines": UsBudgetLine,
    "space_budgets": SpaceBudget,
    "strategy_documents": StrategyDocument,
    "strategy_commitments": StrategyCommitment,
}
