"""Which reader reads a file: detection by content, in a fixed order, and one entry point for every format."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from pipelines.errors import InputFileError, MilspaceError
from pipelines.sources.budget_lines import NationNames, ReadResult, default_names
from pipelines.sources.probe import Probe

#: Reader modules under pipelines.sources, in the order their `sniff` is tried. Each module defines FORMAT,
#: SOURCE, MEASURES (measure -> description with unit), sniff(probe) -> bool and read(path, shown, names); and
#: optionally companion(probe) -> str | None, for files read together with another (World Bank metadata).
READER_MODULES = ("sipri", "worldbank", "owid", "nato", "dod_exhibits", "greenbook", "extracts", "milspace_lines")


class UnknownFormat(InputFileError):
    """No reader recognises the file's content."""


def readers() -> list[ModuleType]:
    return [importlib.import_module(f"pipelines.sources.{name}") for name in READER_MODULES]


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
    return frozenset().union(*(getattr(reader, "NEVER_NEGATIVE", frozenset()) for reader in readers()))


def measure_table() -> list[dict[str, str]]:
    """One row per measure: its description and the formats whose readers emit it."""
    formats: dict[str, list[str]] = {}
    for reader in readers():
        for measure in reader.MEASURES:
            formats.setdefault(measure, []).append(reader.FORMAT)
    described = all_measures()
    return [
        {"measure": m, "description": described[m], "source_formats": ", ".join(f)} for m, f in sorted(formats.items())
    ]


def companion(probe: Probe) -> tuple[ModuleType, str] | None:
    """(reader, what the file is for) when a file is a companion another file of that format reads with it."""
    for reader in readers():
        described = getattr(reader, "companion", lambda _probe: None)(probe)
        if described:
            return reader, described
    return None


def detect(probe: Probe) -> ModuleType:
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
