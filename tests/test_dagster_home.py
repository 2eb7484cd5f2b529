"""Every build in the one persistent Dagster home, as a Dagster user expects: `milspace build` run twice leaves both
runs, with their materializations and check results, in data_marts/dagster_home/; `milspace dev` (what `make dev`
runs: `dg dev`, code location `milspace`) on that home starts no rebuild; a run launched through the UI's GraphQL
API pickles nothing into the home. Screenshots of the UI's asset graph and of one mart's page are written under
reports/screenshots/dagster/ for review."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets.checks import check_specs
from pipelines.automation import BUILD_JOB
from pipelines.definitions import defs
from pipelines.instance import open_instance
from pipelines.intake.inbox import INBOX_READ
from pipelines.paths import REPO_ROOT
from tests.conftest import make_root, query, sha256
from tests.test_daemon import free_port, wait_for
from tests.test_report import CHROMIUM, browser_session

#: Builds run as `milspace build` processes (subprocess.run, which the slow marker does not count) and `milspace dev`.
pytestmark = pytest.mark.slow

MILSPACE = Path(sys.executable).with_name("milspace")
SCREENSHOTS = REPO_ROOT / "reports" / "screenshots" / "dagster"
STARTUP_SECONDS, BUILD_SECONDS = 120, 300
#: A UI-launched run, as the Launchpad sends it: the job build_all of the code location milspace, default config.
LAUNCH = """mutation Launch($params: ExecutionParams!) { launchPipelineExecution(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
  ... on RunConfigValidationInvalid { errors { message } } } }"""
STATE = """{
  workspaceOrError { ... on Workspace { locationEntries { name } } }
  repositoriesOrError { ... on RepositoryConnection { nodes { sensors { name sensorState { ticks(limit: 10) {
    status skipReason } } } } } }
  runsOrError { ... on Runs { results { runId status tags { key value } } } }
}"""


def graphql(port: int, text: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": text, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    assert "errors" not in answer, answer
    return answer["data"]


def _build(root: Path, *options: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # the default: the root's own home
    done = subprocess.run(
        [str(MILSPACE), "--root", str(root), "build", *options], capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _all_assets() -> set[str]:
    return {key.to_user_string() for key in defs.resolve_all_asset_keys()}


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """A starter root with one OWID file in its inbox, built twice with `milspace build` (the second with --full:
    without it, a build that finds nothing changed runs nothing)."""
    layout = make_root(tmp_path_factory.mktemp("home") / "root")
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    dropped = inbox / "owid-share.csv"
    dropped.write_text("Entity,Code,Year,Military expenditure (% of GDP)\nFrance,FRA,2020,2.0\n")
    settled = time.time() - 60
    os.utime(dropped, (settled, settled))
    outputs = [_build(layout.root), _build(layout.root, "--full")]
    return layout, outputs, sha256(dropped)


def test_both_builds_are_in_the_persistent_home_with_their_materializations_and_checks(twice):
    layout, _, dropped_sha = twice
    home = layout.data_marts / "dagster_home"
    assert (home / "dagster.yaml").read_text() == (REPO_ROOT / "pipelines" / "dagster.yaml").read_text()
    with open_instance(layout) as instance:  # as the CLI opens it (dagster.yaml names its storage by $DAGSTER_HOME)
        runs = instance.get_runs(filters=dg.RunsFilter(job_name=BUILD_JOB))
        assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
        assert [run.tags.get("milspace/trigger") for run in runs] == ["cli", "cli"]
        checks = {spec.name for spec in check_specs()}
        for run in runs:
            materialized = instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=10_000
            ).records
            assert {r.event_log_entry.dagster_event.asset_key.to_user_string() for r in materialized} == _all_assets()
            evaluated = instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=10_000
            ).records
            assert {r.event_log_entry.dagster_event.asset_check_evaluation_data.check_name for r in evaluated} == checks
            logs = instance.all_logs(run.run_id)
            assert any("space_share" in (entry.user_message or "") for entry in logs)
        latest = instance.get_latest_materialization_event(dg.AssetKey(["marts", "space_share"]))
        assert latest is not None and latest.run_id == runs[0].run_id  # newest first
        metadata = latest.asset_materialization.metadata
        [(rows,)] = query(layout, "select count(*) from marts.space_share")
        assert metadata["dagster/row_count"].value == rows > 0
        columns = {c.name: c.description for c in metadata["dagster/column_schema"].schema.columns}
        assert columns["share_pct"].startswith("Percent")
        lineage = metadata["dagster/column_lineage"].value.deps_by_column  # read from the SQL by sqlglot
        assert {(d.asset_key.to_user_string(), d.column_name) for d in lineage["space_usd_millions"]} == {
            ("staging/us_budget_lines", "amount_usd_millions")
        }
        inbox = instance.get_latest_materialization_event(dg.AssetKey(["inbox", "budget_lines"]))
        assert inbox.asset_materialization.metadata[INBOX_READ].value == {"owid-share.csv": dropped_sha}


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _screenshot(page, url: str, name: str) -> str:
    page.goto(url, wait_until="networkidle", timeout=60_000)
    skip = page.get_by_role("button", name="Skip")  # Dagster's one-time community prompt
    if skip.count():
        skip.first.click()
    page.wait_for_timeout(3000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))
    return page.inner_text("body")


def test_dev_on_that_home_starts_no_rebuild_and_a_ui_run_pickles_nothing(twice, tmp_path):
    layout, _, _ = twice
    home = layout.data_marts / "dagster_home"
    port, log = free_port(), tmp_path / "dev.log"
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env |= {"MILSPACE_SENSOR_SECONDS": "1", "DAGSTER_PORT": str(port)}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(MILSPACE), "--root", str(layout.root), "dev"],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def ticked():
            state = graphql(port, STATE)
            [repository] = state["repositoriesOrError"]["nodes"]
            [sensor] = repository["sensors"]
            looked = [tick for tick in sensor["sensorState"]["ticks"] if tick["status"] != "STARTED"]
            return state if len(looked) >= 3 else None  # three finished looks at the inbox

        state = wait_for(ticked, STARTUP_SECONDS, "three ticks of the inbox sensor", log)
        assert [entry["name"] for entry in state["workspaceOrError"]["locationEntries"]] == ["milspace"]
        [sensor] = state["repositoriesOrError"]["nodes"][0]["sensors"]
        ticks = [tick for tick in sensor["sensorState"]["ticks"] if tick["status"] != "STARTED"]
        assert {tick["status"] for tick in ticks} == {"SKIPPED"}
        assert {tick["skipReason"] for tick in ticks} == {
            "No new or changed file in data_raw/inbox/"
        }  # what the last `milspace build` read is not news
        assert len(state["runsOrError"]["results"]) == 2

        with browser_session() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            graph = _screenshot(page, f"http://127.0.0.1:{port}/asset-groups", "asset-graph.png")
            assert {"inputs", "staging", "marts", "publish"} <= set(graph.split())
            mart = _screenshot(page, f"http://127.0.0.1:{port}/assets/marts/space_share", "mart-space_share.png")
            lineage = _screenshot(
                page, f"http://127.0.0.1:{port}/assets/marts/space_share?view=lineage", "mart-space_share-lineage.png"
            )
            assert "us_budget" in lineage  # the mart the SQL reads, drawn upstream
            browser.close()
        assert "milspace" in mart and "sql/marts/space_share.sql" in mart and "Row count" in mart
        assert "warehouse.marts.space_share" in mart and "US$ millions, current" in mart

        launched = graphql(
            port,
            LAUNCH,
            {
                "params": {
                    "selector": {
                        "repositoryLocationName": "milspace",
                        "repositoryName": "__repository__",
                        "pipelineName": BUILD_JOB,
                    },
                    "runConfigData": {},
                    "mode": "default",
                }
            },
        )["launchPipelineExecution"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]

        def finished():
            runs = {r["runId"]: r for r in graphql(port, STATE)["runsOrError"]["results"]}
            done = runs.get(run_id, {}).get("status") in ("SUCCESS", "FAILURE", "CANCELED")
            return runs[run_id] if done else None

        run = wait_for(finished, BUILD_SECONDS, "the UI's run to finish", log)
        assert run["status"] == "SUCCESS", log.read_text()[-4000:]
    finally:
        _stop(process)
    stored = sorted(str(p.relative_to(home)) for p in (home / "storage").rglob("*") if p.is_file())
    assert stored == []  # the default IO manager would have pickled every input table here
    with open_instance(layout) as instance:  # the UI's run, with its logs, is in this home
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
        assert any("space_share" in (entry.user_message or "") for entry in instance.all_logs(run_id))
