"""The fast test loop stays honest: `slow` is registered, and collecting the suite the way `make test-fast` does marks
every test that builds a warehouse or starts processes (tests/conftest.py marks them by what their code does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TESTS

#: Fixtures that build a warehouse, by (file, name): the shared builds and each module's own.
WAREHOUSE_FIXTURES = {
    ("conftest.py", "built"),
    ("conftest.py", "full"),
    ("test_bad_input.py", "bad_rows_build"),
    ("test_bad_input.py", "published"),
    ("test_crash_safety.py", "published"),
    ("test_hostile_input.py", "hostile_build"),
    ("test_hostile_input.py", "broken_starter_build"),
    ("test_inbox.py", "inbox_build"),
    ("test_operations.py", "history"),
    ("test_red_team.py", "after_a_killed_session"),
    ("test_red_team.py", "odd_inbox"),
    ("test_report.py", "site"),
    ("test_scale.py", "scale_build"),
    ("test_strategies.py", "strategy_build"),
}
#: Fixtures of the same names that build nothing: a small DuckDB file, and one SIPRI workbook read.
NOT_WAREHOUSE_FIXTURES = {("test_analyst_commands.py", "published"), ("test_source_sipri.py", "full")}
#: Modules every test of which starts processes or reads the whole real corpus.
SLOW_MODULES = {
    "test_daemon.py",
    "test_soak.py",
    "test_crash_safety.py",
    "test_full_corpus.py",
    "test_published_files.py",
}


class _Collected:
    def __init__(self):
        self.items: list[pytest.Item] = []

    def pytest_collection_finish(self, session):
        self.items = list(session.items)


@pytest.fixture(scope="module")
def collected() -> list[pytest.Item]:
    """The whole suite collected (not run) in this process, the marks applied as for `pytest -m "not slow"`."""
    plugin = _Collected()
    code = pytest.main(["--collect-only", "-qq", "-p", "no:cacheprovider", str(TESTS)], plugins=[plugin])
    assert code == pytest.ExitCode.OK and plugin.items
    return plugin.items


def _fixtures(item: pytest.Item) -> set[tuple[str, str]]:
    """The fixtures a test uses, as pytest resolved them: (file, name)."""
    return {
        (Path(definitions[-1].func.__code__.co_filename).name, name)
        for name, definitions in item._fixtureinfo.name2fixturedefs.items()
        if name in item.fixturenames and hasattr(definitions[-1].func, "__code__")
    }


def test_the_slow_marker_is_registered(pytestconfig):
    markers = [line.split(":", 1)[0].strip() for line in pytestconfig.getini("markers")]
    assert "slow" in markers


def test_every_test_using_a_warehouse_fixture_is_marked_slow(collected):
    using = [item for item in collected if _fixtures(item) & WAREHOUSE_FIXTURES]
    used = set().union(*(_fixtures(item) & WAREHOUSE_FIXTURES for item in using))
    assert used == WAREHOUSE_FIXTURES, f"fixtures no test uses any more: {WAREHOUSE_FIXTURES - used}"
    unmarked = [item.nodeid for item in using if not item.get_closest_marker("slow")]
    assert not unmarked, unmarked


def test_every_test_of_a_process_or_whole_corpus_module_is_marked_slow(collected):
    in_modules = [item for item in collected if Path(item.nodeid.split("::")[0]).name in SLOW_MODULES]
    assert {Path(item.nodeid.split("::")[0]).name for item in in_modules} == SLOW_MODULES
    unmarked = [item.nodeid for item in in_modules if not item.get_closest_marker("slow")]
    assert not unmarked, unmarked


def test_a_fixture_of_the_same_name_that_builds_nothing_does_not_make_its_tests_slow(collected):
    using = [item for item in collected if _fixtures(item) & NOT_WAREHOUSE_FIXTURES]
    assert {fixture for item in using for fixture in _fixtures(item) & NOT_WAREHOUSE_FIXTURES} == NOT_WAREHOUSE_FIXTURES
    marked = [item.nodeid for item in using if item.get_closest_marker("slow")]
    assert not marked, marked


def test_the_fast_loop_keeps_most_of_the_suite(collected):
    fast = [item for item in collected if not item.get_closest_marker("slow")]
    assert len(fast) > len(collected) / 2
