"""The last two assets: draw the report from the run's working warehouse, then publish both together."""

import os

import dagster as dg

from pipelines.assets.marts import mart_names
from pipelines.assets.resource import MilspaceResource
from pipelines.report.build import render_report


@dg.asset(
    key=["report"],
    deps=[dg.AssetKey(["marts", name]) for name in mart_names()],
    group_name="publish",
    kinds={"html", "altair"},
)
def report(context: dg.AssetExecutionContext, milspace: MilspaceResource) -> dg.MaterializeResult:
    """reports/index.html: military expenditure and US Space Force charts. Drawn from this run's working
    warehouse into a staged file, and published with the warehouse: a report that cannot be drawn stops the
    build before anything is published. Opens in a browser with no network (the Vega JavaScript is embedded)."""
    warehouse = milspace.warehouse()
    result = render_report(
        milspace.layout(),
        source=warehouse.working_path(context.run_id),
        target=warehouse.staged_report(context.run_id),
    )
    return dg.MaterializeResult(metadata={"charts": result.charts, "bytes": result.bytes})


@dg.asset(key=["warehouse"], deps=[report], group_name="publish", kinds={"duckdb"})
def warehouse(context: dg.AssetExecutionContext, milspace: MilspaceResource) -> dg.MaterializeResult:
    """The published warehouse, data_marts/warehouse.duckdb, and its report, reports/index.html: this run's
    working copy and staged report, each renamed over the previous one in a single atomic step once every mart
    is built, every blocking check has passed and the report is drawn. Readers never see a half-written file; a
    failed run leaves the previous warehouse and report as they were."""
    layout = milspace.layout()
    store = milspace.warehouse()
    counts = store.publish(context.run_id)
    staged = store.staged_report(context.run_id)
    layout.reports.mkdir(parents=True, exist_ok=True)
    os.replace(staged, layout.report_index)
    table = "\n".join(["| table | rows |", "|---|---|", *(f"| {t} | {n} |" for t, n in counts.items())])
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(layout.warehouse)),
            "report": dg.MetadataValue.path(str(layout.report_index)),
            "bytes": layout.warehouse.stat().st_size,
            "tables": dg.MetadataValue.md(table),
            "quarantined_rows": counts.get("marts.quarantine", 0),
        }
    )
