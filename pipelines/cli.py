"""The `milspace` command: build the warehouse and report, query the warehouse, redraw the report.

    milspace build                      every asset in-process, a progress line per asset
    milspace sql "QUERY" [--format table|csv|json] [--raw]
    milspace report
    milspace inspect PATH [--output FILE.csv|FILE.parquet] [--raw]
    milspace fetch-docs [--timeout SECONDS] [--deadline SECONDS] [--max-mb MB]

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
import signal
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import MilspaceError, expected_error_names
from pipelines.lock import BuildLocked
from pipelines.paths import Layout, default_root

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _layout(args: argparse.Namespace) -> Layout:
    return Layout(Path(args.root).resolve() if args.root else default_root())


# --- build -------------------------------------------------------------------------------------------------


def _error_chain(error) -> list:
    """A Dagster error and the errors behind it (each one's cause, else the error it was raised while handling)."""
    chain = []
    while error is not None:
        chain.append(error)
        error = error.cause or getattr(error, "context", None)
    return chain


def _user_message(error) -> tuple[str, bool]:
    """The innermost milspace error in a Dagster error chain, as (message, is_expected)."""
    chain = _error_chain(error)
    for item in reversed(chain):
        if item.cls_name in expected_error_names():
            message = item.message.strip()
            return message.split(": ", 1)[1] if message.startswith("pipelines.errors.") else message, True
    last = chain[-1]
    return f"{last.cls_name}: {last.message.strip()}", False


def _say_what_was_set_aside(layout: Layout, since: float, out) -> None:
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


def _write_log(layout: Layout, run_id: str, text: str) -> Path:
    layout.logs.mkdir(parents=True, exist_ok=True)
    path = layout.logs / f"build-{run_id}.log"
    path.write_text(text, encoding="utf-8")
    return path


#: Errors Dagster records for a step stopped by Ctrl-C (or SIGTERM, which a build turns into the same).
INTERRUPTIONS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt")


@contextmanager
def _terminate_as_interrupt():
    """SIGTERM (a service manager stopping the build, `kill PID`) takes the road of Ctrl-C: KeyboardInterrupt, which
    Dagster turns into an interrupted step, and the run's working copy is discarded as a failed run's is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    for event in result.all_events:
        if event.is_step_failure or event.is_run_failure:
            chain = _error_chain(getattr(event.event_specific_data, "error", None))
            if any(error.cls_name in INTERRUPTIONS for error in chain):
                return True
    return False


def build(layout: Layout, *, out=None) -> int:
    """Run the whole pipeline in-process on `layout`; the exit code."""
    out = out or sys.stdout
    from pipelines.lock import build_lock

    before = _published_state(layout)
    try:
        with warnings.catch_warnings(), _terminate_as_interrupt(), build_lock(layout):
            # Dagster's preview and deprecation notices are for developers, not for the person running a build.
            warnings.simplefilter("ignore")
            for attempt in range(SET_ASIDE_ROUNDS + 1):
                code, blamed = _build(layout, out, may_retry=attempt < SET_ASIDE_ROUNDS)
                if not blamed:
                    return code
                _set_aside_blamed(layout, blamed, out)
            return code  # not reached: the last attempt never blames
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


#: How many times a build sets aside the inbox files that broke a blocking check and builds again without them.
SET_ASIDE_ROUNDS = 2


def _set_aside_blamed(layout: Layout, blamed: dict[str, list[str]], out) -> None:
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


def _build(layout: Layout, out, *, may_retry: bool = False) -> tuple[int, dict[str, list[str]]]:
    import dagster as dg

    from pipelines.definitions import BUILD_JOB, defs
    from pipelines.progress import progress_logger
    from pipelines.sources.registry import max_file_megabytes
    from pipelines.warehouse import Warehouse, connect, read_only

    connect().close()  # a bad MILSPACE_DUCKDB_MEMORY is said once, before any step runs
    max_file_megabytes()  # and a bad MILSPACE_MAX_FILE_MB
    started = time.perf_counter()
    job = defs.resolve_job_def(BUILD_JOB)
    steps = len(job.graph.node_defs)  # one step per asset and per asset check
    job = job.with_logger_defs({"progress": progress_logger(steps, out)})
    print(f"milspace build: {layout.root}", file=out)
    before = _published_state(layout)
    started_at = time.time()
    result = job.execute_in_process(
        run_config={
            "loggers": {"progress": {}},
            "resources": {"milspace": {"config": {"root": str(layout.root), "fresh": True}}},
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    seconds = time.perf_counter() - started
    if interrupted(result):  # Ctrl-C or SIGTERM: Dagster stopped the run; nothing of it is kept
        Warehouse(layout).discard(result.run_id)
        raise KeyboardInterrupt
    failed_checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    if not result.success:
        Warehouse(layout).discard(result.run_id)
        print(f"\nBuild FAILED after {seconds:.1f} s.", file=out)
        blamed = _blamed_inbox_files(result, failed_checks) if may_retry else {}
        for event in result.all_events:
            if event.is_step_failure:
                if event.event_specific_data.error.cls_name == "DagsterAssetCheckFailedError":
                    continue  # told below, with the rows that break the check
                message, expected = _user_message(event.event_specific_data.error)
                where = event.step_key.replace("__", "/")
                if expected:
                    print(f"  {where}: {message}", file=out)
                else:
                    log = _write_log(layout, result.run_id, event.event_specific_data.error.to_string())
                    print(f"  {where}: unexpected error: {message}\n  Details: {log}", file=out)
        for check in failed_checks:
            print(
                f"  check {check.check_name} on {check.asset_key.to_user_string()} failed "
                f"({check.severity.value.lower()}): {check.metadata.get('violations').value} rows break it; "
                f"see sql/checks/{check.check_name}.sql",
                file=out,
            )
            preview = check.metadata.get("first_violations")
            if preview is not None and preview.value != "none":
                print("\n".join("      " + line for line in str(preview.value).splitlines()), file=out)
        _say_what_was_set_aside(layout, started_at, out)
        if _published_state(layout) == before:
            print(f"  The published warehouse was not changed: {layout.warehouse}", file=out)
        else:  # the warehouse was replaced, then publishing the report failed
            print(
                f"  The warehouse was published ({layout.warehouse}), but the report in {layout.reports} was not "
                "fully updated: fix the cause above and run `milspace report` (or build again).",
                file=out,
            )
        return EXIT_FAILED, blamed

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
        documents = con.execute(
            "SELECT count(*) FILTER (WHERE status = 'loaded'), count(*) FILTER (WHERE status <> 'loaded'), "
            "list([path, error, set_aside_to] ORDER BY path) FILTER (WHERE status <> 'loaded') "
            "FROM marts.sources WHERE detected_format LIKE 'strategy document%'"
        ).fetchone()
    print(f"\nBuilt in {seconds:.1f} s.", file=out)
    _say_what_was_set_aside(layout, started_at, out)
    print(f"  Warehouse: {layout.warehouse} ({tables} marts; query with `make sql` or `milspace sql`)", file=out)
    print(f"  Report:    {layout.report_index}", file=out)
    if quarantined:
        print(
            f"  Quarantined: {quarantined} rejected rows from {files} file(s), not loaded. See them with:\n"
            f'    milspace sql "select * from marts.quarantine where is_current"',
            file=out,
        )
    else:
        print("  Quarantined: none (every input row met its contract)", file=out)
    if earlier:
        print(f"  Quarantine history: {earlier} rows rejected by earlier builds only (is_current = false)", file=out)
    if inbox:
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
    loaded_documents, rejected_documents, document_errors = documents
    if loaded_documents or rejected_documents:
        print(
            f"  Strategy documents: {loaded_documents} read and scored or flagged (marts.strategy_documents), "
            f"{rejected_documents} rejected",
            file=out,
        )
        for _, error, moved in document_errors or []:
            print(f"    not read: {error}", file=out)
            _say_where_it_went(moved, out)
    for check in failed_checks:
        violations = check.metadata.get("violations")
        count = f": {violations.value} rows" if violations is not None else ""
        print(
            f"  Warning: check {check.check_name} on {check.asset_key.to_user_string()} did not pass{count} "
            f"(sql/checks/{check.check_name}.sql)",
            file=out,
        )
        preview = check.metadata.get("first_violations")
        if preview is not None and preview.value != "none":
            print("\n".join("      " + line for line in str(preview.value).splitlines()), file=out)
    return EXIT_OK, {}


def _blamed_inbox_files(result, failed_checks) -> dict[str, list[str]]:
    """The inbox files named by the rows of failed blocking checks, with those checks, when the only failures of
    the run are blocking checks (any other failure is not an inbox file's doing: nothing is blamed)."""
    import dagster as dg

    from pipelines.assets.checks import INBOX_FILES

    for event in result.all_events:
        if event.is_step_failure and event.event_specific_data.error.cls_name != "DagsterAssetCheckFailedError":
            return {}
    blamed: dict[str, list[str]] = {}
    for check in failed_checks:
        if check.severity != dg.AssetCheckSeverity.ERROR:
            continue
        named = check.metadata.get(INBOX_FILES)
        for file in named.value if named is not None else []:
            blamed.setdefault(file, []).append(check.check_name)
    return blamed


#: Statuses of an inbox file that was read, and how the others are introduced in the build's output.
READ = ("loaded", "companion")
NOT_READ = {"unreadable": "not read", "changed": "left for the next build", "skipped": "not read"}


def _say_where_it_went(moved: str | None, out) -> None:
    """Name the place an unreadable inbox file was moved to, if it was."""
    if moved:
        print(f"      moved to {moved} (the reason is in {moved}.reason.txt)", file=out)


# --- inspect -------------------------------------------------------------------------------------------------


def inspect(layout: Layout, path: Path, output: Path | None = None, *, raw: bool = False, out=None) -> int:
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
        return _inspect_document(layout, path, shown, names, out)
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
        _indented_table(["measure", "unit", "lines", "years", "entities", "missing"], rows, out)
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
                out,
            )
    if checked.rejected.height:
        print(f"\n  rejected ({checked.rejected.height:,} rules broken; first 20):", file=out)
        _indented_table(
            ["sheet", "row", "column", "rule", "value"],
            checked.rejected.select("sheet", "row", "column", "rule", "value").head(20).rows(),
            out,
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


def _inspect_document(layout: Layout, path: Path, shown: str, names, out) -> int:
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


def _indented_table(columns: list[str], rows: list[tuple], out) -> None:
    import io

    buffer = io.StringIO()
    print_table(columns, rows, buffer)
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


def print_table(columns: list[str], rows: list[tuple], out) -> None:
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


def sql(layout: Layout, query: str, fmt: str = "table", *, raw: bool = False, out=None) -> int:
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
        print_table(columns, rows, out)
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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="milspace", description="Military and space budget analytics.")
    top.add_argument("--root", help="project root (default: $MILSPACE_ROOT, else the repository)")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="read, check and load every input; publish the warehouse; draw the report")
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
    fetch = commands.add_parser(
        "fetch-docs", help="download the strategy register's documents into data_raw/strategies/ (resumable)"
    )
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds to wait to connect or read (default 30)")
    fetch.add_argument(
        "--deadline", type=float, default=300.0, help="most seconds one document may take in all (default 300)"
    )
    fetch.add_argument("--max-mb", type=float, default=50.0, help="largest document to download, MB (default 50)")
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
            return build(layout)
        if args.command == "sql":
            if args.query is None and sys.stdin.isatty():
                return shell(layout)
            query = args.query if args.query is not None else sys.stdin.read()
            return sql(layout, query, args.format, raw=args.raw)
        if args.command == "inspect":
            return inspect(layout, args.path, args.output, raw=args.raw)
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
