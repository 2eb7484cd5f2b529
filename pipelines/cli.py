"""The `milspace` command: build the warehouse and report, query the warehouse, redraw the report.

    milspace intake [--dask ADDRESS]    read and check every inbox file on a dask cluster into the intake store
    milspace build [--full]             every asset in-process, a progress line per asset; nothing when nothing
                                        it reads has changed since the last build, and an unchanged streamed file's
                                        checked lines copied from it (--full: build anyway, reading every file)
    milspace sql "QUERY" [--format table|csv|json] [--raw]
    milspace report
    milspace inspect PATH [--output FILE.csv|FILE.parquet] [--raw]
    milspace fetch-docs [--timeout SECONDS] [--deadline SECONDS] [--max-mb MB]
    milspace dev [--port PORT] [--host HOST]   the Dagster UI and daemon on the persistent Dagster home

Exit codes: 0 success; 1 the build or query failed (the message says why; the published warehouse is
unchanged); 2 the command line was wrong; 3 another build of the same root is running; 130 interrupted (Ctrl-C or
SIGTERM; the published warehouse is unchanged).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.errors import MilspaceError, user_error_types
from pipelines.lock import BuildLocked
from pipelines.paths import Layout, default_root
from pipelines.stopping import STOP_WITHIN_SECONDS, signals_held, stop_within, terminate_as_interrupt

if TYPE_CHECKING:  # Dagster is imported when a build runs, not for `milspace sql`
    from dagster import AssetCheckEvaluation
    from dagster_shared.error import SerializableErrorInfo

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _layout(args: argparse.Namespace) -> Layout:
    return Layout(Path(args.root).resolve() if args.root else default_root())


# --- build -------------------------------------------------------------------------------------------------
#
# `build` holds the build lock and runs rounds: `_run` executes the Dagster job once and hands on a `RunOutcome`;
# `_report_summary` tells what a successful run published, `_report_failure` why a run failed; when the only failures
# are blocking checks whose rows name inbox files, those files are set aside and the next round builds without them.


@dataclass(frozen=True)
class StepFailure:
    """A failed step of a run, judged: a milspace error (its message is for the user), blocking checks that failed
    (told with the checks' rows), or anything else: a bug or the environment, told as an unexpected error with the
    traceback in a log file."""

    step: str  # the step key, as Dagster has it ("marts__space_share")
    error: SerializableErrorInfo  # as Dagster recorded it: the traceback of an unexpected error
    user_message: str | None  # the message of the milspace error behind the failure; None if there is none
    check_failed: bool  # the step failed because blocking checks it evaluated failed

    @property
    def where(self) -> str:
        return self.step.replace("__", "/")

    @property
    def unexpected_message(self) -> str:
        """The innermost error of the failure, for an unexpected error: its class name and message."""
        last = _error_chain(self.error)[-1]
        return f"{last.cls_name}: {last.message.strip()}"


@dataclass(frozen=True)
class RunOutcome:
    """What one run of the build job hands on to the step that tells the user about it."""

    run_id: str
    succeeded: bool
    seconds: float  # how long the run took, from resolving the job to its end
    started_at: float  # the wall-clock time it started: what it set aside is newer
    failures: tuple[StepFailure, ...]  # in the order the steps failed
    failed_checks: tuple[AssetCheckEvaluation, ...]  # every check that did not pass, blocking or warning
    published_before: tuple[int, int, int] | None  # the published warehouse before the run (see _published_state)
    published_after: tuple[int, int, int] | None

    @property
    def replaced_warehouse(self) -> bool:
        return self.published_after != self.published_before


def _error_chain(error) -> list:
    """A Dagster error and the errors behind it (each one's cause, else the error it was raised while handling)."""
    chain = []
    while error is not None:
        chain.append(error)
        error = error.cause or getattr(error, "context", None)
    return chain


def _user_error(exception: BaseException) -> MilspaceError | None:
    """The innermost milspace error behind an exception (itself, its cause, or the error it was raised while
    handling, and so on), if there is one."""
    found, seen = None, set()
    current: BaseException | None = exception
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, MilspaceError):
            found = current
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return found


def _recorded_user_message(error: SerializableErrorInfo) -> str | None:
    """The message of the innermost milspace error in a recorded Dagster error chain, for a failure whose exception
    the run did not keep: the recorded class names are looked up among the milspace error classes themselves."""
    user_errors = {cls.__name__: cls for cls in user_error_types()}
    found = None
    for item in _error_chain(error):
        if item.cls_name in user_errors:
            found = item
    if found is None:
        return None
    # Dagster records the message as Python prints an exception: "module.ClassName: message".
    message = found.message.strip()
    name, colon, rest = message.partition(": ")
    return rest if colon and name.rsplit(".", 1)[-1] == found.cls_name else message


def _judge(exception: BaseException) -> tuple[str | None, bool]:
    """(the user's message, whether blocking checks failed) for the exception a step failed with."""
    from dagster._core.errors import DagsterAssetCheckFailedError  # not exported by `dagster` itself

    user_error = _user_error(exception)
    message = str(user_error).strip() if user_error is not None else None
    return message, isinstance(exception, DagsterAssetCheckFailedError)


def _judge_record(error: SerializableErrorInfo) -> tuple[str | None, bool]:
    """As _judge, from what Dagster recorded of the exception."""
    from dagster._core.errors import DagsterAssetCheckFailedError

    return _recorded_user_message(error), error.cls_name == DagsterAssetCheckFailedError.__name__


def _judging_hook(judged: dict[str, tuple[str | None, bool]]):
    """A failure hook that judges the exception each failed step raised, while the run still has it (a run's events
    keep only its printed form). Only the judgement is kept: the exception would keep the step's frames alive."""
    import dagster as dg

    @dg.failure_hook(name="milspace_judge_failure")
    def judge(context: dg.HookContext) -> None:
        if context.op_exception is not None:
            judged[context.step_key] = _judge(context.op_exception)

    return judge


def _say_what_was_set_aside(layout: Layout, since: float, *, out) -> None:
    """Name what this build moved to data_marts/set_aside/ (a stale write-ahead log, a damaged warehouse), with
    the reason written beside it."""
    from pipelines.warehouse import SET_ASIDE_FOLDER

    folder = layout.data_marts / SET_ASIDE_FOLDER
    notes = sorted(folder.glob("*.reason.txt")) if folder.is_dir() else []
    for note in notes:
        if note.stat().st_mtime >= since:
            moved = layout.display(note.with_name(note.name.removesuffix(".reason.txt")))
            reason = note.read_text(encoding="utf-8").strip()
            print(f"  Set aside: {moved}: {reason}", file=out)


def _write_log(layout: Layout, run_id: str, *, text: str) -> Path:
    layout.logs.mkdir(parents=True, exist_ok=True)
    path = layout.logs / f"build-{run_id}.log"
    path.write_text(text, encoding="utf-8")
    return path


def _interruptions() -> set[str]:
    """The names of the errors Dagster records for a step stopped by Ctrl-C (or SIGTERM, which a build turns into
    the same)."""
    import dagster as dg

    return {cls.__name__ for cls in (dg.DagsterExecutionInterruptedError, KeyboardInterrupt)}


def _load_pipeline() -> None:
    """Import Dagster and milspace's definitions (a few seconds)."""
    import dagster  # noqa: F401

    import pipelines.definitions  # noqa: F401


def _published_state(layout: Layout) -> tuple[int, int, int] | None:
    """Which file is the published warehouse (device, inode, modification time), to tell whether a run replaced it."""
    try:
        info = layout.warehouse.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_mtime_ns


def interrupted(result) -> bool:
    """Whether a Dagster run was interrupted: a step or the run ended by Ctrl-C or SIGTERM. The interruption may be
    behind another error: DuckDB stops a query on Ctrl-C and raises RuntimeError("Query interrupted") while handling
    it, which Dagster records as the step's own failure (and goes on with the steps that do not depend on it)."""
    interruptions = _interruptions()
    for event in result.all_events:
        if event.is_step_failure or event.is_run_failure:
            chain = _error_chain(getattr(event.event_specific_data, "error", None))
            if any(error.cls_name in interruptions for error in chain):
                return True
    return False


#: How many times a build sets aside the inbox files that broke a blocking check and builds again without them.
SET_ASIDE_ROUNDS = 2


def build(layout: Layout, *, out=None, full: bool = False) -> int:
    """Run the whole pipeline in-process on `layout`; the exit code. When blocking checks fail and their rows name
    inbox files, those files are set aside and the build runs again without them (at most SET_ASIDE_ROUNDS times).
    When nothing the build reads has changed since the last successful build and what it published is in place
    (pipelines/fingerprint.py), nothing runs, unless `full`; a `full` build also reads every streamed file again
    instead of copying the checked lines of an unchanged one from the published warehouse (staging.streamed_files)."""
    out = out or sys.stdout
    from pipelines.fingerprint import inputs_fingerprint, unchanged_since
    from pipelines.lock import build_lock

    before = _published_state(layout)
    stacks = layout.logs / f"stopped-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}-pid{os.getpid()}.txt"

    def still_running() -> str:
        published = _published_state(layout) != before
        return (
            f"milspace build: still running {STOP_WITHIN_SECONDS:.0f} s after it was told to stop; ended now. "
            + (
                f"It had published {layout.warehouse}; run `milspace report` to redraw the report. "
                if published
                else "The published warehouse is unchanged. "
            )
            + f"Where it was waiting: {stacks}"
        )

    try:
        with (
            warnings.catch_warnings(),
            terminate_as_interrupt(),
            stop_within(STOP_WITHIN_SECONDS, stacks, still_running, EXIT_INTERRUPTED),
            build_lock(layout),
        ):
            # Dagster's preview and deprecation notices are for developers, not for the person running a build.
            warnings.simplefilter("ignore")
            checked = time.perf_counter()
            fingerprint = inputs_fingerprint(layout)
            last = None if full else unchanged_since(layout, fingerprint)
            if last is not None:
                return _say_unchanged(layout, last, time.perf_counter() - checked, out=out)
            with signals_held():  # imports (Dagster, Pandera, DuckDB): seconds not to be broken off half-way
                _check_settings()
                _load_pipeline()
            rounds_left = SET_ASIDE_ROUNDS
            while True:
                outcome = _run(layout, out=out, reuse=not full)
                if outcome.succeeded:
                    code = _report_summary(layout, outcome, out=out)
                    _record_build(layout, fingerprint, outcome, out=out)
                    return code
                code = _report_failure(layout, outcome, out=out)
                blamed = _blamed_inbox_files(outcome) if rounds_left else {}
                if not blamed:
                    return code
                _set_aside_blamed(layout, blamed, out=out)
                rounds_left -= 1
                fingerprint = inputs_fingerprint(layout)  # without the files set aside
    except KeyboardInterrupt:
        out.flush()
        if _published_state(layout) == before:
            print("milspace build: interrupted; the published warehouse is unchanged", file=sys.stderr)
        else:  # stopped after the warehouse step had renamed the new file into place
            print(
                f"milspace build: interrupted after this build had published {layout.warehouse}; the report in "
                f"{layout.reports} may be partly updated: run `milspace report` to redraw it",
                file=sys.stderr,
            )
        return EXIT_INTERRUPTED


def _say_shared(out) -> None:
    """Where the marts were also published, when a shared PostgreSQL warehouse is configured."""
    from pipelines.postgres import SETTING, shared_target, shown

    if (shared := shared_target()) is not None:
        print(f"  Shared:    {shown(shared)}, schema marts ({SETTING}; any PostgreSQL client)", file=out)


def _say_unchanged(layout: Layout, last, seconds: float, *, out) -> int:
    print(f"milspace build: {layout.root}", file=out)
    print(
        f"Nothing changed since the build finished {last.finished_at} (Dagster run {last.run_id}): the files under "
        "data_raw/, milspace's code and its settings are as that build read them, and the warehouse and report it "
        "published are in place.",
        file=out,
    )
    print(f"  Warehouse: {layout.warehouse}", file=out)
    print(f"  Report:    {layout.report_index}", file=out)
    _say_shared(out)
    print(f"Looked in {seconds:.1f} s and built nothing; `milspace build --full` builds anyway.", file=out)
    return EXIT_OK


def _record_build(layout: Layout, fingerprint: str, outcome: RunOutcome, *, out) -> None:
    """Record what a successful build read (pipelines/fingerprint.py), unless it left an inbox file for a later
    build (one still being copied in): the next build must read it."""
    from pipelines.fingerprint import forget_build, record_build
    from pipelines.warehouse import read_only

    with read_only(layout.warehouse) as con:
        left = con.execute("SELECT count(*) FROM marts.sources WHERE status = 'changed'").fetchone()[0]
    if left or not outcome.replaced_warehouse:
        forget_build(layout)
        return
    finished = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    try:
        record_build(layout, fingerprint, outcome.run_id, finished)
    except OSError as exc:  # the build is published; only the shortcut for the next one is lost
        forget_build(layout)
        print(
            f"  Note: could not record what this build read in {layout.last_build} ({exc.strerror or exc}); the "
            "next build runs in full.",
            file=out,
        )


def _check_settings() -> None:
    """Say a bad MILSPACE_DUCKDB_MEMORY or MILSPACE_MAX_FILE_MB once, before any step runs (a MilspaceError)."""
    from pipelines.sources.registry import max_file_megabytes
    from pipelines.warehouse import connect

    connect().close()
    max_file_megabytes()


def _run(layout: Layout, *, out, reuse: bool = True) -> RunOutcome:
    """Run the build job once, in-process, a progress line per step; what came of it. A failed run's working copy is
    discarded; a run stopped by Ctrl-C or SIGTERM is discarded too, and raises KeyboardInterrupt."""
    import dagster as dg

    from pipelines.definitions import BUILD_JOB, defs
    from pipelines.instance import open_instance
    from pipelines.progress import progress_logger
    from pipelines.warehouse import Warehouse

    started = time.perf_counter()
    job = defs.resolve_job_def(BUILD_JOB)
    steps = len(job.graph.node_defs)  # one step per asset and per asset check
    judged: dict[str, tuple[str | None, bool]] = {}
    job = job.with_logger_defs({"progress": progress_logger(steps, out)}).with_hooks({_judging_hook(judged)})
    print(f"milspace build: {layout.root}", file=out)
    before = _published_state(layout)
    started_at = time.time()
    # Recorded in the root's persistent Dagster home (pipelines/instance.py), so the UI shows every build.
    with open_instance(layout) as instance:
        result = job.execute_in_process(
            run_config={
                "loggers": {"progress": {}},
                "resources": {"milspace": {"config": {"root": str(layout.root), "fresh": True, "reuse": reuse}}},
            },
            instance=instance,
            raise_on_error=False,
            tags={"milspace/trigger": "cli"},
        )
    seconds = time.perf_counter() - started
    if interrupted(result):  # Ctrl-C or SIGTERM: Dagster stopped the run; nothing of it is kept
        Warehouse(layout).discard(result.run_id)
        raise KeyboardInterrupt
    if not result.success:
        Warehouse(layout).discard(result.run_id)
    failures, failed_checks = [], []
    for event in result.all_events:
        if event.is_step_failure:
            step, error = event.step_key or "", event.step_failure_data.error
            user_message, check_failed = judged.get(step) or _judge_record(error)
            failures.append(StepFailure(step, error, user_message, check_failed))
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            if not event.asset_check_evaluation_data.passed:
                failed_checks.append(event.asset_check_evaluation_data)
    return RunOutcome(
        run_id=result.run_id,
        succeeded=result.success,
        seconds=seconds,
        started_at=started_at,
        failures=tuple(failures),
        failed_checks=tuple(failed_checks),
        published_before=before,
        published_after=_published_state(layout),
    )


def _report_failure(layout: Layout, outcome: RunOutcome, *, out) -> int:
    """Tell why a run failed: each failed step (a milspace error in its own words; anything else as an unexpected
    error, its traceback in a log file), each check that did not pass, and what became of the published warehouse.
    The exit code."""
    print(f"\nBuild FAILED after {outcome.seconds:.1f} s.", file=out)
    for failure in outcome.failures:
        if failure.check_failed:
            continue  # told below, with the rows that break the check
        if failure.user_message is not None:
            print(f"  {failure.where}: {failure.user_message}", file=out)
        else:
            log = _write_log(layout, outcome.run_id, text=failure.error.to_string())
            print(f"  {failure.where}: unexpected error: {failure.unexpected_message}\n  Details: {log}", file=out)
    for check in outcome.failed_checks:
        print(
            f"  check {check.check_name} on {check.asset_key.to_user_string()} failed "
            f"({check.severity.value.lower()}): {check.metadata.get('violations').value} rows break it; "
            f"see sql/checks/{check.check_name}.sql",
            file=out,
        )
        _say_first_violations(check, out=out)
    _say_what_was_set_aside(layout, outcome.started_at, out=out)
    if not outcome.replaced_warehouse:
        print(f"  The published warehouse was not changed: {layout.warehouse}", file=out)
    else:  # the warehouse was replaced, then publishing the report failed
        print(
            f"  The warehouse was published ({layout.warehouse}), but the report in {layout.reports} was not "
            "fully updated: fix the cause above and run `milspace report` (or build again).",
            file=out,
        )
    return EXIT_FAILED


def _say_first_violations(check: AssetCheckEvaluation, *, out) -> None:
    """The first rows that break a check, as the check found them (its table metadata), indented, one per line."""
    import dagster as dg

    preview = check.metadata.get("first_violations")
    if not isinstance(preview, dg.TableMetadataValue):
        return
    names = [column.name for column in preview.schema.columns]
    cell = lambda value: "" if value is None else str(value)  # noqa: E731
    rows = [[cell(record.data.get(n)) for n in names] for record in preview.records]
    lines = [" | ".join(names), " | ".join("---" for _ in names), *(" | ".join(row) for row in rows)]
    print("\n".join(f"      | {line} |" for line in lines), file=out)


@dataclass(frozen=True)
class PublishedSummary:
    """What the published warehouse holds, as the build's summary tells it."""

    tables: int  # marts
    quarantined: int  # rows rejected by this build
    quarantined_files: int
    quarantined_earlier: int  # rows rejected by earlier builds only
    inbox: list[tuple]  # (path, status, detected_format, rows_loaded, error, set_aside_to, skipped) by path
    documents_loaded: int
    documents_rejected: int
    document_errors: list  # [path, error, set_aside_to] of each rejected document


def _published_summary(layout: Layout) -> PublishedSummary:
    from pipelines.warehouse import read_only

    with read_only(layout.warehouse) as con:
        quarantined, files, earlier = con.execute(
            "SELECT count(*) FILTER (WHERE is_current), count(DISTINCT file) FILTER (WHERE is_current), "
            "count(*) FILTER (WHERE NOT is_current) FROM marts.quarantine"
        ).fetchone()
        tables = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'").fetchone()[0]
        inbox = con.execute(
            "SELECT path, status, detected_format, rows_loaded, error, set_aside_to, skipped FROM marts.sources "
            "WHERE origin = 'inbox' AND coalesce(detected_format, '') NOT LIKE 'strategy document%' ORDER BY path"
        ).fetchall()
        loaded, rejected, errors = con.execute(
            "SELECT count(*) FILTER (WHERE status = 'loaded'), count(*) FILTER (WHERE status <> 'loaded'), "
            "list([path, error, set_aside_to] ORDER BY path) FILTER (WHERE status <> 'loaded') "
            "FROM marts.sources WHERE detected_format LIKE 'strategy document%'"
        ).fetchone()
    return PublishedSummary(
        tables=tables,
        quarantined=quarantined,
        quarantined_files=files,
        quarantined_earlier=earlier,
        inbox=inbox,
        documents_loaded=loaded,
        documents_rejected=rejected,
        document_errors=errors or [],
    )


def _report_summary(layout: Layout, outcome: RunOutcome, *, out) -> int:
    """Tell what a successful run published: where the warehouse and report are, what was quarantined, which inbox
    files and documents were read and which not (and where they went), and the checks that warn. The exit code."""
    summary = _published_summary(layout)
    print(f"\nBuilt in {outcome.seconds:.1f} s.", file=out)
    _say_what_was_set_aside(layout, outcome.started_at, out=out)
    print(
        f"  Warehouse: {layout.warehouse} ({summary.tables} marts; query with `make sql` or `milspace sql`)", file=out
    )
    print(f"  Report:    {layout.report_index}", file=out)
    _say_shared(out)
    if summary.quarantined:
        print(
            f"  Quarantined: {summary.quarantined} rejected rows from {summary.quarantined_files} file(s), not "
            'loaded. See them with:\n    milspace sql "select * from marts.quarantine where is_current"',
            file=out,
        )
    else:
        print("  Quarantined: none (every input row met its contract)", file=out)
    if summary.quarantined_earlier:
        print(
            f"  Quarantine history: {summary.quarantined_earlier} rows rejected by earlier builds only "
            "(is_current = false)",
            file=out,
        )
    if summary.inbox:
        _say_inbox(summary.inbox, out=out)
    if summary.documents_loaded or summary.documents_rejected:
        print(
            f"  Strategy documents: {summary.documents_loaded} read and scored or flagged (marts.strategy_documents), "
            f"{summary.documents_rejected} rejected",
            file=out,
        )
        for _, error, moved in summary.document_errors:
            print(f"    not read: {error}", file=out)
            _say_where_it_went(moved, out)
    for check in outcome.failed_checks:
        violations = check.metadata.get("violations")
        count = f": {violations.value} rows" if violations is not None else ""
        print(
            f"  Warning: check {check.check_name} on {check.asset_key.to_user_string()} did not pass{count} "
            f"(sql/checks/{check.check_name}.sql)",
            file=out,
        )
        _say_first_violations(check, out=out)
    return EXIT_OK


#: Statuses of an inbox file that was read, and how the others are introduced in the build's output.
READ = ("loaded", "companion")
NOT_READ = {"unreadable": "not read", "changed": "left for the next build", "skipped": "not read"}


def _say_inbox(inbox: list[tuple], *, out) -> None:
    """The inbox files: how many were read, each one not read (and why, and where it went), what readers left out."""
    not_read = [(status, error, moved) for _, status, _, _, error, moved, _ in inbox if status not in READ]
    lines = sum(row[3] for row in inbox if row[1] == "loaded")
    print(
        f"  Inbox: {len(inbox) - len(not_read)} of {len(inbox)} file(s) read, {lines:,} budget lines "
        "(marts.budget_lines; files in marts.sources)",
        file=out,
    )
    for status, error, moved in not_read:
        print(f"    {NOT_READ[status]}: {error}", file=out)
        _say_where_it_went(moved, out)
    left_out = [(path, skipped) for path, _, _, _, _, _, skipped in inbox if skipped]
    if left_out:
        print(
            f"  Left out by their readers (every sheet and column, with the reason, in marts.sources.skipped): "
            f"{sum(len(items) for _, items in left_out)} in {len(left_out)} file(s)",
            file=out,
        )
        for path, items in left_out:
            more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
            print(f"    {path}: {items[0]}{more}", file=out)


def _say_where_it_went(moved: str | None, out) -> None:
    """Name the place an unreadable inbox file was moved to, if it was."""
    if moved:
        print(f"      moved to {moved} (the reason is in {moved}.reason.txt)", file=out)


def _blamed_inbox_files(outcome: RunOutcome) -> dict[str, list[str]]:
    """The inbox files named by the rows of failed blocking checks, with those checks, when the only failures of
    the run are blocking checks (any other failure is not an inbox file's doing: nothing is blamed)."""
    import dagster as dg

    from pipelines.assets.checks import INBOX_FILES

    if not all(failure.check_failed for failure in outcome.failures):
        return {}
    blamed: dict[str, list[str]] = {}
    for check in outcome.failed_checks:
        if check.severity != dg.AssetCheckSeverity.ERROR:
            continue
        named = check.metadata.get(INBOX_FILES)
        for file in named.value if named is not None else []:
            blamed.setdefault(file, []).append(check.check_name)
    return blamed


def _set_aside_blamed(layout: Layout, blamed: dict[str, list[str]], *, out) -> None:
    from pipelines.intake.inbox import set_aside

    for file, checks in sorted(blamed.items()):
        reason = (
            f"with its figures the blocking check(s) {', '.join(checks)} failed (see sql/checks/), so nothing could "
            "be published; the build set it aside and published without it"
        )
        moved = set_aside(layout, file, reason=reason, run_id="(set aside after a failed check)")
        where = f"moved to {moved}" if moved else "it could not be moved aside"
        print(f"  {file} broke the blocking check(s) {', '.join(checks)}: {where}.", file=out)
    print("  Building again without it.\n", file=out)


# --- inspect -------------------------------------------------------------------------------------------------


def inspect(layout: Layout, path: Path, *, output: Path | None = None, raw: bool = False, out=None) -> int:
    """Detect, read and check one published file; print what was found; optionally write the tidy lines (to CSV
    with spreadsheet formulas defused, unless `raw`)."""
    import dataclasses

    import polars as pl

    from pipelines.csv_safety import safe_for_spreadsheets
    from pipelines.intake.inbox import LineStream, check_file
    from pipelines.nations import NationNames

    out = out or sys.stdout
    if output is not None and output.suffix.lower() not in (".csv", ".parquet"):
        raise MilspaceError(f"--output must end in .csv or .parquet, not {output.name!r}")
    names = NationNames.from_csv(layout.reference / "nation_names.csv")
    codes = pl.read_csv(layout.reference / "nations.csv", infer_schema=False).get_column("code").to_list()
    shown = layout.display(path)
    checked = check_file(path, shown, names, codes)
    if checked.status == "document":
        if output is not None:
            raise MilspaceError(f"{shown} is a strategy document, not a budget file: it has no budget lines to write")
        return _inspect_document(layout, path, shown=shown, names=names, out=out)
    if checked.streamed:  # a format the pipeline reads in batches: here, read it all to describe it
        stream = LineStream(checked, path, codes)
        parts = list(stream)
        checked = stream.checked()
        checked = dataclasses.replace(checked, lines=pl.concat(parts) if parts else checked.lines)
    if checked.status != "loaded":
        raise MilspaceError(checked.error)
    lines = checked.lines
    print(f"{shown}", file=out)
    print(f"  detected:  {checked.source_format} ({checked.source})", file=out)
    print(f"  edition:   {checked.edition}", file=out)
    print(f"  sha256:    {checked.sha256} ({checked.bytes:,} bytes)", file=out)
    print(f"  lines:     {lines.height:,} loaded; {checked.rows_rejected:,} source rows rejected", file=out)
    if lines.height:
        summary = (
            lines.group_by("measure")
            .agg(
                pl.col("unit").unique().sort().alias("units"),
                pl.len().alias("lines"),
                pl.col("period").min().alias("first"),
                pl.col("period").max().alias("last"),
                pl.col("entity_code").n_unique().alias("entities"),
                pl.col("value").is_null().sum().alias("missing"),
            )
            .sort("measure")
        )
        print("\n  by measure:", file=out)
        rows = [
            (m, u[0] if len(u) == 1 else f"{len(u)} units, e.g. {u[0]}", n, f"{a}-{b}", e, x)
            for m, u, n, a, b, e, x in summary.iter_rows()
        ]
        _indented_table(["measure", "unit", "lines", "years", "entities", "missing"], rows, out=out)
    recs = checked.reconciliations
    if recs.height:
        failed = recs.filter(~pl.col("passed"))
        print(
            f"\n  reconciliations: {recs.height:,} stated totals, {recs.height - failed.height:,} reconcile", file=out
        )
        if failed.height:
            _indented_table(
                ["sheet", "row", "check", "stated", "computed"],
                failed.select("sheet", "row", "check", "stated", "computed").head(20).rows(),
                out=out,
            )
    if checked.rejected.height:
        print(f"\n  rejected ({checked.rejected.height:,} rules broken; first 20):", file=out)
        _indented_table(
            ["sheet", "row", "column", "rule", "value"],
            checked.rejected.select("sheet", "row", "column", "rule", "value").head(20).rows(),
            out=out,
        )
    for note in checked.notes:
        print(f"  note: {note}", file=out)
    if output is not None:
        if output.suffix.lower() == ".csv":
            (lines if raw else safe_for_spreadsheets(lines)).write_csv(output)
        else:
            lines.write_parquet(output)
        print(f"\n  wrote {lines.height:,} lines to {output}", file=out)
    return EXIT_OK


def _inspect_document(layout: Layout, path: Path, *, shown: str, names, out) -> int:
    """What the build would make of a strategy document: its text, register entry, language and size."""
    from pipelines.text.extract import extract
    from pipelines.text.register import match_register

    document = extract(path, shown)
    with (layout.starter / "strategy_documents.csv").open(encoding="utf-8", newline="") as handle:
        register = list(csv.DictReader(handle))
    match = match_register(
        path.stem, document.title, date=document.date, register=register, names=names, text=document.text
    )
    print(f"{shown}", file=out)
    print(
        f"  detected:  a strategy document ({document.format}), read by the build into marts.strategy_documents",
        file=out,
    )
    print(f"  title:     {document.title or '(none found)'}", file=out)
    print(f"  date:      {document.date or '(none found)'}", file=out)
    registered = f"{match.doc_id} (matched by {match.method})" if match.doc_id else "not in the strategy register"
    print(
        f"  register:  {registered}; nation {match.nation_code or 'unknown'}, year {match.year or 'unknown'}", file=out
    )
    scored = "scored with the lexicon" if document.is_english else "not scored (the lexicon is English)"
    print(f"  language:  {document.language}: {scored}", file=out)
    pages = f"{document.pages} pages, " if document.pages else ""
    words = len(document.text.split())
    print(f"  text:      {pages}{len(document.paragraphs):,} paragraphs, {words:,} words", file=out)
    for note in document.notes:
        print(f"  note: {note}", file=out)
    return EXIT_OK


def _indented_table(columns: list[str], rows: list[tuple], *, out) -> None:
    import io

    buffer = io.StringIO()
    print_table(columns, rows, out=buffer)
    for line in buffer.getvalue().splitlines()[:-1]:
        print("    " + line, file=out)


# --- fetch-docs ------------------------------------------------------------------------------------------------


def fetch_docs(layout: Layout, *, timeout: float, max_megabytes: float, deadline: float = 300.0, out=None) -> int:
    """Download the register's documents into data_raw/strategies/; exit 1 if any could not be fetched."""
    from pipelines.text.fetch import fetch_documents

    out = out or sys.stdout
    register = layout.starter / "strategy_documents.csv"
    try:
        with register.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise MilspaceError(f"Cannot read the strategy register {register}: {exc.strerror}") from None
    results = fetch_documents(
        rows,
        layout.strategies,
        timeout=timeout,
        deadline=deadline,
        max_bytes=int(max_megabytes * 1024 * 1024),
        progress=lambda line: print(line, file=out, flush=True),
    )
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"fetch-docs: {summary}; documents are in {layout.strategies} (read by the next build)", file=out)
    return EXIT_FAILED if counts.get("failed") else EXIT_OK


