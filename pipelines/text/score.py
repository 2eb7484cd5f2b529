"""Lexicon scoring with evidence: which categories a document's words fall in, and where.

Tokens. Text is split into words of letters (apostrophes inside a word allowed, typographic ones made plain);
hyphens, digits and all other characters split words, so "counter-space" is two tokens and "rules-based" too.
Matching is on lower-case tokens; the token count of a document is the number of such words.

Terms (data_raw/reference/lexicon.csv). A term is one or more words; each word matches one token exactly, or,
ending with "*", any token that starts with what precedes it ("deter*": deters, deterrence, deterrent). A term's
`exclude` words (same syntax) are tokens its prefix words must not match ("deter*" excluding "deteriorat*"), so
"war" never matches "warning" while "warfare" is its own term. Multi-word terms match consecutive tokens within
a paragraph.

Counting. At each position the longest term of a category that matches is taken, and the tokens it covers are
not counted again in that category ("arms control" counts once, not also as "arms"). Categories are counted
independently: a token may count in two categories. Every hit keeps its evidence: paragraph, token position,
the words as written and a context window of words around them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
CONTEXT_WORDS = 12


@dataclass(frozen=True)
class Word:
    """One word of a term: an exact token, or a prefix ("deter*")."""

    stem: str
    prefix: bool

    @classmethod
    def parse(cls, text: str) -> Word:
        text = text.strip().lower()
        return cls(text[:-1], True) if text.endswith("*") else cls(text, False)

    def matches(self, token: str) -> bool:
        return token.startswith(self.stem) if self.prefix else token == self.stem


@dataclass(frozen=True)
class Term:
    category: str
    family: str
    text: str
    words: tuple[Word, ...]
    exclude: tuple[Word, ...] = ()

    def matches_at(self, tokens: Sequence[str], start: int) -> bool:
        if start + len(self.words) > len(tokens):
            return False
        for word, token in zip(self.words, tokens[start : start + len(self.words)], strict=True):
            if not word.matches(token):
                return False
            if word.prefix and any(excluded.matches(token) for excluded in self.exclude):
                return False
        return True


@dataclass
class Lexicon:
    """The terms, indexed by their first word for fast lookup."""

    version: str
    terms: tuple[Term, ...]
    _exact: dict[str, list[Term]] = field(default_factory=dict, repr=False)
    _prefix: dict[int, dict[str, list[Term]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            first = term.words[0]
            if first.prefix:
                self._prefix.setdefault(len(first.stem), {}).setdefault(first.stem, []).append(term)
            else:
                self._exact.setdefault(first.stem, []).append(term)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> Lexicon:
        """From rows with lexicon_version, category, family, term and exclude (the lexicon file's columns)."""
        terms, versions = [], set()
        for row in rows:
            versions.add(row["lexicon_version"])
            exclude = tuple(Word.parse(w) for w in (row.get("exclude") or "").split("|") if w.strip())
            words = tuple(Word.parse(w) for w in row["term"].split())
            terms.append(Term(row["category"], row["family"], row["term"].strip().lower(), words, exclude))
        if len(versions) > 1:
            raise ValueError(f"the lexicon mixes versions {sorted(versions)}")
        return cls(version=versions.pop() if versions else "", terms=tuple(terms))

    @property
    def categories(self) -> dict[str, str]:
        """category -> family."""
        return {t.category: t.family for t in self.terms}

    def candidates(self, token: str) -> list[Term]:
        found = list(self._exact.get(token, ()))
        for length, stems in self._prefix.items():
            if len(token) >= length:
                found.extend(stems.get(token[:length], ()))
        if len(found) > 1:
            found.sort(key=lambda term: -len(term.words))  # the longest term of a category wins at a position
        return found


@dataclass(frozen=True)
class Hit:
    category: str
    family: str
    term: str
    matched: str  # the words as written in the document
    paragraph: int  # 0-based
    position: int  # token index in the document, 0-based
    context: str


@dataclass(frozen=True)
class Scored:
    tokens: int
    hits: tuple[Hit, ...]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for hit in self.hits:
            counts[hit.category] += 1
        return dict(counts)


def tokenize(text: str) -> list[re.Match]:
    """The word tokens of a text, as regex matches (with their positions in the text)."""
    return list(TOKEN.finditer(text.replace("\u2019", "'").replace("\u2018", "'")))


def _context(paragraph: str, spans: Sequence[re.Match], first: int, last: int, window: int) -> str:
    start = spans[max(0, first - window)].start()
    end = spans[min(len(spans) - 1, last + window)].end()
    text = " ".join(paragraph[start:end].split())
    return ("… " if first - window > 0 else "") + text + (" …" if last + window < len(spans) - 1 else "")


def score(paragraphs: Sequence[str], lexicon: Lexicon, *, window: int = CONTEXT_WORDS) -> Scored:
    """Count the lexicon's terms in the paragraphs, with evidence for every hit."""
    hits: list[Hit] = []
    offset = 0
    for number, paragraph in enumerate(paragraphs):
        spans = tokenize(paragraph)
        tokens = [m.group(0).lower() for m in spans]
        covered: dict[str, int] = {}  # category -> first token index not yet covered by a hit
        for i, token in enumerate(tokens):
            best: dict[str, Term] = {}
            for term in lexicon.candidates(token):
                if covered.get(term.category, 0) > i or term.category in best:
                    continue  # inside an earlier hit of the category, or a longer term already matched here
                if term.matches_at(tokens, i):
                    best[term.category] = term
            for category, term in best.items():
                last = i + len(term.words) - 1
                covered[category] = last + 1
                matched = " ".join(paragraph[spans[i].start() : spans[last].end()].split())
                hits.append(
                    Hit(
                        category=category,
                        family=term.family,
                        term=term.text,
                        matched=matched,
                        paragraph=number,
                        position=offset + i,
                        context=_context(paragraph, spans, i, last, window),
                    )
                )
        offset += len(tokens)
    return Scored(tokens=offset, hits=tuple(hits))
