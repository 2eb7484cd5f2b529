"""The wheel is milspace without the checkout: built from pyproject.toml, installed into a fresh virtual environment
with the locked dependencies, it runs `milspace build` in an empty folder (the SQL, the reference tables and the
starter data come from the package) and publishes the same marts as a build in the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipelines.paths import REPO_ROOT, Layout
from tests.conftest import query

#: Installs and a whole build in a new environment: marked slow by hand (its processes are `subprocess.run`).
pytestmark = pytest.mark.slow


def _uv() -> Path:
    found = REPO_ROOT / ".tools" / "bin" / "uv"
    if found.exists():
        return found
    on_path = shutil.which("uv")
    if on_path is None:
        pytest.skip("uv is not installed (make sets it up in .tools/): it builds the wheel and installs the lock")
    return Path(on_path)


def _run(command: list, *, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, a fresh virtual environment with it and the locked dependencies installed)."""
    uv, tmp = _uv(), tmp_path_factory.mktemp("wheel")
    _run([uv, "build", "--wheel", "--out-dir", tmp / "dist"], cwd=REPO_ROOT)
    [wheel] = (tmp / "dist").glob("milspace-*.whl")
    locked = _run([uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "-q"], cwd=REPO_ROOT)
    (tmp / "requirements.txt").write_text(locked)
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp)
    _run([uv, "pip", "install", "--python", venv / "bin" / "python", "-r", tmp / "requirements.txt", wheel], cwd=tmp)
    return wheel, venv


def test_the_wheel_carries_the_sql_the_reference_tables_and_the_starter_data(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"pipelines/shipped/{path.relative_to(REPO_ROOT)}"
        for folder in ("sql", "data_raw/reference", "data_raw/starter")
        for path in (REPO_ROOT / folder).rglob("*")
        if path.is_file()
    }
    assert shipped and shipped <= names
    beside_code = {"pipelines/dagster.yaml", "pipelines/dagster-team.yaml", "pipelines/report/labels.csv"}
    beside_code |= {"pipelines/report/geo/countries-110m.json"}
    assert beside_code <= names


def test_milspace_build_runs_outside_a_checkout_and_publishes_what_the_checkout_does(installed, tmp_path, built):
    _, venv = installed
    work = tmp_path / "analyst"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MILSPACE_ROOT", "DAGSTER_HOME", "PYTHONPATH")}
    where = _run([venv / "bin" / "python", "-c", "import pipelines; print(pipelines.__file__)"], cwd=work, env=env)
    assert Path(where.strip()).is_relative_to(venv)  # the installed package, not the checkout
    output = _run([venv / "bin" / "milspace", "build"], cwd=work, env=env)
    layout = Layout(work)
    assert f"Warehouse: {layout.warehouse}" in output
    assert (work / "reports" / "index.html").exists()
    assert (work / "data_marts" / "dagster_home" / "dagster.yaml").exists()
    counts = "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts' order by 1"
    assert query(layout, counts) == query(built.layout, counts)
    files = "select distinct file from marts.budget_lines order by 1"
    assert query(layout, files) == query(built.layout, files)  # provenance reads as in the repository