# --- sql -----------------------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def print_table(columns: list[str], rows: list[tuple], *, out) -> None:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row[i], (int, float)) or row[i] is None for row in rows) for i in range(len(columns))]

    def fmt(values):
        return "  ".join(
            v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)
        ).rstrip()

    print(fmt(columns), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in cells:
        print(fmt(row), file=out)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=out)


def _refusal(error) -> str | None:
    """What a query was refused, when DuckDB refused it for going beyond reading the warehouse; else None."""
    import duckdb

    text = str(error)
    if isinstance(error, duckdb.PermissionException):
        return (
            "the query reads or writes outside the warehouse (COPY, read_csv and other file readers, ATTACH, EXPORT, "
            "INSTALL and LOAD are off): `milspace sql` reads only the published warehouse. To keep a result, "
            f'redirect it: milspace sql "..." --format csv > FILE.csv. (DuckDB: {text})'
        )
    if "the configuration has been locked" in text:
        return f"settings cannot be changed in `milspace sql` (DuckDB: {text})"
    if "attached in read-only mode" in text:
        return f"the warehouse is read-only: only the build writes it (DuckDB: {text})"
    return None


def sql(layout: Layout, query: str, *, fmt: str = "table", raw: bool = False, out=None) -> int:
    """Run a query on the published warehouse, in a session that can read nothing else and write nothing, and print
    the result (as CSV with spreadsheet formulas defused, unless `raw`)."""
    out = out or sys.stdout
    import duckdb

    from pipelines.csv_safety import safe_cell
    from pipelines.warehouse import read_only

    with read_only(layout.warehouse, analyst=True) as con:
        try:
            cursor = con.execute(query)
        except duckdb.Error as exc:
            refused = _refusal(exc)
            raise MilspaceError(f"refused: {refused}" if refused else f"SQL error: {exc}") from None
        if cursor.description is None:
            return EXIT_OK
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    if fmt == "csv":

        def cell(value) -> str:  # text defused unless --raw; numbers and dates as they are; NULL empty
            if value is None:
                return ""
            if isinstance(value, str):
                return value if raw else safe_cell(value)
            return _cell(value)

        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([cell(c) for c in columns])
        writer.writerows([[cell(v) for v in row] for row in rows])
    elif fmt == "json":
        json.dump([dict(zip(columns, row, strict=True)) for row in rows], out, default=_json_default, indent=2)
        out.write("\n")
    else:
        print_table(columns, rows, out=out)
    return EXIT_OK


