"""Where milspace reads and writes: one place for every path, so tests can point a build at a temporary root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The repository: code, SQL and the shipped starter data live here.
REPO_ROOT = Path(__file__).resolve().parents[1]
#: SQL is code, not data: it is always read from the repository, whatever root a build writes to.
SQL_DIR = REPO_ROOT / "sql"


def default_root() -> Path:
    """The project root a build reads from and writes to: $MILSPACE_ROOT, or the repository."""
    env = os.environ.get("MILSPACE_ROOT")
    return Path(env).resolve() if env else REPO_ROOT


@dataclass(frozen=True)
class Layout:
    """The folders of one milspace root (see the README's layout section)."""

    root: Path

    @property
    def data_raw(self) -> Path:
        return self.root / "data_raw"

    @property
    def starter(self) -> Path:
        return self.data_raw / "starter"

    @property
    def starter_lines(self) -> Path:
        """Shipped extracts of published files, in the budget-line shape (read like an inbox file)."""
        return self.starter / "lines"

    @property
    def reference(self) -> Path:
        return self.data_raw / "reference"

    @property
    def strategies(self) -> Path:
        """Strategy documents: where `milspace fetch-docs` saves the register's documents, and users add theirs."""
        return self.data_raw / "strategies"

    @property
    def data_marts(self) -> Path:
        return self.root / "data_marts"

    @property
    def warehouse(self) -> Path:
        """The published warehouse: the only file analysts and reports read."""
        return self.data_marts / "warehouse.duckdb"

    @property
    def build_dir(self) -> Path:
        """Working copies of the warehouse, one per run, published by an atomic rename."""
        return self.data_marts / "build"

    @property
    def logs(self) -> Path:
        return self.data_marts / "logs"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def report_index(self) -> Path:
        return self.reports / "index.html"

    def display(self, path: Path) -> str:
        """A path as a user should see it: relative to the root when it is inside it."""
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)
