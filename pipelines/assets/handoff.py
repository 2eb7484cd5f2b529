"""How assets hand results to one another: in memory, within one run, never pickled into the Dagster home.

Three kinds of asset return a value to the next: an input file's validated table (to its staging load), the inbox's
checked files (to the budget-line load and the documents) and the strategy documents read (to their load). Every
other asset writes the run's working warehouse, which is the hand-off between runs. Dagster's default IO manager
would pickle those values into $DAGSTER_HOME/storage/ on every run launched from the UI and keep them forever;
this one holds them in the run's process only (the definitions use the in-process executor) and drops them when
the run ends. A value is never read back from an earlier run: materializing a staging asset without the input asset
it reads is refused with the selection to use instead.
"""

from __future__ import annotations

import dagster as dg

from pipelines.errors import MilspaceError


class HandoffError(MilspaceError):
    """An asset's input was not produced in the same run (a UI selection that leaves out an upstream asset)."""


class RunMemory(dg.IOManager):
    """Values by asset key (or step output), for the length of one run."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, ...], object] = {}

    @staticmethod
    def _key(context: dg.OutputContext) -> tuple[str, ...]:
        if context.has_asset_key:
            return tuple(context.asset_key.path)
        return (context.step_key or "", context.name or "")

    def handle_output(self, context: dg.OutputContext, obj: object) -> None:
        if obj is None:  # an asset that reports a MaterializeResult: its table is in the warehouse
            return
        self._values[self._key(context)] = obj

    def load_input(self, context: dg.InputContext) -> object:
        upstream = context.upstream_output
        key = self._key(upstream) if upstream is not None else ("", context.name or "")
        if key not in self._values:
            wanted = "/".join(key)
            raise HandoffError(
                f"{wanted} hands its result to {context.name or 'this step'} in memory, within one run, and it was "
                f"not materialized in this run: select {wanted} together with what reads it (in the UI, "
                "'Materialize' with its upstream, or run the job build_all)."
            )
        return self._values[key]


@dg.io_manager(
    description=(
        "Holds the values assets hand each other (validated input tables, the inbox's checked files, strategy "
        "documents read) in memory for one run: nothing is pickled into the Dagster home."
    )
)
def run_memory_io_manager(_init_context) -> RunMemory:
    return RunMemory()
