"""Budget lines at scale: the milspace budget-lines format, read in batches, checked, quarantined and loaded.

The files are made by the benchmark's own seeded generator (benchmarks/generate.py), so what the pipeline must
reject is known row by row from the generated frame, independently of the pipeline. Batches are made small
(BATCH_ROWS) so that every file here is read in several of them.
"""

from __future__ import annotations

import csv
import shutil

import duckdb
import polars as pl
import pytest

from benchmarks.generate import BAD_ROWS, budget_lines
from pipelines import cli
from pipelines.errors import WarehouseError
from pipelines.intake.inbox import LineStream, check_file
from pipelines.nations import default_names
from pipelines.sources import milspace_lines
from pipelines.sources.cells import SPREADSHEET_ERROR_RULE
from pipelines.warehouse import connect
from tests.conftest import make_root, query, run_build

BATCH = 2_500


def nation_codes() -> list[str]:
    with open("data_raw/reference/nations.csv", encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def expected_bad(frame: pl.DataFrame) -> pl.DataFrame:
    """The generated rows that break a rule, found from the generated values alone, with their file row."""
    amount = pl.col("amount_thousands").cast(pl.Float64, strict=False)
    bad = (
        (pl.col("nation_code") == "XXA")
        | (pl.col("fiscal_year").cast(pl.Int64) < 1900)
        | (pl.col("phase") == "planned")
        | amount.is_null()
        | (amount.abs() > 1e12)
    )
    return frame.with_row_index("row", offset=2).filter(bad)


def tiny(path, rows: list[tuple]) -> None:
    header = ",".join(milspace_lines.COLUMNS)
    body = "\n".join(",".join(str(v) for v in row) for row in rows)
    path.write_text(f"{header}\n{body}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def scale_build(tmp_path_factory):
    """A build whose inbox holds a generated CSV (12,000 rows), a generated Parquet file (6,000 rows, another
    seed), two small files of one publisher giving the same figures, and a CSV damaged part-way."""
    root = make_root(tmp_path_factory.mktemp("scale"))
    inbox = root.data_raw / "inbox"
    inbox.mkdir(parents=True)
    generated = budget_lines(12_000, 8)
    generated.write_csv(inbox / "lines_a.csv")
    parquet = budget_lines(6_000, 9).with_columns(
        pl.col("fiscal_year").cast(pl.Int64), pl.col("amount_thousands").cast(pl.Float64, strict=False)
    )
    parquet.write_parquet(inbox / "lines_b.data")  # found by content, whatever the name
    old = [("Ministry", "FRA", 2024, "enacted", "Air and Space Force", "P1", "PE1", "Satellites", 100.0, "EUR")]
    old.append(("Ministry", "FRA", 2023, "enacted", "Air and Space Force", "P1", "PE1", "Satellites", 90.0, "EUR"))
    tiny(inbox / "ministry_2024.csv", old)
    tiny(inbox / "ministry_2025.csv", [old[0][:8] + (120.0, "EUR")])
    damaged = generated.head(9_000).write_csv().splitlines()
    damaged[7_000] += ",an extra field"
    (inbox / "damaged.csv").write_text("\n".join(damaged) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(milspace_lines, "BATCH_ROWS", BATCH)
        run = run_build(root)
    assert run.exit_code == 0, run.output
    return run, generated, parquet


def test_generator_is_seeded_and_each_bad_row_breaks_one_rule():
    first, again, other = budget_lines(20_000, 8), budget_lines(20_000, 8), budget_lines(20_000, 9)
    assert first.equals(again)
    assert not first.equals(other)
    kinds = {
        "nation": first["nation_code"] == "XXA",
        "year": first["fiscal_year"].cast(pl.Int64) == 1850,
        "phase": first["phase"] == "planned",
        "amount_text": first["amount_thousands"].cast(pl.Float64, strict=False).is_null(),
        "amount_absurd": first["amount_thousands"] == "1e30",
    }
    total = sum(mask.cast(pl.Int32) for mask in kinds.values())
    assert total.max() == 1  # never two problems in one row
    for kind, mask in kinds.items():
        assert mask.sum() == pytest.approx(20_000 * BAD_ROWS[kind] / 10_000, rel=0.25), kind
    absurd = first.filter(kinds["amount_absurd"])
    assert set(absurd["currency"]) == {"USD"}  # where the US$ plausibility rule applies
    assert first["program_element"].n_unique() > 10_000
    assert first.filter(pl.col("nation_code") == "USA").height / first.height == pytest.approx(0.55, abs=0.03)


def test_csv_and_parquet_are_detected_by_content_and_streamed(tmp_path):
    frame = budget_lines(500, 3)
    frame.write_csv(tmp_path / "a.txt")
    frame.with_columns(pl.col("fiscal_year").cast(pl.Int64)).write_parquet(tmp_path / "b.bin")
    for name in ("a.txt", "b.bin"):
        checked = check_file(tmp_path / name, name, default_names(), nation_codes())
        assert (checked.status, checked.source_format, checked.streamed) == ("loaded", "milspace_lines", True)
        assert checked.lines.height == 0  # nothing read until the load
        stream = LineStream(checked, tmp_path / name, nation_codes())
        loaded = sum(batch.height for batch in stream)
        assert loaded == 500 - expected_bad(frame).height
        assert stream.checked().rows_loaded == loaded


def test_every_good_line_is_loaded_and_every_bad_row_quarantined(scale_build):
    run, generated, _ = scale_build
    bad = expected_bad(generated)
    loaded = query(run.layout, "SELECT count(*) FROM marts.budget_lines WHERE file = 'data_raw/inbox/lines_a.csv'")
    assert loaded == [(12_000 - bad.height,)]
    rejected = query(
        run.layout,
        "SELECT DISTINCT \"row\" FROM marts.quarantine WHERE is_current AND file = 'data_raw/inbox/lines_a.csv' "
        'ORDER BY "row"',
    )
    assert [r for (r,) in rejected] == bad["row"].to_list()
    sources = query(
        run.layout,
        "SELECT status, detected_format, rows_loaded, rows_rejected FROM marts.sources "
        "WHERE path = 'data_raw/inbox/lines_a.csv'",
    )
    assert sources == [("loaded", "milspace_lines", 12_000 - bad.height, bad.height)]


def test_quarantine_names_the_files_own_columns_and_rules(scale_build):
    run, generated, _ = scale_build
    rows = query(
        run.layout,
        'SELECT "row", "column", rule, value FROM marts.quarantine '
        "WHERE is_current AND file = 'data_raw/inbox/lines_a.csv'",
    )
    by_row: dict[int, set[tuple]] = {}
    for row, column, rule, value in rows:
        by_row.setdefault(row, set()).add((column, rule, value))
    source = generated.with_row_index("row", offset=2)
    for row in source.filter(pl.col("nation_code") == "XXA")["row"].head(3):
        assert any(c == "nation_code" and v == "XXA" for c, _, v in by_row[row])
    for row in source.filter(pl.col("fiscal_year") == 1850)["row"].head(3):
        assert any(c == "fiscal_year" and v == "1850" for c, _, v in by_row[row])
    for row in source.filter(pl.col("amount_thousands") == "#REF!")["row"].head(3):
        assert by_row[row] == {("amount_thousands", SPREADSHEET_ERROR_RULE, "#REF!")}
    for row in source.filter(pl.col("amount_thousands") == "tbd")["row"].head(3):
        assert by_row[row] == {("amount_thousands", "type: number", "tbd")}
    absurd = source.filter(pl.col("amount_thousands") == "1e30")["row"][0]
    assert any(c == "amount_thousands" and "plausible" in r for c, r, _ in by_row[absurd])
    assert not {c for found in by_row.values() for c, _, _ in found} & {"entity_code", "period", "line_item"}


def test_parquet_lines_are_loaded_with_their_record_numbers(scale_build):
    run, _, parquet = scale_build
    bad = expected_bad(parquet).with_columns(pl.col("row") - 1)  # Parquet has no header row
    rejected = query(
        run.layout,
        "SELECT DISTINCT \"row\" FROM marts.quarantine WHERE is_current AND file = 'data_raw/inbox/lines_b.data' "
        'ORDER BY "row"',
    )
    assert [r for (r,) in rejected] == bad["row"].to_list()
    first_good = (
        parquet.with_row_index("row", offset=1).filter(~pl.col("row").is_in(bad["row"].implode())).row(0, named=True)
    )
    found = query(
        run.layout,
        "SELECT entity_code, period, line_item, value, unit, is_space FROM marts.budget_lines "
        "WHERE file = 'data_raw/inbox/lines_b.data' AND \"row\" = ?",
        [first_good["row"]],
    )
    space = first_good["organization"] in milspace_lines.SPACE_ORGANIZATIONS
    assert found == [
        (
            first_good["nation_code"],
            first_good["fiscal_year"],
            first_good["program_element"],
            first_good["amount_thousands"],
            f"{first_good['currency']} thousands",
            space,
        )
    ]


def test_the_staging_view_gives_the_lines_the_contract_checked(scale_build):
    """staging.budget_lines rebuilds the budget-line columns in SQL from what staging.milspace_lines stores; they
    must be exactly the lines the reader made and the BudgetLine contract passed."""
    run, _, _ = scale_build
    path = run.layout.data_raw / "inbox" / "lines_a.csv"
    checked = check_file(path, "data_raw/inbox/lines_a.csv", default_names(), nation_codes())
    expected = pl.concat(list(LineStream(checked, path, nation_codes()))).sort("row")
    with duckdb.connect(str(run.layout.warehouse), read_only=True) as con:
        stored = con.execute(
            "SELECT * FROM staging.budget_lines WHERE file = 'data_raw/inbox/lines_a.csv' ORDER BY \"row\""
        ).pl()
    assert stored.columns == expected.columns
    for column in expected.columns:
        assert stored[column].cast(expected[column].dtype).equals(expected[column]), column


def test_a_file_damaged_part_way_loads_nothing_and_is_set_aside(scale_build):
    run, generated, _ = scale_build
    shown = "data_raw/inbox/damaged.csv"
    assert query(run.layout, "SELECT count(*) FROM marts.budget_lines WHERE file = ?", [shown]) == [(0,)]
    (status, error), *_ = query(run.layout, "SELECT status, error FROM marts.sources WHERE path = ?", [shown])
    assert status == "unreadable"
    assert "row 7001" in error and "11 fields where the header has 10" in error
    assert (run.layout.data_raw / "inbox" / "rejected" / "damaged.csv").exists()
    assert "damaged.csv" in run.output
    good = 12_000 - expected_bad(generated).height  # the other files' lines are all there
    assert query(run.layout, "SELECT count(*) FROM marts.budget_lines WHERE file LIKE '%lines_a.csv'") == [(good,)]


def test_a_figure_two_files_of_one_publisher_give_is_taken_from_one(scale_build):
    run, generated, _ = scale_build
    rows = query(
        run.layout,
        "SELECT file, period, value, is_preferred FROM marts.budget_facts WHERE fact_source = 'Ministry' "
        "ORDER BY period, file",
    )
    # neither file names an edition: the fuller file (two lines of the publisher against one) gives the figure
    assert rows == [
        ("data_raw/inbox/ministry_2024.csv", 2023, 90.0, True),  # only this file gives 2023
        ("data_raw/inbox/ministry_2024.csv", 2024, 100.0, True),
        ("data_raw/inbox/ministry_2025.csv", 2024, 120.0, False),
    ]
    single = query(
        run.layout,
        "SELECT bool_and(is_preferred), count(*) FROM marts.budget_facts WHERE file = 'data_raw/inbox/lines_a.csv'",
    )
    assert single == [(True, 12_000 - expected_bad(generated).height)]  # one file: every line, each preferred


def test_header_problems_are_named(tmp_path):
    header = list(milspace_lines.COLUMNS)
    (tmp_path / "missing.csv").write_text(",".join(h for h in header if h != "currency") + ",nation\n")
    (tmp_path / "extra.csv").write_text(",".join([*header, "notes"]) + "\n")
    for name, words in (("missing.csv", "needs the columns currency"), ("extra.csv", "unknown columns notes")):
        checked = check_file(tmp_path / name, name, default_names(), nation_codes())
        assert checked.status == "unreadable"
        assert words in checked.error and name in checked.error and "row 1" in checked.error


def test_inspect_reads_a_streamed_file_whole(tmp_path, capsys):
    frame = budget_lines(3_000, 5)
    frame.write_csv(tmp_path / "lines.csv")
    layout = make_root(tmp_path)
    assert cli.inspect(layout, tmp_path / "lines.csv") == 0
    out = capsys.readouterr().out
    bad = expected_bad(frame).height
    assert "milspace_lines" in out
    assert f"{3_000 - bad:,} loaded; {bad:,} source rows rejected" in out


def test_duckdb_memory_limit_can_be_set_and_a_bad_one_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MILSPACE_DUCKDB_MEMORY", "700MB")
    with connect(tmp_path / "a.duckdb") as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.replace(" ", "") in ("667.5MiB", "700.0MB", "667.5MB")
    monkeypatch.setenv("MILSPACE_DUCKDB_MEMORY", "lots")
    with pytest.raises(WarehouseError, match="MILSPACE_DUCKDB_MEMORY='lots'"):
        connect(tmp_path / "b.duckdb")
    layout = make_root(tmp_path / "root")
    monkeypatch.setenv("MILSPACE_ROOT", str(layout.root))
    assert cli.main(["build"]) == 1  # said once, before anything runs
    said = capsys.readouterr().err
    assert said.count("MILSPACE_DUCKDB_MEMORY='lots' is not a memory size DuckDB reads") == 1
    assert not layout.warehouse.exists()


def test_scale_benchmark_runs_the_pipeline_and_the_baseline_on_a_small_file(tmp_path, monkeypatch):
    """The harness behind `make bench`, on 20,000 rows: both runs load the same lines into the same marts."""
    from benchmarks import scale

    run = run_build(make_root(tmp_path / "starter"))
    assert run.exit_code == 0
    monkeypatch.setattr(scale, "WORK", tmp_path / "roots")
    frame = budget_lines(20_000, 4)
    frame.write_csv(tmp_path / "lines.csv")
    root = scale.scratch_root("one", tmp_path / "lines.csv", run.layout.warehouse)
    inbox_file = root / "data_raw" / "inbox" / "lines.csv"
    pipeline = scale.run_pipeline(root, inbox_file)
    baseline = scale.run_baseline(root, inbox_file)
    bad = expected_bad(frame).height
    assert (pipeline["lines_loaded"], pipeline["rows_rejected"]) == (20_000 - bad, bad)
    assert pipeline["mart_rows"] == 20_000 - bad
    assert baseline["mart_rows"] == 20_000  # no checks: the bad rows go through too
    assert pipeline["marts"] == baseline["marts"] and pipeline["marts"][:2] == ["budget_facts", "budget_lines"]
    assert not list((root / "data_marts" / "build").glob("*.spool"))
    shutil.rmtree(tmp_path / "roots")
