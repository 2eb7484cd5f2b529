"""One strategy document file -> clean text paragraphs, from plain text, Markdown, HTML or PDF.

Formats are told by CONTENT, never by file name:
- PDF: the file starts with ``%PDF-`` (after optional whitespace).
- HTML: the decoded text starts with ``<!doctype html`` or ``<html`` (any case, after an optional BOM/whitespace,
  XML declaration and comments such as a browser's ``<!-- saved from url=... -->``).
- Markdown: YAML front matter (a first line ``---`` closed by a later ``---`` or ``...`` line), or an ATX heading
  line (``# Title``) or a link ``[text](url)`` anywhere.
- Text: anything else that decodes. A delimited table (see `looks_like_document`) is refused by `extract`;
  `looks_like_document` also wants prose: mostly letters, and not starting with ``<`` or ``{`` (XML, JSON).

Bytes and encodings: UTF-8 (with or without BOM) and UTF-16 WITH a BOM are read. UTF-16 without a BOM (NUL bytes in
every other position) and any other encoding (cp1252, Latin-1 ...) are refused with the byte offset of the first
bad byte. A file where more than 1% of the bytes are control characters is binary and refused. The size is checked
with stat before a byte is read (`MAX_DOCUMENT_BYTES`).

Markdown: the front matter is removed (its ``title``, else ``description``, is the title; its ``date`` the date).
Paragraphs are separated by blank lines; a heading, a list item and a table row each make their own paragraph;
rules, fences and reference-link definitions are dropped; blockquote ``>``, heading ``#`` and list markers are
removed; links ``[text](url)`` keep their text, images go, HTML-ish tags (``<excerpt/>``) and comments go, entities
are decoded; emphasis ``*``/``_``/``~~`` runs are removed where they touch a word edge (``snake_case`` stays),
backticks go, backslash escapes keep the escaped character.

HTML (standard library only): the contents of script, style, noscript, nav, header, footer, aside, form, svg,
button, template and iframe are dropped, and so is everything in <head> but the <title>. Block elements (p, div,
li, h1-h6, td, section, article, br ...) break paragraphs. The title is <title>, else the first <h1>; the date is
the first <meta> whose name/property mentions "date" or "published" and holds an ISO date.

PDF (pypdf): a file with no ``%%EOF`` near its end is truncated; an encrypted file is read only when the empty
password opens it (and, for AES, only with the optional cryptography package). Whatever pypdf raises on a damaged
file becomes an InputFileError naming the file, with the exception's type and text on one line. A PDF with no
letter in its text is refused (no text layer, or only numbers and symbols). Per page, running headers and footers
are removed: the first (or last) line, digits masked, when the same masked line is the first (or last) line of at
least half the pages of a document of 3 or more pages; bare page numbers ("7", "- 7 -", "Page 7 of 40", "xii") at
the top or bottom of a page are removed too; this repeats while it removes something (a header above a page
number). When that would leave no letter at all (every page carries the same text), nothing is removed and a note
says so. Lines of a paragraph are joined, across pages too. A paragraph ends after a line when
  - the next line starts a list item (a bullet character or ``1.``/``1)``), or
  - the line is short (under 80% of the document's typical full line, its 90th-percentile length), does not end
    with a comma or a dash, and the next line starts like a block (capital, digit, bullet, quote), or
  - the line ends a sentence and the next line looks like a heading (under 60% of a full line, capitalised, no
    closing punctuation, at most 12 words).
So a paragraph whose last line happens to be full width runs into the next one. The title is the metadata
/Title unless it looks like a file name or "untitled"; the date is the metadata /CreationDate.

Line joining (all formats): lines are joined with a space, except after a soft hyphen (dropped), a dash attached
to a word (kept, no space), or a hyphen at a line end. A word hyphenated at a line end ("defen-" + "se") is joined
when the second part starts lower-case, unless the compound is evident: the joined word occurs elsewhere in the
document -> joined; else the hyphenated form occurs elsewhere on one line, the first part is a hyphen prefix
(non, self, quasi, cross), the token already holds a hyphen ("state-of-"), or both parts (3+ letters each) occur
elsewhere as words -> the hyphen is kept ("rules-based").

Language: the dominant Unicode script among letters (kana -> ja, Han -> zh, Hangul -> ko, Cyrillic -> ru, Arabic,
Hebrew, Greek, Devanagari, Thai); for Latin script, the language whose list of very common function words covers
the largest share (at least 10%) of the words. Otherwise "und".
"""

