"""The Dagster definitions: they load as `dagster dev` loads them, and the asset graph is the intended one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.assets.inputs import INPUTS
from pipelines.assets.marts import staging_assets
from pipelines.definitions import BUILD_JOB, defs


def test_definitions_load_as_dagster_dev_loads_them(tmp_path):
    dagster = Path(sys.executable).parent / "dagster"
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "pipelines.definitions"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful for code location pipelines.definitions" in result.stdout + result.stderr


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


def test_marts_depend_on_the_tables_their_sql_reads():
    graph = _graph()
    parents = lambda key: {p.to_user_string() for p in graph.get(dg.AssetKey(key.split("/"))).parent_keys}  # noqa: E731
    every_staging_asset = {f"staging/{name}" for name in staging_assets()}
    assert parents("marts/space_share") == {"staging/us_budget_lines"}
    assert parents("marts/defense_yoy") == {"marts/budget_facts", "staging/nations"}
    assert parents("marts/budget_facts") == every_staging_asset  # staging.sources: every staging asset writes it
    assert parents("marts/strategy_scores") == {"marts/strategy_documents", "staging/documents", "staging/lexicon"}
    assert parents("strategies/documents") == {
        "reference/lexicon",
        "reference/nation_names",
        "starter/strategy_documents",
        "inbox/budget_lines",
    }
    assert parents("marts/quarantine") == every_staging_asset
    assert parents("marts/sources") == every_staging_asset
    assert parents("marts/reconciliations") == {"staging/budget_lines"}
    assert parents("marts/budget_lines") == {"staging/budget_lines", "staging/nations"}
    # the nations: files of a streamed format are checked against the BudgetLine contract as they are loaded
    assert parents("staging/budget_lines") == {"inbox/budget_lines", "reference/nations"}
    assert parents("starter/strategy_commitments") == {"starter/strategy_documents"}
    assert parents("starter/space_budgets") == {"reference/nations"}
    assert parents("warehouse") == {"report"}
    assert parents("report") == {k.to_user_string() for k in defs.resolve_all_asset_keys() if k.path[0] == "marts"}


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
