"""The analyst's commands under attack or mishap: `milspace sql` reads only the warehouse, CSV output defuses
spreadsheet formulas, `inspect` refuses what is not a regular file or is too large to hold in memory, an interrupted
build exits 130 leaving the warehouse as it was, and bad settings or a full disk are one line, not a traceback."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import pty
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import duckdb
import openpyxl
import pytest

from pipelines import cli, lock
from pipelines.paths import REPO_ROOT, Layout
from tests.conftest import make_root, run_build, sha256, shared_file
from tests.test_marts import _terminal

MILSPACE = Path(sys.executable).with_name("milspace")
FORMULA = '=HYPERLINK("http://x","y")'
#: Give up on a command after this long: a hang fails the test instead of hanging the suite.
PATIENCE_SECONDS = 120


def milspace(*args: str, env: dict | None = None, stdin=None, timeout: float = PATIENCE_SECONDS):
    """Run the `milspace` command in its own process; (exit code, stdout and stderr together)."""
    done = subprocess.run(
        [str(MILSPACE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        timeout=timeout,
        cwd=REPO_ROOT,
    )
    return done.returncode, done.stdout.decode(errors="replace")


def tables(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT database_name, schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()


@pytest.fixture
def published(tmp_path) -> Layout:
    """A root whose published warehouse is a small DuckDB file with a mart holding a formula and a negative number."""
    layout = Layout(tmp_path / "root")
    layout.data_marts.mkdir(parents=True)
    with duckdb.connect(str(layout.warehouse)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.notes (id INTEGER, note VARCHAR, change INTEGER)")
        con.execute("INSERT INTO marts.notes VALUES (1, ?, -5), (2, '-3 percent', 7), (3, 'plain', NULL)", [FORMULA])
    return layout


def sql(layout: Layout, query: str, *extra: str, capsys) -> tuple[int, str, str]:
    code = cli.main(["--root", str(layout.root), "sql", query, *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- 1. milspace sql reads the warehouse and nothing else -------------------------------------------------------


def test_sql_still_answers_queries_on_the_warehouse(published, capsys):
    code, out, err = sql(published, "select id, change from marts.notes order by id", capsys=capsys)
    assert code == 0, err
    assert "(3 rows)" in out and "-5" in out


def test_sql_refuses_copy_to_a_file(published, tmp_path, capsys):
    target = tmp_path / "x.csv"
    code, out, err = sql(published, f"COPY (select 1) TO '{target}'", capsys=capsys)
    assert code == 1
    assert err.startswith("milspace sql: refused:") and "outside the warehouse" in err
    assert not target.exists()


def test_sql_refuses_to_read_a_file_outside_the_warehouse(published, tmp_path, capsys):
    secret = tmp_path / "secret.csv"
    secret.write_text("word\nswordfish\n", encoding="utf-8")
    code, out, err = sql(published, f"select * from read_csv('{secret}')", capsys=capsys)
    assert code == 1
    assert err.startswith("milspace sql: refused:") and "swordfish" not in out + err
    code, out, err = sql(published, "select * from read_csv('/etc/passwd')", capsys=capsys)
    assert code == 1 and "root:" not in out


def test_sql_refuses_to_attach_a_hard_link_to_the_warehouse_and_write_into_it(published, tmp_path, capsys):
    link = tmp_path / "link.duckdb"
    os.link(published.warehouse, link)
    before, listed = sha256(published.warehouse), tables(published.warehouse)
    query = f"ATTACH '{link}' AS w; CREATE TABLE w.marts.planted AS SELECT 1 AS x"
    code, out, err = sql(published, query, capsys=capsys)
    assert code == 1
    assert err.startswith("milspace sql: refused:")
    assert sha256(published.warehouse) == before and tables(published.warehouse) == listed


def test_sql_cannot_lift_its_own_restrictions(published, tmp_path, capsys):
    target = tmp_path / "x.csv"
    query = f"SET enable_external_access = true; COPY (select 1) TO '{target}'"
    code, out, err = sql(published, query, capsys=capsys)
    assert code == 1 and err.startswith("milspace sql: refused:") and "settings" in err
    assert not target.exists()
    code, out, err = sql(published, "CREATE TABLE marts.planted AS SELECT 1", capsys=capsys)
    assert code == 1 and err.startswith("milspace sql: refused:") and "read-only" in err


def test_the_build_and_the_report_still_read_files_through_their_own_connections(published):
    """Only the analyst's session is locked down: other read-only connections may still read files."""
    from pipelines.warehouse import read_only

    with read_only(published.warehouse) as con:
        assert con.execute("select count(*) from read_csv(?)", [str(REPO_ROOT / "data_raw/reference/nations.csv")])
    with read_only(published.warehouse, analyst=True) as con:
        with pytest.raises(duckdb.PermissionException):
            con.execute("select count(*) from read_csv(?)", [str(REPO_ROOT / "data_raw/reference/nations.csv")])


