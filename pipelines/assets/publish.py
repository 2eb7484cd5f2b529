"""The last two assets: draw the report from the run's working warehouse, then publish both together."""

import dagster as dg

from pipelines.assets.marts import mart_keys
from pipelines.assets.resource import MilspaceResource
from pipelines.postgres import publish_marts, shared_target, shown
from pipelines.report.build import check_can_publish, publish_site, render_site


@dg.asset(
    key=["report"],
    deps=mart_keys(),
    group_name="publish",
    kinds={"html", "altair"},
)
def report(context: dg.AssetExecutionContext, milspace: MilspaceResource) -> dg.MaterializeResult:
    """The report site under reports/ (index, compare, US budget, one page per nation, strategies, methodology,
    and each chart's data as CSV, SVG and PNG). Drawn from this run's working warehouse into a staging folder
    and published with the warehouse: a report that cannot be drawn stops the build before anything is
    published. Opens in a browser with no network (the Vega JavaScript ships as one local file)."""
    run = milspace.run
    run.release()  # the run's writer lets go of the working copy; the report reads it read-only
    result = render_site(milspace.layout(), source=run.path, target=run.staged_report())
    return dg.MaterializeResult(metadata={"pages": result.pages, "charts": result.charts, "bytes": result.bytes})


@dg.asset(key=["warehouse"], deps=[report], group_name="publish", kinds={"duckdb"})
def warehouse(context: dg.AssetExecutionContext, milspace: MilspaceResource) -> dg.MaterializeResult:
    """The published warehouse, data_marts/warehouse.duckdb, and its report site, reports/: this run's working
    copy renamed over the previous warehouse in a single atomic step, then each file of the staged site renamed
    into reports/, once every mart is built, every blocking check has passed and the report is drawn. Readers
    never see a half-written file; a failed run leaves the previous warehouse and report as they were. With
    MILSPACE_SHARED_WAREHOUSE set, the marts are first published to that PostgreSQL database in one transaction
    (pipelines/postgres.py)."""
    layout = milspace.layout()
    run = milspace.run
    staged = run.staged_report()
    check_can_publish(staged, layout.reports)  # before the warehouse is replaced: both are published, or neither
    target = shared_target()
    shared: dict[str, str | int] = {}
    if target is not None:  # the team's PostgreSQL first: if it fails, the DuckDB file is not published either
        shared_counts = publish_marts(run.path, target, context.run_id, log=context.log.info)
        shared = {"shared_warehouse": shown(target), "shared_tables": len(shared_counts)}
    published = run.publish()
    counts = published.counts
    if published.stale_log is not None:
        context.log.warning(
            f"A write-ahead log left beside the warehouse by a read-write session that ended without saving was "
            f"moved to {layout.display(published.stale_log)}; it was not applied to this build."
        )  # the command line names it too, from the note beside it
    publish_site(staged, layout.reports)
    table = dg.MetadataValue.table(
        [dg.TableRecord({"table": t, "rows": n}) for t, n in counts.items()],
        schema=dg.TableSchema(
            columns=[
                dg.TableColumn("table", "string", description="schema.table in the published warehouse"),
                dg.TableColumn("rows", "int", description="Rows (count)"),
            ]
        ),
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(layout.warehouse)),
            "report": dg.MetadataValue.path(str(layout.report_index)),
            "bytes": layout.warehouse.stat().st_size,
            "tables": table,
            "quarantined_rows": counts.get("marts.quarantine", 0),
            **({"stale_log_moved_to": layout.display(published.stale_log)} if published.stale_log else {}),
            **shared,
        }
    )
