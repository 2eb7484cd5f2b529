"""The conformed warehouse and the comparison marts: values recomputed in the test from their inputs.

Two builds: the shipped starter data alone (`built`, from conftest), and the starter data with every real
published file of ../shared/data in the inbox (`full`)."""

from __future__ import annotations

import csv
import math
import os
import pty
import select
import shutil
import subprocess
import sys
import time

import pytest

from pipelines.lock import build_lock
from pipelines.paths import REPO_ROOT, SQL_DIR
from pipelines.warehouse import read_only
from tests.conftest import make_root, query, run_build, sha256

EXAMPLES = sorted((SQL_DIR / "examples").glob("*.sql"))


# --- the questions analysts ask ----------------------------------------------------------------------------


def test_there_are_at_least_ten_example_questions():
    assert len(EXAMPLES) >= 10
    for path in EXAMPLES:
        assert path.read_text().startswith("-- "), f"{path.name} must open with the question it answers"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_query_returns_rows(full, path):
    with read_only(full.layout.warehouse) as con:
        rows = con.execute(path.read_text()).fetchall()
    assert rows, path.name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_query_runs_on_the_starter_data(built, path):
    with read_only(built.layout.warehouse) as con:
        con.execute(path.read_text()).fetchall()


# --- done-when values ----------------------------------------------------------------------------------------


def test_space_force_fy2023_request_by_title(built):
    rows = dict(
        query(
            built.layout,
            "select appropriation_title, amount_usd_millions from marts.us_appropriations "
            "where organization = 'Space Force' and fiscal_year = 2023 and phase = 'request' "
            "and scope = 'USSF, including SDA' and appropriation_title <> 'total'",
        )
    )
    assert set(rows) == {"military personnel", "operation and maintenance", "procurement", "RDT&E"}
    total = sum(rows.values())
    assert round(total / 1000, 1) == 24.6
    assert round(100 * rows["RDT&E"] / total) == 64
    [(share,)] = query(
        built.layout,
        "select share_pct from marts.investment_share where organization = 'Space Force' and year = 2023",
    )
    assert share == round(100 * (rows["RDT&E"] + rows["procurement"]) / total, 2)


def test_china_real_growth_2015_2024_from_sipri_constant_series(built):
    """defense_yoy rebases SIPRI's constant (2023) series to its latest complete year: growth is unchanged."""
    published = dict(
        query(
            built.layout,
            "select year, value from marts.military_expenditure "
            "where nation_iso3 = 'CHN' and measure = 'constant_usd' and year in (2015, 2024)",
        )
    )
    expected = published[2024] / published[2015] - 1  # SIPRI's own constant (2023) US$ figures
    rebased = dict(
        query(
            built.layout,
            "select year, constant_usd_millions from marts.defense_yoy "
            "where nation_iso3 = 'CHN' and year in (2015, 2024)",
        )
    )
    assert rebased[2024] / rebased[2015] - 1 == pytest.approx(expected, rel=1e-7)  # levels to the cent
    assert 0.55 < expected < 0.65  # China's real growth over the decade, about 60 percent
    [(base, cagr_5y)] = query(
        built.layout,
        "select constant_base_year, real_cagr_5y_pct from marts.defense_yoy where nation_iso3 = 'CHN' and year = 2024",
    )
    assert base == 2024
    five = dict(
        query(
            built.layout,
            "select year, value from marts.military_expenditure "
            "where nation_iso3 = 'CHN' and measure = 'constant_usd' and year in (2019, 2024)",
        )
    )
    assert cagr_5y == round(100 * ((five[2024] / five[2019]) ** (1 / 5) - 1), 2)


def test_constant_base_year_equals_current_dollars_in_that_year(built):
    [(current, constant)] = query(
        built.layout,
        "select current_usd_millions, constant_usd_millions from marts.defense_yoy "
        "where nation_iso3 = 'USA' and year = constant_base_year",
    )
    assert constant == pytest.approx(current, rel=1e-12)
    [(rebased_2015,)] = query(
        built.layout,
        "select constant_usd_millions from marts.milex_constant_usd(2015) where nation_iso3 = 'USA' and year = 2015",
    )
    [(current_2015,)] = query(
        built.layout, "select current_usd_millions from marts.defense_yoy where nation_iso3 = 'USA' and year = 2015"
    )
    assert rebased_2015 == pytest.approx(current_2015, rel=1e-12)


def _weights() -> dict[str, tuple[float, str]]:
    """The ranked indicators: measure -> (weight, transform)."""
    with (REPO_ROOT / "data_raw" / "reference" / "militarization_weights.csv").open() as handle:
        return {
            r["measure"]: (float(r["weight"]), r["transform"])
            for r in csv.DictReader(handle)
            if r["in_ranking"] == "true"
        }