def test_make_sql_opens_the_shell_as_milspace_sql_does():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"$(BIN)/duckdb {' '.join(cli.SHELL_ARGUMENTS)} $(WAREHOUSE)" in makefile


def test_the_interactive_shell_is_opened_in_safe_mode(published, tmp_path):
    """`milspace sql` at a terminal replaces itself with the DuckDB shell: fed statements on standard input here."""
    target, output = tmp_path / "x.csv", tmp_path / "out.txt"
    link = tmp_path / "link.duckdb"
    os.link(published.warehouse, link)
    before = sha256(published.warehouse)
    script = tmp_path / "session.sql"
    script.write_text(
        "select count(*) as notes from marts.notes;\n"
        f"COPY (select 1) TO '{target}';\n"
        "select * from read_csv('/etc/passwd');\n"
        f"ATTACH '{link}' AS w;\n"
        "SET enable_external_access = true;\n"
        f".output {output}\n"
        ".shell echo planted\n"
        "select 'still here' as shell;\n",
        encoding="utf-8",
    )
    run = (
        "import sys; from pathlib import Path; from pipelines import cli; from pipelines.paths import Layout; "
        "cli.shell(Layout(Path(sys.argv[1])))"
    )
    with script.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", run, str(published.root)],
            stdin=stdin,
            capture_output=True,
            timeout=PATIENCE_SECONDS,
            cwd=REPO_ROOT,
        )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert "still here" in out and "notes" in out  # queries on the warehouse run
    assert not target.exists() and not output.exists()
    assert "root:" not in out and "planted" not in out
    assert err.count("file system operations are disabled") == 3  # COPY, read_csv, ATTACH
    assert "configuration has been locked" in err and "cannot be used in -safe mode" in err
    assert sha256(published.warehouse) == before


def test_the_shell_at_a_terminal_refuses_to_write_a_file(published, tmp_path):
    """`milspace sql` with no query, at a terminal (a pseudo-terminal here), as an analyst types into it."""
    target = tmp_path / "x.csv"
    pid, fd = pty.fork()
    if pid == 0:  # the child: `milspace sql` with no query, at a terminal
        os.chdir(REPO_ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "pipelines.cli", "--root", str(published.root), "sql"])
    try:
        _terminal(fd, 20)
        os.write(fd, b"select count(*) as notes from marts.notes;\r")
        answer = _terminal(fd, 20)
        os.write(fd, f"COPY (select 1) TO '{target}';\r".encode())
        refusal = _terminal(fd, 20)
        os.write(fd, b".quit\r")
        _terminal(fd, 5, until=b"\x00")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert b"3" in answer
    assert b"file system operations are disabled" in refusal
    assert not target.exists()


# --- 2. CSV output defuses spreadsheet formulas, unless --raw ---------------------------------------------------------


def test_sql_csv_output_defuses_formulas_and_leaves_numbers_alone(published, capsys):
    code, out, err = sql(published, "select * from marts.notes order by id", "--format", "csv", capsys=capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1] == ["1", "'" + FORMULA, "-5"]
    assert rows[2] == ["2", "'-3 percent", "7"]  # text starting with '-' is defused like the report's CSVs
    assert rows[3] == ["3", "plain", ""]


def test_sql_csv_output_raw_writes_cells_as_they_are(published, capsys):
    code, out, err = sql(published, "select * from marts.notes order by id", "--format", "csv", "--raw", capsys=capsys)
    assert code == 0, err
    assert list(csv.reader(io.StringIO(out)))[1] == ["1", FORMULA, "-5"]


