"""How `milspace build` tells a user error from a bug: by the error's type (any MilspaceError, wherever it is defined,
is one sentence for the user; anything else is an unexpected error with its traceback in a log file)."""

from __future__ import annotations

import sys

import pytest
from dagster._utils.error import serializable_error_info_from_exc_info

from pipelines import cli
from pipelines.assets import publish
from pipelines.errors import InputFileError, MilspaceError, user_error_types
from tests.conftest import make_root, run_build


class TestOnlyProblem(MilspaceError):
    """A milspace error no module of the package knows of: it is one by its type alone."""

    __test__ = False  # not a test class, whatever its name


class DeeperProblem(TestOnlyProblem):
    __test__ = False


def _recorded(raise_it) -> object:
    """What Dagster records of the exception `raise_it` raises."""
    try:
        raise_it()
    except Exception:
        return serializable_error_info_from_exc_info(sys.exc_info())
    raise AssertionError("nothing was raised")


def _raise_deeper():
    raise DeeperProblem("the deeper problem, said once")


def _raise_chained():
    try:
        raise InputFileError("data_raw/x.csv", "the inner problem")
    except InputFileError as exc:
        raise RuntimeError("the outer error") from exc


def test_every_subclass_of_milspace_error_is_a_user_error_type_however_deep():
    types = user_error_types()
    assert TestOnlyProblem in types and DeeperProblem in types and InputFileError in types
    assert ValueError not in types and len(types) == len(set(types))


@pytest.mark.parametrize(
    ("raise_it", "message"),
    [
        (_raise_deeper, "the deeper problem, said once"),
        (_raise_chained, "Cannot read file data_raw/x.csv: the inner problem"),
        (lambda: 1 / 0, None),
    ],
    ids=["test-only-subclass", "behind-another-error", "a-bug"],
)
def test_a_failure_is_judged_alike_from_the_exception_and_from_dagster_s_record_of_it(raise_it, message):
    with pytest.raises(Exception) as raised:
        raise_it()
    from_exception = cli._judge(raised.value)
    from_record = cli._judge_record(_recorded(raise_it))
    assert from_exception == from_record == (message, False)


def test_a_milspace_error_defined_only_here_is_one_sentence_for_the_user(tmp_path, monkeypatch):
    layout = make_root(tmp_path / "root")

    def refuse(*args, **kwargs):
        raise TestOnlyProblem("The report folder is on holiday: bring it back and build again.")

    monkeypatch.setattr(publish, "check_can_publish", refuse)
    run = run_build(layout)
    assert run.exit_code == cli.EXIT_FAILED == 1, run.output
    lines = run.output.splitlines()
    failed = lines.index(next(line for line in lines if line.startswith("Build FAILED after ")))
    assert lines[failed + 1] == "  warehouse: The report folder is on holiday: bring it back and build again."
    assert lines[-1] == f"  The published warehouse was not changed: {layout.warehouse}"
    assert "unexpected error" not in run.output and "Details:" not in run.output and "Traceback" not in run.output
    assert not layout.logs.exists() or list(layout.logs.glob("build-*.log")) == []
    assert not layout.warehouse.exists()


def test_a_bug_in_an_asset_is_an_unexpected_error_with_its_traceback_in_a_log(tmp_path, monkeypatch):
    layout = make_root(tmp_path / "root")

    def divide(*args, **kwargs):
        return len(args) / 0

    monkeypatch.setattr(publish, "check_can_publish", divide)
    run = run_build(layout)
    assert run.exit_code == cli.EXIT_FAILED == 1, run.output
    [log] = layout.logs.glob("build-*.log")
    lines = run.output.splitlines()
    [said] = [i for i, line in enumerate(lines) if "unexpected error" in line]
    assert lines[said].startswith("  warehouse: unexpected error: ZeroDivisionError")
    assert lines[said].endswith("division by zero")
    assert lines[said + 1] == f"  Details: {log}"
    traceback = log.read_text(encoding="utf-8")
    assert "ZeroDivisionError: division by zero" in traceback and "in divide" in traceback
    assert lines[-1] == f"  The published warehouse was not changed: {layout.warehouse}"
    assert not layout.warehouse.exists()
