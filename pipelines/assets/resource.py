"""The one resource every asset uses: where the project root is, and its warehouse."""

from pathlib import Path

import dagster as dg
from pydantic import Field, PrivateAttr

from pipelines import lock
from pipelines.paths import Layout, default_root
from pipelines.warehouse import Warehouse, WarehouseRun


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

    reuse: bool = Field(
        default=True,
        description=(
            "Copy the checked lines of a streamed inbox file (milspace budget lines) from the published warehouse when "
            "its SHA-256, milspace's code and the known nations are those it was loaded with, instead of reading it "
            "again (staging.streamed_files). False: read every file (`milspace build --full`)."
        ),
    )

    _run: WarehouseRun | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """A run holds the project's build lock from start to end: a second build refuses instead of mixing. The
        run's working warehouse is bound here, once, to the run's id and to `fresh`."""
        lock.acquire(self.layout())
        if context.run_id is not None:
            self._run = Warehouse(self.layout()).run(context.run_id, fresh=self.fresh, reuse=self.reuse)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        try:
            if self._run is not None:
                self._run.release()
        finally:
            lock.release(self.layout())

    def layout(self) -> Layout:
        return Layout(Path(self.root).resolve() if self.root else default_root())

    def warehouse(self) -> Warehouse:
        return Warehouse(self.layout())

    @property
    def run(self) -> WarehouseRun:
        """This run's working warehouse (bound when the run set the resource up)."""
        if self._run is None:
            raise RuntimeError("The milspace resource was not set up for a run: no working warehouse is bound")
        return self._run