def _quantile(values: list[float], q: float) -> float:
    """Continuous quantile (linear interpolation between the closest ranks), as DuckDB's quantile_cont."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def test_militarization_index_of_one_nation_year_recomputed_by_hand(built):
    """Recompute Poland 2024 from the indicators of every nation and year, the weights file and the method: each
    indicator normalized over the whole panel, the weighted sum normalized again over it (BICC's way), so that
    scores compare across nations and years."""
    year, nation = 2024, "POL"
    burden = query(
        built.layout,
        "select nation_iso3, year, share_of_gdp_pct, share_of_government_spending_pct, per_capita_usd "
        "from marts.burden where share_of_gdp_pct is not null",
    )
    growth = {
        (n, y): g for n, y, g in query(built.layout, "select nation_iso3, year, real_yoy_pct from marts.defense_yoy")
    }
    indicators = {
        (iso3, y): {
            "milex_share_of_gdp": gdp,
            "milex_share_of_government_spending": government,
            "milex_per_capita_usd": per_capita,
            "real_growth_pct": growth.get((iso3, y)),
        }
        for iso3, y, gdp, government, per_capita in burden
    }
    weights = _weights()
    normalized: dict[tuple[str, int], dict[str, float]] = {key: {} for key in indicators}
    for measure, (_, transform) in weights.items():
        values = {}
        for key, row in indicators.items():
            raw = row.get(measure)
            if raw is None or (transform == "log10" and raw <= 0):
                continue
            values[key] = math.log10(raw) if transform == "log10" else raw
        if transform == "linear":  # winsorized at the panel's 5th and 95th percentiles
            low_bound, high_bound = _quantile(list(values.values()), 0.05), _quantile(list(values.values()), 0.95)
            values = {k: min(max(v, low_bound), high_bound) for k, v in values.items()}
        low, high = min(values.values()), max(values.values())
        for key, value in values.items():
            normalized[key][measure] = 0.5 if high == low else (value - low) / (high - low)
    total = sum(w for w, _ in weights.values())
    weighted = {
        key: sum(weights[m][0] * n for m, n in norms.items()) / total
        for key, norms in normalized.items()
        if len(norms) == len(weights)  # ranked only with every indicator
    }
    low, high = min(weighted.values()), max(weighted.values())
    expected = 1000 * (weighted[(nation, year)] - low) / (high - low)

    [(score, used, ranked)] = query(
        built.layout,
        "select score, indicators_used, is_ranked from marts.militarization_index where nation_iso3 = ? and year = ?",
        [nation, year],
    )
    assert score == round(expected, 1)
    assert (used, ranked) == (4, True)
    ranks = query(
        built.layout,
        "select min(rank), max(rank), count(*) from marts.militarization_index where year = ? and is_ranked",
        [year],
    )
    in_year = sum(1 for (_, y) in weighted if y == year)
    assert ranks == [(1, in_year, in_year)]
    # normalized over the panel, not year by year: 0 and 1000 are reached once each over all years
    [(lowest, highest, years_with_top)] = query(
        built.layout,
        "select min(score), max(score), count(distinct year) filter (where score = 1000) "
        "from marts.militarization_index",
    )
    assert (lowest, highest, years_with_top) == (0.0, 1000.0, 1)


def test_sipri_and_world_bank_agree_on_usa_2024_share_of_gdp(built):
    [(sipri, world_bank, difference, reason)] = query(
        built.layout,
        "select value_a, value_b, difference, reason from marts.source_agreement "
        "where nation_iso3 = 'USA' and year = 2024 and measure = 'milex_share_of_gdp' "
        "and source_a = 'SIPRI' and source_b = 'World Bank'",
    )
    assert round(sipri, 2) == 3.42 and round(world_bank, 2) == 3.42
    assert abs(difference) < 0.01
    assert reason == "vintage"


# --- normalization steps -------------------------------------------------------------------------------------


def test_fiscal_to_calendar_years_by_months(full):
    """CY 2019 = 9/12 of FY 2019 + 3/12 of FY 2020 (the US fiscal year starts in October)."""
    fiscal = dict(
        query(
            full.layout,
            "select period, value_usd_millions from marts.budget_facts where is_preferred and line_item = '7-1' "
            "and category = 'Federal Unified Budget: National Defense' and measure = 'outlays' and phase = 'actual' "
            "and price_basis = 'current' and period in (2019, 2020)",
        )
    )
    [(calendar,)] = query(
        full.layout,
        "select amount_usd_millions from marts.calendar_year_budget where year = 2019 and measure = 'outlays' "
        "and price_basis = 'current' and category = '050 National Defense' and phase = 'actual'",
    )
    assert calendar == pytest.approx(0.75 * fiscal[2019] + 0.25 * fiscal[2020])


def test_implied_exchange_rate(built):
    local, usd = (
        v
        for (v,) in query(
            built.layout,
            "select value from marts.military_expenditure where nation_iso3 = 'GBR' and year = 2024 "
            "and measure in ('local_currency', 'current_usd') order by measure desc",
        )
    )
    [(currency, rate)] = query(
        built.layout, "select currency, lcu_per_usd from marts.exchange_rates where nation_iso3 = 'GBR' and year = 2024"
    )
    assert currency == "GBP"
    assert rate == pytest.approx(local / usd)
    assert 0.7 < rate < 0.9  # pounds per dollar in 2024


def test_green_book_deflators_give_constant_dollars(full):
    [(current, constant, base)] = query(
        full.layout,
        "select amount_usd_millions, amount_constant_usd_millions, deflator_base_year from marts.us_appropriations "
        "where organization = 'DoD' and fiscal_year = 2015 and appropriation_title = 'procurement' "
        "and scope like 'Green Book table%'",
    )
    [(deflator,)] = query(
        full.layout,
        "select value from marts.budget_facts where is_preferred and measure = 'budget_authority_deflator' "
        "and period = 2015 and appropriation_title = 'Procurement' and edition = 'FY 2022 President''s Budget'",
    )
    assert base == 2022 and constant == pytest.approx(current * 100 / deflator)
    assert constant > current  # FY 2015 dollars are worth more at FY 2022 prices


def test_dod_exhibits_by_title_match_the_r1_total(full):
    [(rdte,)] = query(
        full.layout,
        "select amount_usd_millions from marts.us_appropriations where organization = 'DoD' and fiscal_year = 2019 "
        "and phase = 'request' and appropriation_title = 'RDT&E' and exhibit_column = 'FY 2019 Total'",
    )
    assert rdte == pytest.approx(93_963.648)


def test_capability_investment_keeps_every_space_dollar(built):
    [(space_total,)] = query(
        built.layout,
        "select sum(value_usd_millions) from marts.budget_facts where is_preferred and is_space "
        "and line_item is not null and not is_memo and period = 2019 and phase = 'request' "
        "and column_key = 'FY 2019 Total'",
    )
    areas = dict(
        query(
            built.layout,
            "select capability_area, amount_usd_millions from marts.capability_investment "
            "where fiscal_year = 2019 and phase = 'request' and exhibit_column = 'FY 2019 Total'",
        )
    )
    assert sum(areas.values()) == pytest.approx(space_total)
    assert areas["unmapped"] > 0 and areas["missile_warning_tracking"] > 0 and areas["pnt"] > 0


def test_facts_prefer_the_inbox_workbook_to_the_starter_extract(full):
    rows = query(
        full.layout,
        "select origin, is_preferred from marts.budget_facts where entity_code = 'USA' and period = 2024 "
        "and measure = 'milex_usd' and price_basis = 'current' and fact_source like 'SIPRI%' order by origin",
    )
    assert rows == [("inbox", True), ("starter", False)]
    [(nations,)] = query(full.layout, "select count(distinct nation_iso3) from marts.defense_yoy")
    assert nations > 150  # the whole workbook, not the 24 starter nations


def test_the_anomaly_checks_find_the_zeros_and_the_extreme_share_in_sipri_s_own_workbook(full):
    """SIPRI's 1949-2024 workbook has zero cells between years of real spending, and gives Kuwait 117% of GDP in
    1991: the warning checks name each with its sheet and row."""
    sql = (SQL_DIR / "checks" / "zero_between_nonzero_years.sql").read_text()
    zeros = query(full.layout, f"select entity_code, period, sheet from ({sql}) where file like '%1949-2024%'")
    assert ("MRT", 2007, "Current US$") in zeros
    assert ("MRT", 2004, "Current US$") in zeros
    assert ("GHA", 1967, "Current US$") in zeros
    assert ("SWE", 1996, "Local currency financial years") in zeros
    assert len(zeros) == 8
    sql = (SQL_DIR / "checks" / "shares_at_most_100_percent.sql").read_text()
    shares = query(full.layout, f'select entity_code, period, round(value, 1), sheet, "row" from ({sql})')
    assert ("KWT", 1991, 117.3, "Share of GDP", 190) in shares
    assert {row[:3] for row in shares} == {("KWT", 1991, 117.3)}  # SIPRI, and the World Bank and OWID after it


def test_memberships_with_dates(built):
    rows = query(
        built.layout,
        "select code, nato_member_since, cspo_since, five_eyes_since, is_artemis_signatory_2022 from marts.nations "
        "where code in ('FIN', 'FRA', 'NZL', 'IND') order by code",
    )
    as_text = [(c, str(n), str(s), str(f), a) for c, n, s, f, a in rows]
    assert as_text == [
        ("FIN", "2023-04-04", "None", "None", False),
        ("FRA", "1949-04-04", "2020-02-11", "None", True),
        ("IND", "None", "None", "None", False),
        ("NZL", "None", "2015-01-01", "1956-01-01", True),
    ]


# --- SQL that never blocks the pipeline ----------------------------------------------------------------------


def test_an_open_reader_neither_blocks_a_build_nor_sees_half_of_it(tmp_path):
    layout = make_root(tmp_path)
    assert run_build(layout).exit_code == 0
    milex = layout.root / "data_raw/starter/us_budget_lines.csv"
    milex.write_text(milex.read_text().replace(",24500,true,", ",24501,true,", 1))
    with read_only(layout.warehouse) as reader:
        before = reader.execute(
            "select amount_usd_millions from marts.us_budget where fiscal_year = 2023 and organization = 'Space Force' "
            "and phase = 'request' and is_headline_scope"
        ).fetchone()
        run = run_build(layout)  # the reader stays open the whole time
        assert run.exit_code == 0, run.output
        still = reader.execute("select count(*) from marts.defense_yoy").fetchone()
        again = reader.execute(
            "select amount_usd_millions from marts.us_budget where fiscal_year = 2023 and organization = 'Space Force' "
            "and phase = 'request' and is_headline_scope"
        ).fetchone()
    assert before == again == (24500.0,) and still[0] > 0
    with read_only(layout.warehouse) as fresh:
        now = fresh.execute(
            "select amount_usd_millions from marts.us_budget where fiscal_year = 2023 and organization = 'Space Force' "
            "and phase = 'request' and is_headline_scope"
        ).fetchone()
    assert now == (24501.0,)


def test_a_second_build_refuses_clearly_and_changes_nothing(built, tmp_path):
    shutil.copytree(built.layout.root, tmp_path / "root")
    from pipelines.paths import Layout

    layout = Layout(tmp_path / "root")
    before = sha256(layout.warehouse)
    script = (
        "import sys, time; from pathlib import Path; from pipelines.lock import build_lock; "
        "from pipelines.paths import Layout\n"
        f"with build_lock(Layout(Path({str(layout.root)!r}))):\n    print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "--root", str(layout.root), "build"],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3  # "another build is running": try later
    assert result.stderr.startswith(f"milspace build: Another build of {layout.root} is running (pid {holder.pid}")
    assert "the published warehouse is unchanged" in result.stderr
    assert sha256(layout.warehouse) == before
    with build_lock(layout):  # the holder was killed: the operating system released its lock
        pass


def _terminal(fd: int, seconds: float, until: bytes = b"\x1b[00m D ") -> bytes:
    """Read what the child writes until its prompt (or for `seconds`), answering the terminal queries the DuckDB
    shell sends."""
    replies = {b"\x1b]11;?": b"\x1b]11;rgb:0000/0000/0000\x07", b"\x1b[c": b"\x1b[?62;22c", b"\x1b[6n": b"\x1b[1;1R"}
    output, deadline = b"", time.time() + seconds
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.3)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        for query_, reply in replies.items():
            if query_ in chunk:
                os.write(fd, reply)
        if output.endswith(until):
            break
    return output


def test_milspace_sql_at_a_terminal_opens_the_pinned_duckdb_shell_read_only(built):
    pid, fd = pty.fork()
    if pid == 0:  # the child: `milspace sql` with no query, at a terminal
        os.execv(sys.executable, [sys.executable, "-m", "pipelines.cli", "--root", str(built.layout.root), "sql"])
    try:
        banner = _terminal(fd, 20)
        os.write(fd, b"select count(*) as marts from duckdb_tables() where schema_name = 'marts';\r")
        answer = _terminal(fd, 20)
        os.write(fd, b"create table x as select 1;\r")
        refusal = _terminal(fd, 20)
        os.write(fd, b".quit\r")
        _terminal(fd, 5, until=b"\x00")
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
    [(marts,)] = query(built.layout, "select count(*) from duckdb_tables() where schema_name = 'marts'")
    assert b"DuckDB v1.5.6" in banner  # the shell pinned with the library
    assert str(marts).encode() in answer
    assert b"read-only" in refusal