def _extract_with_formula(tmp_path: Path) -> Path:
    """A milspace extract (the shape `inspect --output` writes) whose first line's footnote is a formula."""
    source = REPO_ROOT / "data_raw/starter/lines/worldbank_milex_share_of_gdp.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:5]
    rows[0]["footnotes"] = FORMULA
    path = tmp_path / "extract.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("raw", [False, True])
def test_inspect_output_csv_defuses_formulas_unless_raw(tmp_path, raw, capsys):
    layout = make_root(tmp_path / "root")
    output = tmp_path / "lines.csv"
    args = ["--root", str(layout.root), "inspect", str(_extract_with_formula(tmp_path)), "--output", str(output)]
    code = cli.main(args + (["--raw"] if raw else []))
    assert code == 0, capsys.readouterr().err
    with output.open(encoding="utf-8", newline="") as handle:
        footnotes = [row["footnotes"] for row in csv.DictReader(handle)]
    assert (FORMULA if raw else "'" + FORMULA) in footnotes
    assert raw or not any(note.startswith("=") for note in footnotes)


def test_the_report_uses_the_shared_formula_guard():
    from pipelines import csv_safety
    from pipelines.report import build

    assert build.safe_for_spreadsheets is csv_safety.safe_for_spreadsheets


# --- 3. inspect refuses what is not a regular file ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_inspect_refuses_what_is_not_a_regular_file_without_hanging(tmp_path, kind):
    layout = make_root(tmp_path / "root")
    if kind == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
        expected = "a FIFO"
    elif kind == "device":
        path, expected = Path("/dev/zero"), "a device"
    else:
        path, expected = tmp_path, "a directory"
    code, output = milspace("--root", str(layout.root), "inspect", str(path), timeout=60)
    assert code == 1, output
    assert output.startswith("milspace inspect: ") and expected in output and "not a regular file" in output
    assert "Traceback" not in output


# --- 4. a file too large to hold in memory is refused, naming the setting -----------------------------------------


