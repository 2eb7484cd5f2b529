"""Match a document read from disk to the strategy register (data_raw/starter/strategy_documents.csv).

Rules, in order:
1. file name: a file named <doc_id>.<ext> (as `milspace fetch-docs` saves them) is that document;
2. title and year, when the nation agrees: the content words of the document's title (stop words left out) against
   each register title, scored by the overlap coefficient |A and B| / min(|A|, |B|); the document's year (a year in
   its title, else its date) must be within one year of the register's when both are known. The best score of at
   least 0.6 wins, then the closer year. The document's nation (or issuing body: EU, NATO ...) is the one its title
   names, else the one its opening text names most often (a US strategy names China and Russia, but names the
   United States more); only register entries of that nation can match. A document whose nation is unknown is
   never matched by title: "Space Strategy" (2023) alone would otherwise be taken for the EU's 2023 strategy.
A document that matches nothing is still loaded, flagged `in_register = false`, with what can be inferred: the
year as above, the nation as above (if one is found), and a kind from title words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipelines.nations import NationNames, aggregate_codes

MIN_OVERLAP = 0.6
#: How much of a document's opening text is read for the nation it names most often.
OPENING_WORDS = 5000
STOP_WORDS = frozenset(
    "a an and as at by for from in into of on or the to with its their our this that these those is are be".split()
)
KIND_WORDS = [
    ("white paper", "white_paper"),
    ("doctrine", "doctrine"),
    ("space", "space_strategy"),
    ("national security", "national_security_strategy"),
    ("defense strategy", "defense_strategy"),
    ("defence strategy", "defense_strategy"),
    ("policy", "policy"),
    ("law", "law"),
    ("accord", "accord"),
]


@dataclass(frozen=True)
class RegisterMatch:
    doc_id: str | None
    method: str  # "file name" | "title and year" | "not in register"
    score: float | None
    nation_code: str | None
    year: int | None
    kind: str | None


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if w not in STOP_WORDS and len(w) > 1}


#: A dated line as strategies print it on their cover ("THE WHITE HOUSE JANUARY 1988", "May 1997").
_MONTH_YEAR = re.compile(
    r"\b(?:JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\s+(19[4-9]\d|20\d\d)\b",
    re.IGNORECASE,
)
#: How much of a document's opening is searched for the month and year on its cover.
COVER_WORDS = 300


def document_year(title: str | None, date: str | None, text: str | None = None) -> int | None:
    """The year of a document: the first 19xx/20xx year in its title, else its date (a PDF's date is often the
    day the file was made, while a title names the strategy's year), else the first month and year in the first
    COVER_WORDS words of its text (a cover's "THE WHITE HOUSE JANUARY 1988", for a text file with neither)."""
    for found_text in (title, date):
        found = re.search(r"\b(19[4-9]\d|20\d\d)\b", found_text or "")
        if found:
            return int(found.group(1))
    cover = " ".join((text or "").split()[:COVER_WORDS])
    dated = _MONTH_YEAR.search(cover)
    return int(dated.group(1)) if dated else None


def match_register(
    file_stem: str,
    title: str | None,
    *,
    date: str | None,
    register: Sequence[Mapping],
    names: NationNames,
    text: str | None = None,
) -> RegisterMatch:
    by_id = {str(row["doc_id"]): row for row in register}
    year = document_year(title, date, text)
    nation = _nation_in(title, names) or _dominant_nation(text, names)
    if file_stem in by_id:
        row = by_id[file_stem]
        return RegisterMatch(file_stem, "file name", 1.0, row["nation_code"], row["year"], row["kind"])
    words = _words(title)
    best: tuple[float, int, Mapping] | None = None
    for row in register:
        theirs = _words(row["title"])
        if not words or not theirs:
            continue
        overlap = len(words & theirs) / min(len(words), len(theirs))
        distance = abs(year - int(row["year"])) if year is not None else 0
        # Only an entry of the document's own nation; a document of unknown nation (None) matches none.
        if overlap < MIN_OVERLAP or distance > 1 or nation != row["nation_code"]:
            continue
        if best is None or (overlap, -distance) > (best[0], -best[1]):
            best = (overlap, distance, row)
    if best is not None:
        row = best[2]
        return RegisterMatch(
            row["doc_id"], "title and year", round(best[0], 3), row["nation_code"], row["year"], row["kind"]
        )
    return RegisterMatch(None, "not in register", None, nation, year, _kind_in(title))


def _nation_in(title: str | None, names: NationNames) -> str | None:
    """A nation named in the title: the longest run of words that is a known nation name."""
    words = re.findall(r"[^\W\d_]+", title or "")
    for length in range(min(5, len(words)), 0, -1):
        for start in range(len(words) - length + 1):
            code = names.code(" ".join(words[start : start + length]))
            if code:
                return code
    return None


def nations_named(text: str | None, names: NationNames, longest: int = 5) -> Counter[str]:
    """How often each nation is named in a text, reading left to right and taking the longest name at each word
    ("North Korea" is not also a mention of Korea)."""
    words = re.findall(r"[^\W\d_]+", text or "")[:OPENING_WORDS]
    counts: Counter[str] = Counter()
    at = 0
    while at < len(words):
        for length in range(min(longest, len(words) - at), 0, -1):
            code = names.code(" ".join(words[at : at + length]))
            if code:
                counts[code] += 1
                at += length
                break
        else:
            at += 1
    return counts


def _dominant_nation(text: str | None, names: NationNames) -> str | None:
    """The nation a text names most often, if it is named more often than any other."""
    named = nations_named(text, names)
    for code in aggregate_codes() & named.keys():  # "the world" names no nation that could issue the document
        del named[code]
    ranked = named.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _kind_in(title: str | None) -> str | None:
    text = (title or "").lower()
    for words, kind in KIND_WORDS:
        if words in text:
            return kind
    return None
