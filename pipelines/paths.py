"""Where milspace reads and writes: one place for every path, so tests can point a build at a temporary root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The repository: code, SQL and the shipped starter data live here (in a checkout).
REPO_ROOT = Path(__file__).resolve().parents[1]
#: True when the package runs from a checkout of the repository, False when it is an installed wheel.
IN_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "sql").is_dir()
#: What milspace ships beside its code: sql/ and data_raw/{reference,starter}/. In a checkout, the repository; in
#: an installed wheel, the copies pyproject.toml's [tool.hatch.build.targets.wheel.force-include] puts in the package.
SHIPPED = REPO_ROOT if IN_CHECKOUT else Path(__file__).resolve().parent / "shipped"
#: SQL is code, not data: it is always read from what milspace ships, whatever root a build writes to.
SQL_DIR = SHIPPED / "sql"
#: The shipped reference tables (nations, fiscal years, rules, lexicon ...).
SHIPPED_REFERENCE = SHIPPED / "data_raw" / "reference"


def default_root() -> Path:
    """The project root a build reads from and writes to: $MILSPACE_ROOT, else the repository in a checkout, else
    the current directory (an installed milspace)."""
    env = os.environ.get("MILSPACE_ROOT")
    if env:
        return Path(env).resolve()
    return REPO_ROOT if IN_CHECKOUT else Path.cwd().resolve()


def _own_or_shipped(folder: Path, shipped: Path) -> Path:
    """`folder` of a root; outside a checkout, the shipped copy when the root has no data package there."""
    if IN_CHECKOUT or (folder / "datapackage.json").exists():
        return folder
    return shipped


@dataclass(frozen=True)
class Layout:
    """The folders of one milspace root (see the README's layout section)."""

    root: Path

    @property
    def data_raw(self) -> Path:
        return self.root / "data_raw"

    @property
    def starter(self) -> Path:
        """The shipped starter data: the root's own data_raw/starter/, or (an installed milspace, a root without
        one) the copy in the package."""
        return _own_or_shipped(self.data_raw / "starter", SHIPPED / "data_raw" / "starter")

    @property
    def starter_lines(self) -> Path:
        """Shipped extracts of published files, in the budget-line shape (read like an inbox file)."""
        return self.starter / "lines"

    @property
    def reference(self) -> Path:
        """The reference tables: the root's own data_raw/reference/, or (an installed milspace, a root without one)
        the copy in the package."""
        return _own_or_shipped(self.data_raw / "reference", SHIPPED_REFERENCE)

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
    def last_build(self) -> Path:
        """What the last successful `milspace build` read and published (pipelines/fingerprint.py)."""
        return self.data_marts / "last_build.json"

    @property
    def chart_cache(self) -> Path:
        """Where drawn chart images are kept by the hash of their specification: $MILSPACE_CHART_CACHE (a folder
        several roots may share, as the test suite's builds do), else data_marts/cache/report/."""
        env = os.environ.get("MILSPACE_CHART_CACHE", "").strip()
        return Path(env).resolve() if env else self.data_marts / "cache" / "report"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def report_index(self) -> Path:
        return self.reports / "index.html"

    def display(self, path: Path) -> str:
        """A path as a user should see it: relative to the root when it is inside it; a file milspace ships, read
        from the installed package, as it is in the repository (data_raw/starter/...)."""
        resolved = path.resolve()
        for base in (self.root.resolve(), *(() if IN_CHECKOUT else (SHIPPED.resolve(),))):
            try:
                return str(resolved.relative_to(base))
            except ValueError:
                continue
        return str(path)
