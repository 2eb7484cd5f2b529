"""Hostile input: files built to break the readers, generated here from the shipped starter data and the real
published files (read in place from ../shared/data, never copied into the repository).

For every hostile file the outcome is either one clear paragraph naming the file (and, where it applies, the
sheet, row, column and rule), never a traceback, or the bad rows quarantined with the rule they break; the other
files load as they would without it. Most cases are checked file by file (`check_file`, `read_described_csv`);
two builds check the same files end to end:

- `hostile_build`: every hostile inbox file at once, and hostile rows appended to starter files (a formula in a
  title and a source, an absurd amount, a 1 MB title). The build must succeed;
- `broken_starter_build`: starter files that cannot be read (UTF-16, Windows-1252, semicolons, empty). The build
  must stop with one paragraph per file and publish nothing.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import InputFileError
from pipelines.intake.inbox import check_file
from pipelines.intake.shipped import validate_resource
from pipelines.nations import default_names
from pipelines.paths import REPO_ROOT, Layout
from pipelines.schemas import FINITE_RULE, PLAUSIBLE_USD_RULE
from pipelines.sources import probe
from pipelines.sources.cells import SPREADSHEET_ERROR_RULE
from pipelines.sources.datapackage import load_package
from pipelines.sources.described_csv import LENGTH_RULE, read_described_csv
from pipelines.sources.registry import read_file, readers
from tests.conftest import make_root, query, run_build, shared_file
from tests.source_helpers import nation_codes

M1 = "dod/fy2019_exhibits/M-1.xlsx"
P1 = "dod/fy2019_exhibits/P-1.xlsx"
OWID = "owid/military-spending-as-a-share-of-gdp-sipri.csv"
WORLD_BANK = "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv"

INJECTION = '=HYPERLINK("http://example.invalid","click")'
#: The P-1 column that gets the hostile cells, and what goes in which row of its data sheet.
P1_SHEET, P1_COLUMN = "Exhibit P-1", "FY 2019 Base Amount"
P1_CELLS = {10: "#REF!", 11: "#DIV/0!", 12: "#N/A", 13: "#VALUE!", 14: 1e30}
ZIP_BOMB_BYTES = 60 * 1024 * 1024
ONE_MB = 1024 * 1024
STARTER = REPO_ROOT / "data_raw" / "starter"
REFERENCE = REPO_ROOT / "data_raw" / "reference"


# --- helpers ------------------------------------------------------------------------------------------------------


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def shipped_rows(path: Path) -> int:
    """Data rows of a CSV (its records minus the header), read straight from the file."""
    return len(csv_rows(path)) - 1


def append_row(path: Path, **values: str) -> int:
    """Append a row (columns not given are empty); returns its row number, the header being row 1."""
    rows = csv_rows(path)
    header = rows[0]
    assert set(values) <= set(header), set(values) - set(header)
    rows.append([values.get(column, "") for column in header])
    write_rows(path, rows)
    return len(rows)


def set_cell(path: Path, match: dict[str, str], column: str, value: str) -> int:
    """Set one cell of the one row matching `match`; returns that row's number."""
    rows = csv_rows(path)
    header = rows[0]
    hits = [i for i, r in enumerate(rows[1:], start=2) if all(r[header.index(k)] == v for k, v in match.items())]
    assert len(hits) == 1, (match, hits)
    rows[hits[0] - 1][header.index(column)] = value
    write_rows(path, rows)
    return hits[0]


def one_paragraph(message: str, shown: str) -> None:
    assert message.startswith(f"Cannot read file {shown}"), message
    assert "\n" not in message and "Traceback" not in message, message


def accented(text: str) -> str:
    """A copy of a published CSV whose Ivory Coast is spelled with its accent, so its encoding shows."""
    assert "Cote d'Ivoire" in text
    return text.replace("Cote d'Ivoire", "Côte d'Ivoire")


def zip_bomb(path: Path) -> Path:
    """An .xlsx-shaped zip: xl/workbook.xml and one worksheet of 60 MB of zeros (about 60 KB compressed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * ZIP_BOMB_BYTES)
    return path


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def lying_zip_bomb(path: Path) -> Path:
    """A workbook-shaped zip whose xl/workbook.xml unpacks to 60 MB while its headers declare 1,000 bytes: it
    passes the size and ratio caps, and `ZipFile.read` (which openpyxl uses) would unpack all 60 MB at once."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)  # so that openpyxl goes on to read the workbook part
        archive.writestr("xl/workbook.xml", b"<" + b" " * ZIP_BOMB_BYTES)
    raw = bytearray(path.read_bytes())
    name = b"xl/workbook.xml"
    for signature, name_length_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
        at = raw.find(signature)
        while at != -1:
            length = int.from_bytes(raw[at + name_length_at : at + name_length_at + 2], "little")
            if raw[at + name_at : at + name_at + length] == name:
                raw[at + size_at : at + size_at + 4] = (1000).to_bytes(4, "little")
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))
    return path


def hostile_p1(path: Path) -> Path:
    """The real FY 2019 P-1 with spreadsheet error values and an absurd amount typed into its data sheet."""
    workbook = openpyxl.load_workbook(shared_file(P1), data_only=True)
    sheet = workbook[P1_SHEET]
    header = [re.sub(r"\s+", " ", str(cell.value or "")).strip() for cell in sheet[2]]
    column = header.index(P1_COLUMN) + 1
    for row, value in P1_CELLS.items():
        sheet.cell(row, column).value = value
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def codes() -> list[str]:
    return nation_codes()


