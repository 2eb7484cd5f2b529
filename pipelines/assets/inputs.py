"""Input assets: one per starter or reference file (read, then validate against its Pandera contract), and one
staging asset per file (load the valid rows into the run's working warehouse, quarantine the rest)."""

import dagster as dg
import polars as pl

from pipelines.assets.graph import table_spec_metadata
from pipelines.assets.resource import MilspaceResource
from pipelines.assets.shared import table_metadata, writes_rows_into
from pipelines.intake.shipped import ValidatedTable, referenced_targets, validate_resource
from pipelines.schemas import CONTRACTS
from pipelines.shapes import Origin, sources_frame
from pipelines.sources.datapackage import Resource, load_package
from pipelines.sources.described_csv import PROVENANCE_DESCRIPTIONS, ROW_COLUMN
from pipelines.warehouse import header_comment, sql_file

#: Every file milspace ships, as (data package folder under data_raw/, resource name). Each has a contract in
#: pipelines.schemas.CONTRACTS and a staging table in sql/staging/.
INPUTS: tuple[tuple[Origin, str], ...] = (
    ("reference", "nations"),
    ("reference", "nation_names"),
    ("reference", "fiscal_years"),
    ("reference", "program_element_lineage"),
    ("reference", "memberships"),
    ("reference", "capability_rules"),
    ("reference", "space_mission_rules"),
    ("reference", "militarization_weights"),
    ("reference", "source_differences"),
    ("reference", "lexicon"),
    ("starter", "us_budget_lines"),
    ("starter", "space_budgets"),
    ("starter", "strategy_documents"),
    ("starter", "strategy_commitments"),
)

#: Where each reference target of a contract lives: (package, key column).
REFERENCE_KEYS = {"nations": ("reference", "code"), "strategy_documents": ("starter", "doc_id")}

_DAGSTER_TYPES = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool", "date": "date"}


def column_schema(resource: Resource) -> dg.TableSchema:
    """The file's columns with their descriptions and units, for the UI."""
    columns = [
        dg.TableColumn(
            name=f.name,
            type=_DAGSTER_TYPES[f.type],
            description=f.described,
            constraints=dg.TableColumnConstraints(nullable=not f.required),
        )
        for f in resource.fields
    ]
    columns.append(dg.TableColumn(ROW_COLUMN, "int64", description=PROVENANCE_DESCRIPTIONS[ROW_COLUMN]))
    return dg.TableSchema(columns=columns)


def _input_asset(package: Origin, name: str) -> dg.AssetsDefinition:
    model = CONTRACTS[name]
    ins = {t: dg.AssetIn(key=[REFERENCE_KEYS[t][0], t]) for t in referenced_targets(name)}

    @dg.asset(
        key=[package, name],
        ins=ins,
        group_name="inputs",
        description=(
            f"{(model.__doc__ or '').strip()}\n\nRead from `data_raw/{package}/` (the file its `datapackage.json` "
            f"names for resource `{name}`) and validated against the Pandera contract `{model.__name__}`. "
            "Rows that break a rule are quarantined with the rule; a file that cannot be read stops the build."
        ),
        kinds={"csv", "polars", "pandera"},
    )
    def _asset(context: dg.AssetExecutionContext, milspace: MilspaceResource, **references: ValidatedTable):
        layout = milspace.layout()
        resource = load_package(getattr(layout, package))[name]
        known = {t: table.valid.get_column(REFERENCE_KEYS[t][1]).to_list() for t, table in references.items()}
        table = validate_resource(layout, resource, known)
        if table.rejected.height:
            context.log.warning(f"{table.file}: {table.rejected_rows} rows rejected; see marts.quarantine")
        return dg.Output(
            table,
            metadata={
                "dagster/row_count": table.valid.height,
                "rows_read": table.rows_read,
                "rows_rejected": table.rejected_rows,
                "file": table.file,
                "sha256": table.sha256,
                "dagster/column_schema": column_schema(resource),
            },
        )

    return _asset


def _staging_asset(package: Origin, name: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["staging", name],
        ins={"table": dg.AssetIn(key=[package, name])},
        group_name="staging",
        description=header_comment(sql_file("staging", name)),
        kinds={"duckdb"},
        metadata={
            **writes_rows_into("quarantine", "sources"),
            **table_spec_metadata(("staging", name), sql_file("staging", name)),
        },
    )
    def _asset(context: dg.AssetExecutionContext, milspace: MilspaceResource, table: ValidatedTable):
        frame = table.valid.with_columns(source_file=pl.lit(table.file))
        milspace.run.load_staging(name, frame)
        milspace.run.replace_quarantine([table.file], table.rejected)
        milspace.run.replace_rows("sources", sources_frame([table.source_record(package)]), [table.file])
        with milspace.run.working() as con:
            metadata = table_metadata(con, "staging", name)
        return dg.MaterializeResult(metadata={**metadata, "rows_rejected": table.rejected_rows})

    return _asset


def input_assets() -> list[dg.AssetsDefinition]:
    """Input and staging assets for every shipped file."""
    assets = []
    for package, name in INPUTS:
        assets.append(_input_asset(package, name))
        assets.append(_staging_asset(package, name))
    return assets
