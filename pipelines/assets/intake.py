"""The distributed intake (issue 20): every inbox file read and checked as a step of its own, which Dagster's dask
executor runs on the workers of a dask cluster, into the intake store by content hash (pipelines/intake/spread.py).
The build stays one writer: `milspace build` after `milspace intake` takes each stored file from the store.

    milspace intake [--dask tcp://scheduler:8786]

Without an address a local cluster of two worker processes is started on loopback. A worker needs the project
folder (the same path; a shared file system on several machines), milspace's code and libraries, and the Dagster
home every run records into. Values between the steps are small JSON files under data_marts/intake_runs/ (never
pickles); the checked rows travel through the store only.
"""

import json
import re
from pathlib import Path

import dagster as dg
from dagster_dask import dask_executor

from pipelines.intake.spread import check_into_store, intake_files, references
from pipelines.paths import Layout, default_root

INTAKE_JOB = "intake"


def _layout(root: str) -> Layout:
    return Layout(Path(root).resolve() if root else default_root())


class IntakeRoot(dg.ConfigurableResource):
    """The project root whose inbox the intake reads (empty: $MILSPACE_ROOT, else the repository)."""

    root: str = ""

    def layout(self) -> Layout:
        return _layout(self.root)


class JsonIOManager(dg.ConfigurableIOManager):
    """Step outputs as JSON files under data_marts/intake_runs/<run id>/, readable by any worker of the cluster."""

    root: str = ""

    def _path(self, context: dg.OutputContext) -> Path:
        parts = [re.sub(r"[^A-Za-z0-9_.-]", "_", p) for p in context.get_identifier()]
        return _layout(self.root).data_marts.joinpath("intake_runs", *parts).with_suffix(".json")

    def handle_output(self, context: dg.OutputContext, obj: object) -> None:
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj), encoding="utf-8")

    def load_input(self, context: dg.InputContext) -> object:
        upstream = context.upstream_output
        assert upstream is not None  # every input of this job comes from a step
        return json.loads(self._path(upstream).read_text(encoding="utf-8"))


def _check_op(number: int, path: str) -> dg.OpDefinition:
    """The step that reads and checks the file `path` into the intake store."""
    name = f"check_{number:04d}_" + re.sub(r"[^A-Za-z0-9_]", "_", Path(path).name)[:60]

    @dg.op(
        name=name,
        description=f"Read and check {Path(path).name} into the intake store (data_marts/intake/), by its content.",
        retry_policy=dg.RetryPolicy(max_retries=2),
        out=dg.Out(io_manager_key="intake_io"),
    )
    def _check(context: dg.OpExecutionContext, intake_root: IntakeRoot) -> dict:
        layout = intake_root.layout()
        found = check_into_store(layout, Path(path), references(layout), context.run_id)
        context.log.info(
            f"{found['file']}: {found['status']}, {found['lines']:,} lines, {found['rejected']:,} rejected"
        )
        return found

    return _check


def summary_of(layout: Layout, run_id: str) -> dict:
    """What the steps of the intake run `run_id` found (their outputs: files looked at, kept, budget lines kept, and
    the files not kept with the reason). Read from the steps' own JSON outputs, not from a step that gathers them:
    on the dask executor a step's list of inputs from other steps comes empty (each worker plans its one step
    without knowing which outputs the others wrote)."""
    found = []
    for path in sorted((layout.data_marts / "intake_runs" / run_id).glob("check_*/result.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    kept = [f for f in found if f["stored"]]
    left = [{"file": f["file"], "status": f["status"], "error": f["error"]} for f in found if not f["stored"]]
    return {"files": len(found), "stored": len(kept), "lines": sum(f["lines"] or 0 for f in kept), "not_stored": left}


def intake_job_for(files: list[str]) -> dg.JobDefinition:
    """The intake job for these files: one step per file (`summary_of` counts what they found). Dagster's dask
    executor runs the steps of a plan made before the run (a dynamic fan-out is left unrun), so the files are listed
    when the run is made, and each worker rebuilds the same job from the same list (`reconstructable_intake`)."""
    steps = [_check_op(number, path) for number, path in enumerate(files)]

    @dg.job(
        name=INTAKE_JOB,
        executor_def=dask_executor,
        resource_defs={"intake_root": IntakeRoot(), "intake_io": JsonIOManager()},
        description=(
            "Read and check every inbox file on the workers of a dask cluster, into the intake store; the next "
            "`milspace build` takes them from there (README, 'Running it for a team')."
        ),
    )
    def intake() -> None:
        for step in steps:
            step()

    return intake


def reconstructable_intake(layout: Layout):
    """The intake job of `layout`'s files as they are now, in a form each dask worker can rebuild."""
    files = [str(path) for path in intake_files(layout)]
    return dg.build_reconstructable_job(__name__, "intake_job_for", reconstructable_args=(files,))


def run_config(root: Path, address: str | None, workers: int = 2) -> dict:
    """The run configuration of one intake of `root` on the dask scheduler at `address` (None: a local cluster of
    `workers` processes on loopback)."""
    cluster = (
        {"existing": {"address": address}}
        if address
        else {"local": {"n_workers": workers, "threads_per_worker": 1, "dashboard_address": None}}
    )
    resources = {"intake_root": {"config": {"root": str(root)}}, "intake_io": {"config": {"root": str(root)}}}
    quiet = {"console": {"config": {"log_level": "WARNING"}}}  # each step's events are in the Dagster home
    return {"execution": {"config": {"cluster": cluster}}, "resources": resources, "loggers": quiet}
