"""Which reader reads a file: detection by content, in a fixed order, and one entry point for every format."""

from __future__ import annotations

import importlib
import math
import os
from pathlib import Path
from typing import cast

from pipelines.errors import InputFileError, MilspaceError, SettingError
from pipelines.nations import NationNames, default_names
from pipelines.shapes import HasCompanions, Reader, ReadResult, SharesSizeCap, protocol_members
from pipelines.sources.probe import Probe

#: Reader modules under pipelines.sources, in the order their `sniff` is tried. Each is a `Reader` (pipelines/shapes.py:
#: FORMAT, SOURCE, MEASURES, CONFORMED, NEVER_NEGATIVE, STREAMED, sniff, read), and may have more abilities, each a
#: protocol of its own: companion files (HasCompanions), a share of the size cap (SharesSizeCap), batches
#: (StreamedReader). `readers()` refuses a module that is not a Reader.
READER_MODULES = (
    "sipri",
    "worldbank",
    "owid",
    "nato",
    "dod_exhibits",
    "greenbook",
    "jbook_xml",
    "eda",
    "de_bundeshaushalt",
    "ca_public_accounts",
    "au_pbs",
    "au_program_expenses",
    "ucs",
    "gcat",
    "celestrak",
    "extracts",
    "object_extracts",
    "milspace_lines",
)


#: The largest file, in MB, that a reader holding the whole file in memory reads; $MILSPACE_MAX_FILE_MB changes it.
#: Readers of published tables (workbooks, exhibit CSVs) hold about 90 bytes of memory per byte of file at their
#: peak: the FY2019 R-1 exhibit as CSV, its lines repeated to 5.2 MB, takes 0.6 GB in `milspace inspect` and 1.9 GB
#: in a whole build; to 20 MB, 2.0 and 4.5 GB. The cap applies to each file on its own; files of the streamed
#: budget-lines format (milspace_lines) are read in batches at any size and have none.
MAX_FILE_MB = 5.0
MEGABYTE = 1024 * 1024


class UnknownFormat(InputFileError):
    """No reader recognises the file's content."""


def max_file_megabytes() -> float:
    """$MILSPACE_MAX_FILE_MB (default MAX_FILE_MB): a number of megabytes above 0, or SettingError."""
    text = os.environ.get("MILSPACE_MAX_FILE_MB", "").strip()
    if not text:
        return MAX_FILE_MB
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise SettingError(
            f"MILSPACE_MAX_FILE_MB={text!r} is not a size in megabytes (the largest published file read whole into "
            f"memory): set it to a number above 0, such as 20, or unset it for the default of {MAX_FILE_MB:g}."
        )
    return value


def check_size(path: Path, shown: str, reader: Reader) -> None:
    """Refuse, before reading it, a file too large for `reader` to hold in memory: InputFileError naming the file,
    its size and the setting. A reader whose files take less memory for their size than a published table's says
    how much of the cap a file uses (`cap_share(path)`: milspace extracts)."""
    setting = max_file_megabytes()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(shown, f"cannot be opened ({exc.strerror})") from None
    used, counted = reader.cap_share(path, size) if isinstance(reader, SharesSizeCap) else (size, "")
    if used <= setting * MEGABYTE:
        return
    raise InputFileError(
        shown,
        f"refused: it is {size:,} bytes ({size / MEGABYTE:,.1f} MB){counted}, over the {setting:g} MB cap on a file "
        f"read whole into memory (MILSPACE_MAX_FILE_MB={setting:g}), which takes many times its size. If this "
        "machine has the memory, set MILSPACE_MAX_FILE_MB higher and read it again",
    )


def readers() -> list[Reader]:
    """The reader modules, in detection order; a module that lacks part of the Reader protocol is a bug, named."""
    found = []
    for name in READER_MODULES:
        module = importlib.import_module(f"pipelines.sources.{name}")
        if not isinstance(module, Reader):
            missing = [m for m in protocol_members(Reader) if not hasattr(module, m)]
            raise TypeError(f"pipelines.sources.{name} is not a Reader: it lacks {', '.join(sorted(missing))}")
        found.append(cast(Reader, module))
    return found


def all_measures() -> dict[str, str]:
    """Every measure any reader may emit, with its description (the first reader's, in registry order)."""
    measures: dict[str, str] = {}
    for reader in readers():
        for measure, description in reader.MEASURES.items():
            measures.setdefault(measure, description)
    return measures


def never_negative_measures() -> frozenset[str]:
    """Measures no source states as a negative figure (totals, shares, per-capita figures, counts), from each
    reader's NEVER_NEGATIVE; budget lines (a rescission is negative) and changes are not among them."""
    return frozenset().union(*(reader.NEVER_NEGATIVE for reader in readers()))


def measure_table() -> list[dict[str, str]]:
    """One row per measure: its description, its conformed measure (each reader's CONFORMED, else itself) and
    the formats whose readers emit it. Two readers may not conform one measure to two concepts."""
    formats: dict[str, list[str]] = {}
    conformed: dict[str, str] = {}
    for reader in readers():
        for measure in reader.MEASURES:
            formats.setdefault(measure, []).append(reader.FORMAT)
            concept = reader.CONFORMED.get(measure, measure)
            if conformed.setdefault(measure, concept) != concept:
                raise ValueError(f"measure {measure!r} is conformed to {conformed[measure]!r} and to {concept!r}")
    described = all_measures()
    return [
        {"measure": m, "description": described[m], "conformed": conformed[m], "source_formats": ", ".join(f)}
        for m, f in sorted(formats.items())
    ]


def companion(probe: Probe) -> tuple[Reader, str] | None:
    """(reader, what the file is for) when a file is a companion another file of that format reads with it."""
    for reader in readers():
        described = reader.companion(probe) if isinstance(reader, HasCompanions) else None
        if described:
            return reader, described
    return None


def detect(probe: Probe) -> Reader:
    """The reader for a file, chosen by looking at its content; InputFileError if none recognises it."""
    if not probe.head.strip():
        what = "empty (0 bytes)" if not probe.head else "blank (it holds only whitespace)"
        raise InputFileError(probe.shown, f"the file is {what}: nothing to read (was the download interrupted?)")
    for reader in readers():
        if reader.sniff(probe):
            return reader
    if probe.is_xlsx:
        looks = f"a workbook with sheets {probe.sheet_names[:8]}"
    elif probe.is_zip:
        looks = f"a zip holding {probe.members[:8]}"
    elif probe.table is not None:  # say which delimiter, so a user knows what milspace saw
        looks = probe.table.describe()
    elif probe.text_lines:
        looks = f"text starting {probe.text_lines[0][:80]!r}"
    else:
        looks = "a binary file" if probe.head else "an empty file"
    known = ", ".join(r.FORMAT for r in readers())
    raise UnknownFormat(probe.shown, f"not a format milspace reads ({known}); it looks like {looks}")


def read_file(path: Path, shown: str | None = None, names: NationNames | None = None) -> ReadResult:
    """Detect and read one file. Any failure is an InputFileError naming the file: never a bare traceback."""
    shown = shown or str(path)
    probe = Probe(path, shown)
    try:
        reader = detect(probe)
        check_size(path, shown, reader)
        return reader.read(path, shown, names or default_names())
    except MilspaceError:
        raise
    except Exception as exc:  # a reader meeting a file it cannot make sense of
        raise InputFileError(
            shown,
            f"could not be read as {getattr(locals().get('reader'), 'SOURCE', 'any known format')} "
            f"({type(exc).__name__}: {exc})",
        ) from exc
    finally:
        probe.close()
