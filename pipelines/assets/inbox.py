"""The inbox: every published file dropped into data_raw/inbox/, read by the reader its content matches,
checked against the BudgetLine contract, and loaded as budget lines."""

import dagster as dg
import polars as pl

from pipelines.assets.resource import MilspaceResource
from pipelines.ingest import ValidatedTable
from pipelines.published import UNREADABLE_RULE, CheckedFile, combined, read_inbox, set_aside
from pipelines.sources.budget_lines import NationNames
from pipelines.sources.described_csv import empty_rejected
from pipelines.sources.registry import measure_table
from pipelines.warehouse import header_comment, sql_file

INBOX_FOLDER = "data_raw/inbox/"


def _files_table(files: list[CheckedFile]) -> str:
    rows = [
        f"| {f.file} | {f.status} | {f.source_format or ''} | {f.edition or ''} | {f.lines.height:,} | "
        f"{f.rows_rejected:,} | {(f.error or '').replace('|', '/')} |"
        for f in files
    ]
    return "\n".join(["| file | status | format | edition | lines | rejected rows | error |", "|---" * 7 + "|", *rows])


def _unreadable_rows(files: list[CheckedFile]) -> pl.DataFrame:
    """One quarantine row per file that could not be read at all, so the quarantine keeps it after it is fixed."""
    rows = [
        {"file": f.file, "sheet": None, "row": None, "column": "(file)", "rule": UNREADABLE_RULE, "value": f.error}
        for f in files
    ]
    return pl.DataFrame(rows, schema=empty_rejected().schema)


@dg.asset(
    key=["inbox", "budget_lines"],
    ins={
        "nations": dg.AssetIn(key=["reference", "nations"]),
        "nation_names": dg.AssetIn(key=["reference", "nation_names"]),
    },
    group_name="inputs",
    kinds={"xlsx", "csv", "polars", "pandera"},
)
def inbox_budget_lines(
    context: dg.AssetExecutionContext,
    milspace: MilspaceResource,
    nations: ValidatedTable,
    nation_names: ValidatedTable,
) -> dg.Output:
    """Every file in data_raw/inbox/ (SIPRI workbooks, World Bank and OWID files, NATO tables, DoD exhibits,
    Green Book tables), detected by content, read into budget lines and checked against the BudgetLine
    contract. A file no reader recognises, or that a reader cannot read, is recorded with the reason, moved to
    data_raw/inbox/rejected/ beside a note of the reason, and the other files go on; rows that break the
    contract are quarantined with the rule."""
    names = NationNames.from_pairs(nation_names.valid.select("name", "code").iter_rows())
    files = read_inbox(milspace.layout(), names, nations.valid.get_column("code").to_list(), progress=context.log.info)
    unreadable = [f for f in files if f.status == "unreadable"]
    for f in unreadable:
        moved = set_aside(milspace.layout(), f.file, f.error or "", context.run_id)
        context.log.warning(f"{f.error} " + (f"Moved to {moved}." if moved else "It could not be moved aside."))
    return dg.Output(
        files,
        metadata={
            "files": len(files),
            "unreadable_files": len(unreadable),
            "dagster/row_count": sum(f.lines.height for f in files),
            "rows_rejected": sum(f.rows_rejected for f in files),
            "files_read": dg.MetadataValue.md(_files_table(files)) if files else "the inbox is empty",
        },
    )


@dg.asset(
    key=["staging", "budget_lines"],
    ins={"files": dg.AssetIn(key=["inbox", "budget_lines"])},
    group_name="staging",
    description=header_comment(sql_file("staging", "budget_lines")),
    kinds={"duckdb"},
)
def staging_budget_lines(
    context: dg.AssetExecutionContext, milspace: MilspaceResource, files: list[CheckedFile]
) -> dg.MaterializeResult:
    warehouse = milspace.warehouse()
    run, fresh = context.run_id, milspace.fresh
    loaded = [f for f in files if f.status == "loaded"]
    lines, rejected, reconciliations = combined(loaded)
    rejected = pl.concat([rejected, _unreadable_rows([f for f in files if f.status == "unreadable"])])
    rows = warehouse.load_staging(run, "budget_lines", lines, fresh=fresh)
    warehouse.load_staging(run, "reconciliations", reconciliations, fresh=fresh)
    warehouse.load_staging(run, "measures", pl.DataFrame(measure_table()), fresh=fresh)
    documents = [f.file for f in files if f.status == "document"]  # recorded by the strategy documents' asset
    warehouse.replace_quarantine(run, [], rejected, folder=INBOX_FOLDER, keep=documents, fresh=fresh)
    read = [f.source_record("inbox") for f in files if f.status != "document"]
    warehouse.replace_rows(
        run,
        "sources",
        pl.DataFrame(read) if read else pl.DataFrame(),
        [],
        folder=INBOX_FOLDER,
        keep=documents,
        fresh=fresh,
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "table": "staging.budget_lines",
            "reconciliations": reconciliations.height,
            "reconciliations_failed": reconciliations.filter(~pl.col("passed")).height,
        }
    )