#: The DuckDB shell's arguments: the warehouse read-only, in DuckDB's safe mode (external access off, settings locked,
#: and the dot commands that touch files refused: .output, .once, .read, .import, .open, .shell, .system, .cd,
#: .log, .excel). Safe mode is turned on by `-cmd .safe_mode`, after the database is opened: the `-safe` flag of
#: the pinned shell's launcher fails before it starts (its own first -cmd sets a setting, which safe mode locks).
SHELL_ARGUMENTS = ("-readonly", "-cmd", ".safe_mode")


def shell(layout: Layout) -> int:
    """Replace this process with the DuckDB shell (the version pinned with the library), read-only, in safe mode."""
    duckdb_shell = Path(sys.executable).parent / "duckdb"
    if not duckdb_shell.exists():
        raise MilspaceError(f"The DuckDB shell is not installed beside {sys.executable}: run `make build` first.")
    if not layout.warehouse.exists():
        raise MilspaceError(f"No warehouse at {layout.warehouse}: run `make build` (or `milspace build`) first.")
    os.execv(duckdb_shell, [str(duckdb_shell), *SHELL_ARGUMENTS, str(layout.warehouse)])
    return EXIT_OK  # not reached


# --- dev -----------------------------------------------------------------------------------------------------

#: The port of the Dagster UI `milspace dev` (and `make dev`) starts; $DAGSTER_PORT or --port changes it.
DEFAULT_PORT = 3000


