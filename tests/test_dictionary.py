"""The data dictionary: every column of every staging and marts table described with its unit, the descriptions'
sources in their order of precedence (the SQL file's own comment, the declared shape, a shipped file's
datapackage.json, a plain copy's upstream column), the column lineage that tells a plain copy from a computed
column, and the README's table of marts generated from the warehouse.

What counts as naming a unit (pipelines/dictionary.py UNITS): money with its scale and currency (US$ millions, US$
billions, US$ per person, millions or thousands of the currency a column names, local currency per US$), percent or
percentage points, a rate per 10,000 words or per 1,000 people, a score 0-1000, a ratio, a relative weight, a rank,
a count, a row number or a 0-/1-based position, bytes, km, degrees, years or months of duration, a month 1-12, a
year, a multiplier, an identifier (no unit), or a figure in the unit another column or its measure names."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import duckdb
import pytest

from pipelines import dictionary, lineage
from pipelines.dictionary import README_BEGIN, README_END, marts_table, unit_of
from pipelines.paths import REPO_ROOT, SQL_DIR
from pipelines.shapes import BUDGET_LINE_COLUMNS
from pipelines.sources.datapackage import load_package
from pipelines.warehouse import describe_columns, read_only

MARTS = SQL_DIR / "marts"
STAGING = SQL_DIR / "staging"


# --- every column described, every number with its unit (the starter build) ---------------------------------------


@pytest.fixture(scope="module")
def described(built):
    with read_only(built.layout.warehouse) as con:
        return dictionary.columns(con), dictionary.tables(con)


def test_every_mart_and_staging_column_has_a_description(described):
    columns, tables = described
    # the dictionary covers every table the SQL files make (so an empty read cannot pass), the view included
    assert {f"marts.{t}" for t in tables.filter(tables["schema"] == "marts")["table"]} == {
        f"marts.{p.stem}" for p in MARTS.glob("*.sql")
    }
    assert ("staging", "budget_lines", "view") in set(tables.select("schema", "table", "kind").iter_rows())
    assert columns.height > 1000
    missing = [
        f"{r['schema']}.{r['table']}.{r['column']}"
        for r in columns.iter_rows(named=True)
        if not (r["description"] or "").strip()
    ]
    assert missing == []


def test_every_numeric_column_names_its_unit(described):
    columns, _ = described
    numeric = [r for r in columns.iter_rows(named=True) if dictionary.is_numeric(r["type"])]
    assert len(numeric) > 200
    unitless = [
        f"{r['schema']}.{r['table']}.{r['column']} ({r['type']}): {r['description']}"
        for r in numeric
        if unit_of(r["description"]) is None
    ]
    assert unitless == []


def test_the_unit_vocabulary_tells_units_apart():
    assert unit_of("Budget authority, US$ millions, current prices") == "US$ millions"
    assert unit_of("US$ per person, current prices (SIPRI)") == "US$ per person"
    assert unit_of("Percent of GDP (SIPRI)") == "percent"
    assert unit_of("attention_share_pct - spend_share_pct, percentage points") == "percentage points"
    assert unit_of("Month the fiscal year starts in (10 for the US federal year from FY 1977)") == "month 1-12"
    assert unit_of("Row number in that file, the header being row 1") == "row number"
    assert unit_of("Satellites launched in the year, a count") == "count"
    assert unit_of("As published, in the unit named by unit") == "see unit"
    # a description that names no unit, and text that only looks like one
    assert unit_of("Name as SIPRI writes it for countries.") is None
    assert unit_of("Publisher and dataset") is None
    assert unit_of(None) is None


def test_table_descriptions_are_the_table_comment_else_the_header(described):
    _, tables = described
    by_name = {(r["schema"], r["table"]): r["description"] for r in tables.iter_rows(named=True)}
    # a mart: its COMMENT ON TABLE, as written in its file
    comment = re.search(r"COMMENT ON TABLE marts\.burden IS '(.*)';", (MARTS / "burden.sql").read_text())
    assert comment is not None and by_name[("marts", "burden")] == comment.group(1)
    # a staging table has no table comment: the first paragraph of its header, the grain, without its label
    assert by_name[("staging", "nations")] == (
        "One row per nation or body code, from data_raw/reference/nations.csv after its contract."
    )


# --- where descriptions come from, in the built warehouse ------------------------------------------------------------


def _comment(con, table: str, column: str) -> str | None:
    schema, name = table.split(".")
    row = con.execute(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? AND column_name = ?",
        [schema, name, column],
    ).fetchone()
    assert row is not None, f"{table}.{column} is not in the warehouse"
    return row[0]


def test_a_shipped_files_staging_table_takes_its_datapackage_descriptions_with_units(built):
    field = {f.name: f for f in load_package(REPO_ROOT / "data_raw" / "starter")["us_budget_lines"].fields}
    with read_only(built.layout.warehouse) as con:
        amount = _comment(con, "staging.us_budget_lines", "amount_usd_millions")
        fiscal_year = _comment(con, "staging.us_budget_lines", "fiscal_year")
        source_row = _comment(con, "staging.us_budget_lines", "source_row")
    # the file's own COMMENT ON COLUMN wins over the data package
    assert amount == "Budget authority, US$ millions, current prices"
    assert "COMMENT ON COLUMN staging.us_budget_lines.fiscal_year" not in (STAGING / "us_budget_lines.sql").read_text()
    assert fiscal_year == f"{field['fiscal_year'].description} Unit: fiscal year."
    assert source_row == "Row number in that file, the header being row 1 (a spreadsheet's numbering)"


def test_a_plain_copy_inherits_its_upstream_description_and_a_view_keeps_its_comments(built):
    with read_only(built.layout.warehouse) as con:
        # marts.us_budget.note copies staging.us_budget_lines.note; us_budget.sql does not describe it
        assert "us_budget.note" not in (MARTS / "us_budget.sql").read_text()
        assert _comment(con, "marts.us_budget", "note") == "Context from the source (components, basis)."
        # the view staging.budget_lines: its columns take the budget-line shape's descriptions
        assert _comment(con, "staging.budget_lines", "value") == BUDGET_LINE_COLUMNS["value"].description


# --- the writer's order of precedence, on a small warehouse ----------------------------------------------------------


@pytest.fixture
def upstream():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA marts")
    con.execute("CREATE TABLE staging.things (code VARCHAR, amount DOUBLE, other DOUBLE, note VARCHAR)")
    for column, text in (
        ("code", "Thing code, listed in things.csv"),
        ("amount", "Amount, US$ millions, current"),
        ("other", "Other amount, US$ millions, current"),
        ("note", "Context from the source"),
    ):
        con.execute(f"COMMENT ON COLUMN staging.things.{column} IS '{text}'")
    return con


def _comments(con, table: str) -> dict[str, str | None]:
    schema, name = table.split(".")
    return dict(
        con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
            "ORDER BY column_index",
            [schema, name],
        ).fetchall()
    )


def test_descriptions_follow_the_order_of_precedence(upstream):
    sql = (
        "-- marts.made\n"
        "-- Described by: budget_line\n"
        "CREATE TABLE marts.made AS\n"
        "WITH things AS (SELECT * FROM staging.things)\n"
        "SELECT code, code AS entity_code, amount AS value, amount + other AS total, coalesce(note, code) AS note,\n"
        "    note AS remark, amount AS kept\n"
        "FROM things;\n"
        "COMMENT ON COLUMN marts.made.kept IS 'Said in the file';\n"
    )
    upstream.execute(sql)
    given = describe_columns(upstream, "marts.made", sql)
    comments = _comments(upstream, "marts.made")
    assert comments["kept"] == "Said in the file"  # (a) the file's own comment; not touched
    assert "kept" not in given
    assert comments["value"] == BUDGET_LINE_COLUMNS["value"].description  # (b) the shape, over the copied comment
    assert comments["entity_code"] == BUDGET_LINE_COLUMNS["entity_code"].description
    assert comments["code"] == "Thing code, listed in things.csv"  # (d) a plain copy inherits
    assert comments["remark"] == "Context from the source"  # a renamed plain copy inherits
    assert comments["total"] is None  # computed from two columns: needs its own comment
    assert comments["note"] is None  # coalesce of two: computed, not a copy


def test_shipped_field_descriptions_come_before_lineage(upstream):
    sql = "CREATE TABLE staging.copy AS SELECT code, amount FROM staging.things;"
    upstream.execute(sql)
    describe_columns(upstream, "staging.copy", sql, fields={"amount": "Amount as the file states it. Unit: euro."})
    assert _comments(upstream, "staging.copy") == {
        "code": "Thing code, listed in things.csv",
        "amount": "Amount as the file states it. Unit: euro.",
    }


def test_a_views_columns_are_described_too(upstream):
    sql = "CREATE VIEW staging.seen AS SELECT code AS thing, amount * 1000 AS amount_thousands FROM staging.things;"
    upstream.execute(sql)
    describe_columns(upstream, "staging.seen", sql)
    assert _comments(upstream, "staging.seen") == {
        "thing": "Thing code, listed in things.csv",
        "amount_thousands": None,
    }


# --- column lineage of the real SQL files ---------------------------------------------------------------------------


def test_lineage_names_each_created_table_and_its_columns_in_order():
    found = lineage.column_lineage(MARTS / "us_budget.sql")
    assert list(found) == ["marts.us_budget"]
    assert list(found["marts.us_budget"])[:6] == [
        "fiscal_year", "organization", "phase", "scope", "amount_usd_millions", "amount_usd_billions",
    ]  # fmt: skip
    assert found["marts.us_budget"]["amount_usd_billions"] == [("staging", "us_budget_lines", "amount_usd_millions")]


def test_a_plain_copy_is_told_from_a_computed_column():
    us_budget = lineage.file_lineage(MARTS / "us_budget.sql")["marts.us_budget"]
    assert us_budget["amount_usd_millions"].copy_of == ("staging", "us_budget_lines", "amount_usd_millions")
    # the same single upstream column, divided by 1000: computed
    assert us_budget["amount_usd_billions"].copy_of is None
    assert us_budget["amount_usd_billions"].upstream == (("staging", "us_budget_lines", "amount_usd_millions"),)

    copies = lineage.plain_copies(MARTS / "budget_lines.sql")["marts.budget_lines"]
    assert copies["name_in_source"] == ("staging", "budget_lines", "entity_name")  # renamed, through a CTE's star
    assert "entity_name" not in copies  # coalesce(nations.name, lines.entity_name)
    assert "value_units" not in copies  # value * unit_factor

    burden = lineage.file_lineage(MARTS / "burden.sql")["marts.burden"]
    # coalesce of the SIPRI and NATO sides, both from budget_facts.entity_code: one upstream, still computed
    assert burden["nation_iso3"].upstream == (("marts", "budget_facts", "entity_code"),)
    assert not burden["nation_iso3"].is_copy
    assert burden["nation_name"].copy_of == ("staging", "nations", "name")
    assert set(burden["per_capita_usd"].upstream) == {
        ("marts", "budget_facts", "measure"), ("marts", "budget_facts", "price_basis"),
        ("marts", "budget_facts", "value_usd_millions"),
    }  # fmt: skip


def test_lineage_follows_union_by_name_and_scalar_subqueries():
    view = lineage.file_lineage(STAGING / "budget_lines.sql")["staging.budget_lines"]
    # each side of the UNION ALL BY NAME gives the value: two upstream columns, so not a copy
    assert view["value"].upstream == (
        ("staging", "milspace_lines", "amount_thousands"), ("staging", "published_lines", "value"),
    )  # fmt: skip
    assert not view["value"].is_copy
    # fdp_phase: published_lines' column, and the milspace side's scalar subquery on staging.phases
    assert set(view["fdp_phase"].upstream) == {
        ("staging", "phases", "fdp_phase"),
        ("staging", "published_lines", "fdp_phase"),
    }
    # a column only one side names is NULL on the other: not a copy
    assert view["sheet"].upstream == (("staging", "published_lines", "sheet"),) and not view["sheet"].is_copy


def test_lineage_of_a_table_defined_by_its_columns_has_no_upstream():
    found = lineage.column_lineage(STAGING / "nations.sql")
    assert list(found) == ["staging.nations"]
    assert found["staging.nations"]["code"] == [] and "source_row" in found["staging.nations"]
    # ALTER TABLE ... ADD COLUMN in the same file adds to the table's columns
    assert "set_aside_to" in lineage.column_lineage(STAGING / "sources.sql")["staging.sources"]


def test_every_sql_file_is_traced():
    """Every staging and marts file parses and every column it creates is listed: the columns of the starter build."""
    traced = {
        table: columns
        for path in [*sorted(STAGING.glob("*.sql")), *sorted(MARTS.glob("*.sql"))]
        for table, columns in lineage.column_lineage(path).items()
    }
    assert {t for t in traced if t.startswith("marts.")} == {f"marts.{p.stem}" for p in MARTS.glob("*.sql")}
    assert len(traced["marts.budget_facts"]) == 53 and len(traced["staging.budget_lines"]) == len(BUDGET_LINE_COLUMNS)


# --- the README's table of marts ---------------------------------------------------------------------------------


def _script():
    spec = importlib.util.spec_from_file_location("readme_marts", REPO_ROOT / "scripts" / "readme_marts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_table_of_marts_is_the_one_the_starter_warehouse_gives(built):
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(README_BEGIN, 1)[1].split(README_END, 1)[0]
    with read_only(built.layout.warehouse) as con:
        generated = marts_table(con)
    assert section.lstrip("\n") == generated
    # one row per mart, and a numeric column shows its unit
    assert generated.count("\n| `marts.") == len(list(MARTS.glob("*.sql")))
    assert "`share_pct` (percent)" in generated and "`space_usd_millions` (US$ millions)" in generated


def test_the_readme_script_checks_and_rewrites(built, tmp_path, capsys):
    script = _script()
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{README_BEGIN}\n| stale |\n{README_END}\n\nafter\n", encoding="utf-8")
    assert script.main([str(built.layout.warehouse), "--readme", str(readme), "--check"]) == 1
    assert "-| stale |" in capsys.readouterr().out
    assert "| stale |" in readme.read_text()  # --check writes nothing
    assert script.main([str(built.layout.warehouse), "--readme", str(readme)]) == 0
    rewritten = readme.read_text()
    assert (
        "| stale |" not in rewritten
        and "`marts.burden`" in rewritten
        and rewritten.endswith(f"{README_END}\n\nafter\n")
    )
    assert script.main([str(built.layout.warehouse), "--readme", str(readme), "--check"]) == 0


def test_the_readme_section_says_it_is_generated():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    marts = readme.split("### The marts (the public interface)", 1)[1].split(README_BEGIN, 1)[0]
    assert "scripts/readme_marts.py" in marts and "--check" in marts


def test_a_missing_warehouse_is_refused_with_its_path(tmp_path, capsys):
    missing = Path(tmp_path / "none.duckdb")
    assert _script().main([str(missing), "--check"]) == 2
    assert str(missing) in capsys.readouterr().err
