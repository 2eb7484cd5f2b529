"""Seeded generator of realistic budget lines in the milspace budget-lines format, for the scale benchmark.

    .venv/bin/python benchmarks/generate.py --rows 1000000 --seed 8 --out DIR [--format csv|parquet|both]

Writes `budget_lines_<rows>.csv` and/or `.parquet` into DIR, in the format `pipelines/sources/milspace_lines.py`
reads (header: source, nation_code, fiscal_year, phase, organization, account, program_element, title,
amount_thousands, currency). The same seed and row count always give the same file.

What the rows look like, and why:
- nations: 40 nations, the United States about 55 percent of lines (its exhibits are the most detailed), then
  the large spenders; each line is in its nation's currency, in thousands.
- fiscal years 2005-2026; phases request, enacted and actual.
- 24 organizations (services, agencies, defence ministries), about 120 accounts (a service letter and a
  four-digit appropriation code), up to 100,000 program elements (`0604123F`) whose titles are built from a fixed
  vocabulary (30 to 70 characters, some with commas, so the CSV has quoted fields).
- one amount per nation, fiscal year, phase and program element, as in a real file (a figure stated twice is
  quarantined, every copy): each nation's lines walk a fixed permutation of its (year, phase, program element)
  combinations.
- amounts spread over five orders of magnitude (10 thousand to 1 billion currency units), a few negative
  (rescissions).
- about 3 percent bad rows, each of a kind the pipeline must quarantine: an unknown nation code, a year out of
  range, an unknown phase, an amount that is not a number (text, or a spreadsheet error value), and an absurd
  amount (1e30). Every bad row breaks exactly one rule, so the expected quarantine is known.

Random numbers come from Polars' seeded hash of the row number: no NumPy, no Python loop over rows.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import polars as pl

SOURCE = "Synthetic benchmark lines (milspace benchmarks/generate.py, seed {seed})"

#: (nation, currency, weight): the United States publishes most of the lines.
NATIONS = [
    ("USA", "USD", 550),
    ("CHN", "CNY", 30),
    ("RUS", "RUB", 25),
    ("GBR", "GBP", 30),
    ("FRA", "EUR", 30),
    ("DEU", "EUR", 25),
    ("JPN", "JPY", 30),
    ("IND", "INR", 25),
    ("KOR", "KRW", 20),
    ("ITA", "EUR", 15),
    ("AUS", "AUD", 20),
    ("CAN", "CAD", 15),
    ("ISR", "ILS", 10),
    ("SAU", "SAR", 10),
    ("BRA", "BRL", 10),
    ("TUR", "TRY", 10),
    ("ESP", "EUR", 10),
    ("NLD", "EUR", 10),
    ("POL", "PLN", 15),
    ("UKR", "UAH", 15),
    ("SWE", "SEK", 8),
    ("NOR", "NOK", 8),
    ("FIN", "EUR", 6),
    ("DNK", "DKK", 6),
    ("BEL", "EUR", 5),
    ("CHE", "CHF", 5),
    ("SGP", "SGD", 5),
    ("TWN", "TWD", 8),
    ("IRN", "IRR", 5),
    ("PAK", "PKR", 5),
    ("MEX", "MXN", 4),
    ("IDN", "IDR", 4),
    ("ARE", "AED", 5),
    ("EGY", "EGP", 3),
    ("ZAF", "ZAR", 3),
    ("NZL", "NZD", 3),
    ("PRT", "EUR", 3),
    ("GRC", "EUR", 4),
    ("CZE", "CZK", 3),
    ("ROU", "RON", 3),
]
ORGANIZATIONS = [
    "Army",
    "Navy",
    "Marine Corps",
    "Air Force",
    "Space Force",
    "Space Development Agency",
    "Missile Defense Agency",
    "DARPA",
    "Defense Information Systems Agency",
    "Defense Logistics Agency",
    "Special Operations Command",
    "Defense-Wide",
    "National Guard",
    "Army Reserve",
    "Navy Reserve",
    "Air National Guard",
    "Ministry of Defence",
    "Joint Staff",
    "Defence Procurement Agency",
    "Space Command",
    "Cyber Command",
    "Chemical and Biological Defense Program",
    "Office of the Secretary of Defense",
    "Defense Health Program",
]
APPROPRIATIONS = ["0100", "0300", "0400", "1000", "1105", "2010", "2020", "2035", "2040", "3010", "3020", "3600"]
SERVICE_LETTERS = ["A", "N", "M", "F", "S", "D", "E", "R", "G", "J"]
PHASE_NAMES = ["request", "enacted", "actual"]
YEARS = list(range(2005, 2027))
PROGRAM_ELEMENTS = 100_000
#: Every (year, phase, program element) a nation can state: more than the largest nation's lines at 10 million rows.
FIGURES = len(YEARS) * len(PHASE_NAMES) * PROGRAM_ELEMENTS
STEP = 1_000_003  # a prime that does not divide FIGURES: k -> k * STEP mod FIGURES is a permutation
FIRST_WORDS = [
    "Advanced",
    "Next Generation",
    "Tactical",
    "Strategic",
    "Joint",
    "Integrated",
    "Space-Based",
    "Resilient",
    "Protected",
    "Long Range",
    "Hypersonic",
    "Counterspace",
    "Autonomous",
    "Precision",
    "Distributed",
]
SECOND_WORDS = [
    "Missile Warning",
    "Satellite Communications",
    "Launch",
    "Tracking Layer",
    "Transport Layer",
    "Navigation, Positioning and Timing",
    "Electronic Warfare",
    "Surveillance",
    "Ground Systems",
    "Command and Control",
    "Air Defense",
    "Sensor",
    "Strike",
    "Training, Test and Evaluation",
    "Logistics",
    "Munitions",
    "Cyber Operations",
    "Domain Awareness",
    "Weather",
    "Propulsion",
]
THIRD_WORDS = [
    "Development",
    "Prototyping",
    "Demonstration",
    "Engineering",
    "Procurement",
    "Modernization",
    "Sustainment",
    "Integration",
    "Technology",
    "Operations",
]
#: Kinds of bad rows, each in parts per 10,000 rows.
BAD_ROWS = {"nation": 80, "year": 50, "phase": 50, "amount_text": 50, "amount_absurd": 20}
BAD_AMOUNTS = ["n/a", "#REF!", "tbd", "1,2,3", "#VALUE!"]


def _uniform(seed: int, salt: int) -> pl.Expr:
    """A number in [0, 1) per row, from the seeded hash of the row number."""
    return (pl.int_range(pl.len(), dtype=pl.UInt64).hash(seed * 1000 + salt) % 1_000_003).cast(pl.Float64) / 1_000_003


def budget_lines(rows: int, seed: int) -> pl.DataFrame:
    """`rows` budget lines, the same for the same seed."""
    frame = pl.select(pl.int_range(rows, dtype=pl.UInt64).alias("i"))
    u = {name: _uniform(seed, salt) for salt, name in enumerate(["nation", "year", "phase", "pe", "amount", "bad"])}
    assert rows * 0.6 < FIGURES, "more lines for one nation than figures it can state"
    nation_index = (u["nation"] * sum(w for _, _, w in NATIONS)).cast(pl.UInt32)
    nation_of_slot = [i for i, (_, _, w) in enumerate(NATIONS) for _ in range(w)]
    frame = frame.with_columns(
        pl.lit(pl.Series(nation_of_slot, dtype=pl.UInt32)).gather(nation_index).alias("n"),
        u["bad"].alias("bad"),
    )
    # One amount per nation, fiscal year, phase and program element, as in a real file (the pipeline quarantines
    # every copy of a figure stated twice): each nation's k-th line takes the k-th figure of a fixed permutation of
    # its (year, phase, program element) combinations, so no two lines of a nation state the same figure.
    figure = (pl.int_range(pl.len(), dtype=pl.UInt64).over("n") * STEP + seed) % FIGURES
    frame = frame.with_columns(
        (figure % len(YEARS) + YEARS[0]).cast(pl.Int64).alias("year"),
        pl.lit(pl.Series(PHASE_NAMES)).gather((figure // len(YEARS)) % len(PHASE_NAMES)).alias("phase_drawn"),
        (figure // (len(YEARS) * len(PHASE_NAMES))).cast(pl.UInt32).alias("pe"),
    )
    codes = pl.Series([c for c, _, _ in NATIONS])
    currencies = pl.Series([c for _, c, _ in NATIONS])
    pe = pl.col("pe")
    title = pl.concat_str(
        pl.lit(pl.Series(FIRST_WORDS)).gather(pe % len(FIRST_WORDS)),
        pl.lit(" "),
        pl.lit(pl.Series(SECOND_WORDS)).gather((pe // len(FIRST_WORDS)) % len(SECOND_WORDS)),
        pl.lit(" "),
        pl.lit(pl.Series(THIRD_WORDS)).gather((pe // 300) % len(THIRD_WORDS)),
        pl.when(pe % 7 == 0).then(pl.lit(" (Increment ") + (pe % 5 + 1).cast(pl.String) + ")").otherwise(pl.lit("")),
    )
    organization = pl.lit(pl.Series(ORGANIZATIONS)).gather(pe % len(ORGANIZATIONS))
    account = pl.concat_str(
        pl.lit(pl.Series(APPROPRIATIONS)).gather(pe % len(APPROPRIATIONS)),
        pl.lit(pl.Series(SERVICE_LETTERS)).gather((pe // 97) % len(SERVICE_LETTERS)),
    )
    program_element = pl.concat_str(
        pl.lit("06"),
        (pe % 8 + 1).cast(pl.String),
        (pe // 8).cast(pl.String).str.zfill(5),
        pl.lit(pl.Series(SERVICE_LETTERS)).gather((pe // 97) % len(SERVICE_LETTERS)),
    )
    # 10 thousand to 1 billion currency units, in thousands; one line in 50 negative (a rescission).
    magnitude = (pl.lit(10.0).pow(u["amount"] * 5 + 1) / 1).round(3)
    amount = pl.when((u["amount"] * 1000).cast(pl.Int64) % 50 == 0).then(-magnitude / 10).otherwise(magnitude)

    cuts, start = {}, 0.0
    for kind, parts in BAD_ROWS.items():
        cuts[kind] = (pl.col("bad") >= start) & (pl.col("bad") < start + parts / 10_000)
        start += parts / 10_000
    # An absurd amount is always in US dollars, where the plausibility rule applies (a line breaks one rule only).
    frame = frame.with_columns(
        pl.when(cuts["amount_absurd"]).then(pl.lit(0, dtype=pl.UInt32)).otherwise("n").alias("n")
    )
    frame = frame.select(
        pl.lit(SOURCE.format(seed=seed)).alias("source"),
        pl.when(cuts["nation"]).then(pl.lit("XXA")).otherwise(pl.lit(codes).gather(pl.col("n"))).alias("nation_code"),
        pl.when(cuts["year"]).then(pl.lit(1850)).otherwise(pl.col("year")).alias("fiscal_year"),
        pl.when(cuts["phase"]).then(pl.lit("planned")).otherwise(pl.col("phase_drawn")).alias("phase"),
        organization.alias("organization"),
        account.alias("account"),
        program_element.alias("program_element"),
        title.alias("title"),
        pl.when(cuts["amount_absurd"])
        .then(pl.lit("1e30"))
        .when(cuts["amount_text"])
        .then(pl.lit(pl.Series(BAD_AMOUNTS)).gather(pl.col("pe") % len(BAD_AMOUNTS)))
        .otherwise(amount.cast(pl.String))
        .alias("amount_thousands"),
        pl.lit(currencies).gather(pl.col("n")).alias("currency"),
    )
    return frame


def expected_bad_rows(rows: int) -> int:
    """About how many rows the generator makes bad (each breaks one rule)."""
    return round(rows * sum(BAD_ROWS.values()) / 10_000)


def write(rows: int, seed: int, out: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write the files (skipping any already there for the same rows and seed); their paths."""
    out.mkdir(parents=True, exist_ok=True)
    targets = [out / f"budget_lines_{rows}_seed{seed}.{fmt}" for fmt in formats]
    if all(t.exists() for t in targets):
        return targets
    frame = budget_lines(rows, seed)
    for target in targets:
        if target.exists():
            continue
        partial = target.with_name(f".{target.name}.partial")
        if target.suffix == ".csv":
            frame.write_csv(partial)
        else:
            # Parquet keeps the types a curated file would have: the year an integer, the amount a number
            # (the amounts that are not numbers become empty, with the text kept nowhere: the reader rejects them).
            typed = frame.with_columns(
                pl.col("fiscal_year").cast(pl.Int64),
                pl.col("amount_thousands").cast(pl.Float64, strict=False),
            )
            typed.write_parquet(partial, row_group_size=256 * 1024)
        partial.replace(target)
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data")
    parser.add_argument("--format", choices=["csv", "parquet", "both"], default="both")
    args = parser.parse_args()
    formats = ("csv", "parquet") if args.format == "both" else (args.format,)
    started = time.perf_counter()
    paths = write(args.rows, args.seed, args.out, formats)
    for path in paths:
        print(f"{path} ({path.stat().st_size / 1e6:,.0f} MB)")
    print(f"{args.rows:,} rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