from __future__ import annotations

import html
import io
import math
import re
import stat
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import overload

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from pipelines.errors import InputFileError
from pipelines.sources.probe import DELIMITERS, delimited_table

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class ExtractedDocument:
    paragraphs: tuple[str, ...]
    format: str  # "text" | "markdown" | "html" | "pdf"
    title: str | None
    date: str | None  # YYYY-MM-DD, YYYY-MM or YYYY
    language: str  # ISO 639-1 guess, or "und"
    is_english: bool
    pages: int | None  # PDFs only
    notes: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


# ---------------------------------------------------------------------------------------------------- detection

NOT_A_DOCUMENT = "it is not a PDF, HTML or text document (it holds binary data)"
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_CONTROL = frozenset([*range(0, 9), 11, *range(14, 32), 127])
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MARKDOWN_SIGN = re.compile(r"^ {0,3}#{1,6}[ \t]+\S|\[[^\]\n]+\]\([^)\s]+\)", re.M)


def looks_like_document(head: bytes) -> bool:
    """Whether the first bytes of a file look like a PDF, HTML, front-matter Markdown or prose (never raises)."""
    if _is_pdf(head):
        return True
    text = _decode_head(head)
    if text is None or not text.strip():
        return False
    if _HTML_START.match(text) or _FRONT_MATTER.match(_normalise_newlines(text)):
        return True
    return not text.lstrip().startswith(("<", "{")) and not _delimiter_of_table(text) and _mostly_letters(text)


def _is_pdf(data: bytes) -> bool:
    return data.lstrip().startswith(b"%PDF-")


def _mostly_binary(codes: Sequence[int]) -> bool:
    """More than 1% control characters (NUL, escape ...; tab, newlines and form feed are text)."""
    return sum(code in _CONTROL for code in codes) > len(codes) / 100


def _utf16_without_bom(data: bytes) -> int | None:
    """Offset of the first NUL when NULs fill one byte position of most pairs (ASCII text in UTF-16), else None."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    if max(even, odd) >= 0.3 * half and min(even, odd) <= 0.05 * half:
        return data.index(0)
    return None


def _split_bom(data: bytes) -> tuple[bytes, str, str, int]:
    """(body, codec, encoding name, BOM length)."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], codec, name, len(bom)
    return data, "utf-8", "UTF-8", 0


def _decode_head(head: bytes) -> str | None:
    """The first bytes as text, tolerating a character cut at the end; None when they are not text."""
    body, codec, _, _ = _split_bom(head)
    if codec == "utf-8" and (_utf16_without_bom(body) is not None or _mostly_binary(body[:65536])):
        return None
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.start < len(body) - 3:
            return None
        return body[: exc.start].decode(codec)


def _delimiter_of_table(text: str) -> str | None:
    """The delimiter when the first records are a delimited table (`probe.delimited_table`: quotes respected, most
    of the first 20 records with the same number of fields; a comma or semicolon followed by a space is prose
    punctuation and does not make a table)."""
    table = delimited_table(text)
    return table.delimiter if table is not None else None


def _mostly_letters(text: str) -> bool:
    visible = [c for c in text[:20000] if not c.isspace()]
    return bool(visible) and sum(c.isalpha() for c in visible) >= 0.6 * len(visible)


# ---------------------------------------------------------------------------------------------------- reading


