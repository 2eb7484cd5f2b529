"""The shared warehouse (issue 20): a build publishes its marts to PostgreSQL in one transaction, the same tables,
columns, comments and rows as the DuckDB file; a session open through a second build sees the first until the
second commits; a failure leaves both warehouses as they were.

PostgreSQL is Debian's package, started on loopback in a temporary folder (scripts/local_postgres.py); the tests
skip, saying why, where it is not installed (`apt-get install -y postgresql`; .ci/run installs it)."""

from __future__ import annotations

import datetime as dt
import decimal
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pipelines.assets import publish as publish_asset
from pipelines.postgres import SETTING, publish_marts
from tests.conftest import make_root, run_build
from tests.test_scale import tiny

psycopg = pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def server(postgres_server):
    return postgres_server


def _normal(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return tuple(_normal(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value


def _duck_tables(path: Path) -> dict[str, tuple]:
    """{table: (table comment, [(column, comment)], Counter of rows)} of the DuckDB file's marts."""
    found = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for name, comment in con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall():
            columns = con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ? "
                "ORDER BY column_index",
                [name],
            ).fetchall()
            rows = con.execute(f'SELECT * FROM marts."{name}"').fetchall()
            found[name] = (comment, columns, Counter(tuple(_normal(v) for v in row) for row in rows))
    return found


def _pg_tables(conninfo: str) -> dict[str, tuple]:
    found = {}
    with psycopg.connect(conninfo) as pg:
        tables = pg.execute(
            "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'marts' AND c.relkind = 'r'"
        ).fetchall()
        for name, comment in tables:
            columns = pg.execute(
                "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                [f'marts."{name}"'],
            ).fetchall()
            rows = pg.execute(f'SELECT * FROM marts."{name}"').fetchall()
            found[name] = (comment, columns, Counter(tuple(_normal(v) for v in row) for row in rows))
    return found


@pytest.fixture(scope="module")
def shared_build(server, tmp_path_factory):
    layout = make_root(tmp_path_factory.mktemp("shared"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SETTING, server)
        first = run_build(layout)
    assert first.exit_code == 0, first.output
    return layout, first


def test_the_marts_are_published_to_postgresql_as_in_duckdb(server, shared_build):
    layout, first = shared_build
    assert f"Shared:    {server}, schema marts" in first.output
    duck, pg = _duck_tables(layout.warehouse), _pg_tables(server)
    assert len(duck) > 30 and set(pg) == set(duck)
    for name, (comment, columns, rows) in duck.items():
        assert pg[name][0] == comment, name
        assert pg[name][1] == columns, name  # the same names, in order, with the same descriptions (units)
        assert pg[name][2] == rows, name  # the same rows, as many times each
    with psycopg.connect(server) as pg_con:
        share = pg_con.execute(
            "SELECT share_pct FROM marts.space_share WHERE nation_iso3 = 'USA' AND fiscal_year = 2023 "
            "AND phase = 'request'"
        ).fetchone()
        schemas = pg_con.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'milspace_build%'").fetchall()
    assert share is not None and round(float(share[0]), 2) == 3.17 and schemas == []


def test_a_reader_sees_the_old_build_until_the_new_one_commits(server, shared_build, monkeypatch):
    layout, _ = shared_build
    count = "SELECT count(*) FROM marts.sources"
    reader = psycopg.connect(server, autocommit=True)  # open through the whole second build
    try:
        before = reader.execute(count).fetchone()
        inbox = layout.data_raw / "inbox"
        inbox.mkdir(exist_ok=True)
        tiny(inbox / "ministry.csv", [("Ministry", "FRA", 2024, "enacted", "Air", "P1", "PE1", "Sat", 100.0, "EUR")])
        seen: list = []

        def publishing(*args, **kwargs):  # the build's own publisher, looked at once its tables are written
            def look() -> None:
                seen.append(reader.execute(count).fetchone())
                seen.append(
                    reader.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'milspace_build%'").fetchone()
                )

            return publish_marts(*args, **kwargs, before_swap=look)

        monkeypatch.setattr(publish_asset, "publish_marts", publishing)
        monkeypatch.setenv(SETTING, server)
        second = run_build(layout)
        assert second.exit_code == 0, second.output
        after = reader.execute(count).fetchone()
    finally:
        reader.close()
    assert seen == [before, (0,)]  # the old build, and none of the new one's uncommitted schema
    assert after is not None and before is not None and after[0] == before[0] + 1  # the new file's row


def test_a_failed_publish_leaves_both_warehouses_as_they_were(server, shared_build, monkeypatch):
    layout, _ = shared_build
    with psycopg.connect(server, autocommit=True) as pg:
        pg.execute("CREATE VIEW public.my_sources AS SELECT path FROM marts.sources")
        before = pg.execute("SELECT count(*) FROM marts.sources").fetchone()
    published = layout.warehouse.stat().st_ino
    (layout.data_raw / "inbox").mkdir(exist_ok=True)
    tiny(
        layout.data_raw / "inbox" / "other.csv",
        [("Other", "DEU", 2024, "enacted", "Air", "P1", "PE1", "Sat", 1.0, "EUR")],
    )
    monkeypatch.setenv(SETTING, server)
    try:
        failed = run_build(layout)
    finally:
        with psycopg.connect(server, autocommit=True) as pg:
            pg.execute("DROP VIEW public.my_sources")
            after = pg.execute("SELECT count(*) FROM marts.sources").fetchone()
    assert failed.exit_code == 1
    assert "The shared warehouse" in failed.output and "replacing the previous build's tables" in failed.output
    assert "my_sources" in failed.output and "Traceback" not in failed.output
    assert after == before and layout.warehouse.stat().st_ino == published

    monkeypatch.setenv(SETTING, "postgresql://milspace:secret@127.0.0.1:1/milspace")
    unreachable = run_build(layout)
    assert unreachable.exit_code == 1 and "postgresql://milspace@127.0.0.1:1/milspace" in unreachable.output
    assert "connecting to" in unreachable.output and "secret" not in unreachable.output
    assert layout.warehouse.stat().st_ino == published
