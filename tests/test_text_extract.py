"""Text extraction from strategy documents: the real NDS 2018 summary (Markdown), the same text rendered as a PDF
with running headers, page numbers and hyphenated line ends, HTML with boilerplate, and every kind of bad input."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import random
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from pipelines.errors import InputFileError
from pipelines.text import extract as extract_module
from pipelines.text.extract import (
    MAX_DOCUMENT_BYTES,
    _pdf_blocks,
    _strip_page_furniture,
    extract,
    looks_like_document,
)
from tests.conftest import shared_file

NDS = "strategy/2018-01-19-national-defense-strategy-2018-summary.md"
HEADER = "Summary of the 2018 National Defense Strategy"


# ------------------------------------------------------------------ an independent reading of the raw Markdown


def source_blocks(raw: str) -> list[str]:
    """The body after the front matter, split on blank lines; the <excerpt/> marker block dropped."""
    assert raw.startswith("---\n")
    body = raw.split("---\n", 2)[2]
    blocks = [block.strip() for block in re.split(r"\n[ \t]*\n", body)]
    return [block for block in blocks if block and block != "<excerpt/>"]


def plain(block: str) -> str:
    """A block without its Markdown markers: '> ', '#'s, '- ' and underscores at word edges."""
    block = re.sub(r"^(?:> )?(?:#+ |- )", "", block)
    return " ".join(re.sub(r"(?<!\w)_|_(?!\w)", "", block).split())


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture(scope="module")
def nds_raw() -> str:
    return shared_file(NDS).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def nds_doc():
    return extract(shared_file(NDS), "nds.md")


# ------------------------------------------------------------------ the real Markdown file


def test_real_markdown_is_read_as_markdown_with_front_matter_fields(nds_doc):
    assert nds_doc.format == "markdown"
    assert nds_doc.title == "National Defense Strategy"  # front matter line 3: "title : National Defense Strategy"
    assert nds_doc.date == "2018-01-19"  # front matter line 5: "date  : 2018-01-19 12:00:00 +0800"
    assert nds_doc.language == "en" and nds_doc.is_english
    assert nds_doc.pages is None
    assert "removed the YAML front matter (10 lines)" in nds_doc.notes


def test_real_markdown_text_is_clean(nds_doc):
    text = nds_doc.text
    assert "layout: post" not in text and "excerpt_separator" not in text
    assert "<excerpt/>" not in text
    assert nds_doc.paragraphs[0].startswith("The Department of Defense’s enduring mission")
    assert not re.search(r"(?<!\w)_|_(?!\w)|^#|^- |^> ", text, re.M)
    assert "STRATEGIC ENVIRONMENT" in nds_doc.paragraphs  # a heading is its own paragraph
    assert "Jim Mattis" in nds_doc.paragraphs  # "> #### Jim Mattis": quote and heading markers gone
    assert all(p == " ".join(p.split()) and p for p in nds_doc.paragraphs)


def test_real_markdown_paragraph_and_word_counts_match_the_raw_file(nds_doc, nds_raw):
    blocks = source_blocks(nds_raw)
    markup = re.compile(r"[-#>]+")
    raw_words = [w for block in blocks for w in block.split() if not markup.fullmatch(w)]
    assert len(nds_doc.paragraphs) == len(blocks)
    assert len(words(nds_doc.text)) == len(raw_words)
    assert Counter(words(nds_doc.text)) == Counter(w for block in blocks for w in words(plain(block)))


# ------------------------------------------------------------------ the same text as a PDF


def wrap(text: str, font: str, size: float, width: float, hyphenate: bool, splits: list) -> list[str]:
    """Greedy line breaking; a long lower-case word (or a compound) that does not fit is hyphenated."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        head, tail = split_word(word) if hyphenate else (None, None)
        if head and stringWidth(f"{current} {head}", font, size) <= width:
            lines.append(f"{current} {head}")
            splits.append((word, head, tail))
            current = tail
        else:
            lines.append(current)
            current = word
    return [*lines, current]