def _large_exhibit_csv(path: Path, megabytes: float) -> Path:
    """The real FY2019 R-1 exhibit's data sheet as CSV, its lines repeated (program elements numbered per copy)."""
    workbook = openpyxl.load_workbook(shared_file("dod/fy2019_exhibits/R-1.xlsx"), read_only=True, data_only=True)
    rows = [["" if v is None else str(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    header = rows[1]
    column = header.index("PE / BLI")
    body = [row for row in rows[2:] if row[0] and row[column]]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        copy = 0
        while handle.tell() < megabytes * 1024 * 1024:
            writer.writerows([*row[:column], f"{row[column]}-{copy}", *row[column + 1 :]] for row in body)
            copy += 1
    return path


def test_inspect_refuses_a_file_over_the_size_cap_naming_file_size_and_setting(tmp_path):
    layout = make_root(tmp_path / "root")
    path = _large_exhibit_csv(tmp_path / "r1-large.csv", 1.2)
    size = path.stat().st_size
    code, output = milspace("--root", str(layout.root), "inspect", str(path), env={"MILSPACE_MAX_FILE_MB": "1"})
    assert code == 1, output
    assert output.startswith("milspace inspect: Cannot read file ") and "r1-large.csv" in output
    assert f"{size:,} bytes" in output and "MILSPACE_MAX_FILE_MB" in output and "Traceback" not in output
    code, output = milspace("--root", str(layout.root), "inspect", str(path), env={"MILSPACE_MAX_FILE_MB": "2"})
    assert code == 0, output
    assert "US DoD Comptroller, budget exhibit R-1" in output


def test_a_bad_size_cap_setting_is_one_line(tmp_path):
    layout = make_root(tmp_path / "root")
    extract = _extract_with_formula(tmp_path)
    code, output = milspace("--root", str(layout.root), "inspect", str(extract), env={"MILSPACE_MAX_FILE_MB": "lots"})
    assert code == 1 and "MILSPACE_MAX_FILE_MB='lots'" in output and "Traceback" not in output
    code, output = milspace("--root", str(layout.root), "build", env={"MILSPACE_MAX_FILE_MB": "-1"})
    assert code == 1 and output.strip().splitlines()[-1].startswith("milspace build: MILSPACE_MAX_FILE_MB='-1'")
    assert "Traceback" not in output


def test_the_build_sets_aside_an_inbox_file_over_the_cap_and_publishes_the_rest(tmp_path, monkeypatch):
    layout = make_root(tmp_path / "root")
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    path = _large_exhibit_csv(inbox / "r1-large.csv", 1.2)
    size = path.stat().st_size
    monkeypatch.setenv("MILSPACE_MAX_FILE_MB", "1")
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    assert f"not read: Cannot read file data_raw/inbox/r1-large.csv: refused: it is {size:,} bytes" in run.output
    assert "MILSPACE_MAX_FILE_MB" in run.output
    assert (inbox / "rejected" / "r1-large.csv").is_file()


# --- 5. an interrupted build exits 130 and leaves the warehouse as it was -------------------------------------------


def build_signalled_when(layout: Layout, reached, signum) -> tuple[int, str]:
    """Run `milspace build`, send `signum` to it at the first line of output where `reached` is true; the exit
    code and everything it printed."""
    env = {**os.environ, "MILSPACE_ROOT": str(layout.root), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(MILSPACE), "build", "--full"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    watchdog = threading.Timer(PATIENCE_SECONDS, lambda: os.killpg(process.pid, signal.SIGKILL))
    watchdog.start()
    lines = []
    try:
        for raw in process.stdout:
            lines.append(raw.decode(errors="replace"))
            if reached(lines[-1]):
                process.send_signal(signum)
                break
        lines.append(process.stdout.read().decode(errors="replace"))
        return process.wait(timeout=PATIENCE_SECONDS), "".join(lines)
    finally:
        watchdog.cancel()


def _fake_published_warehouse(layout: Layout) -> None:
    layout.data_marts.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(layout.warehouse)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.earlier AS SELECT 42 AS answer")


def first_step(line: str) -> bool:
    return line.startswith("[ 1/")


def step_45(line: str) -> bool:  # the marts, run in DuckDB
    return line.startswith("[45/")


def header(line: str) -> bool:  # printed before the run starts its first step
    return line.startswith("milspace build: ")


@pytest.mark.parametrize(
    ("signum", "reached", "published_before"),
    [
        (signal.SIGINT, first_step, False),
        (signal.SIGTERM, first_step, True),
        (signal.SIGTERM, header, False),
        (signal.SIGINT, step_45, True),
    ],
    ids=["ctrl-c-first-step", "sigterm-first-step", "sigterm-at-start", "ctrl-c-in-the-marts"],
)
def test_an_interrupted_build_exits_130_and_leaves_the_warehouse_as_it_was(tmp_path, signum, reached, published_before):
    layout = make_root(tmp_path / "root")
    if published_before:
        _fake_published_warehouse(layout)
        before = sha256(layout.warehouse)
    code, output = build_signalled_when(layout, reached, signum)
    assert code == 130, output
    assert "Traceback" not in output and "unexpected error" not in output
    last = output.strip().splitlines()[-1]
    assert last.startswith("milspace build: interrupted") and last.endswith("the published warehouse is unchanged")
    if published_before:
        assert sha256(layout.warehouse) == before
    else:
        assert not layout.warehouse.exists()
    assert not list(layout.build_dir.glob("*.duckdb")) if layout.build_dir.exists() else True
    assert not lock.lock_path(layout).exists() or lock.lock_path(layout).read_text() == ""


def _error(cls_name: str, cause=None, context=None) -> SimpleNamespace:
    return SimpleNamespace(cls_name=cls_name, message="", cause=cause, context=context)


def _failure(error) -> SimpleNamespace:
    return SimpleNamespace(is_step_failure=True, is_run_failure=False, event_specific_data=SimpleNamespace(error=error))


def test_an_interruption_behind_duckdb_s_own_error_is_still_an_interruption():
    """Ctrl-C inside a DuckDB query: DuckDB stops it and raises RuntimeError('Query interrupted') while handling
    Dagster's interruption, which Dagster records as the step's own error (as a build stopped in
    staging/budget_lines showed)."""
    interrupt = _error("DagsterExecutionInterruptedError")
    duckdb_error = _error("RuntimeError", context=interrupt)
    step_error = _error("DagsterExecutionStepExecutionError", cause=duckdb_error)
    assert cli.interrupted(SimpleNamespace(all_events=[_failure(step_error)]))
    assert cli.interrupted(SimpleNamespace(all_events=[_failure(interrupt)]))
    plain = _error("DagsterExecutionStepExecutionError", cause=_error("WarehouseError"))
    assert not cli.interrupted(SimpleNamespace(all_events=[_failure(plain)]))


# --- 6. a full disk, a read-only data_marts/ and bad settings are one line each, not a traceback --------------------


class _FullDisk(io.TextIOWrapper):
    def write(self, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_at_the_lock_file_is_one_line_naming_it(tmp_path, monkeypatch, capsys):
    layout = make_root(tmp_path / "root")
    monkeypatch.setattr(lock, "open", lambda path, *a, **k: _FullDisk(open(path, "a+b")), raising=False)
    code = cli.main(["--root", str(layout.root), "build"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("milspace build: ")
    assert str(lock.lock_path(layout)) in err and "disk is full" in err
    assert not lock._held  # the lock was let go


@pytest.mark.parametrize("code_of_error", [errno.EACCES, errno.EROFS])
def test_a_read_only_data_marts_is_one_line_naming_it(tmp_path, monkeypatch, capsys, code_of_error):
    layout = make_root(tmp_path / "root")

    def refuse(path, *args, **kwargs):
        raise OSError(code_of_error, os.strerror(code_of_error), str(path))

    monkeypatch.setattr(lock, "open", refuse, raising=False)
    code = cli.main(["--root", str(layout.root), "build"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("milspace build: ")
    assert str(layout.data_marts) in err and "writable" in err


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("MILSPACE_SENSOR_SECONDS", "abc"),
        ("MILSPACE_SENSOR_SECONDS", "0"),
        ("MILSPACE_BUILD_CRON", "every monday"),
    ],
)
def test_a_bad_automation_setting_is_one_line_for_the_build(tmp_path, setting, value):
    layout = make_root(tmp_path / "root")
    code, output = milspace("--root", str(layout.root), "build", env={setting: value})
    assert code == 1, output
    assert "Traceback" not in output
    assert output.strip().splitlines()[-1].startswith(f"milspace build: {setting}={value!r} ")
    assert not layout.warehouse.exists()


def test_a_bad_automation_setting_is_named_when_dagster_loads_the_definitions(tmp_path):
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dg")), "check", "defs"],
        capture_output=True,
        env={**os.environ, "MILSPACE_SENSOR_SECONDS": "abc", "DAGSTER_HOME": str(tmp_path), "VIRTUAL_ENV": sys.prefix},
        timeout=PATIENCE_SECONDS,
        cwd=REPO_ROOT,
    )
    output = done.stdout.decode() + done.stderr.decode()
    assert done.returncode != 0
    assert "MILSPACE_SENSOR_SECONDS='abc' is not a whole number of seconds" in output


# --- 7. a DuckDB session holding the warehouse is named, with what to do ----------------------------------------------


def test_a_session_holding_the_warehouse_for_writing_is_named_in_the_build_failure(tmp_path):
    layout = make_root(tmp_path / "root")
    _fake_published_warehouse(layout)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(120)",
            str(layout.warehouse),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"ready"
        run = run_build(layout)
    finally:
        holder.kill()
        holder.wait()
    assert run.exit_code == 1, run.output
    assert f"process {holder.pid}" in run.output
    assert "import duckdb, sys, time" in run.output  # its command line, from /proc
    assert "Close that session" in run.output and "move the file aside" not in run.output.lower()


def test_a_dagster_home_dagster_cannot_read_is_one_line_naming_its_settings(tmp_path, capsys):
    layout = make_root(tmp_path / "root")
    home = layout.data_marts / "dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("run_queue: [1, 2\n")  # an unclosed list
    code = cli.main(["--root", str(layout.root), "build"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("milspace build: The Dagster home ")
    assert str(home / "dagster.yaml") in err
    assert not layout.warehouse.exists()
