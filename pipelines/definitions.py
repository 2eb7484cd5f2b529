"""The one Dagster `Definitions` of milspace: what `make build`, `make dev` and the tests all run.

Flow: reference and starter files -> Pandera contracts -> staging tables -> marts (sql/marts) -> checks
(sql/checks) -> the published warehouse -> the report. When builds run by themselves (schedule, inbox sensor,
freshness) is set in pipelines/automation.py. The edges into marts and checks are the tables their SQL reads
(pipelines/assets/graph.py); the definitions refuse to load if one of them is written by no asset.
"""

from __future__ import annotations

import dagster as dg

from pipelines.assets.checks import asset_checks, check_reads
from pipelines.assets.graph import require_producers
from pipelines.assets.handoff import run_memory_io_manager
from pipelines.assets.inbox import inbox_budget_lines, staging_budget_lines
from pipelines.assets.inputs import input_assets
from pipelines.assets.marts import mart_assets, mart_reads
from pipelines.assets.publish import report, warehouse
from pipelines.assets.resource import MilspaceResource
from pipelines.assets.shared import shared_table_assets
from pipelines.assets.stages import with_stage
from pipelines.assets.strategies import staging_documents, strategy_documents_read
from pipelines.automation import BUILD_JOB, inbox_sensor, weekly_schedule, with_freshness

_LOADS = [*input_assets(), inbox_budget_lines, staging_budget_lines, strategy_documents_read, staging_documents]
_ASSETS = [*_LOADS, *shared_table_assets(_LOADS), *mart_assets(), warehouse, report]
require_producers({**mart_reads(), **check_reads()}, _ASSETS)
#: Every asset, with the freshness expected of its group (pipelines/automation.py), its stage's owner and tags
#: (pipelines/assets/stages.py) and a reference to the Python that makes it (beside the SQL file, where one does).
ASSETS = dg.with_source_code_references(
    [asset.map_asset_specs(with_freshness).map_asset_specs(with_stage) for asset in _ASSETS]
)
CHECKS = asset_checks()

build_all = dg.define_asset_job(
    BUILD_JOB,
    selection=dg.AssetSelection.all(),
    description=(
        "Read and check every input, rebuild the staging tables and marts, publish the warehouse, draw the report."
    ),
)

weekly_build = weekly_schedule(build_all)
inbox_build = inbox_sensor(build_all)

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[build_all],
    schedules=[weekly_build],
    sensors=[inbox_build],
    # The warehouse is the hand-off between runs; values between assets stay in the run's memory (never pickled).
    resources={"milspace": MilspaceResource(), "io_manager": run_memory_io_manager},
    # One process, steps in order: the run's working warehouse has one writer at a time.
    executor=dg.in_process_executor,
)
