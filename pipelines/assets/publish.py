"""The last two assets: publish the run's warehouse atomically, then draw the report from it."""

import dagster as dg

from pipelines.assets.marts import mart_names
from pipelines.assets.resource import MilspaceResource
from pipelines.report.build import render_report


@dg.asset(
    key=["warehouse"],
    deps=[dg.AssetKey(["marts", name]) for name in mart_names()],
    group_name="publish",
    kinds={"duckdb"},
)
def warehouse(context: dg.AssetExecutionContext, milspace: MilspaceResource) -> dg.MaterializeResult:
    """The published warehouse, data_marts/warehouse.duckdb: this run's working copy, renamed over the
    previous one in a single atomic step once every mart is built and every blocking check has passed.
    Readers never see a half-written file; a failed run leaves the previous warehouse as it was."""
    layout = milspace.layout()
    counts = milspace.warehouse().publish(context.run_id)
    table = "\n".join(["| table | rows |", "|---|---|", *(f"| {t} | {n} |" for t, n in counts.items())])
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(layout.warehouse)),
            "bytes": layout.warehouse.stat().st_size,
            "tables": dg.MetadataValue.md(table),
            "quarantined_rows": counts.get("marts.quarantine", 0),
        }
    )


@dg.asset(key=["report"], deps=[warehouse], group_name="publish", kinds={"html", "altair"})
def report(context: dg.AssetExecutionContext, milspace: MilspaceResource) -> dg.MaterializeResult:
    """reports/index.html: military expenditure and US Space Force charts, drawn from the published
    warehouse; opens in a browser with no network (the Vega JavaScript is embedded once)."""
    result = render_report(milspace.layout())
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(result.path)), "charts": result.charts, "bytes": result.bytes}
    )