def check(path: Path, codes, shown: str | None = None):
    return check_file(path, shown or f"data_raw/inbox/{path.name}", default_names(), codes)


# --- the hostile inbox files -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, Path]:
    """Every hostile inbox file, by its name in the inbox."""
    folder = tmp_path_factory.mktemp("hostile_files")
    m1 = shared_file(M1).read_bytes()
    files = {
        "M-1 truncated.xlsx": m1[: len(m1) // 2],
        "owid-utf16.csv": accented(shared_file(OWID).read_text(encoding="utf-8")).encode("utf-16"),
        "worldbank-cp1252.csv": accented(shared_file(WORLD_BANK).read_text(encoding="utf-8-sig")).encode("cp1252"),
        "empty.csv": b"",
        "M-1 exhibit.csv": m1,  # a workbook named like a CSV
        "World Bank share of GDP.xlsx": shared_file(WORLD_BANK).read_bytes(),  # a CSV named like a workbook
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    out["bomb.xlsx"] = zip_bomb(folder / "bomb.xlsx")
    out["P-1 hostile.xlsx"] = hostile_p1(folder / "P-1 hostile.xlsx")
    return out


@pytest.fixture(scope="module")
def originals(hostile_files, codes, tmp_path_factory) -> dict[str, pl.DataFrame]:
    """The lines the hostile files would give if they were not hostile: the real files, and UTF-8 copies of the
    re-encoded ones (with the same accent)."""
    folder = tmp_path_factory.mktemp("originals")
    (folder / "owid.csv").write_text(accented(shared_file(OWID).read_text(encoding="utf-8")), encoding="utf-8")
    (folder / "wb.csv").write_text(accented(shared_file(WORLD_BANK).read_text(encoding="utf-8-sig")), encoding="utf-8")
    paths = {
        "owid-utf16.csv": folder / "owid.csv",
        "worldbank-cp1252.csv": folder / "wb.csv",
        "M-1": shared_file(M1),
        "P-1": shared_file(P1),
        "World Bank": shared_file(WORLD_BANK),
    }
    out = {}
    for key, path in paths.items():
        checked = check(path, codes, "original")
        assert checked.status == "loaded" and checked.rejected.height == 0, checked.error
        out[key] = checked.lines.drop("file")
    return out


# 1. a truncated workbook


def test_a_truncated_workbook_is_one_paragraph_naming_the_file(hostile_files, codes):
    checked = check(hostile_files["M-1 truncated.xlsx"], codes)
    assert checked.status == "unreadable" and checked.lines.height == 0
    one_paragraph(checked.error, "data_raw/inbox/M-1 truncated.xlsx")
    assert checked.error == (
        "Cannot read file data_raw/inbox/M-1 truncated.xlsx: not a valid zip or .xlsx file "
        "(it may be truncated or corrupted)"
    )


# 2. zip bombs


def test_a_zip_bomb_is_refused_by_the_cap_before_anything_is_unpacked(hostile_files, codes, monkeypatch):
    bomb = hostile_files["bomb.xlsx"]
    assert bomb.stat().st_size < 200_000  # 60 MB of zeros squeeze into about 60 KB
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    readers()  # imported before measuring: only what reading the file allocates counts
    tracemalloc.start()
    try:
        checked = check(bomb, codes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert checked.status == "unreadable"
    one_paragraph(checked.error, "data_raw/inbox/bomb.xlsx")
    assert "refused as a likely zip bomb, before unpacking anything" in checked.error
    assert f"would unpack {ZIP_BOMB_BYTES:,} bytes" in checked.error
    assert f"over the cap of {probe.MAX_RATIO} to 1" in checked.error
    assert opened == []  # no member was ever opened for decompression
    assert peak < ZIP_BOMB_BYTES / 10, f"peak {peak:,} bytes while reading a bomb of {ZIP_BOMB_BYTES:,}"


def test_a_zip_bomb_whose_headers_lie_about_its_size_is_refused_in_bounded_memory(tmp_path, codes):
    bomb = lying_zip_bomb(tmp_path / "liar.xlsx")
    readers()  # imported before measuring: only what reading the file allocates counts
    tracemalloc.start()
    try:
        checked = check(bomb, codes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert checked.status == "unreadable"
    one_paragraph(checked.error, "data_raw/inbox/liar.xlsx")
    assert checked.error == (
        "Cannot read file data_raw/inbox/liar.xlsx: refused: member 'xl/workbook.xml' does not unpack to what its "
        "header declares (Bad CRC-32 for file 'xl/workbook.xml'); the file is damaged, or built to get past the zip "
        "bomb caps"
    )
    assert peak < ZIP_BOMB_BYTES / 10, f"peak {peak:,} bytes: the member was unpacked whole"


def test_a_zip_unpacking_past_the_total_cap_is_refused(tmp_path, codes, monkeypatch):
    monkeypatch.setattr(probe, "MAX_UNPACKED_BYTES", 1_000_000)
    with zipfile.ZipFile(tmp_path / "big.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(3):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", b"<x/>" * 100_000)
    checked = check(tmp_path / "big.xlsx", codes)
    assert checked.status == "unreadable"
    assert checked.error.endswith(
        "refused as a likely zip bomb, before unpacking anything: it would unpack to 1,200,011 bytes, over the cap "
        "of 1,000,000 bytes"
    )


# 3. encodings (inbox: read as what they are)


@pytest.mark.parametrize(
    "name, fmt",
    [("owid-utf16.csv", "owid_grapher"), ("worldbank-cp1252.csv", "worldbank_wdi")],
    ids=["utf16", "cp1252"],
)
def test_an_inbox_csv_in_utf16_or_cp1252_reads_exactly_as_its_utf8_original(hostile_files, originals, codes, name, fmt):
    checked = check(hostile_files[name], codes)
    assert (checked.status, checked.source_format, checked.rejected.height) == ("loaded", fmt, 0), checked.error
    lines = checked.lines.drop("file")
    assert lines.height == originals[name].height > 1000
    assert lines.equals(originals[name])
    ivory = checked.lines.filter(pl.col("entity_code") == "CIV")
    assert ivory.height > 10 and set(ivory["entity_name"]) == {"Côte d'Ivoire"}


# 3-5. starter files that cannot be read: what they look like, and how to fix them


def starter_copy(tmp_path: Path, name: str, data: bytes):
    """A copy of the starter package whose `name`.csv holds `data`; returns its resource."""
    folder = tmp_path / "starter"
    shutil.copytree(STARTER, folder)
    (folder / f"{name}.csv").write_bytes(data)
    return load_package(folder)[name]


def _budget_text() -> str:
    return (STARTER / "us_budget_lines.csv").read_text(encoding="utf-8")


def _with_accent(text: str) -> str:
    assert "Congressional Research Service" in text
    return text.replace("Congressional Research Service", "Congressional Research Servicé")


def _first_line_with(text: str, word: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if word in line)


SAVE_AS = "save it as UTF-8 (in Excel: Save As > 'CSV UTF-8 (Comma delimited)'"


@pytest.mark.parametrize(
    "data, expected",
    [
        pytest.param(
            lambda: _with_accent(_budget_text()).encode("utf-16"),
            "not UTF-8 text: it looks like UTF-16 (it starts with the UTF-16 byte-order mark); "
            + SAVE_AS
            + "; in LibreOffice: character set 'Unicode (UTF-8)'; or iconv -f UTF-16 -t UTF-8)",
            id="utf16-bom",
        ),
        pytest.param(
            lambda: _budget_text().encode("utf-16-le"),
            "not UTF-8 text: it looks like UTF-16 without a byte-order mark (every other byte is 0); "
            + SAVE_AS
            + "; in LibreOffice: character set 'Unicode (UTF-8)'; or iconv -f UTF-16LE -t UTF-8)",
            id="utf16-no-bom",
        ),
        pytest.param(
            lambda: _with_accent(_budget_text()).encode("cp1252"),
            "row {line}: not UTF-8 text (undecodable byte at line {line}): it looks like Windows-1252 (cp1252, what "
            "Excel on Windows saves as 'CSV (Comma delimited)'), where byte 0xE9 is 'é'; "
            + SAVE_AS
            + "; in LibreOffice: character set 'Unicode (UTF-8)'; or iconv -f CP1252 -t UTF-8)",
            id="cp1252",
        ),
        pytest.param(
            lambda: _budget_text().replace(",", ";").encode("utf-8"),
            "row 1: the header does not match datapackage.json: the delimiter looks like ';', not a comma (split on "
            "';' the header gives the descriptor's fields); save the file comma-separated "
            "(rule: header matches the descriptor's fields)",
            id="semicolons",
        ),
        pytest.param(
            lambda: _budget_text().replace(",", "\t").encode("utf-8"),
            "row 1: the header does not match datapackage.json: the delimiter looks like a tab, not a comma",
            id="tabs",
        ),
        pytest.param(lambda: b"", "the file is empty (0 bytes): it needs at least its header row", id="empty"),
        pytest.param(lambda: b" \n\n", "the file is blank (it holds only whitespace)", id="blank"),
        pytest.param(
            lambda: shared_file(M1).read_bytes(),
            "not UTF-8 text: it looks like a binary file (a zip, a spreadsheet workbook or a PDF), not CSV text",
            id="workbook",
        ),
    ],
)
def test_a_starter_file_that_cannot_be_read_says_what_it_looks_like_and_how_to_fix_it(tmp_path, data, expected):
    resource = starter_copy(tmp_path, "us_budget_lines", data())
    with pytest.raises(InputFileError) as caught:
        read_described_csv(resource, "data_raw/starter/us_budget_lines.csv")
    message = str(caught.value)
    one_paragraph(message, "data_raw/starter/us_budget_lines.csv")
    line = _first_line_with(_with_accent(_budget_text()), "Servicé")
    assert expected.format(line=line) in message, message


# 5. an empty inbox file


def test_an_empty_inbox_file_is_named_as_empty(hostile_files, codes):
    checked = check(hostile_files["empty.csv"], codes)
    assert checked.status == "unreadable"
    assert checked.error == (
        "Cannot read file data_raw/inbox/empty.csv: the file is empty (0 bytes): nothing to read "
        "(was the download interrupted?)"
    )


# 6. the wrong extension: read by content


def test_a_workbook_named_csv_and_a_csv_named_xlsx_are_read_by_content(hostile_files, originals, codes):
    workbook = check(hostile_files["M-1 exhibit.csv"], codes)
    assert (workbook.status, workbook.source_format, workbook.rejected.height) == ("loaded", "dod_exhibits", 0)
    assert workbook.lines.drop("file").equals(originals["M-1"])
    text = check(hostile_files["World Bank share of GDP.xlsx"], codes)
    assert (text.status, text.source_format, text.rejected.height) == ("loaded", "worldbank_wdi", 0)
    assert text.lines.drop("file").equals(originals["World Bank"])


# 7 and 9. spreadsheet error cells and an absurd amount in a real workbook


def test_error_cells_and_an_absurd_amount_are_quarantined_and_the_rest_of_the_workbook_loads(
    hostile_files, originals, codes
):
    checked = check(hostile_files["P-1 hostile.xlsx"], codes)
    assert checked.status == "loaded", checked.error
    shown = "data_raw/inbox/P-1 hostile.xlsx"
    assert checked.rejected.rows() == [
        (shown, P1_SHEET, 10, P1_COLUMN, SPREADSHEET_ERROR_RULE, "#REF!"),
        (shown, P1_SHEET, 11, P1_COLUMN, SPREADSHEET_ERROR_RULE, "#DIV/0!"),
        (shown, P1_SHEET, 12, P1_COLUMN, SPREADSHEET_ERROR_RULE, "#N/A"),
        (shown, P1_SHEET, 13, P1_COLUMN, SPREADSHEET_ERROR_RULE, "#VALUE!"),
        (shown, P1_SHEET, 14, P1_COLUMN, PLAUSIBLE_USD_RULE, "1e+30"),
    ]
    hit = pl.col("row").is_in(list(P1_CELLS)) & (pl.col("source_column") == P1_COLUMN)
    # never read as 0, as missing, or as anything: those five figures are not lines ...
    assert checked.lines.filter(hit).height == 0
    # ... and every other figure of the file, those rows' other columns included, is read as before
    assert originals["P-1"].filter(hit).height == 5
    assert checked.lines.drop("file").equals(originals["P-1"].filter(~hit))


# the finiteness rule, and error values in a CSV export


def test_infinite_figures_and_error_values_in_a_published_csv_are_quarantined(tmp_path, codes):
    rows = csv_rows(shared_file(OWID))
    header = rows[0]
    usa = [i for i, r in enumerate(rows) if r[1] == "USA"]
    rows[usa[0]][3], rows[usa[1]][3] = "inf", "1e400"
    rows[usa[2]][3] = "#N/A"
    write_rows(tmp_path / "owid.csv", rows)
    checked = check(tmp_path / "owid.csv", codes)
    assert checked.status == "loaded"
    assert checked.rejected.select("row", "column", "rule", "value").rows() == [
        (usa[0] + 1, header[3], FINITE_RULE, "inf"),
        (usa[1] + 1, header[3], FINITE_RULE, "inf"),
        (usa[2] + 1, header[3], SPREADSHEET_ERROR_RULE, "#N/A"),
    ]
    assert checked.lines.height == len(rows) - 1 - 3


# 9 in every starter column of US dollars


@pytest.mark.parametrize(
    "name, column",
    [
        ("us_budget_lines", "amount_usd_millions"),
        ("space_budgets", "usd_millions"),
    ],
)
def test_an_absurd_amount_in_a_starter_file_breaks_the_plausibility_rule(tmp_path, codes, name, column):
    layout = make_root(tmp_path)
    path = layout.starter / f"{name}.csv"
    header, first = csv_rows(path)[:2]
    row = set_cell(path, dict(zip(header, first, strict=True)), column, "1e30")
    table = validate_resource(layout, load_package(layout.starter)[name], {"nations": codes})
    assert table.rejected.select("row", "column", "rule", "value").rows() == [
        (row, column, PLAUSIBLE_USD_RULE, "1e+30")
    ]
    assert table.valid.height == shipped_rows(path) - 1


def test_an_absurd_amount_in_a_starter_extract_breaks_the_plausibility_rule(tmp_path, codes):
    """The shipped extracts enter by the inbox road: the BudgetLine contract's US$ plausibility rule applies."""
    layout = make_root(tmp_path)
    path = layout.starter_lines / "sipri_milex.csv"
    header, *rows = csv_rows(path)
    first = next(r for r in rows if r[header.index("measure")] == "milex_current_usd")
    row = set_cell(path, dict(zip(header, first, strict=True)), "value", "1e30")
    checked = check_file(path, "data_raw/starter/lines/sipri_milex.csv", default_names(), codes)
    assert checked.status == "loaded"
    assert checked.rejected.select("row", "column", "rule", "value").rows() == [
        (row, first[header.index("source_column")], PLAUSIBLE_USD_RULE, "1e+30")
    ]
    assert checked.lines.height == len(rows) - 1


# 7 for starter files: an error value typed into a number column


def test_an_error_value_in_a_starter_number_column_is_quarantined_as_one(tmp_path):
    folder = tmp_path / "starter"
    shutil.copytree(STARTER, folder)
    row = set_cell(
        folder / "us_budget_lines.csv",
        {"fiscal_year": "2024", "organization": "Space Force", "phase": "request", "appropriation_title": "total"},
        "amount_usd_millions",
        "#REF!",
    )
    parsed = read_described_csv(load_package(folder)["us_budget_lines"], "us_budget_lines.csv")
    assert parsed.rejected.select("row", "column", "rule", "value").rows() == [
        (row, "amount_usd_millions", SPREADSHEET_ERROR_RULE, "#REF!")
    ]


# --- delimiters: a DoD exhibit exported with tabs or semicolons, a table no reader reads -----------------------------

R1 = "dod/fy2019_exhibits/R-1.xlsx"
#: What identifies one DoD line figure, and what it says.
LINE_KEY = ["row", "source_column"]
LINE_FIGURES = ["period", "measure", "phase", "funding_type", "value", "missing_marker", "unit_factor"]


def exhibit_csv(xlsx: Path, out: Path) -> Path:
    """A comma-delimited export of an exhibit's data sheet (banner and header rows included), as Excel writes one."""
    workbook = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    rows = [["" if v is None else str(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    with out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return out


def redelimit(source: Path, out: Path, delimiter: str) -> Path:
    """The same records written with another delimiter (quotes where a field needs them, as before)."""
    with out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(csv_rows(source))
    return out


@pytest.fixture(scope="module")
def r1_exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("r1_exports")
    comma = exhibit_csv(shared_file(R1), folder / "R-1.csv")
    return {
        ",": comma,
        "\t": redelimit(comma, folder / "R-1 tab.txt", "\t"),
        ";": redelimit(comma, folder / "R-1 semicolon.csv", ";"),
    }


@pytest.mark.parametrize("delimiter", ["\t", ";"], ids=["tab", "semicolon"])
def test_a_dod_exhibit_exported_with_tabs_or_semicolons_reads_as_its_comma_export(r1_exports, codes, delimiter):
    """Red team: the tab-delimited R-1 was taken for a (Portuguese) strategy document and its 14,994 lines vanished."""
    original = check(r1_exports[","], codes)
    assert original.status == "loaded" and original.lines.height == 14_994, original.error
    checked = check(r1_exports[delimiter], codes)
    assert checked.status == "loaded", (checked.status, checked.error, checked.notes)
    assert checked.source_format == "dod_exhibits" and checked.source == original.source
    assert checked.edition == original.edition == "FY2019 President's Budget"
    assert checked.rejected.height == 0
    columns = LINE_KEY + LINE_FIGURES
    assert checked.lines.select(columns).sort(LINE_KEY).equals(original.lines.select(columns).sort(LINE_KEY))
    name = {"\t": "tab", ";": "semicolon"}[delimiter]
    assert any(f"Read as {name}-delimited text" in note for note in checked.notes)


def test_a_tab_delimited_table_is_never_taken_for_a_document(r1_exports):
    from pipelines.text.extract import looks_like_document

    head = r1_exports["\t"].read_bytes()[: probe.HEAD_BYTES]
    assert not looks_like_document(head)
    table = probe.delimited_table(head.decode("utf-8"))
    assert table is not None and table.delimiter == "\t" and table.fields == 24
    assert table.header[:3] == ("Account", "Account Title", "Organization")


def test_figures_with_separators_in_a_semicolon_exhibit_are_rejected_not_guessed(r1_exports, tmp_path, codes):
    """'11.936' in a semicolon file may be 11,936 (German thousands) or 11.936: never read as either."""
    rows = csv_rows(r1_exports[","])
    header = [" ".join(cell.split()) for cell in rows[1]]
    column = header.index("FY 2019 Total")
    rows[2][column] = "11.585"  # In-House Laboratory Independent Research, 11,585 thousand dollars
    path = tmp_path / "R-1 semicolon.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    checked = check(path, codes)
    assert checked.status == "loaded"
    rejected = checked.rejected.row(0, named=True)
    assert checked.rejected.height == 1 and (rejected["row"], rejected["value"]) == (3, "11.585")
    assert rejected["column"] == "FY 2019 Total" and "semicolon-delimited" in rejected["rule"]
    assert checked.lines.filter((pl.col("row") == 3) & (pl.col("source_column") == "FY 2019 Total")).is_empty()


def test_a_semicolon_table_no_reader_reads_is_refused_naming_its_delimiter(tmp_path, codes):
    """Red team: a semicolon-delimited file was refused as "text starting 'Entity;Code;...'": say it is a table."""
    owid = tmp_path / "owid semicolon.csv"
    redelimit(shared_file(OWID), owid, ";")
    checked = check(owid, codes)
    assert checked.status == "unreadable"
    one_paragraph(checked.error, "data_raw/inbox/owid semicolon.csv")
    assert "not a format milspace reads" in checked.error
    assert (
        "it looks like semicolon-delimited text (5 fields a record) with header ['Entity', 'Code', 'Year', "
        "'Military expenditure (% of GDP)'"
    ) in checked.error
    # a real one, its value column renamed to a word the Bundeshaushalt reader does not know (it reads the original)
    german_file = tmp_path / "hh_2014.csv"
    german_file.write_bytes(shared_file("national/germany/hh_2014.csv").read_bytes().replace(b";soll;", b";betrag;", 1))
    german = check(german_file, codes, "hh_2014.csv")
    assert german.status == "unreadable"
    assert "semicolon-delimited text (14 fields a record) with header ['einzelplan', 'einzelplan-text'" in german.error


# --- SIPRI: a renamed sheet, year headers shifted by a cell -----------------------------------------------------

SIPRI_PARTIAL = "sipri/SIPRI-Milex-data-2017-2025.xlsx"
#: What a SIPRI line says, apart from where it was read.
SIPRI_FIGURES = ["entity_code", "period", "measure", "price_basis", "unit_factor", "value", "missing_marker", "phase",
                 "period_type", "is_estimate", "is_highly_uncertain"]  # fmt: skip


def sipri_copy(path: Path, edit) -> Path:
    """The real partial SIPRI export (the April 2025 release, 2017-2024), changed by `edit` with openpyxl."""
    workbook = openpyxl.load_workbook(shared_file(SIPRI_PARTIAL))
    edit(workbook)
    workbook.save(path)
    return path


def shift_header(sheet: str, row: int, first_column: int, by: int):
    """An edit moving the header cells of `row` from `first_column` on by `by` cells (+1: right, -1: left)."""

    def edit(workbook) -> None:
        worksheet = workbook[sheet]
        columns = range(first_column, worksheet.max_column + 1)
        values = [worksheet.cell(row, column).value for column in columns]
        for column in columns:
            worksheet.cell(row, column).value = None
        for column, value in zip(columns, values, strict=True):
            worksheet.cell(row, column + by).value = value

    return edit


@pytest.fixture(scope="module")
def sipri_original(codes, tmp_path_factory) -> pl.DataFrame:
    """The lines of the partial export saved by openpyxl unchanged (a save rounds the last bit of a few floats)."""
    path = sipri_copy(tmp_path_factory.mktemp("sipri") / "sipri.xlsx", lambda workbook: None)
    checked = check(path, codes, "original")
    assert checked.status == "loaded" and checked.rejected.height == 0
    return checked.lines


@pytest.mark.parametrize("name", ["Sheet7", "Current USD (renamed)"])
def test_a_renamed_sipri_sheet_reads_the_same_figures_by_its_title(tmp_path, codes, sipri_original, name):
    """Red team: the Current US$ sheet renamed dropped its 361 figures with only a note."""
    path = sipri_copy(tmp_path / "sipri.xlsx", lambda workbook: setattr(workbook["Current US$"], "title", name))
    checked = check(path, codes)
    assert checked.status == "loaded" and checked.rejected.height == 0
    renamed = checked.lines.filter(pl.col("sheet") == name).select(SIPRI_FIGURES).sort(SIPRI_FIGURES)
    original = sipri_original.filter(pl.col("sheet") == "Current US$").select(SIPRI_FIGURES).sort(SIPRI_FIGURES)
    assert renamed["value"].is_not_null().sum() == 361 and renamed.equals(original)
    assert checked.lines.height == sipri_original.height and checked.edition == "April 2025 release"


def test_a_renamed_sipri_sheet_whose_title_says_nothing_is_reported_as_skipped(tmp_path):
    def edit(workbook) -> None:
        worksheet = workbook["Current US$"]
        worksheet.title = "Sheet7"
        for row in range(1, 6):  # the title and legend rows
            worksheet.cell(row, 1).value = None

    result = read_file(sipri_copy(tmp_path / "sipri.xlsx", edit), "sipri.xlsx")
    assert result.skipped == (
        "sheet 'Front page' skipped: front matter, not a data table (no 'Country' or 'Region' header)",
        "sheet 'Sheet7' skipped: its title row does not say what it measures, and its name is not one of SIPRI's "
        "sheet names (361 figures under the 8 year columns of its header, row 6, not read)",
    )
    assert "Sheet7" not in set(result.lines["sheet"])


def test_a_sipri_sheet_whose_name_names_another_measure_is_refused(tmp_path, codes):
    """Named "Share of GDP (2)", the Current US$ sheet used to be read as shares of GDP (x 100)."""
    rename = lambda workbook: setattr(workbook["Current US$"], "title", "Share of GDP (2)")  # noqa: E731
    checked = check(sipri_copy(tmp_path / "sipri.xlsx", rename), codes)
    assert checked.status == "unreadable"
    one_paragraph(checked.error, "data_raw/inbox/sipri.xlsx, sheet 'Share of GDP (2)'")
    assert "its title text says it holds Current US$" in checked.error and "its name says Share of GDP" in checked.error


SHIFTS = {
    "Current US$ years one cell right": (shift_header("Current US$", 6, 3, 1), "Current US$", "C"),
    "Current US$ years one cell left": (shift_header("Current US$", 6, 3, -1), "Current US$", "J"),
    "Regional totals years one cell right": (shift_header("Regional totals", 14, 2, 1), "Regional totals", "B"),
    "Constant US$ years one cell right": (shift_header("Constant (2024) US$", 6, 4, 1), "Constant (2024) US$", "D"),
    "local currency, every header after Country one cell right": (
        shift_header("Local currency calendar years", 7, 2, 1),
        "Local currency calendar years",
        "D",  # the Notes header, over the 2017 figures
    ),
}


@pytest.mark.parametrize("case", SHIFTS)
def test_year_headers_shifted_by_a_cell_are_refused_naming_sheet_row_and_column(tmp_path, codes, case):
    """Red team: year headers moved one cell right re-dated every figure of the sheet, silently."""
    edit, sheet, column = SHIFTS[case]
    checked = check(sipri_copy(tmp_path / "sipri.xlsx", edit), codes)
    assert checked.status == "unreadable" and checked.lines.height == 0
    row = {"Regional totals": 14, "Local currency calendar years": 7}.get(sheet, 6)
    one_paragraph(checked.error, f"data_raw/inbox/sipri.xlsx, sheet {sheet!r}, row {row}, column {column!r}")
    assert "the header row's years do not line up with the data" in checked.error


# --- one build with all of it -------------------------------------------------------------------------------------

SPACE_FORCE_FY2023_REQUEST = {
    "fiscal_year": "2023",
    "organization": "Space Force",
    "phase": "request",
    "appropriation_title": "total",
    "is_headline_scope": "true",
}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory, hostile_files):
    layout = make_root(tmp_path_factory.mktemp("hostile_build"))
    inbox = layout.data_raw / "inbox"
    inbox.mkdir()
    for name, path in hostile_files.items():
        shutil.copy(path, inbox / name)
    starter = layout.data_raw / "starter"
    rows = {
        # 8. a formula where a spreadsheet would run it: the source of a headline figure and a register title
        "source": set_cell(starter / "us_budget_lines.csv", SPACE_FORCE_FY2023_REQUEST, "source", INJECTION),
        "formula_title": append_row(
            starter / "strategy_documents.csv",
            doc_id="usa-2024-hostile-formula",
            nation_code="USA",
            published="2024-05",
            year="2024",
            title=INJECTION,
            issuer="Department of Defense",
            kind="policy",
            url_kind="not_found",
            source="milspace hostile-input test",
        ),
        # 9. an absurd amount
        "absurd": append_row(
            starter / "us_budget_lines.csv",
            fiscal_year="2019",
            organization="DoD",
            phase="request",
            scope="hostile test scope",
            appropriation_title="procurement",
            amount_usd_millions="1e30",
            is_headline_scope="false",
            source="milspace hostile-input test",
            source_url="https://example.org/milspace-hostile-input-test",
            source_kind="primary",
        ),
        # 10. a title of 1 MB
        "long_title": append_row(
            starter / "strategy_documents.csv",
            doc_id="usa-2024-hostile-long",
            nation_code="USA",
            published="2024-06",
            year="2024",
            title="A" * ONE_MB,
            issuer="Department of Defense",
            kind="policy",
            url_kind="not_found",
            source="milspace hostile-input test",
        ),
    }
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    run.rows = rows
    return run


def sources(layout: Layout) -> dict[str, dict]:
    columns = ["path", "origin", "status", "detected_format", "rows_loaded", "rows_rejected", "error"]
    rows = query(layout, f"select {', '.join(columns)} from marts.sources")
    return {r[0]: dict(zip(columns, r, strict=True)) for r in rows}


def quarantine(layout: Layout, file: str) -> list[tuple]:
    return query(
        layout,
        'select sheet, "row", "column", rule, value from marts.quarantine '
        'where file = ? and "column" <> \'(file)\' order by "row", "column"',
        [file],
    )


@pytest.mark.parametrize(
    "name, expected",
    [
        ("M-1 truncated.xlsx", "not a valid zip or .xlsx file (it may be truncated or corrupted)"),
        ("bomb.xlsx", "refused as a likely zip bomb, before unpacking anything"),
        ("empty.csv", "the file is empty (0 bytes)"),
    ],
)
def test_build_lists_each_unreadable_inbox_file_with_its_reason(hostile_build, name, expected):
    record = sources(hostile_build.layout)[f"data_raw/inbox/{name}"]
    assert (record["status"], record["rows_loaded"]) == ("unreadable", 0)
    assert record["error"].startswith(f"Cannot read file data_raw/inbox/{name}: ")
    assert expected in record["error"]
    assert "Traceback" not in hostile_build.output


def test_build_reads_the_other_inbox_files_as_if_nothing_hostile_were_beside_them(hostile_build, originals):
    listed = sources(hostile_build.layout)
    expected = {
        "owid-utf16.csv": ("owid_grapher", originals["owid-utf16.csv"].height, 0),
        "worldbank-cp1252.csv": ("worldbank_wdi", originals["worldbank-cp1252.csv"].height, 0),
        "M-1 exhibit.csv": ("dod_exhibits", originals["M-1"].height, 0),
        "World Bank share of GDP.xlsx": ("worldbank_wdi", originals["World Bank"].height, 0),
        "P-1 hostile.xlsx": ("dod_exhibits", originals["P-1"].height - 5, 5),
    }
    for name, (fmt, loaded, rejected) in expected.items():
        record = listed[f"data_raw/inbox/{name}"]
        assert (record["status"], record["detected_format"], record["rows_loaded"], record["rows_rejected"]) == (
            "loaded",
            fmt,
            loaded,
            rejected,
        ), name
        [(lines,)] = query(
            hostile_build.layout, "select count(*) from marts.budget_lines where file = ?", [f"data_raw/inbox/{name}"]
        )
        assert lines == loaded, name
    names = query(
        hostile_build.layout,
        "select distinct name_in_source from marts.budget_lines where file = 'data_raw/inbox/owid-utf16.csv' "
        "and entity_code = 'CIV'",
    )
    assert names == [("Côte d'Ivoire",)]


def test_build_quarantines_error_cells_and_the_absurd_amount_of_the_workbook(hostile_build):
    rows = quarantine(hostile_build.layout, "data_raw/inbox/P-1 hostile.xlsx")
    assert rows == [
        (P1_SHEET, 10, P1_COLUMN, SPREADSHEET_ERROR_RULE, "#REF!"),
        (P1_SHEET, 11, P1_COLUMN, SPREADSHEET_ERROR_RULE, "#DIV/0!"),
        (P1_SHEET, 12, P1_COLUMN, SPREADSHEET_ERROR_RULE, "#N/A"),
        (P1_SHEET, 13, P1_COLUMN, SPREADSHEET_ERROR_RULE, "#VALUE!"),
        (P1_SHEET, 14, P1_COLUMN, PLAUSIBLE_USD_RULE, "1e+30"),
    ]


def test_build_quarantines_the_absurd_starter_amount_and_the_1_mb_title(hostile_build):
    layout, rows = hostile_build.layout, hostile_build.rows
    assert quarantine(layout, "data_raw/starter/us_budget_lines.csv") == [
        (None, rows["absurd"], "amount_usd_millions", PLAUSIBLE_USD_RULE, "1e+30")
    ]
    assert quarantine(layout, "data_raw/starter/strategy_documents.csv") == [
        (None, rows["long_title"], "title", LENGTH_RULE, "A" * 80 + f"... ({ONE_MB:,} characters)")
    ]
    assert LENGTH_RULE == "text at most 2,000 characters"
    assert query(layout, "select count(*) from marts.us_budget where scope = 'hostile test scope'") == [(0,)]
    assert query(layout, "select count(*) from marts.strategy_register where doc_id like 'usa-2024-hostile-%'") == [
        (1,)
    ]


def test_build_leaves_every_other_starter_and_reference_file_whole(hostile_build):
    listed = sources(hostile_build.layout)
    added = {"strategy_documents": 1}  # the formula title loads (as text); the 1 MB title and 1e30 do not
    for folder in (STARTER, REFERENCE):
        for path in sorted(folder.glob("*.csv")):
            record = listed[f"data_raw/{folder.name}/{path.name}"]
            rejected = 1 if path.stem in ("us_budget_lines", "strategy_documents") else 0
            expected = ("loaded", shipped_rows(path) + added.get(path.stem, 0), rejected)
            assert (record["status"], record["rows_loaded"], record["rows_rejected"]) == expected, path.name


def test_formula_text_is_stored_as_text_escaped_in_html_and_defused_in_csv_exports(hostile_build):
    layout = hostile_build.layout
    assert query(
        layout,
        "select source from marts.us_budget where fiscal_year = 2023 and organization = 'Space Force' "
        "and phase = 'request' and is_headline_scope",
    ) == [(INJECTION,)]
    assert query(layout, "select title from marts.strategy_register where doc_id = 'usa-2024-hostile-formula'") == [
        (INJECTION,)
    ]
    assert query(
        layout, "select space_source from marts.space_share where fiscal_year = 2023 and phase = 'request'"
    ) == [(INJECTION,)]

    reports = layout.report_index.parent
    for page in ("strategies.html", "us-budget.html", "nations/USA.html"):
        text = (reports / page).read_text(encoding="utf-8")
        assert html.escape(INJECTION) in text, page
        assert INJECTION not in text, page

    defused = "'" + INJECTION
    found = []
    for export in sorted((reports / "data").glob("*.csv")):
        for record in csv.reader(io.StringIO(export.read_text(encoding="utf-8"))):
            for cell in record:
                assert not cell.startswith(("=", "@", "\t", "\r")), (export.name, cell)
                if cell.startswith(("+", "-")):
                    float(cell)  # a signed number, not a formula
                if cell == defused:
                    found.append(export.name)
    assert "us-budget-space-share.csv" in found


# --- starter files that cannot be read stop the build ---------------------------------------------------------


@pytest.fixture(scope="module")
def broken_starter_build(tmp_path_factory):
    layout = make_root(tmp_path_factory.mktemp("broken_starter"))
    starter = layout.data_raw / "starter"
    budget = starter / "us_budget_lines.csv"
    budget.write_bytes(budget.read_text(encoding="utf-8").encode("utf-16"))
    space = starter / "space_budgets.csv"
    row = set_cell(space, {"entity_code": "WLD", "programme": "all government space budgets"}, "note", "Défense")
    space.write_bytes(space.read_text(encoding="utf-8").encode("cp1252"))
    commitments = starter / "strategy_commitments.csv"
    commitments.write_text(commitments.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    (starter / "lines" / "worldbank_milex_share_of_gdp.csv").write_bytes(b"")
    run = run_build(layout)
    run.space_row = row
    return run


def test_unreadable_starter_files_stop_the_build_with_one_paragraph_each(broken_starter_build):
    run = broken_starter_build
    assert run.exit_code == 1
    assert "Build FAILED" in run.output and "Traceback" not in run.output
    paragraphs = [line.strip() for line in run.output.splitlines() if "Cannot read file" in line]
    assert len(paragraphs) == 4, run.output
    expected = {
        "us_budget_lines": "Cannot read file data_raw/starter/us_budget_lines.csv: not UTF-8 text: it looks like "
        "UTF-16 (it starts with the UTF-16 byte-order mark); save it as UTF-8",
        "space_budgets": f"Cannot read file data_raw/starter/space_budgets.csv, row {run.space_row}: not UTF-8 text "
        f"(undecodable byte at line {run.space_row}): it looks like Windows-1252 (cp1252",
        "strategy_commitments": "Cannot read file data_raw/starter/strategy_commitments.csv, row 1: the header does "
        "not match datapackage.json: the delimiter looks like ';', not a comma",
        "worldbank_milex_share_of_gdp": "Cannot read file data_raw/starter/lines/worldbank_milex_share_of_gdp.csv: "
        "the file is empty (0 bytes)",
    }
    for name, start in expected.items():
        assert any(start in p for p in paragraphs), (name, paragraphs)
    assert not run.layout.warehouse.exists()