def split_word(word: str) -> tuple[str | None, str | None]:
    if re.fullmatch(r"[a-z]+-[a-z]+", word):
        first, second = word.split("-")
        return f"{first}-", second
    if re.fullmatch(r"[a-z]{8,}", word):
        middle = len(word) // 2
        return f"{word[:middle]}-", word[middle:]
    return None, None


def render_pdf(blocks: list[str]) -> tuple[bytes, int, list[tuple[str, str]]]:
    """The paragraphs on letter pages, a running header on every page and the page number in the footer."""
    buffer, splits = io.BytesIO(), []
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=1)
    page, y = 1, 0.0

    def start_page():
        pdf.setFont("Helvetica-Oblique", 9)
        pdf.drawString(72, 750, HEADER)
        pdf.setFont("Helvetica", 9)
        pdf.drawCentredString(306, 40, str(page))
        return 720.0

    y = start_page()
    for block in blocks:
        heading = block.lstrip("> ").startswith("#")
        font = "Helvetica-Bold" if heading else "Helvetica"
        for line in wrap(plain(block), font, 10, 468, not heading, splits):
            if y < 72:
                pdf.showPage()
                page += 1
                y = start_page()
            pdf.setFont(font, 10)
            pdf.drawString(72, y, line)
            y -= 13
        y -= 7
    pdf.showPage()
    pdf.save()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.add_metadata({"/Title": HEADER, "/CreationDate": "D:20180119120000Z"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), page, splits


@pytest.fixture(scope="module")
def nds_pdf(nds_raw, tmp_path_factory):
    blocks = source_blocks(nds_raw)
    data, pages, splits = render_pdf(blocks)
    path = tmp_path_factory.mktemp("pdf") / "nds.pdf"
    path.write_bytes(data)
    return {"blocks": blocks, "pages": pages, "splits": splits, "doc": extract(path, "nds.pdf")}


def test_pdf_metadata_and_pages(nds_pdf):
    doc = nds_pdf["doc"]
    assert nds_pdf["pages"] >= 5
    assert (doc.format, doc.pages, doc.title, doc.date) == ("pdf", nds_pdf["pages"], HEADER, "2018-01-19")
    assert doc.language == "en"


def test_pdf_running_header_and_page_numbers_are_removed(nds_pdf):
    doc, pages = nds_pdf["doc"], nds_pdf["pages"]
    assert HEADER not in doc.text
    assert f"removed a repeated page header {HEADER!r} from {pages} of {pages} pages" in doc.notes
    assert f"removed bare page numbers from {pages} of {pages} pages" in doc.notes
    source = " ".join(plain(block) for block in nds_pdf["blocks"])
    numbers = re.compile(r"\d+")
    assert Counter(w for w in words(doc.text) if numbers.fullmatch(w)) == Counter(
        w for w in words(source) if numbers.fullmatch(w)
    )


def test_pdf_hyphenated_words_are_joined(nds_pdf):
    tokens = set(re.findall(r"[\w-]+", nds_pdf["doc"].text))
    split_words = [(word, f"{head}{tail}") for word, head, tail in nds_pdf["splits"] if "-" not in word]
    assert len(split_words) >= 10
    assert [(word, hyphenated) for word, hyphenated in split_words if hyphenated in tokens or word not in tokens] == []


def test_pdf_words_match_the_source_within_one_percent(nds_pdf):
    source = Counter(w for block in nds_pdf["blocks"] for w in words(plain(block)))
    extracted = Counter(words(nds_pdf["doc"].text))
    differences = sum((source - extracted).values()) + sum((extracted - source).values())
    assert differences <= 0.01 * sum(source.values()), (source - extracted, extracted - source)


def test_pdf_headings_are_their_own_paragraphs(nds_pdf):
    paragraphs = nds_pdf["doc"].paragraphs
    for heading in ("STRATEGIC ENVIRONMENT", "STRATEGIC APPROACH", "Build a More Lethal Force", "CONCLUSION"):
        assert heading in paragraphs
    assert paragraphs[0].startswith("The Department of Defense’s enduring mission")


def test_pdf_paragraph_breaks_are_mostly_found(nds_pdf):
    # The PDF text has no blank lines: paragraphs are found from short last lines and headings. A paragraph whose
    # last line happens to be full width runs into the next one, so most (not all) come out exactly.
    source = [plain(block) for block in nds_pdf["blocks"]]
    found = set(nds_pdf["doc"].paragraphs)
    assert sum(paragraph in found for paragraph in source) >= 0.75 * len(source)


# ------------------------------------------------------------------ small synthetic PDFs


def small_pdf(draw) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def text_pdf() -> bytes:
    return small_pdf(lambda pdf: pdf.drawString(72, 700, "The Joint Force will deter aggression in three regions."))


def encrypted(data: bytes, user_password: str, owner_password: str | None = None) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password, owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_encrypted_with_an_empty_user_password_is_read(tmp_path):
    path = tmp_path / "restricted.pdf"
    path.write_bytes(encrypted(text_pdf(), "", owner_password="owner"))
    assert PdfReader(path).is_encrypted
    assert extract(path, "restricted.pdf").paragraphs == ("The Joint Force will deter aggression in three regions.",)


def test_page_furniture_rules_on_page_lines():
    pages = [
        ["Defence Review 2024 | Chapter 1", "", "First page text.", "", "Page 1 of 3"],
        ["Defence Review 2024 | Chapter 2", "Second page text.", "2023", "Page 2 of 3"],
        ["Third page text.", "Budget table", "xii"],
    ]
    kept, notes = _strip_page_furniture(pages)
    # The header repeats (digits masked) on 2 of 3 pages, at least half; a year is not a page number.
    assert kept == [["First page text."], ["Second page text.", "2023"], ["Third page text.", "Budget table"]]
    assert notes == [
        "removed bare page numbers from 3 of 3 pages",
        "removed a repeated page header 'Defence Review 2024 | Chapter 1' from 2 of 3 pages",
    ]
    two_pages = [["Running head", "Text one."], ["Running head", "Text two."]]
    assert _strip_page_furniture([list(p) for p in two_pages]) == (two_pages, [])


def pages_pdf(pages: list[list[str]]) -> bytes:
    """One PDF page per list of lines (an empty list makes a blank page)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for lines in pages:
        for number, line in enumerate(lines):
            pdf.drawString(72, 700 - 14 * number, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


NOTHING_LEFT = "kept the repeated page lines: removing them as headers, footers or page numbers would leave no text"
SAME_TEXT_PAGES = {
    "three identical pages of two lines": [["Space strategy for all.", "Deterrence and cooperation."]] * 3,
    "four identical one-line pages": [["The Space Strategy of the Union."]] * 4,
    "one page that reads like a page number": [["Page 7"]],
    "pages of roman numerals only": [["i"], ["ii"], ["iii"]],
}


@pytest.mark.parametrize("case", SAME_TEXT_PAGES)
def test_pdf_whose_every_line_looks_like_page_furniture_is_kept_with_a_note(tmp_path, case):
    """Red team: when every page carries the same text, every line is a "repeated header"; removing them all used
    to leave no lines at all, and the paragraph grouping crashed (ValueError from zip)."""
    pages = SAME_TEXT_PAGES[case]
    path = write(tmp_path / "same.pdf", pages_pdf(pages))
    doc = extract(path, "same.pdf")
    assert doc.pages == len(pages)
    assert " ".join(doc.paragraphs).split() == [word for page in pages for line in page for word in line.split()]
    assert NOTHING_LEFT in doc.notes


def test_page_furniture_removal_that_would_leave_no_text_is_undone():
    pages = [["Annual Report", "Space strategy.", "Page 1"], ["Annual Report", "Space strategy.", "Page 2"]] * 2
    kept, notes = _strip_page_furniture([list(page) for page in pages])
    assert (kept, notes) == (pages, [NOTHING_LEFT])
    # Numbers left without a letter are no text either.
    numbers = [["Header", "2024"], ["Header", "2025"], ["Header", "2026"]]
    assert _strip_page_furniture([list(page) for page in numbers]) == (numbers, [NOTHING_LEFT])
    assert _pdf_blocks([]) == []


def test_pdf_with_blank_pages_among_text_pages_is_read(tmp_path):
    path = write(tmp_path / "blanks.pdf", pages_pdf([[], ["Space deterrence matters."], [], ["Cooperation too."], []]))
    doc = extract(path, "blanks.pdf")
    assert (doc.text, doc.pages) == ("Space deterrence matters. Cooperation too.", 5)  # one paragraph across pages


def zero_page_pdf() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


class RaisingPages:
    """A reader's page list that breaks with an exception pypdf does not define, as a bug in pypdf would."""

    def __init__(self, error: Exception, count: int = 2):
        self.error, self.count = error, count

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        raise self.error

    def __iter__(self):
        raise self.error


class FakeReader:
    is_encrypted = False
    metadata = None

    def __init__(self, pages):
        self.pages = pages


class RaisingPage:
    def __init__(self, error: Exception):
        self.error = error

    def extract_text(self):
        raise self.error


READER_FAILURES = {
    "the reader itself raises TypeError": (
        lambda data: (_ for _ in ()).throw(TypeError("unsupported operand type(s)")),
        "it is a damaged PDF that pypdf cannot parse (TypeError: unsupported operand type(s))",
    ),
    "the page list raises KeyError": (
        lambda data: FakeReader(RaisingPages(KeyError("/Kids"))),
        "it is a damaged PDF that pypdf cannot parse (KeyError: '/Kids')",
    ),
    "a page raises RecursionError": (
        lambda data: FakeReader([RaisingPage(RecursionError("maximum recursion depth exceeded"))]),
        "page 1 of the PDF is damaged (RecursionError: maximum recursion depth exceeded)",
    ),
    "a message over several lines": (
        lambda data: (_ for _ in ()).throw(ValueError("bad xref\n  at offset 12\n")),
        "it is a damaged PDF that pypdf cannot parse (ValueError: bad xref at offset 12)",
    ),
    "a very long message": (
        lambda data: (_ for _ in ()).throw(ValueError("x" * 5000)),
        "it is a damaged PDF that pypdf cannot parse (ValueError: " + "x" * 150,
    ),
}


@pytest.mark.parametrize("case", READER_FAILURES)
def test_any_exception_from_pypdf_is_a_one_line_input_file_error(tmp_path, monkeypatch, case):
    reader, problem = READER_FAILURES[case]
    monkeypatch.setattr(extract_module, "PdfReader", reader)
    path = write(tmp_path / "odd.pdf", text_pdf())
    with pytest.raises(InputFileError) as error:
        extract(path, "inbox/odd.pdf")
    assert error.value.file == "inbox/odd.pdf"
    assert error.value.problem.startswith(problem)
    assert "\n" not in str(error.value) and len(str(error.value)) < 400


_PADDING = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    state, j = list(range(256)), 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def handmade_pdf(objects: list[bytes], trailer: bytes) -> bytes:
    """A PDF from numbered object bodies (1, 2, ...), with a correct cross-reference table; object 1 is the root."""
    out, offsets = bytearray(b"%PDF-1.6\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def aes_pdf_with_empty_password() -> bytes:
    """A PDF whose security handler (revision 4, AESV2 crypt filter) opens with the empty user password: the /U
    entry is computed as the PDF specification's algorithms 2 and 5 say. Its streams need AES to be read."""
    file_id, owner, permissions = b"milspace-red-tm!", bytes(32), -4
    key = hashlib.md5(_PADDING + owner + permissions.to_bytes(4, "little", signed=True) + file_id).digest()
    for _ in range(50):
        key = hashlib.md5(key).digest()
    user = rc4(key, hashlib.md5(_PADDING + file_id).digest())
    for round_ in range(1, 20):
        user = rc4(bytes(k ^ round_ for k in key), user)
    content = b"BT /F1 12 Tf 72 700 Td (Space strategy text.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Filter /Standard /V 4 /R 4 /Length 128 /P -4 /O <%s> /U <%s> "
        b"/CF << /StdCF << /CFM /AESV2 /AuthEvent /DocOpen /Length 16 >> >> /StmF /StdCF /StrF /StdCF >>"
        % (owner.hex().encode(), (user + bytes(16)).hex().encode()),
    ]
    ident = file_id.hex().encode()
    return handmade_pdf(objects, b"/Encrypt 6 0 R /ID [<%s> <%s>]" % (ident, ident))


@pytest.mark.skipif(
    importlib.util.find_spec("cryptography") is not None, reason="with the cryptography package pypdf reads AES"
)
def test_pdf_encrypted_with_aes_and_an_empty_password_is_refused_as_encrypted(tmp_path):
    path = write(tmp_path / "aes.pdf", aes_pdf_with_empty_password())
    reader = PdfReader(path)
    assert reader.is_encrypted and reader.decrypt("")  # the empty password opens it; reading the text needs AES
    with pytest.raises(InputFileError) as error:
        extract(path, "aes.pdf")
    assert error.value.problem == (
        "it is encrypted with AES, which milspace cannot decrypt without the optional cryptography package; "
        "save an unencrypted copy"
    )


# ------------------------------------------------------------------ HTML

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>NDS summary | Department of Defense</title>
<meta name="article:published_time" content="2018-01-19T12:00:00Z">
<style>p { color: red }</style><script>var s = "<p>not me</p>";</script></head>
<body><header><a href="/">Department of Defense</a></header>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Summary of the 2018 NDS</h1>
<p>The Department&rsquo;s enduring mission is to provide combat-credible forces &amp; to deter war.</p>
<p>Second <em>paragraph</em> with
a line break<br>and a second line.</p>
<ul><li>Defending the homeland</li><li>Sustaining advantages</li></ul>
<svg><title>chart</title><text>42</text></svg><button>Share</button>
</article>
<aside>Related stories</aside>
<footer><form><input name="q"><button>Search</button></form>Copyright 2018</footer>
<script>track("page")</script><noscript>Enable JavaScript</noscript>
</body></html>
"""


def test_html_keeps_only_the_article(tmp_path):
    path = tmp_path / "page.txt"  # the name says nothing: the content is HTML
    path.write_text(ARTICLE_PAGE, encoding="utf-8")
    doc = extract(path, "page.txt")
    assert doc.paragraphs == (
        "Summary of the 2018 NDS",
        "The Department’s enduring mission is to provide combat-credible forces & to deter war.",
        "Second paragraph with a line break",
        "and a second line.",
        "Defending the homeland",
        "Sustaining advantages",
    )
    assert (doc.format, doc.title, doc.date, doc.language) == (
        "html",
        "NDS summary | Department of Defense",
        "2018-01-19",
        "en",
    )
    assert doc.notes == (
        "left out the contents of aside (1), button (1), footer (1), header (1), nav (1), noscript (1), "
        "script (2), style (1), svg (1)",
    )


def test_html_without_title_takes_the_first_h1(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"\xef\xbb\xbf  <HTML><body><h1>Defence Review</h1><div>The review sets priorities.</div></HTML>")
    doc = extract(path, "page.html")
    assert (doc.title, doc.paragraphs) == ("Defence Review", ("Defence Review", "The review sets priorities."))


# ------------------------------------------------------------------ Markdown and plain text


def test_markdown_markup_is_removed(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(
        "# Space *Strategy*\n\n"
        "A [linked text](https://example.org/a_(b)) and ![a chart](chart.png) with **bold**, `code`,\n"
        "snake_case kept, \\*escaped\\* stars and <span>tags</span> &amp; entities.\n\n"
        "- first item\n- second item\n\n"
        "1. numbered\n\n"
        "---\n\n"
        "| Year | Budget |\n|---|---:|\n| 2024 | 10 |\n\n"
        "[ref]: https://example.org\n",
        encoding="utf-8",
    )
    doc = extract(path, "notes.txt")
    assert doc.format == "markdown" and doc.title == "Space Strategy"
    assert doc.paragraphs == (
        "Space Strategy",
        "A linked text and with bold, code, snake_case kept, *escaped* stars and tags & entities.",
        "first item",
        "second item",
        "numbered",
        "Year Budget",
        "2024 10",
    )
    assert "removed Markdown/HTML markup: 2 HTML tags, 1 image" in doc.notes


def test_plain_text_joins_lines_and_decides_line_end_hyphens(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text(
        "Defence Review 2024\n\n"
        "The long-term plan keeps the old rules, based on law. Our defen-\n"
        "se is strong and the rules-\n"
        "based order holds. The long-\n"
        "term view and counterterrorism matter; counter-\n"
        "terrorism is funded. The over\u00ad\n"
        "all budget grows, and the U.S.-\n"
        "led coalition and the 2019-\n"
        "2023 plan.\n\n"
        "   \n"
        "A second paragraph.\n",
        encoding="utf-8",
    )
    doc = extract(path, "plain.txt")
    assert doc.format == "text" and doc.title == "Defence Review 2024"
    assert doc.paragraphs == (
        "Defence Review 2024",
        "The long-term plan keeps the old rules, based on law. Our defense is strong and the rules-based order "
        "holds. The long-term view and counterterrorism matter; counterterrorism is funded. The overall budget "
        "grows, and the U.S.-led coalition and the 2019-2023 plan.",
        "A second paragraph.",
    )
    assert "joined 3 words hyphenated at line ends" in doc.notes  # defen-se, counter-terrorism, soft over-all
    assert any(note.startswith("kept the hyphen of 2 compounds") for note in doc.notes)


def test_utf16_with_bom_is_accepted(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes("Die Bundeswehr schützt das Land.\n\nZweiter Absatz über die Lage.".encode("utf-16"))
    doc = extract(path, "utf16.txt")
    assert doc.paragraphs == ("Die Bundeswehr schützt das Land.", "Zweiter Absatz über die Lage.")
    assert "decoded from UTF-16 (byte-order mark)" in doc.notes


# ------------------------------------------------------------------ language

ENGLISH = (
    "The Department of Defense will sustain its efforts to deter aggression. It is clear that our allies and "
    "partners are the backbone of our security, and we will invest in the readiness of the force."
)
FRENCH = (
    "La France doit disposer d'une défense forte pour protéger les citoyens. Le ministère des Armées est "
    "responsable de la sécurité du pays et il prépare les forces pour les crises qui sont à venir."
)
GERMAN = (
    "Die Bundeswehr ist für die Verteidigung des Landes zuständig. Wir werden die Fähigkeiten der Streitkräfte "
    "stärken, und die Partner in der Allianz sind für unsere Sicherheit nicht zu ersetzen."
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ENGLISH, "en"),
        (FRENCH, "fr"),
        (GERMAN, "de"),
        ("国防战略的主要目标是维护国家安全和领土完整。", "zh"),
        ("防衛計画の大綱は、日本の安全保障の基本方針を示すものです。", "ja"),
        ("Военная доктрина Российской Федерации определяет основные угрозы.", "ru"),
        ("Lorem ipsum dolor sit amet consectetur adipiscing elit sed eiusmod tempor.", "und"),
    ],
)
def test_language_is_guessed(tmp_path, text, language):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    doc = extract(path, "doc.txt")
    assert (doc.language, doc.is_english) == (language, language == "en")


# ------------------------------------------------------------------ bad input


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "empty": (lambda p: write(p, b""), "it is empty (0 bytes)"),
    "whitespace": (lambda p: write(p, b" \n\t\r\n  \n"), "it has no text: it holds only whitespace"),
    "random bytes named .pdf": (
        lambda p: write(p, random.Random(7).randbytes(4096)),
        "it is not a PDF, HTML or text document (it holds binary data)",
    ),
    "truncated PDF": (
        lambda p: write(p, text_pdf()[: len(text_pdf()) // 2]),
        "it is a damaged or truncated PDF: it has no end-of-file marker (%%EOF)",
    ),
    "damaged PDF": (
        lambda p: write(p, b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"),
        "it is a damaged PDF that pypdf cannot parse (PdfReadError",
    ),
    "encrypted PDF": (
        lambda p: write(p, encrypted(text_pdf(), "secret")),
        "it is encrypted: milspace cannot read its text; save an unencrypted copy",
    ),
    "image-only PDF": (
        lambda p: write(p, small_pdf(lambda pdf: pdf.rect(72, 72, 400, 600, fill=1))),
        "it has no text layer (scanned images?)",
    ),
    "PDF of blank pages": (lambda p: write(p, pages_pdf([[], [], []])), "it has no text layer (scanned images?)"),
    "PDF of numbers only": (
        lambda p: write(p, pages_pdf([["1"], ["2", "3.5"], ["4"]])),
        "its text layer holds no words, only numbers and symbols, in its 3 pages",
    ),
    "zero-page PDF": (lambda p: write(p, zero_page_pdf()), "it is a PDF with no pages"),
    "cp1252": (
        lambda p: write(p, "The Department’s mission.".encode("cp1252")),
        "it is not UTF-8 text: byte 14 (0x92) is invalid; convert it to UTF-8",
    ),
    "UTF-16 without BOM": (
        lambda p: write(p, "The Department's mission.".encode("utf-16-le")),
        "it is not UTF-8 text: byte 1 is a NUL, as in UTF-16 without a byte-order mark; convert it to UTF-8",
    ),
    "CSV table": (
        lambda p: write(p, b"country,year,value\nFrance,2020,1.9\nGermany,2020,1.4\n"),
        "it looks like a comma-delimited table, not a document",
    ),
    "missing": (lambda p: p, "the file does not exist"),
    "folder": (lambda p: (p.mkdir(), p)[1], "it is a folder, not a document"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_raises_input_file_error_naming_the_file(tmp_path, case):
    make, problem = BAD_INPUTS[case]
    path = make(tmp_path / "strategy.pdf")
    with pytest.raises(InputFileError) as error:
        extract(path, "inbox/strategy.pdf")
    assert error.value.file == "inbox/strategy.pdf"
    assert problem in error.value.problem
    assert str(error.value).startswith("Cannot read file inbox/strategy.pdf: ")


def test_oversized_file_is_refused_by_size_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: no 100 MB written

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened before its size was checked")

    monkeypatch.setattr(Path, "open", no_reading)
    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(InputFileError) as error:
        extract(path, "huge.md")
    assert error.value.problem == "it is 104,857,600 bytes, over the 52,428,800-byte cap for one document"
    assert MAX_DOCUMENT_BYTES == 52_428_800


def test_max_bytes_can_be_lowered(tmp_path):
    path = write(tmp_path / "doc.txt", b"A short strategy text.")
    assert extract(path, "doc.txt", max_bytes=22).paragraphs == ("A short strategy text.",)
    with pytest.raises(InputFileError, match="it is 22 bytes, over the 21-byte cap"):
        extract(path, "doc.txt", max_bytes=21)


# ------------------------------------------------------------------ looks_like_document


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", True),
        (b"\xef\xbb\xbf\n  <!DOCTYPE HTML PUBLIC>\n<html>", True),
        (b"<html lang='fr'><body>", True),
        (b'<?xml version="1.0"?>\n<!-- saved from url=(0014)about:internet -->\n<html xmlns="x">', True),
        (b"---\ntitle: Space Strategy\ndate: 2020-06-17\n---\n\n# Introduction\n", True),
        (b"The strategy sets three priorities, and the Department will fund them.\n" * 3, True),
        ("Le ministère des Armées présente sa stratégie de sécurité".encode()[:-1], True),  # cut inside the é
        ("Body text in UTF-16 with a byte-order mark.".encode("utf-16"), True),
        (b"country,year,value\nFrance,2020,1.9\nGermany,2020,1.4\n", False),
        (b"name\tcode\tvalue\nFrance\tFRA\t1.9\nGermany\tDEU\t1.4\n", False),
        (b"Land;Jahr;Wert\nFrankreich;2020;1,9\nDeutschland;2020;1,4\n", False),
        # a tab export of a DoD exhibit: a sparse banner row, header cells with line breaks, long titles
        (
            b"\t\t\tTotal of Displayed Rows\t77446524\t73325858\n"
            b'Account\tAccount Title\t"Budget\nActivity"\tProgram Element Title\t"FY 2017\n(Base + OCO)"\t'
            b'"FY 2019\nBase"\n'
            b"2040A\tResearch, Development, Test & Eval, Army\t01\tDefense Research Sciences\t286086\t276912\n"
            b"2040A\tResearch, Development, Test & Eval, Army\t01\tUniversity Research Initiatives\t66506\t65283\n",
            False,
        ),
        (
            b'\xef\xbb\xbf"Data Source","World Development Indicators",\n\n"Last Updated Date","2026-02-24",\n\n'
            b'"Country Name","Country Code","Indicator Name","Indicator Code","1960","1961","1962",\n',
            False,
        ),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", False),
        (b"", False),
        (b"   \n\n", False),
        ("Text in UTF-16 without a byte-order mark.".encode("utf-16-le"), False),
        (b"1.5 2.7 3.9 4.1\n5.5 6.2 7.7 8.0\n", False),
        (b'<?xml version="1.0"?><rss><channel><title>Defence news</title></channel></rss>', False),
        (b'{"title": "National Defense Strategy", "summary": "Sharpening the competitive edge"}', False),
    ],
)
def test_looks_like_document(head, expected):
    assert looks_like_document(head) is expected


def test_looks_like_document_on_real_and_built_files():
    assert looks_like_document(zip_bytes()) is False
    assert looks_like_document(random.Random(3).randbytes(65536)) is False
    assert looks_like_document(text_pdf()[:65536]) is True
    assert looks_like_document(shared_file(NDS).read_bytes()[:65536]) is True
    for other in (
        "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv",
        "worldbank/Metadata_Country_API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv",
        "worldbank/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip",
        "owid/military-spending-as-a-share-of-gdp-sipri.csv",
        "nato/240617-def-exp-2024-TABLES-en.xlsx",
    ):
        assert looks_like_document(shared_file(other).read_bytes()[:65536]) is False, other


@settings(max_examples=150, deadline=None)
@given(data=st.one_of(st.binary(max_size=2000), st.text(max_size=1000).map(str.encode)))
def test_any_bytes_give_a_document_or_an_input_file_error(tmp_path_factory, data):
    assert looks_like_document(data) in (True, False)
    path = tmp_path_factory.mktemp("any") / "file"
    path.write_bytes(data)
    try:
        doc = extract(path, "file")
    except InputFileError as error:
        assert error.file == "file"
    else:
        assert doc.paragraphs and all(p.strip() == p and p for p in doc.paragraphs)