def extract(path: Path, shown: str, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> ExtractedDocument:
    """Read one document file into clean paragraphs; bad input raises InputFileError naming `shown`."""
    data = _read_capped(path, shown, max_bytes)
    if _is_pdf(data):
        return _from_pdf(data, shown)
    text, notes = _decode(data, shown)
    if not text.strip():
        raise InputFileError(shown, "it has no text: it holds only whitespace")
    if _HTML_START.match(text):
        return _from_html(text, shown, notes)
    text = _normalise_newlines(text)
    if _FRONT_MATTER.match(text) or _MARKDOWN_SIGN.search(text):
        return _from_markdown(text, shown, notes)
    delimiter = _delimiter_of_table(text)
    if delimiter is not None:
        raise InputFileError(shown, f"it looks like a {DELIMITERS[delimiter]}-delimited table, not a document")
    return _from_text(text, shown, notes)


def _read_capped(path: Path, shown: str, max_bytes: int) -> bytes:
    """The file's bytes, after stat has checked it exists, is a file, is not empty and is within the cap."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputFileError(shown, "the file does not exist") from None
    except OSError as exc:
        raise InputFileError(shown, f"it cannot be opened ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(shown, "it is a folder, not a document")
    _check_size(info.st_size, shown, max_bytes)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputFileError(shown, f"it cannot be opened ({exc.strerror})") from None
    _check_size(len(data), shown, max_bytes)  # the file may have grown since stat
    return data


def _check_size(size: int, shown: str, max_bytes: int) -> None:
    if size == 0:
        raise InputFileError(shown, "it is empty (0 bytes)")
    if size > max_bytes:
        raise InputFileError(shown, f"it is {size:,} bytes, over the {max_bytes:,}-byte cap for one document")


def _decode(data: bytes, shown: str) -> tuple[str, list[str]]:
    """Text from UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is refused with the byte offset."""
    body, codec, name, bom = _split_bom(data)
    if codec == "utf-8":
        nul = _utf16_without_bom(body)
        if nul is not None:
            raise InputFileError(
                shown,
                f"it is not UTF-8 text: byte {bom + nul:,} is a NUL, as in UTF-16 without a byte-order mark; "
                "convert it to UTF-8",
            )
        if _mostly_binary(body[:65536]):
            raise InputFileError(shown, NOT_A_DOCUMENT)
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        raise InputFileError(
            shown, f"it is not {name} text: byte {offset:,} (0x{data[offset]:02X}) is invalid; convert it to UTF-8"
        ) from None
    if codec == "utf-8":
        return text.translate(_DROP_CONTROLS), []
    if _mostly_binary([ord(c) for c in text[:65536]]):  # UTF-32 also starts with the UTF-16 BOM
        raise InputFileError(shown, NOT_A_DOCUMENT)
    return text.translate(_DROP_CONTROLS), [f"decoded from {name} (byte-order mark)"]


_DROP_CONTROLS = dict.fromkeys(_CONTROL)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")


def _document(
    paragraphs: Sequence[str],
    fmt: str,
    title: str | None,
    day: str | None,
    notes: Sequence[str],
    shown: str,
    pages: int | None = None,
) -> ExtractedDocument:
    """The result, with whitespace collapsed and empty paragraphs dropped; no text at all is an error."""
    clean = tuple(p for p in (" ".join(p.split()) for p in paragraphs) if p)
    if not clean:
        raise InputFileError(shown, f"it has no text once its {fmt} markup is removed")
    language = _guess_language(" ".join(clean)[:20000])
    title = " ".join(title.split()) if title and title.strip() else None
    return ExtractedDocument(clean, fmt, title, day, language, language == "en", pages, tuple(notes))


# ---------------------------------------------------------------------------------------------------- line joining

_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+-[^\W\d_]+")
_SPLIT_END = re.compile(r"(\S*?)([^\W\d_]+)[-\u2010]$")
_HYPHEN_PREFIXES = frozenset({"non", "self", "quasi", "cross"})
_DASHES = ("-", "\u2010", "\u2013", "\u2014")


class _LineJoiner:
    """Joins the lines of a paragraph; decides line-end hyphens from the words of the whole document."""

    def __init__(self, lines: Sequence[str]):
        self.words: Counter[str] = Counter()
        self.compounds: set[str] = set()
        self.joined = 0
        self.kept: Counter[str] = Counter()
        split_before = False
        for line in lines:
            tokens = [t.lower() for t in _WORD.findall(line)]
            split_here = bool(_SPLIT_END.search(line))
            # The parts of a word split at a line end do not count as words seen elsewhere.
            self.words.update(tokens[int(split_before) : len(tokens) - int(split_here)])
            self.compounds.update(m.lower() for m in _COMPOUND.findall(line))
            split_before = split_here

    def join(self, lines: Sequence[str]) -> str:
        text = ""
        for line in lines:
            text = self._glue(text, line) if text else line
        return text

    def _glue(self, left: str, right: str) -> str:
        if left.endswith("\u00ad"):
            self.joined += 1
            return left[:-1] + right
        split, second = _SPLIT_END.search(left), _WORD.match(right)
        if split and second and right[0].islower():
            if self._keeps_hyphen(split.group(1), split.group(2), second.group(0)):
                self.kept[f"{split.group(2)}-{second.group(0)}".lower()] += 1
                return left + right
            self.joined += 1
            return left[:-1] + right
        if left.endswith(_DASHES) and len(left) > 1 and not left[-2].isspace():
            return left + right
        return f"{left} {right}"

    def _keeps_hyphen(self, before: str, first: str, second: str) -> bool:
        first, second = first.lower(), second.lower()
        if first + second in self.words:
            return False
        return (
            "-" in before
            or f"{first}-{second}" in self.compounds
            or first in _HYPHEN_PREFIXES
            or (len(first) >= 3 and len(second) >= 3 and self.words[first] > 0 and self.words[second] > 0)
        )

    def notes(self) -> list[str]:
        notes = []
        if self.joined:
            notes.append(f"joined {self.joined} words hyphenated at line ends")
        if self.kept:
            shown = ", ".join(sorted(self.kept)[:5])
            notes.append(f"kept the hyphen of {sum(self.kept.values())} compounds split at line ends ({shown})")
        return notes


# ---------------------------------------------------------------------------------------------------- plain text


def _from_text(text: str, shown: str, notes: list[str]) -> ExtractedDocument:
    blocks = [[line.strip() for line in block.split("\n") if line.strip()] for block in _blocks(text)]
    joiner = _LineJoiner([line for block in blocks for line in block])
    paragraphs = [joiner.join(block) for block in blocks]
    title = paragraphs[0] if paragraphs and _heading_like(paragraphs[0]) else None
    return _document(paragraphs, "text", title, None, notes + joiner.notes(), shown)


def _blocks(text: str) -> list[str]:
    return re.split(r"\n[ \t\v]*\n", text)


def _heading_like(paragraph: str) -> bool:
    words = paragraph.split()
    return 0 < len(words) <= 12 and paragraph[-1] not in ".,;:!?" and not paragraph[0].islower()


# ---------------------------------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?!\d)")


def _iso_date(value: str | None) -> str | None:
    """YYYY-MM-DD, YYYY-MM or YYYY from the start of a value such as '2018-01-19 12:00:00 +0800'."""
    match = _ISO_DATE.match(value.strip()) if value else None
    if not match:
        return None
    year = int(match[1])  # the year is the one part always there
    month, day = (int(part) if part else None for part in match.groups()[1:])
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


# ---------------------------------------------------------------------------------------------------- markdown

_FENCE = re.compile(r"^(```|~~~)")
_RULE = re.compile(r"^(?:(?:[-*_][ \t]*){3,}|=+)$")
_REFERENCE = re.compile(r"^\[[^\]]+\]:\s*\S+")
_QUOTE = re.compile(r"^(?:>[ \t]?)+")
_HEADING = re.compile(r"^#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)])[ \t]+")
_TABLE_SEPARATOR = re.compile(r"^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?$")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ESCAPED = re.compile("[\U000f0000-\U000f007f]")
_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])")
_LINK = re.compile(r"\[([^\]]*)\](?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]+)>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_EMPHASIS = re.compile(r"(?<!\w)(?:[*_]{1,3}|~~)(?=[^\s*_~])|(?<=[^\s*_~])(?:[*_]{1,3}|~~)(?!\w)")


def _from_markdown(text: str, shown: str, notes: list[str]) -> ExtractedDocument:
    fields, body = _front_matter(text)
    if fields is not None:
        front_lines = text.count("\n") - body.count("\n")
        notes = [*notes, f"removed the YAML front matter ({front_lines} lines)"]
    body, comments = _COMMENT.subn("", body)
    blocks, headings = _markdown_blocks(body)
    joiner = _LineJoiner([line for block in blocks for line in block])
    tally: Counter[str] = Counter(comment=comments)
    paragraphs = [_inline_markdown(joiner.join(block), tally) for block in blocks]
    fields = fields or {}
    title = fields.get("title") or fields.get("description") or (headings[0] if headings else None)
    removed = [f"{count} {kind}{'s' if count > 1 else ''}" for kind, count in sorted(tally.items()) if count]
    if removed:
        notes = [*notes, f"removed Markdown/HTML markup: {', '.join(removed)}"]
    day = _iso_date(fields.get("date"))
    return _document(paragraphs, "markdown", _inline_markdown(title, Counter()), day, notes + joiner.notes(), shown)


def _front_matter(text: str) -> tuple[dict[str, str] | None, str]:
    """The simple `key: value` fields of YAML front matter (None without front matter), and the body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    fields: dict[str, str] = {}
    for line in match.group(1).split("\n"):
        field = re.match(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)$", line)
        if field and field.group(2).strip():
            fields.setdefault(field.group(1).lower(), field.group(2).strip().strip("\"'").strip())
    return fields, text[match.end() :]


def _markdown_blocks(body: str) -> tuple[list[list[str]], list[str]]:
    """Paragraphs as lists of raw lines (markers removed), and the heading texts in order."""
    blocks: list[list[str]] = [[]]
    headings: list[str] = []

    def alone(line: str) -> None:
        blocks.extend([[line], []])

    for raw in body.split("\n"):
        line = _QUOTE.sub("", raw.strip()).strip()
        heading = _HEADING.match(line)
        if not line or _FENCE.match(line) or _RULE.match(line) or _TABLE_SEPARATOR.match(line) and "-" in line:
            blocks.append([])
        elif _REFERENCE.match(line):
            continue
        elif heading:
            headings.append(heading.group(1) or "")
            alone(heading.group(1) or "")
        elif line.startswith("|"):
            alone(" ".join(line.strip("|").split("|")))
        elif _ITEM.match(line):
            blocks.append([_ITEM.sub("", line)])
        else:
            blocks[-1].append(line)
    return [block for block in blocks if block], [h for h in headings if h]


@overload
def _inline_markdown(text: str, tally: Counter[str]) -> str: ...
@overload
def _inline_markdown(text: str | None, tally: Counter[str]) -> str | None: ...
def _inline_markdown(text: str | None, tally: Counter[str]) -> str | None:
    """Plain text from one paragraph of Markdown: links keep their text; images, tags and markers go."""
    if text is None:
        return None
    text = _ESCAPE.sub(lambda m: chr(0xF0000 + ord(m.group(1))), text)
    text, images = _IMAGE.subn("", text)
    text = _LINK.sub(r"\1", _AUTOLINK.sub(r"\1", text))
    text, tags = _TAG.subn("", text)
    tally["image"] += images
    tally["HTML tag"] += tags
    text = _EMPHASIS.sub("", html.unescape(text)).replace("`", "")
    return _ESCAPED.sub(lambda m: chr(ord(m.group(0)) - 0xF0000), text)


# ---------------------------------------------------------------------------------------------------- HTML

_SKIPPED = frozenset(
    {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "button", "template", "iframe"}
)
_BLOCKS = frozenset(
    "address article blockquote body br caption dd details dialog div dl dt fieldset figcaption figure h1 h2 h3 h4 "
    "h5 h6 head hr html li main ol p pre section summary table tbody td tfoot th thead title tr ul".split()
)


class _HtmlText(HTMLParser):
    """Collects paragraphs, the title, the first h1 and meta dates, skipping boilerplate elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.skipped: Counter[str] = Counter()
        self.title: list[str] = []
        self.h1: list[str] = []
        self.dates: list[str] = []
        self._parts: list[str] = []
        self._skipping: list[str] = []
        self._open: set[str] = set()  # head, title, h1 while inside them

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            self._meta(dict(attrs))
        if self._skipping:
            if tag in _SKIPPED:
                self._skipping.append(tag)
            return
        if tag in _SKIPPED:
            self._flush()
            self._skipping.append(tag)
            self.skipped[tag] += 1
            return
        if tag in _BLOCKS:
            self._flush()
        if tag in ("head", "title") or (tag == "h1" and not self.h1):
            self._open.add(tag)
        if tag == "body":
            self._open.discard("head")

    def handle_endtag(self, tag):
        if self._skipping:
            if tag in self._skipping:
                while self._skipping.pop() != tag:
                    pass
            return
        if tag in _BLOCKS:
            self._flush()
        self._open.discard(tag)

    def handle_data(self, data):
        if self._skipping:
            return
        if "title" in self._open:
            self.title.append(data)
        elif "head" not in self._open:
            self._parts.append(data)
            if "h1" in self._open:
                self.h1.append(data)

    def close(self):
        super().close()
        self._flush()

    def _flush(self):
        self.paragraphs.append("".join(self._parts))
        self._parts = []

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").lower()
        day = _iso_date(attrs.get("content")) if "date" in key or "published" in key else None
        if day:
            self.dates.append(day)


def _from_html(text: str, shown: str, notes: list[str]) -> ExtractedDocument:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    if parser.skipped:
        left_out = ", ".join(f"{tag} ({count})" for tag, count in sorted(parser.skipped.items()))
        notes = [*notes, f"left out the contents of {left_out}"]
    title = "".join(parser.title).strip() or "".join(parser.h1).strip() or None
    day = parser.dates[0] if parser.dates else None
    return _document(parser.paragraphs, "html", title, day, notes, shown)


# ---------------------------------------------------------------------------------------------------- PDF

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})
_ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER = re.compile(
    rf"[-\u2013\u2014|\s]*(?:(?:page|Page|PAGE)\s+)?(?:\d{{1,3}}|{_ROMAN})(?:\s*(?:of|/)\s*\d{{1,4}})?[-\u2013\u2014|\s]*"
)
_BULLET = re.compile(r"^(?:[\u2022\u25aa\u25cf\u25e6\u2023\u25a0\u25a1\u27a2\uf0b7]|\d{1,2}[.)]\s)")
_BLOCK_OPENERS = '\u2022\u25aa\u25cf\u25e6"\u201c\u2018(['
_SENTENCE_END = re.compile(r"[.!?:][)\"\u201d\u2019\]]*$")
_FILE_NAME_TITLE = re.compile(r"\.(?:docx?|pdf|indd|pptx?|rtf|qxd|odt)$|^untitled\b|^microsoft word\b", re.I)
SHORT_LINE, HEADING_LINE = 0.8, 0.6


def _from_pdf(data: bytes, shown: str) -> ExtractedDocument:
    if b"%%EOF" not in data[-4096:]:
        raise InputFileError(shown, "it is a damaged or truncated PDF: it has no end-of-file marker (%%EOF)")
    reader = _open_pdf(data, shown)
    pages = _page_lines(reader, shown)
    if not any(c.isalpha() for page in pages for line in page for c in line):
        if any(line for page in pages for line in page):
            raise InputFileError(
                shown, f"its text layer holds no words, only numbers and symbols, in its {len(pages)} pages"
            )
        raise InputFileError(shown, f"it has no text layer (scanned images?) in its {len(pages)} pages")
    pages, notes = _strip_page_furniture(pages)
    lines = [line for page in pages for line in page]
    joiner = _LineJoiner(lines)
    paragraphs = [joiner.join(block) for block in _pdf_blocks(lines)]
    metadata = _pdf_metadata(reader)
    title = metadata.get("/Title")
    if not title or _FILE_NAME_TITLE.search(title.strip()):
        title = next((p for p in paragraphs[:3] if _heading_like(p)), None)
    day = _pdf_date(metadata.get("/CreationDate"))
    return _document(paragraphs, "pdf", title, day, notes + joiner.notes(), shown, pages=len(pages))


ENCRYPTED_AES = (
    "it is encrypted with AES, which milspace cannot decrypt without the optional cryptography package; "
    "save an unencrypted copy"
)


def _open_pdf(data: bytes, shown: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        readable = True
        if reader.is_encrypted:
            try:
                readable = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except DependencyError:  # AES needs the optional cryptography package
                readable = False
        count = len(reader.pages) if readable else 0
    except DependencyError:  # the empty password opened it, but its objects are AES-encrypted
        raise InputFileError(shown, ENCRYPTED_AES) from None
    except Exception as exc:  # pypdf raises many exception types on a damaged file; all mean the same here
        raise InputFileError(shown, f"it is a damaged PDF that pypdf cannot parse ({_one_line(exc)})") from None
    if not readable:
        raise InputFileError(shown, "it is encrypted: milspace cannot read its text; save an unencrypted copy")
    if count == 0:
        raise InputFileError(shown, "it is a PDF with no pages")
    return reader


def _page_lines(reader: PdfReader, shown: str) -> list[list[str]]:
    """Each page's text lines, stripped, without blank lines at the top or bottom of the page."""
    try:
        pdf_pages = list(reader.pages)
    except DependencyError:
        raise InputFileError(shown, ENCRYPTED_AES) from None
    except Exception as exc:  # as in _open_pdf: a damaged page tree, whatever pypdf calls it
        raise InputFileError(shown, f"it is a damaged PDF that pypdf cannot parse ({_one_line(exc)})") from None
    pages = []
    for number, page in enumerate(pdf_pages, start=1):
        try:
            text = page.extract_text() or ""
        except DependencyError:
            raise InputFileError(shown, ENCRYPTED_AES) from None
        except Exception as exc:  # as in _open_pdf: a damaged content stream, whatever pypdf calls it
            raise InputFileError(shown, f"page {number} of the PDF is damaged ({_one_line(exc)})") from None
        pages.append(_trim_blank_edges([line.strip() for line in text.translate(_LIGATURES).split("\n")]))
    return pages


def _one_line(exc: BaseException, limit: int = 200) -> str:
    """An exception as one short line for a message: its type and its text, whitespace collapsed, cut at `limit`."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _trim_blank_edges(lines: list[str]) -> list[str]:
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _pdf_metadata(reader: PdfReader) -> dict[str, str]:
    try:
        metadata: Mapping[str, object] = reader.metadata or {}
        return {key: str(metadata[key]) for key in ("/Title", "/CreationDate") if metadata.get(key)}
    except Exception:  # unreadable metadata is no reason to refuse the text
        return {}


def _pdf_date(value: str | None) -> str | None:
    """ISO date from a PDF date string such as "D:20180119120000+08'00'"."""
    match = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value or "")
    return _iso_date("-".join(part for part in match.groups() if part)) if match else None


NOTHING_LEFT = "kept the repeated page lines: removing them as headers, footers or page numbers would leave no text"


def _strip_page_furniture(pages: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """Remove repeated headers/footers and bare page numbers at page edges, until nothing more goes. When that
    would leave no letter at all (every page carries the same text, or only a page number), keep the pages as
    they are, with a note."""
    original = [list(lines) for lines in pages]
    removed: dict[tuple[str, str], tuple[str, set[int]]] = {}
    while True:
        changed = [_drop_page_numbers(pages, removed), _drop_repeated(pages, 0, removed)]
        changed.append(_drop_repeated(pages, -1, removed))
        if not any(changed):
            break
    if not any(c.isalpha() for lines in pages for line in lines for c in line):
        return original, [NOTHING_LEFT]
    notes = []
    for (kind, _), (example, on_pages) in removed.items():
        what = "bare page numbers" if kind == "page number" else f"a repeated page {kind} {example!r}"
        notes.append(f"removed {what} from {len(on_pages)} of {len(pages)} pages")
    return pages, notes


def _drop_page_numbers(pages: list[list[str]], removed: dict) -> bool:
    changed = False
    for number, lines in enumerate(pages):
        for edge in (0, -1):
            if lines and _PAGE_NUMBER.fullmatch(lines[edge]):
                removed.setdefault(("page number", ""), (lines[edge], set()))[1].add(number)
                del lines[edge]
                _trim_blank_edges(lines)
                changed = True
    return changed


def _drop_repeated(pages: list[list[str]], edge: int, removed: dict) -> bool:
    """Drop the first (edge 0) or last (edge -1) line where, digits masked, it repeats on half the pages (3+)."""
    masked = {number: _mask(lines[edge]) for number, lines in enumerate(pages) if lines}
    counts = Counter(masked.values())
    needed = max(2, math.ceil(len(pages) / 2))
    if len(pages) < 3 or not counts or counts.most_common(1)[0][1] < needed:
        return False
    kind = "header" if edge == 0 else "footer"
    for number, key in masked.items():
        if counts[key] >= needed:
            removed.setdefault((kind, key), (pages[number][edge], set()))[1].add(number)
            del pages[number][edge]
            _trim_blank_edges(pages[number])
    return True


def _mask(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split()))


def _pdf_blocks(lines: list[str]) -> list[list[str]]:
    """Group lines into paragraphs (see the module docstring for the rules)."""
    lengths = sorted(len(line) for line in lines if line)
    full = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    blocks: list[list[str]] = [[]]
    for at, line in enumerate(lines):
        following = lines[at + 1] if at + 1 < len(lines) else ""
        if not line:
            blocks.append([])
            continue
        blocks[-1].append(line)
        if following and _ends_paragraph(line, following, full):
            blocks.append([])
    return [block for block in blocks if block]


def _starts_block(line: str) -> bool:
    return line[0].isupper() or line[0].isdigit() or line[0] in _BLOCK_OPENERS


def _ends_paragraph(line: str, following: str, full: int) -> bool:
    if _BULLET.match(following):
        return True
    if len(line) < SHORT_LINE * full and _starts_block(following) and not line.endswith((",", *_DASHES)):
        return True
    heading = len(following) < HEADING_LINE * full and _heading_like(following) and following[0].isupper()
    return bool(_SENTENCE_END.search(line)) and heading


# ---------------------------------------------------------------------------------------------------- language

_FUNCTION_WORDS = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and to in is that for it with as was on are be by this which from or have an will not its "
        "their our we has been",
        "fr": "le la les de des et est une un du dans que qui pour pas sur au aux ce ces sont avec il elle nous par "
        "son leur en ne",
        "de": "der die und das ist den dem nicht zu mit sich des auf für ein eine im von auch es werden wird wir "
        "sind bei nach aus",
        "es": "el la los las de y que en del se por con para una es su al lo como más pero sus un le",
        "it": "il di che e la le per un una del della sono non con gli nel alla dei è si ha anche da",
        "pt": "o a os as de que e do da em um uma para com não dos das no na por se é mais ao",
        "nl": "de het een en van is dat op te zijn niet met voor die er aan ook wordt worden bij als",
    }.items()
}
#: Unicode blocks -> script name (the language of scripts used mainly for one language).
_SCRIPTS = (
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "ko"),
    (0x1100, 0x11FF, "ko"),
    (0x0400, 0x04FF, "ru"),
    (0x0600, 0x06FF, "ar"),
    (0x0590, 0x05FF, "he"),
    (0x0370, 0x03FF, "el"),
    (0x0900, 0x097F, "hi"),
    (0x0E00, 0x0E7F, "th"),
)


def _script(char: str) -> str:
    code = ord(char)
    return next((name for start, end, name in _SCRIPTS if start <= code <= end), "latin")


def _guess_language(text: str) -> str:
    scripts = Counter(_script(c) for c in text[:5000] if c.isalpha())
    if not scripts:
        return "und"
    dominant = scripts.most_common(1)[0][0]
    if dominant in ("kana", "han"):
        return "ja" if scripts["kana"] >= 0.1 * scripts.total() else "zh"
    if dominant != "latin":
        return dominant
    words = [w.lower() for w in _WORD.findall(text)[:3000]]
    shares = {lang: sum(w in common for w in words) / len(words) for lang, common in _FUNCTION_WORDS.items()}
    best = max(shares, key=shares.__getitem__)
    return best if shares[best] >= 0.1 else "und"
