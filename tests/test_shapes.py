"""Each shape is declared once (pipelines/shapes.py) and everything else is made from it: the Polars frames readers
return, the Pandera contracts, the staging tables' columns and their comments. These tests add a column to the
budget line in the declaration only, and find it everywhere; and they hold the other copies to their declaration."""

from __future__ import annotations

import re
from types import SimpleNamespace

import duckdb
import pandera.polars as pa
import polars as pl
import pytest

from pipelines import shapes
from pipelines.paths import SQL_DIR
from pipelines.schemas import BudgetLine, RejectedRow, _BudgetLineRules, with_declared_columns
from pipelines.sources import registry
from pipelines.warehouse import describe_columns, sql_file, sql_text

NEW_COLUMN = "programme_code"


def _staging_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    return con


def _create(con, table: str) -> None:
    """Run sql/staging/<table>.sql and describe its columns, as the warehouse writer does."""
    con.execute(sql_text("staging", table))
    describe_columns(con, f"staging.{table}", sql_file("staging", table).read_text(encoding="utf-8"))


def _columns(con, table: str) -> dict[str, tuple[str, bool, str | None]]:
    rows = con.execute(
        "SELECT column_name, data_type, is_nullable, comment FROM duckdb_columns() "
        "WHERE schema_name = 'staging' AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    return {name: (kind, nullable, comment) for name, kind, nullable, comment in rows}


@pytest.fixture
def one_more_column(monkeypatch):
    """The budget line with one more column, declared in the one place a developer would add it."""
    column = shapes.Column(
        pl.String, None, "Programme code as the source writes it; no unit", rules={"str_matches": r"^P"}
    )
    monkeypatch.setitem(shapes.BUDGET_LINE_COLUMNS, NEW_COLUMN, column)
    return column


def _line(**values) -> pl.DataFrame:
    base = {
        "source": "S",
        "source_format": "f",
        "edition": "e",
        "file": "x.csv",
        "row": 2,
        "entity_code": "USA",
        "entity_name": "United States",
        "period": 2020,
        "measure": "budget_authority",
        "value": 1.0,
        "unit": "US$ millions",
    }
    return shapes.finalize(pl.DataFrame([{**base, **values}]))


def test_a_column_added_to_the_declaration_reaches_frames_contract_table_and_comments(one_more_column):
    # the reader's frame: finalize adds it, typed, with its default
    frame = _line()
    assert frame.columns[-1] == NEW_COLUMN and frame.schema[NEW_COLUMN] == pl.String
    assert _line(programme_code="P123").get_column(NEW_COLUMN).to_list() == ["P123"]

    # the contract: its rule applies (a code not starting with P is refused at that column)
    contract = with_declared_columns("BudgetLine", _BudgetLineRules, shapes.BUDGET_LINE_COLUMNS).to_schema()
    assert NEW_COLUMN in contract.columns
    with pytest.raises(pa.errors.SchemaErrors) as refused:
        contract.validate(_line(programme_code="Q9"), lazy=True)
    assert refused.value.failure_cases.get_column("column").to_list() == [NEW_COLUMN]

    # the staging table and its comment, and the view over both line tables, with the comment too
    con = _staging_connection()
    _create(con, "published_lines")
    declared = _columns(con, "published_lines")
    assert declared[NEW_COLUMN] == ("VARCHAR", True, one_more_column.description)
    for table in ("milspace_lines", "phases", "budget_lines"):
        _create(con, table)
    assert _columns(con, "budget_lines")[NEW_COLUMN][2] == one_more_column.description


def test_staging_line_table_is_the_declaration():
    con = _staging_connection()
    _create(con, "published_lines")
    table = _columns(con, "published_lines")
    assert list(table) == list(shapes.BUDGET_LINE_COLUMNS)
    for name, column in shapes.BUDGET_LINE_COLUMNS.items():
        assert table[name] == (column.sql_type, column.nullable, column.description), name


def test_contracts_are_made_from_the_declarations():
    line = BudgetLine.to_schema()
    assert list(line.columns) == list(shapes.BUDGET_LINE_COLUMNS)
    assert {n for n, c in line.columns.items() if c.nullable} == {
        n for n, c in shapes.BUDGET_LINE_COLUMNS.items() if c.nullable
    }
    assert line.columns["entity_code"].metadata["references"] == "nations"
    assert line.columns["value"].metadata == {"reported_at": "source_column"}
    rejected = RejectedRow.to_schema()
    assert {n: c.nullable for n, c in rejected.columns.items()} == {
        n: c.nullable for n, c in shapes.REJECTED_COLUMNS.items()
    }


def test_quarantine_and_sources_tables_take_the_declared_columns():
    con = _staging_connection()
    for table in ("quarantine", "quarantine_history", "sources"):
        _create(con, table)
    assert list(_columns(con, "quarantine"))[:6] == list(shapes.REJECTED_COLUMNS)
    assert list(_columns(con, "quarantine"))[6:] == ["run_id", "quarantined_at"]
    assert list(_columns(con, "quarantine_history"))[:6] == list(shapes.REJECTED_COLUMNS)
    record = shapes.SourceRecord(file="a.csv", origin="inbox", sha256="00", bytes=3, status="loaded", skipped=("s1",))
    con.register("incoming", shapes.sources_frame([record]))
    con.execute("INSERT INTO staging.sources BY NAME SELECT * FROM incoming")
    assert con.execute("SELECT file, skipped, rows_loaded FROM staging.sources").fetchall() == [("a.csv", ["s1"], 0)]
    assert _columns(con, "sources")["bytes"] == ("BIGINT", False, "Size of the file read, in bytes")


def test_sql_names_only_declared_shapes(tmp_path, monkeypatch):
    from pipelines import errors, warehouse

    (tmp_path / "staging").mkdir()
    (tmp_path / "staging" / "odd.sql").write_text("CREATE TABLE staging.odd (@columns(no_such_shape));\n")
    monkeypatch.setattr(warehouse, "SQL_DIR", tmp_path)
    with pytest.raises(errors.WarehouseError, match=r"staging/odd.sql names @columns\(no_such_shape\)"):
        warehouse.sql_text("staging", "odd")


def _code(sql: str) -> str:
    """SQL without its comments."""
    return re.sub(r"--[^\n]*", "", sql)


def test_the_phase_mapping_is_declared_once():
    fdp_names = {f"'{name}'" for name in shapes.FDP_PHASE.values()}
    for path in SQL_DIR.rglob("*.sql"):
        code = _code(path.read_text(encoding="utf-8"))
        code = re.sub(r"COMMENT ON [^;]*;", "", code)
        assert not [name for name in fdp_names if name in code], f"{path} repeats the phase mapping"


def test_readers_declare_their_conformed_measures():
    table = {row["measure"]: row["conformed"] for row in registry.measure_table()}
    assert table["defence_expenditure_share_of_real_gdp"] == "milex_share_of_gdp"
    assert table["milex_constant_usd"] == "milex_usd"  # SIPRI and OWID agree
    assert table["armed_forces_personnel"] == "military_personnel"
    assert table["budget_authority"] == "budget_authority"  # not listed: its own concept
    assert "VALUES" not in _code((SQL_DIR / "marts" / "budget_facts.sql").read_text(encoding="utf-8"))


def test_two_readers_may_not_conform_one_measure_to_two_concepts(monkeypatch):
    one = SimpleNamespace(FORMAT="a", MEASURES={"m": "M"}, CONFORMED={"m": "x"})
    two = SimpleNamespace(FORMAT="b", MEASURES={"m": "M"}, CONFORMED={"m": "y"})
    monkeypatch.setattr(registry, "readers", lambda: [one, two])
    with pytest.raises(ValueError, match="'m' is conformed to 'x' and to 'y'"):
        registry.measure_table()


def test_the_registry_returns_readers_and_names_what_a_module_lacks(monkeypatch):
    found = registry.readers()
    assert [r.FORMAT for r in found][:2] == ["sipri_milex", "worldbank_wdi"]
    assert [r.FORMAT for r in found if isinstance(r, shapes.StreamedReader)] == ["milspace_lines"]
    assert [r.FORMAT for r in found if isinstance(r, shapes.HasCompanions)] == ["worldbank_wdi", "gcat_payloads"]
    assert [r.FORMAT for r in found if isinstance(r, shapes.SharesSizeCap)] == [
        "milspace_extract",
        "milspace_object_extract",
    ]

    from pipelines.sources import owid

    monkeypatch.delattr(owid, "CONFORMED")
    with pytest.raises(TypeError, match=r"pipelines.sources.owid is not a Reader: it lacks CONFORMED"):
        registry.readers()


def test_one_cell_to_text_helper():
    from pipelines.sources.cells import cell_text

    assert cell_text(2024.0) == "2024"
    assert cell_text(2024.5) == "2024.5"
    assert cell_text("  Space\n Force\t ") == "Space Force"
    assert cell_text("   ") is None and cell_text(None) is None
    assert cell_text(0) == "0"


def test_one_atomic_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    import os

    from pipelines.files import write_atomically

    target = tmp_path / "note.txt"
    write_atomically(target, "first")
    write_atomically(target, "second ü")
    assert target.read_text(encoding="utf-8") == "second ü"

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomically(target, "third")
    assert target.read_text(encoding="utf-8") == "second ü"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.txt"]