def dev_command(layout: Layout, port: int, host: str) -> tuple[list[str], dict[str, str]]:
    """The `dg dev` command line and environment that show `layout`'s persistent Dagster home: the UI, the daemon
    (the weekly schedule and the inbox sensor) and the code location `milspace` (pyproject.toml's [tool.dg])."""
    from pipelines.instance import dagster_home, prepare_home
    from pipelines.paths import REPO_ROOT

    if not (REPO_ROOT / "pyproject.toml").exists():
        raise MilspaceError(
            "`milspace dev` runs `dg dev` in the project's checkout (it reads pyproject.toml's [tool.dg]); this "
            f"installation at {REPO_ROOT} has none: run it from a clone of the repository (`make dev`)."
        )
    home = prepare_home(dagster_home(layout))
    env = {**os.environ, "DAGSTER_HOME": str(home), "MILSPACE_ROOT": str(layout.root), "VIRTUAL_ENV": sys.prefix}
    program = Path(sys.executable).with_name("dg")
    return [str(program), "dev", "--host", host, "--port", str(port)], env


def dev(layout: Layout, *, port: int | None, host: str, out=None) -> int:
    """Start the Dagster UI and daemon on the root's persistent Dagster home (replaces this process)."""
    from pipelines.paths import REPO_ROOT

    out = out or sys.stdout
    if port is None:
        text = os.environ.get("DAGSTER_PORT", "").strip() or str(DEFAULT_PORT)
        if not text.isdigit() or not 0 < int(text) < 65536:
            raise MilspaceError(f"DAGSTER_PORT={text!r} is not a port number (1-65535): set it to one such as 3000")
        port = int(text)
    command, env = dev_command(layout, port, host)
    print(
        f"milspace dev: the Dagster UI on http://{host}:{port} (code location milspace), Dagster home "
        f"{env['DAGSTER_HOME']}, root {layout.root}",
        file=out,
        flush=True,
    )
    os.chdir(REPO_ROOT)
    os.execve(command[0], command, env)
    return EXIT_OK  # not reached


