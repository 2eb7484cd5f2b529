"""A team's Dagster storage (issue 20): with MILSPACE_DAGSTER_STORAGE set to a PostgreSQL URL, a new Dagster home
keeps every run and event in that database (dagster-postgres) instead of its own SQLite files, so builds, the dask
workers of `milspace intake` (other processes, other machines) and the UI record into one history.

PostgreSQL is Debian's package on loopback in a temporary folder (tests/conftest.py, postgres_server); skipped,
saying why, where it is not installed."""

from __future__ import annotations

import io

import pytest

from pipelines import cli
from pipelines.definitions import BUILD_JOB
from pipelines.instance import STORAGE_SCHEME, STORAGE_SETTING, dagster_home
from tests.conftest import make_root, run_build

psycopg = pytest.importorskip("psycopg")


def _runs(url: str) -> dict[str, tuple[str, str]]:
    """{run id: (job name, status)} of the runs Dagster keeps in the database."""
    with psycopg.connect(url) as pg:
        return {run: (job, status) for run, job, status in pg.execute("SELECT run_id, pipeline_name, status FROM runs")}


def _events(url: str, run_id: str, kind: str) -> int:
    with psycopg.connect(url) as pg:
        query = "SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = %s"
        return pg.execute(query, (run_id, kind)).fetchone()[0]


def test_builds_and_an_intake_on_dask_workers_record_into_the_team_s_postgresql(postgres_server, tmp_path, monkeypatch):
    monkeypatch.setenv(STORAGE_SETTING, postgres_server.replace("postgresql://", f"{STORAGE_SCHEME}://", 1))
    layout = make_root(tmp_path / "root")
    built = run_build(layout)
    assert built.exit_code == 0, built.output
    home = dagster_home(layout)
    assert "MILSPACE_DAGSTER_STORAGE" in (home / "dagster.yaml").read_text()
    assert not list(home.glob("*.db")) and not (home / "history").exists()  # no SQLite files: nothing kept here
    (build_run,) = _runs(postgres_server)
    assert _runs(postgres_server)[build_run] == (BUILD_JOB, "SUCCESS")
    assert _events(postgres_server, build_run, "ASSET_MATERIALIZATION") > 40

    out = io.StringIO()
    assert cli.intake(layout, out=out) == 0, out.getvalue()  # a local dask cluster: its workers are other processes
    (intake_run,) = set(_runs(postgres_server)) - {build_run}
    assert _runs(postgres_server)[intake_run] == ("intake", "SUCCESS")
    files = int(out.getvalue().split("Checked ")[1].split(" files")[0])
    assert files >= 4 and _events(postgres_server, intake_run, "STEP_SUCCESS") == files  # recorded by the workers


def _build_error(layout, capsys) -> tuple[int, str]:
    """`milspace build` as the command line runs it: its exit code and what it printed on standard error."""
    code = cli.main(["--root", str(layout.root), "build"])
    return code, capsys.readouterr().err


def test_a_storage_setting_that_is_not_postgresql_or_a_home_made_without_it_is_one_sentence(
    tmp_path, monkeypatch, capsys
):
    layout = make_root(tmp_path / "root")
    monkeypatch.setenv(STORAGE_SETTING, "mysql://analyst:s3cret@db:3306/dagster")
    code, said = _build_error(layout, capsys)
    assert code == 1 and said.count("\n") == 1 and "s3cret" not in said
    assert "MILSPACE_DAGSTER_STORAGE is a mysql:// URL: it must be a PostgreSQL URL" in said
    assert not layout.warehouse.exists()

    monkeypatch.setenv(STORAGE_SETTING, "postgresql://analyst:s3cret@db:5432/dagster")
    code, said = _build_error(layout, capsys)
    assert code == 1 and "(write postgresql+psycopg2:// for postgresql://" in said and "s3cret" not in said

    monkeypatch.delenv(STORAGE_SETTING)
    assert run_build(layout).exit_code == 0  # a home keeping its runs in its own files
    monkeypatch.setenv(STORAGE_SETTING, "postgresql+psycopg2://analyst:s3cret@127.0.0.1:1/dagster")
    code, said = _build_error(layout, capsys)
    assert code == 1 and "keeps its runs in its own files" in said and "s3cret" not in said


def test_an_unreachable_team_storage_names_the_database_without_its_password(tmp_path, monkeypatch, capsys):
    layout = make_root(tmp_path / "root")
    monkeypatch.setenv(STORAGE_SETTING, "postgresql+psycopg2://analyst:s3cret@127.0.0.1:1/dagster")
    code, said = _build_error(layout, capsys)
    assert code == 1 and said.count("\n") == 1 and "s3cret" not in said
    assert "The Dagster storage postgresql://analyst@127.0.0.1:1/dagster (MILSPACE_DAGSTER_STORAGE" in said
    assert not layout.warehouse.exists()
