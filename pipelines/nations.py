"""Nation names as publishers write them, mapped to milspace codes (data_raw/reference/nation_names.csv).

Readers (pipelines/sources/) and the strategy text (pipelines/text/) both look names up here."""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipelines.paths import SHIPPED_REFERENCE

_FOOTNOTE_TAIL = re.compile(r"[\s*†‡§¶‖#]+$|(?<=[A-Za-z)])\d+$")


def normalize_name(name: str) -> str:
    """A name as publishers vary it, reduced for lookup: footnote marks and digits at the end, case, spaces."""
    text = unicodedata.normalize("NFC", str(name)).strip()
    text = _FOOTNOTE_TAIL.sub("", text).strip()
    return re.sub(r"\s+", " ", text).casefold()


@dataclass(frozen=True)
class NationNames:
    """Publishers' nation names -> milspace codes, from data_raw/reference/nation_names.csv."""

    codes: Mapping[str, str]

    @classmethod
    def from_csv(cls, path: Path) -> NationNames:
        with path.open(encoding="utf-8", newline="") as handle:
            return cls({normalize_name(r["name"]): r["code"] for r in csv.DictReader(handle)})

    @classmethod
    def from_pairs(cls, pairs) -> NationNames:
        """From (name, code) pairs, such as the rows of the validated nation_names reference."""
        return cls({normalize_name(name): code for name, code in pairs})

    def code(self, name: str | None) -> str | None:
        """The code for a name, or None if the name is not known."""
        if name is None:
            return None
        return self.codes.get(normalize_name(name))


@functools.cache
def aggregate_codes() -> frozenset[str]:
    """Codes of aggregates and regions in data_raw/reference/nations.csv (World): names, but of no one nation."""
    with (SHIPPED_REFERENCE / "nations.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(r["code"] for r in csv.DictReader(handle) if r["kind"] in ("aggregate", "region"))


@functools.cache
def default_names() -> NationNames:
    return NationNames.from_csv(SHIPPED_REFERENCE / "nation_names.csv")
