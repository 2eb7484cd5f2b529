"""The one resource every asset uses: where the project root is, and its warehouse."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines import lock
from pipelines.paths import Layout, default_root
from pipelines.warehouse import Warehouse


class MilspaceResource(dg.ConfigurableResource):
    """Paths of one milspace root and the warehouse built there."""

    root: str = Field(
        default="",
        description=(
            "Project root holding data_raw/, data_marts/ and reports/. Empty: $MILSPACE_ROOT, else the repository."
        ),
    )
    fresh: bool = Field(
        default=False,
        description="Start the run's working copy empty instead of from the published warehouse (a full rebuild).",
    )

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """A run holds the project's build lock from start to end: a second build refuses instead of mixing."""
        lock.acquire(self.layout())

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        lock.release(self.layout())

    def layout(self) -> Layout:
        return Layout(Path(self.root).resolve() if self.root else default_root())

    def warehouse(self) -> Warehouse:
        return Warehouse(self.layout())
