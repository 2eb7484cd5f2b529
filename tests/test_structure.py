"""The import picture of the package: data flows one way, and the folders show the flow.

Each module belongs to a floor; a module imports only from floors below its own or from its own folder (the
ground floor's modules from each other), never upward and never sideways into another folder of its floor; there
is no import cycle; and below the Dagster floor nothing imports Dagster (readers, checks and the warehouse run
without it). Imports made only for type checking (`if TYPE_CHECKING:`) are not imports at run time."""

from __future__ import annotations

import ast
from pathlib import Path

from pipelines.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "pipelines"

#: The floors, from the ground up: (floor, the modules or folders on it).
FLOORS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        0,
        ("pipelines", "errors", "paths", "files", "csv_safety", "lock", "nations", "shapes", "fingerprint", "stopping"),
    ),  # the ground
    (1, ("sources", "lineage")),  # one reader per published format; the SQL files' column lineage
    (2, ("text", "schemas", "warehouse", "postgres")),  # strategy text, the contracts, the writers (DuckDB, shared)
    (3, ("dictionary",)),  # the data dictionary, read from a warehouse the writer described
    (4, ("intake", "report")),  # the checked stage; the report site
    (5, ("assets", "automation", "progress", "instance")),  # Dagster
    (6, ("definitions",)),
    (7, ("cli",)),
)
DAGSTER_FLOOR = 5


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _home(module: str) -> str:
    """The floor entry a module belongs to: its folder under pipelines/, or its own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "pipelines"


def _floor(module: str) -> int:
    home = _home(module)
    return next(floor for floor, homes in FLOORS if home in homes)


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of the statements inside `if TYPE_CHECKING:` blocks."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def _imports() -> dict[str, set[str]]:
    """Each module of the package -> the modules (of the package, and 'dagster') it imports at run time."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree)
        found = set()
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                if target in modules and target != name:
                    found.add(target)
                elif target.split(".")[0] == "dagster":
                    found.add("dagster")
        graph[name] = found
    return graph


def test_every_module_has_a_floor():
    assert {_home(m) for m in _imports()} <= {home for _, homes in FLOORS for home in homes}


def test_no_module_imports_upward_or_sideways():
    wrong = []
    for module, targets in _imports().items():
        for target in targets - {"dagster", "pipelines"}:
            same_folder = _home(target) == _home(module)
            sideways = _floor(target) == _floor(module) > 0 and not same_folder
            if _floor(target) > _floor(module) or sideways:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_nothing_below_the_dagster_floor_imports_dagster():
    below = [m for m, targets in _imports().items() if "dagster" in targets and _floor(m) < DAGSTER_FLOOR]
    assert below == []


def test_no_import_cycle():
    graph = {m: t - {"dagster"} for m, t in _imports().items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_checks_live_in_one_folder():
    """'Where is it checked?' is pipelines/intake/: only it (and the Dagster floor above) applies contracts."""
    appliers = {m for m, targets in _imports().items() if "pipelines.intake.contract" in targets}
    assert {_home(m) for m in appliers} <= {"intake"}
