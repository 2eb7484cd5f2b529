"""The asset graph's edges come from the SQL: what sqlglot finds a file reading and creating (assets/graph.py)."""

from __future__ import annotations

import pytest

from pipelines.assets.graph import GraphError, sql_objects, tables_created, tables_read


def test_a_table_named_in_a_comment_on_string_is_not_read():
    sql = """
        CREATE OR REPLACE TABLE marts.m AS SELECT * FROM staging.a;
        COMMENT ON TABLE marts.m IS 'What each line of marts.budget_lines means (staging.secret)';
        COMMENT ON COLUMN marts.m.x IS 'see marts.other';
    """
    assert tables_read(sql) == {("staging", "a")}


def test_tables_named_in_comments_are_not_read():
    sql = """
        -- marts.m
        -- Sources: staging.commented and marts.described (the header names them; the query does not read them).
        CREATE OR REPLACE TABLE marts.m AS
        /* a block comment naming staging.blocked */
        SELECT * FROM staging.a -- and marts.trailing
    """
    assert tables_read(sql) == {("staging", "a")}


def test_string_literals_are_never_reads():
    sql = "CREATE TABLE marts.m AS SELECT 'staging.quoted' AS s, * FROM read_csv('marts.file.csv'), staging.a"
    assert tables_read(sql) == {("staging", "a")}


def test_cte_names_are_not_tables_read_even_when_named_like_one():
    sql = """
        CREATE OR REPLACE TABLE marts.m AS
        WITH budget_lines AS (SELECT * FROM staging.a), final AS (SELECT * FROM budget_lines)
        SELECT * FROM final
    """
    assert tables_read(sql) == {("staging", "a")}


def test_tables_read_in_joins_and_subqueries_are_found():
    sql = """
        CREATE OR REPLACE TABLE marts.m AS
        SELECT *
        FROM staging.a
        INNER JOIN staging.b USING (k)
        LEFT JOIN (SELECT k FROM marts.c) AS c USING (k)
        WHERE k IN (SELECT k FROM staging.d)
          AND EXISTS (SELECT 1 FROM (SELECT * FROM marts.e) AS e WHERE e.k = a.k)
    """
    assert tables_read(sql) == {("staging", "a"), ("staging", "b"), ("marts", "c"), ("staging", "d"), ("marts", "e")}


def test_what_the_file_creates_is_not_read():
    sql = """
        CREATE OR REPLACE TABLE marts.m AS SELECT * FROM staging.a;
        CREATE OR REPLACE MACRO marts.f(year) AS TABLE SELECT * FROM marts.m WHERE y = year;
        CREATE OR REPLACE VIEW staging.v AS SELECT * FROM marts.f(2015);
    """
    assert tables_read(sql) == {("staging", "a")}
    objects = sql_objects(sql)
    assert {table: made.kind for table, made in objects.created.items()} == {
        ("marts", "m"): "TABLE",
        ("marts", "f"): "MACRO",
        ("staging", "v"): "VIEW",
    }


def test_macro_calls_are_reads_of_the_macro():
    scalar = "CREATE TABLE marts.m AS SELECT hash(staging.figure_identity(a, b)) AS key FROM staging.lines"
    assert tables_read(scalar) == {("staging", "figure_identity"), ("staging", "lines")}
    table = "SELECT * FROM marts.milex_constant_usd((SELECT max(year) FROM marts.defense_yoy))"
    assert tables_read(table) == {("marts", "milex_constant_usd"), ("marts", "defense_yoy")}


def test_only_the_staging_and_marts_schemas_are_assets():
    sql = "SELECT * FROM main.scratch, information_schema.tables, duckdb_tables(), staging.a"
    assert tables_read(sql) == {("staging", "a")}


def test_a_file_sqlglot_cannot_parse_fails_naming_it():
    with pytest.raises(GraphError, match=r"sql/marts/broken\.sql: sqlglot cannot parse it.* at line 1, column \d+\)$"):
        tables_read("CREATE TABLE marts.broken AS SELECT * FROM staging.a WHERE (", name="sql/marts/broken.sql")


def test_a_statement_sqlglot_reads_as_a_bare_expression_fails_naming_the_file():
    # sqlglot reads this typo as the product `SELEC * FRM` aliased `a`: what the statement reads would be lost
    with pytest.raises(
        GraphError, match=r"sql/marts/typo\.sql: sqlglot reads `.*` as an expression \(Alias\), not as a statement"
    ):
        tables_read("CREATE TABLE marts.typo AS SELECT 1; SELEC * FRM a", name="sql/marts/typo.sql")


def test_tables_created():
    sql = "CREATE TABLE IF NOT EXISTS staging.q (file VARCHAR); ALTER TABLE staging.q ADD COLUMN IF NOT EXISTS y INT"
    assert tables_created(sql) == {("staging", "q")}
    assert tables_read(sql) == set()  # an ALTER of its own table is no read
