"""The one Dagster `Definitions` of milspace: what `make build`, `make dev` and the tests all run.

Flow: reference and starter files -> Pandera contracts -> staging tables -> marts (sql/marts) -> checks
(sql/checks) -> the published warehouse -> the report.
"""

from __future__ import annotations

import dagster as dg

from pipelines.assets.checks import asset_checks
from pipelines.assets.inbox import inbox_budget_lines, staging_budget_lines
from pipelines.assets.inputs import input_assets
from pipelines.assets.marts import mart_assets
from pipelines.assets.publish import report, warehouse
from pipelines.assets.resource import MilspaceResource
from pipelines.assets.strategies import staging_documents, strategy_documents_read

#: Every asset and check, from the input files to the report.
BUILD_JOB = "build_all"
#: When the scheduled build runs (cron, UTC): Mondays at 06:00.
WEEKLY_CRON = "0 6 * * 1"

ASSETS = [
    *input_assets(),
    inbox_budget_lines,
    staging_budget_lines,
    strategy_documents_read,
    staging_documents,
    *mart_assets(),
    warehouse,
    report,
]
CHECKS = asset_checks()

build_all = dg.define_asset_job(
    BUILD_JOB,
    selection=dg.AssetSelection.all(),
    description=(
        "Read and check every input, rebuild the staging tables and marts, publish the warehouse, draw the report."
    ),
)

weekly_build = dg.ScheduleDefinition(
    name="weekly_build",
    job=build_all,
    cron_schedule=WEEKLY_CRON,
    execution_timezone="UTC",
    description="The whole build, weekly. Fires only while the Dagster daemon runs (`make dev` starts one).",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[build_all],
    schedules=[weekly_build],
    resources={"milspace": MilspaceResource()},
    # One process, steps in order: the run's working warehouse has one writer at a time.
    executor=dg.in_process_executor,
)
