"""`milspace dev` (`dg dev`: the UI and the daemon, as `make dev` starts them) on loopback: it lists the schedule
and the inbox sensor, both running, and a file dropped into the inbox makes the sensor start a build that publishes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from pipelines.paths import REPO_ROOT
from tests.conftest import make_root, query

MILSPACE = Path(sys.executable).with_name("milspace")
STARTUP_SECONDS = 120
BUILD_SECONDS = 300
REPOSITORIES = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
    schedules { name cronSchedule scheduleState { status } }
    sensors { name sensorState { status ticks(limit: 5) { status } } }
} } } }"""
RUNS = """{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(port: int, text: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]


def wait_for(condition, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = condition()
        except OSError:  # the webserver is not listening yet
            found = None
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"gave up after {seconds} s waiting for {what}; dagster dev said:\n{log.read_text()[-4000:]}")


def test_dagster_dev_runs_the_schedule_and_the_sensor_and_a_dropped_file_starts_a_build(tmp_path):
    layout = make_root(tmp_path / "root")
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    home = tmp_path / "dagster_home"  # a home set by $DAGSTER_HOME, made ready by `milspace dev`
    port, log = free_port(), tmp_path / "dagster-dev.log"
    env = {**os.environ, "DAGSTER_HOME": str(home), "MILSPACE_SENSOR_SECONDS": "3", "DAGSTER_PORT": str(port)}
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

        def listed():
            [repository] = graphql(port, REPOSITORIES)["repositoriesOrError"]["nodes"]
            sensor = repository["sensors"][0] if repository["sensors"] else None
            return repository if sensor and sensor["sensorState"]["ticks"] else None  # the daemon has looked

        repository = wait_for(listed, STARTUP_SECONDS, "the UI to list a sensor tick", log)
        assert [(s["name"], s["cronSchedule"], s["scheduleState"]["status"]) for s in repository["schedules"]] == [
            ("weekly_build", "0 6 * * 1", "RUNNING")
        ]
        [sensor] = repository["sensors"]
        assert (sensor["name"], sensor["sensorState"]["status"]) == ("inbox_sensor", "RUNNING")
        assert {tick["status"] for tick in sensor["sensorState"]["ticks"]} == {"SKIPPED"}  # the inbox is empty
        assert graphql(port, RUNS)["runsOrError"]["results"] == []

        dropped = inbox / "owid-share.csv"
        dropped.write_text("Entity,Code,Year,Military expenditure (% of GDP)\nFrance,FRA,2020,2.0\n")
        settled = time.time() - 60  # as if copied in a minute ago: past the settle time
        os.utime(dropped, (settled, settled))

        def finished():
            runs = graphql(port, RUNS)["runsOrError"]["results"]
            return runs if runs and runs[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED") else None

        [run] = wait_for(finished, BUILD_SECONDS, "the sensor's build to finish", log)
        tags = {tag["key"]: tag["value"] for tag in run["tags"]}
        assert tags["dagster/sensor_name"] == "inbox_sensor"
        assert tags["milspace/changed"] == "owid-share.csv"
        assert run["status"] == "SUCCESS", log.read_text()[-4000:]
        assert query(
            layout, "select entity_code, period, value from marts.budget_lines where file like 'data_raw/inbox/%'"
        ) == [("FRA", 2020, 2.0)]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
