"""The inbox: every published file dropped into data_raw/inbox/, read by the reader its content matches,
checked against the BudgetLine contract, and loaded as budget lines."""

import dataclasses
import time
from collections.abc import Iterator

import dagster as dg
import polars as pl

from pipelines.assets.graph import created_metadata, file_specs
from pipelines.assets.resource import MilspaceResource
from pipelines.assets.shared import table_metadata, writes_rows_into
from pipelines.errors import MilspaceError
from pipelines.intake import store
from pipelines.intake.inbox import CHANGED, INBOX_READ, SKIPPED, CheckedFile, read_inbox, set_aside
from pipelines.intake.shipped import ValidatedTable
from pipelines.intake.staging import REUSED_LINES, STREAMED_TABLES, load_inbox
from pipelines.nations import NationNames
from pipelines.warehouse import sql_file

#: The columns of the table of files read, as the UI shows it.
_FILES_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("file", "string", description="The file, relative to the project root"),
        dg.TableColumn("status", "string", description="loaded, companion, document, unreadable, changed or skipped"),
        dg.TableColumn("format", "string", description="The reader whose format the content matched"),
        dg.TableColumn("edition", "string", description="The edition the reader found in the content"),
        dg.TableColumn("lines", "int", description="Budget lines read (count); empty for a file read at load"),
        dg.TableColumn("rows_rejected", "int", description="Rows quarantined (count)"),
        dg.TableColumn("error", "string", description="Why the file was not read, when it was not"),
    ]
)


def _files_table(files: list[CheckedFile]) -> dg.TableMetadataValue:
    rows = [
        dg.TableRecord(
            {
                "file": f.file,
                "status": f.status,
                "format": f.source_format or "",
                "edition": f.edition or "",
                "lines": None if f.streamed else f.lines.height,
                "rows_rejected": f.rows_rejected,
                "error": f.error or "",
            }
        )
        for f in files
    ]
    return dg.MetadataValue.table(rows, schema=_FILES_SCHEMA)


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
    """The shipped starter extracts (data_raw/starter/lines/: budget lines the readers made of SIPRI, World Bank
    and DoD files) and every file in data_raw/inbox/ (SIPRI workbooks, World Bank and OWID files, NATO tables,
    DoD exhibits, Green Book tables, milspace budget lines and extracts), detected by content, read into budget
    lines and checked against the BudgetLine contract: one road, so one identity rule applies to both. A file no
    reader recognises, or that a reader cannot read, is recorded with the reason, moved to data_raw/inbox/rejected/
    beside a note of the reason, and the other files go on (a shipped extract that cannot be read stops the build);
    rows that break the contract are quarantined with the rule. Files in the milspace budget-lines format (CSV or
    Parquet, any size) are only detected here: staging/budget_lines reads, checks and loads them batch by batch."""
    names = NationNames.from_pairs(nation_names.valid.select("name", "code").iter_rows())
    codes = nations.valid.get_column("code").to_list()
    started = time.time()
    files = read_inbox(milspace.layout(), names, codes, progress=context.log.info, reuse=milspace.reuse)
    store.prune(milspace.layout(), since=started)  # entries of files no longer read (each read touches its own)
    shipped = next((f for f in files if f.origin == "starter" and f.status != "loaded"), None)
    if shipped is not None:  # a shipped file is part of the build, not a download: it stops the build
        raise MilspaceError(shipped.error or f"Cannot read file {shipped.file}: read as {shipped.status}, not as lines")
    unreadable = [f for f in files if f.status == "unreadable"]
    for index, f in enumerate(files):
        if f.status == "unreadable":
            moved = set_aside(milspace.layout(), f.file, reason=f.error or "", run_id=context.run_id, path=f.path)
            context.log.warning(f"{f.error} " + (f"Moved to {moved}." if moved else "It could not be moved aside."))
            files[index] = dataclasses.replace(f, set_aside_to=moved)
        elif f.status in (CHANGED, SKIPPED):
            context.log.warning(f.error or f"{f.file}: {f.status}")
    # Files of a streamed format are read when they are loaded (staging/budget_lines), so only there is a count.
    counted = {} if any(f.streamed for f in files) else {"dagster/row_count": sum(f.lines.height for f in files)}
    return dg.Output(
        files,
        metadata={
            **counted,
            "files": len(files),
            "unreadable_files": len(unreadable),
            "rows_rejected": sum(f.rows_rejected for f in files),
            "files_read": _files_table(files) if files else "the inbox is empty",
            # What the inbox sensor takes as read once this build succeeds (pipelines/automation.py).
            INBOX_READ: dg.MetadataValue.json(
                {f.path.name: f.sha256 for f in files if f.origin == "inbox" and f.path is not None}
            ),
        },
    )


#: The staging SQL files the inbox's load runs (pipelines/intake/staging.py, `load_inbox`): the tables of the lines
#: read whole and of each streamed format, the view staging.budget_lines over them (and the macro
#: staging.figure_identity its file makes), the copies taken out of them, the reconciliations and the measures. Each
#: object a file creates is an asset key of the load; the load also writes its own rows into staging.quarantine and
#: staging.sources (pipelines/assets/shared.py).
LOADED_SQL = (
    "phases",
    "published_lines",
    "space_objects",
    *STREAMED_TABLES,
    "streamed_files",
    "budget_lines",
    "duplicate_lines",
    "reconciliations",
    "measures",
)
_BUDGET_LINES = dg.AssetKey(["staging", "budget_lines"])
_INS = {"files": dg.AssetIn(key=["inbox", "budget_lines"]), "nations": dg.AssetIn(key=["reference", "nations"])}
_SPECS = [
    spec.merge_attributes(metadata=writes_rows_into("quarantine", "sources")) if spec.key == _BUDGET_LINES else spec
    for name in LOADED_SQL
    for spec in file_specs(
        sql_file("staging", name),
        "staging",
        deps=[i.key for i in _INS.values()],
        group_name="staging",
        kinds={"duckdb"},
    )
]
_MADE = {
    key: made for name in LOADED_SQL for key, made in created_metadata(sql_file("staging", name), "staging").items()
}


@dg.multi_asset(
    name="staging__budget_lines",
    specs=_SPECS,
    ins=_INS,
)
def staging_budget_lines(
    context: dg.AssetExecutionContext, milspace: MilspaceResource, nations: ValidatedTable, files: list[CheckedFile]
) -> Iterator[dg.MaterializeResult]:
    codes = nations.valid.get_column("code").to_list()
    done = load_inbox(milspace.run, files, codes, log=context.log.info, warn=context.log.warning)
    with milspace.run.working() as con:  # the rows and columns of each table and view the load made
        tables = {key: table_metadata(con, *key.path) for key, made in _MADE.items() if "macro" not in made}
    for key, made in _MADE.items():  # the tables behind the view, and the ones made beside it
        if key != _BUDGET_LINES:
            yield dg.MaterializeResult(asset_key=key, metadata=tables.get(key, made))
    yield dg.MaterializeResult(
        asset_key=_BUDGET_LINES,
        metadata={
            **tables[_BUDGET_LINES],
            "dagster/row_count": done.rows,
            "rows_rejected": done.rows_rejected,
            REUSED_LINES: done.reused_lines,
            "reconciliations": done.reconciliations.height,
            "reconciliations_failed": done.reconciliations.filter(~pl.col("passed")).height,
        },
    )
