"""The Dagster definitions: they load as `dagster dev` loads them, and the asset graph is the intended one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets.checks import check_reads
from pipelines.assets.graph import GraphError, asset_key, file_objects, require_producers, tables_read
from pipelines.assets.inputs import INPUTS
from pipelines.assets.marts import mart_names, mart_reads
from pipelines.definitions import ASSETS, BUILD_JOB, defs
from pipelines.paths import REPO_ROOT, SQL_DIR

#: Every asset that writes its own rows into staging.quarantine and staging.sources.
SHARED_WRITERS = {f"staging/{name}" for _, name in INPUTS} | {"staging/budget_lines", "staging/documents"}


def test_definitions_load_as_dg_loads_them(tmp_path):
    dg_cli = Path(sys.executable).parent / "dg"
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "VIRTUAL_ENV": sys.prefix}
    result = subprocess.run(
        [str(dg_cli), "check", "defs"], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully." in result.stdout + result.stderr


def _graph():
    return defs.resolve_asset_graph()


def test_one_input_and_one_staging_asset_per_shipped_file():
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    for package, name in INPUTS:
        assert f"{package}/{name}" in keys and f"staging/{name}" in keys
    assert {
        "marts/military_expenditure",
        "marts/defense_yoy",
        "marts/us_budget",
        "marts/space_share",
        "marts/quarantine",
        "warehouse",
        "report",
    } <= keys


def _parents(key: str) -> set[str]:
    return {p.to_user_string() for p in _graph().get(dg.AssetKey(key.split("/"))).parent_keys}


def test_marts_depend_on_the_tables_their_sql_reads():
    parents = _parents
    assert parents("marts/space_share") == {"staging/us_budget_lines"}
    assert parents("marts/defense_yoy") == {"marts/budget_facts", "staging/nations"}
    assert parents("marts/budget_facts") == {
        "staging/budget_lines",
        "staging/figure_identity",  # the macro it calls
        "staging/fiscal_years",
        "staging/measures",  # each reader's conformed measures
        "staging/phases",  # the Fiscal Data Package phase of each phase
        "staging/sources",
        "staging/us_budget_lines",
    }
    assert parents("marts/strategy_scores") == {"marts/strategy_documents", "staging/document_hits", "staging/lexicon"}
    assert parents("strategies/documents") == {
        "reference/lexicon",
        "reference/nation_names",
        "starter/strategy_documents",
        "inbox/budget_lines",
    }
    assert parents("marts/quarantine") == {"staging/quarantine", "staging/quarantine_history"}
    assert parents("marts/sources") == {"staging/sources"}
    assert parents("marts/reconciliations") == {"staging/reconciliations"}
    # marts.budget_lines is named only in the string of its COMMENT ON TABLE: no edge
    assert parents("marts/measures") == {"staging/budget_lines", "staging/measures"}
    assert parents("marts/budget_lines") == {"staging/budget_lines", "staging/nations"}
    # the nations: files of a streamed format are checked against the BudgetLine contract as they are loaded
    assert parents("staging/budget_lines") == {"inbox/budget_lines", "reference/nations"}
    assert parents("starter/strategy_commitments") == {"starter/strategy_documents"}
    assert parents("starter/space_budgets") == {"reference/nations"}
    assert parents("warehouse") == {"report"}
    assert parents("report") == {k.to_user_string() for k in defs.resolve_all_asset_keys() if k.path[0] == "marts"}


def test_every_mart_depends_on_exactly_what_sqlglot_finds_its_sql_reading():
    for name in mart_names():
        reads = tables_read((SQL_DIR / "marts" / f"{name}.sql").read_text(encoding="utf-8"))
        assert _parents(f"marts/{name}") == {asset_key(t).to_user_string() for t in reads}, name


def test_every_check_depends_on_what_its_sql_reads():
    specs = {spec.name: spec for spec in _check_specs()}
    for path in sorted((SQL_DIR / "checks").glob("*.sql")):
        spec = specs[path.stem]
        reads = {asset_key(t) for t in tables_read(path.read_text(encoding="utf-8"))}
        assert {spec.asset_key, *(d.asset_key for d in spec.additional_deps)} == reads | {spec.asset_key}, path.name
    assert {d.asset_key for d in specs["real_growth_independent_of_base"].additional_deps} == {
        dg.AssetKey(["marts", "milex_constant_usd"])  # a table macro its file makes beside marts.defense_yoy
    }


def test_no_asset_in_the_graph_is_external():
    graph = _graph()
    keys = graph.get_all_asset_keys()
    for key in keys:
        node = graph.get(key)
        assert not node.is_external and node.is_executable, key.to_user_string()
        assert node.parent_keys <= keys, key.to_user_string()
    for spec in _check_specs():
        assert {spec.asset_key, *(d.asset_key for d in spec.additional_deps)} <= keys, spec.name


def test_every_staging_sql_file_is_the_asset_of_its_table():
    keys = defs.resolve_all_asset_keys()
    for path in (SQL_DIR / "staging").glob("*.sql"):
        assert dg.AssetKey(["staging", path.stem]) in keys, path.name


def test_a_load_of_several_tables_has_a_key_for_each():
    inbox = defs.get_assets_def(dg.AssetKey(["staging", "budget_lines"]))
    assert {k.to_user_string() for k in inbox.keys} == {
        "staging/published_lines",
        "staging/milspace_lines",
        "staging/streamed_files",
        "staging/space_objects",
        "staging/budget_lines",
        "staging/figure_identity",
        "staging/duplicate_lines",
        "staging/reconciliations",
        "staging/measures",
        "staging/phases",
    }
    documents = defs.get_assets_def(dg.AssetKey(["staging", "documents"]))
    assert {k.to_user_string() for k in documents.keys} == {
        "staging/documents",
        "staging/document_hits",
        "staging/document_money",
    }
    defense_yoy = defs.get_assets_def(dg.AssetKey(["marts", "defense_yoy"]))
    assert {k.to_user_string() for k in defense_yoy.keys} == {"marts/defense_yoy", "marts/milex_constant_usd"}


def test_a_shared_staging_table_is_one_asset_after_every_asset_writing_into_it():
    assert _parents("staging/quarantine") == SHARED_WRITERS
    assert _parents("staging/sources") == SHARED_WRITERS
    assert _parents("staging/quarantine_history") == set()  # made by the warehouse when a run starts


def test_a_mart_reading_what_no_asset_writes_stops_the_definitions():
    reads = {**mart_reads(), "sql/marts/orphan.sql": tables_read("SELECT * FROM staging.nowhere, staging.nations")}
    with pytest.raises(GraphError, match=r"sql/marts/orphan\.sql reads staging\.nowhere, which no asset writes"):
        require_producers(reads, ASSETS)
    without_quarantine = [a for a in ASSETS if dg.AssetKey(["staging", "quarantine"]) not in a.keys]
    with pytest.raises(GraphError, match=r"sql/marts/quarantine\.sql reads staging\.quarantine, which no asset"):
        require_producers({**mart_reads(), **check_reads()}, without_quarantine)
    require_producers({**mart_reads(), **check_reads()}, ASSETS)  # the real graph is whole


def test_the_definitions_do_not_load_when_a_mart_file_reads_what_no_asset_writes(tmp_path):
    sql = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql)
    (sql / "marts" / "orphan.sql").write_text(
        "-- marts.orphan\nCREATE OR REPLACE TABLE marts.orphan AS SELECT * FROM staging.nowhere;\n"
        "COMMENT ON TABLE marts.orphan IS 'not from staging.elsewhere';\n",
        encoding="utf-8",
    )
    code = (
        "import pathlib, pipelines.paths\n"
        f"pipelines.paths.SQL_DIR = pathlib.Path({str(sql)!r})\n"
        "import pipelines.definitions\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    assert "GraphError" in result.stderr
    assert "sql/marts/orphan.sql reads staging.nowhere, which no asset writes" in result.stderr
    assert "staging.elsewhere" not in result.stderr  # named only in a string


def test_every_asset_is_described():
    graph = _graph()
    for key in defs.resolve_all_asset_keys():
        description = graph.get(key).description or ""
        assert len(description) > 40, key


def test_error_checks_block_and_warning_checks_do_not():
    specs = {spec.name: spec for spec in _check_specs()}
    assert specs["titles_sum_to_total"].blocking is True
    assert specs["space_share_plausible"].blocking is True
    assert specs["nothing_quarantined"].blocking is False


def _check_specs():
    specs = []
    for checks_def in defs.asset_checks or []:
        specs.extend(checks_def.check_specs)
    return specs


def test_build_job_covers_every_asset_and_the_weekly_schedule_runs_it():
    job = defs.resolve_job_def(BUILD_JOB)
    assert job is not None
    schedule = defs.resolve_schedule_def("weekly_build")
    assert schedule.cron_schedule == "0 6 * * 1"
    assert schedule.job_name == BUILD_JOB


def test_every_table_asset_names_its_table_and_its_sql_file_and_has_an_owner_and_stage():
    made_by = {
        asset_key(table).to_user_string(): (made.kind, path)
        for kind in ("staging", "marts")
        for path in sorted((SQL_DIR / kind).glob("*.sql"))
        for table, made in file_objects(path, kind).created.items()
    }
    kinds = {key: kind for key, (kind, _) in made_by.items()}
    tables = 0
    for asset in ASSETS:
        for spec in asset.specs:
            key = spec.key.to_user_string()
            assert spec.owners and spec.tags["stage"] == spec.group_name, key
            references = spec.metadata["dagster/code_references"].code_references
            assert any(r.file_path.endswith(".py") for r in references), key  # the Python that makes it
            if spec.group_name not in ("staging", "marts"):
                continue
            schema, name = spec.key.path
            assert str(made_by[key][1]) in {r.file_path for r in references}, key  # the SQL file that makes it
            if kinds.get(key) == "MACRO":
                assert "dagster/table_name" not in spec.metadata, key
            else:
                assert spec.metadata["dagster/table_name"] == f"warehouse.{schema}.{name}", key
                tables += 1
    assert tables == sum(kind != "MACRO" for kind in kinds.values())  # every table and view of sql/ is an asset