# --- report --------------------------------------------------------------------------------------------------


def report(layout: Layout, *, out=None) -> int:
    out = out or sys.stdout
    from pipelines.report.build import render_site

    result = render_site(layout)
    print(
        f"Report: {layout.report_index} ({result.pages} pages, {result.charts} charts, "
        f"{result.bytes / 1e6:.1f} MB, opens offline)",
        file=out,
    )
    return EXIT_OK


@contextmanager
def _setting(name: str, value: str) -> Iterator[None]:
    """The environment variable `name` set to `value` while the block runs (then as it was)."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def intake(layout: Layout, *, address: str | None = None, out=None) -> int:
    """Run the intake job (pipelines/assets/intake.py) on the dask cluster at `address` (None: a local one); the
    exit code. Recorded in the root's Dagster home, as builds are."""
    out = out or sys.stdout
    import dagster as dg

    from pipelines.assets import intake as job
    from pipelines.instance import dagster_home, open_instance

    started = time.perf_counter()
    where = address or "a local dask cluster of two worker processes"
    print(f"milspace intake: {layout.root}, on {where}", file=out, flush=True)
    # The workers record into the same Dagster home; those of a local cluster are started from this process.
    with (
        warnings.catch_warnings(),
        _setting("DAGSTER_HOME", str(dagster_home(layout))),
        open_instance(layout) as instance,
    ):
        warnings.simplefilter("ignore")
        with dg.execute_job(
            job.reconstructable_intake(layout),
            instance=instance,
            run_config=job.run_config(layout.root, address),
            tags={"milspace/trigger": "cli"},
            raise_on_error=False,
        ) as result:
            succeeded = result.success
            failed = [str(e.step_key) for e in result.all_events if e.is_step_failure]
            run_id = result.run_id
        seconds = time.perf_counter() - started
        if not succeeded:
            print(
                f"Intake FAILED after {seconds:.1f} s (Dagster run {run_id}; failed steps: "
                f"{', '.join(failed) or 'none, the run itself'}). Nothing is lost: what was checked is in the intake "
                "store, and `milspace build` reads the rest itself.",
                file=out,
            )
            return EXIT_FAILED
    from pipelines.intake.store import store_dir

    summary = job.summary_of(layout, run_id)
    print(
        f"Checked {summary['files']} files in {seconds:.1f} s (Dagster run {run_id}): {summary['stored']} kept in "
        f"the intake store ({layout.display(store_dir(layout))}) with {summary['lines']:,} budget lines. `milspace "
        "build` takes them from there.",
        file=out,
    )
    for left in summary["not_stored"]:  # the build reads these itself, and records why in marts.sources
        if left["error"]:  # not a strategy document or a companion file, which are read with the build
            print(f"  Not kept: {left['file']} ({left['status']}): {left['error']}", file=out)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="milspace", description="Military and space budget analytics.")
    top.add_argument("--root", help="project root (default: $MILSPACE_ROOT, else the repository)")
    commands = top.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="read, check and load every input; publish the warehouse; draw the report")
    make.add_argument(
        "--full",
        action="store_true",
        help="build even when nothing under data_raw/, in milspace's code or in its settings has changed since the "
        "last build (by default such a build does nothing and says so), and read every file again (by default the "
        "checked lines of an unchanged milspace budget-lines file are copied from the published warehouse)",
    )
    query = commands.add_parser(
        "sql", help="run a read-only SQL query on the published warehouse (no query: an interactive shell)"
    )
    query.add_argument(
        "query",
        nargs="?",
        help='for example: "select * from marts.space_share"; omitted: the query is read from standard input, '
        "or, at a terminal, the DuckDB shell opens read-only on the warehouse",
    )
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.add_argument(
        "--raw",
        action="store_true",
        help="CSV: write text cells as they are (by default a cell a spreadsheet would run as a formula, such as "
        "=HYPERLINK(...), gets a leading apostrophe); for programs, not spreadsheets",
    )
    commands.add_parser("report", help="redraw reports/index.html from the published warehouse")
    ui = commands.add_parser(
        "dev", help="start the Dagster UI and daemon (`dg dev`) on the root's persistent Dagster home"
    )
    ui.add_argument("--port", type=int, help=f"the UI's port (default: $DAGSTER_PORT, else {DEFAULT_PORT})")
    ui.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    fetch = commands.add_parser(
        "fetch-docs", help="download the strategy register's documents into data_raw/strategies/ (resumable)"
    )
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds to wait to connect or read (default 30)")
    fetch.add_argument(
        "--deadline", type=float, default=300.0, help="most seconds one document may take in all (default 300)"
    )
    fetch.add_argument("--max-mb", type=float, default=50.0, help="largest document to download, MB (default 50)")
    spread = commands.add_parser(
        "intake",
        help="read and check every inbox file on the workers of a dask cluster into the intake store, which the next "
        "build takes them from (README, 'Running it for a team')",
    )
    spread.add_argument(
        "--dask", metavar="ADDRESS", help="the dask scheduler, tcp://host:8786 (default: two local worker processes)"
    )
    look = commands.add_parser("inspect", help="detect, read and check one published file (SIPRI, NATO, DoD ...)")
    look.add_argument("path", type=Path, help="the file to read")
    look.add_argument("--output", type=Path, help="write the tidy budget lines to FILE.csv or FILE.parquet")
    look.add_argument(
        "--raw",
        action="store_true",
        help="FILE.csv: write text cells as they are (by default a cell a spreadsheet would run as a formula gets a "
        "leading apostrophe); for programs, and for an extract to read back byte for byte",
    )
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    layout = _layout(args)
    try:
        if args.command == "build":
            return build(layout, full=args.full)
        if args.command == "sql":
            if args.query is None and sys.stdin.isatty():
                return shell(layout)
            query = args.query if args.query is not None else sys.stdin.read()
            return sql(layout, query, fmt=args.format, raw=args.raw)
        if args.command == "inspect":
            return inspect(layout, args.path, output=args.output, raw=args.raw)
        if args.command == "dev":
            return dev(layout, port=args.port, host=args.host)
        if args.command == "intake":
            return intake(layout, address=args.dask)
        if args.command == "fetch-docs":
            return fetch_docs(layout, timeout=args.timeout, max_megabytes=args.max_mb, deadline=args.deadline)
        return report(layout)
    except BuildLocked as exc:  # its own code, so a scheduler can tell "try later" from "broken"
        print(f"milspace {args.command}: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except MilspaceError as exc:
        print(f"milspace {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`milspace sql ... | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"milspace {args.command}: interrupted; the published warehouse is unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
