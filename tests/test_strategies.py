"""Strategy documents through the whole pipeline: the real 2018 NDS summary, its PDF rendering, bad documents,
documents outside the register or not in English, money mentions, say against spend, and fetch-docs."""

from __future__ import annotations

import csv
import io
import re
import shutil
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.nations import default_names
from pipelines.paths import REPO_ROOT
from pipelines.text.documents import read_document
from pipelines.text.extract import extract
from pipelines.text.register import RegisterMatch, match_register
from pipelines.text.score import Lexicon
from tests.conftest import make_root, query, run_build, shared_file

NDS = "strategy/2018-01-19-national-defense-strategy-2018-summary.md"
EXHIBITS = ("R-1", "P-1", "O-1")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")  # the test's own tokenizer, written from the lexicon's rules


def lexicon() -> Lexicon:
    with (REPO_ROOT / "data_raw/reference/lexicon.csv").open(encoding="utf-8") as handle:
        return Lexicon.from_rows(csv.DictReader(handle))


def register() -> list[dict]:
    with (REPO_ROOT / "data_raw/starter/strategy_documents.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [{**r, "year": int(r["year"])} for r in rows]


def nds_pdf(target: Path) -> Path:
    """The NDS summary's text rendered to a PDF, with a running header and page numbers on every page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    paragraphs = extract(shared_file(NDS), "nds.md").paragraphs

    def decorate(canvas, document):
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, 760, "Summary of the 2018 National Defense Strategy")
        canvas.drawString(300, 30, str(document.page))

    style = getSampleStyleSheet()["BodyText"]
    flow = [Paragraph(p.replace("&", "&amp;").replace("<", "&lt;"), style) for p in paragraphs]
    document = SimpleDocTemplate(str(target), pagesize=letter, title="Summary of the 2018 National Defense Strategy")
    document.build(flow, onFirstPage=decorate, onLaterPages=decorate)
    return target


@pytest.fixture(scope="module")
def strategy_build(tmp_path_factory):
    """Starter data, the shared DoD exhibits in the inbox, and strategy documents: the NDS summary, a document not
    in the register, one not in English, one with commitments, and one of each kind of bad document."""
    layout = make_root(tmp_path_factory.mktemp("strategies"))
    inbox, strategies = layout.data_raw / "inbox", layout.strategies
    inbox.mkdir()
    strategies.mkdir()
    for name in EXHIBITS:
        shutil.copy(shared_file(f"dod/fy2019_exhibits/{name}.xlsx"), inbox)
    shutil.copy(shared_file(NDS), strategies / "nds-2018-summary.md")
    (strategies / "jpn-draft.txt").write_text(
        "National Security Strategy of Japan 2031 (working draft)\n\n"
        "Japan will strengthen deterrence with its allies and deepen cooperation on space domain awareness, "
        "missile warning and satellite communications.\n"
    )
    (strategies / "deu-nss.txt").write_text(
        "Die Nationale Sicherheitsstrategie beschreibt die Lage der Bundeswehr und der Verbündeten in der Welt. "
        "Die Bedrohung durch Russland ist groß und die Zusammenarbeit mit den Partnern wird gestärkt.\n"
    )
    (strategies / "gbr-2022-defence-space-strategy.txt").write_text(
        "The Ministry of Defence will invest an additional £1.4 billion in defence space capabilities over the "
        "next 10 years.\n\nThe Skynet 6 programme adds around £5 billion over a decade for satellite "
        "communications.\n"
    )
    (strategies / "empty.txt").write_text("")
    (strategies / "scan.pdf").write_bytes(image_only_pdf())
    (strategies / "locked.pdf").write_bytes(encrypted_pdf())
    (strategies / "noise.pdf").write_bytes(bytes(range(256)) * 40)
    (strategies / "latin1.txt").write_bytes("La stratégie de défense nationale".encode("cp1252"))
    with (strategies / "huge.txt").open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: refused by size, never read into memory
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    return run


def image_only_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 400, fill=1)
    page.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "Defence strategy for deterrence and cooperation.")
    page.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the 2018 NDS summary -------------------------------------------------------------------------------------


def test_nds_token_count_and_term_hits_match_an_independent_count(strategy_build):
    paragraphs = extract(shared_file(NDS), "nds.md").paragraphs
    tokens = [t.lower() for p in paragraphs for t in WORD.findall(p.replace("\u2019", "'"))]
    [(doc_id, counted)] = query(
        strategy_build.layout,
        "select doc_id, tokens from marts.strategy_documents where file like '%nds-2018-summary.md'",
    )
    assert doc_id == "usa-2018-nds-summary"
    assert counted == len(tokens)
    words = Counter(tokens)
    expected = {
        ("militarization_warfighting", "war"): words["war"],
        ("militarization_warfighting", "warfare"): words["warfare"],
        ("cooperation_diplomacy", "allies"): words["allies"],
        ("deterrence", "deter*"): sum(
            n
            for w, n in words.items()
            if w.startswith("deter") and not w.startswith(("deteriorat", "determin", "deterg"))
        ),
        ("militarization_warfighting", "lethal*"): sum(n for w, n in words.items() if w.startswith("lethal")),
    }
    assert all(expected.values()), expected  # each term really occurs in the text
    for (category, term), count in expected.items():
        [(hits,)] = query(
            strategy_build.layout,
            "select count(*) from marts.strategy_evidence where doc_id = ? and category = ? and term = ?",
            [doc_id, category, term],
        )
        assert hits == count, (category, term)


def test_every_evidence_row_shows_its_words_in_context(strategy_build):
    rows = query(strategy_build.layout, "select term, matched, context from marts.strategy_evidence")
    assert len(rows) > 300
    for term, matched, context in rows:
        assert matched in context, (term, matched, context)
        first = term.split()[0]
        assert matched.lower().startswith(first.rstrip("*")) or "'" in matched, (term, matched)


def test_warning_never_counts_as_war(strategy_build):
    """The Japanese draft speaks of missile warning: no 'war' hit may come from it."""
    [(warning,)] = query(
        strategy_build.layout,
        "select count(*) from marts.strategy_evidence "
        "where file like '%jpn-draft.txt' and lower(matched) like '%warning%'",
    )
    assert warning > 0  # counted, as missile warning, in the capability categories
    rows = query(
        strategy_build.layout,
        "select matched from marts.strategy_evidence where category = 'militarization_warfighting' "
        "and lower(matched) like 'warn%'",
    )
    assert rows == []
    wars = query(
        strategy_build.layout,
        "select distinct lower(matched) from marts.strategy_evidence where term in ('war', 'wars')",
    )
    assert {w for (w,) in wars} <= {"war", "wars"}


def test_scores_are_per_10000_words_for_every_category(strategy_build):
    rows = query(
        strategy_build.layout,
        "select category, hits, tokens, per_10k_tokens from marts.strategy_scores "
        "where doc_id = 'usa-2018-nds-summary'",
    )
    assert len(rows) == len(lexicon().categories)
    for category, hits, tokens, per_10k in rows:
        assert per_10k == round(10000 * hits / tokens, 2), category


def test_the_same_text_as_a_pdf_scores_within_one_percent(tmp_path):
    words, names, rows = lexicon(), default_names(), register()
    markdown = read_document(shared_file(NDS), "nds.md", register=rows, lexicon=words, names=names)
    pdf = read_document(nds_pdf(tmp_path / "nds.pdf"), "nds.pdf", register=rows, lexicon=words, names=names)
    assert pdf.status == "loaded" and pdf.format == "pdf" and pdf.pages > 3
    assert pdf.doc_id == markdown.doc_id == "usa-2018-nds-summary"
    assert abs(pdf.tokens - markdown.tokens) <= 0.01 * markdown.tokens
    by_md = Counter(markdown.hits["category"].to_list())
    by_pdf = Counter(pdf.hits["category"].to_list())
    for category in words.categories:
        per_10k_md = 10000 * by_md[category] / markdown.tokens
        per_10k_pdf = 10000 * by_pdf[category] / pdf.tokens
        assert per_10k_pdf == pytest.approx(per_10k_md, rel=0.01, abs=0.01), category


# --- documents outside the register, not in English, with money -----------------------------------------------


def test_a_document_never_matches_another_nations_register_entry():
    """With its own entry gone, "National Defense Strategy" (2018) overlaps China's 2019 "National Defense in the
    New Era" in two of three title words; the text names the United States most, so it matches nothing."""
    words, names = lexicon(), default_names()
    rows = [row for row in register() if row["nation_code"] != "USA"]
    document = read_document(shared_file(NDS), "nds.md", register=rows, lexicon=words, names=names)
    assert document.status == "loaded"
    assert (document.doc_id, document.in_register, document.nation_code) == (
        "unregistered-2018-01-19-national-defense-strategy-2018-summary",
        False,
        "USA",
    )
    assert (
        read_document(shared_file(NDS), "nds.md", register=register(), lexicon=words, names=names).doc_id
        == "usa-2018-nds-summary"
    )


EU_SPACE = "eu-2023-space-strategy-security-defence"
GENERIC_SPACE_STRATEGY = {
    "Markdown dated in front matter": (
        "space-strategy.md",
        "---\ntitle: Space Strategy\ndate: 2023-03-10\n---\n\n# Space Strategy\n\n{body}\n",
    ),
    "plain text with the year in its title": ("space-strategy.txt", "Space Strategy 2023\n\n{body}\n"),
}
NO_NATION = "We will protect our satellites, deter attacks on them and cooperate with partners on space traffic."
EU_NAMED = (
    "The European Union will protect its space assets. The European Union and its Member States will deter "
    "hostile acts in space, and the European Union will work with partners such as the United States."
)


def test_eu_register_entry_is_what_a_generic_space_strategy_title_overlaps():
    """The red-team case rests on these facts of the register: the EU entry is a 2023 space strategy whose title
    holds every word of "Space Strategy" (and "2023")."""
    [row] = [row for row in register() if row["doc_id"] == EU_SPACE]
    assert (row["nation_code"], row["year"], row["published"], row["kind"]) == ("EU", 2023, "2023-03", "space_strategy")
    assert row["title"] == "European Union Space Strategy for Security and Defence, JOIN(2023) 9 final"
    assert default_names().code("European Union") == "EU"


@pytest.mark.parametrize("case", GENERIC_SPACE_STRATEGY)
def test_a_generic_space_strategy_of_no_known_nation_is_not_matched_by_title(tmp_path, case):
    """Red team: a "Space Strategy" of 2023 that names no nation used to be taken for the EU's 2023 strategy, by
    title and year alone. A match by title now needs the document's nation to be the entry's."""
    name, template = GENERIC_SPACE_STRATEGY[case]
    path = tmp_path / name
    path.write_text(template.format(body=NO_NATION), encoding="utf-8")
    document = read_document(path, name, register=register(), lexicon=lexicon(), names=default_names())
    assert document.status == "loaded"
    assert (document.doc_id, document.in_register, document.match_method) == (
        "unregistered-space-strategy",
        False,
        "not in register",
    )
    assert (document.nation_code, document.year, document.kind) == (None, 2023, "space_strategy")


@pytest.mark.parametrize("case", GENERIC_SPACE_STRATEGY)
def test_a_space_strategy_whose_text_names_the_european_union_most_is_the_eu_entry(tmp_path, case):
    name, template = GENERIC_SPACE_STRATEGY[case]
    path = tmp_path / name
    path.write_text(template.format(body=EU_NAMED), encoding="utf-8")
    document = read_document(path, name, register=register(), lexicon=lexicon(), names=default_names())
    assert (document.doc_id, document.in_register, document.match_method) == (EU_SPACE, True, "title and year")
    assert (document.nation_code, document.year, document.kind) == ("EU", 2023, "space_strategy")


def test_a_space_strategy_of_a_nation_without_that_entry_is_not_matched(tmp_path):
    path = tmp_path / "space-strategy.txt"
    path.write_text(
        "Space Strategy 2023\n\nBrazil will protect its satellites; Brazil and the European Union will cooperate.\n"
    )
    document = read_document(path, "space-strategy.txt", register=register(), lexicon=lexicon(), names=default_names())
    assert (document.doc_id, document.in_register, document.nation_code) == (
        "unregistered-space-strategy",
        False,
        "BRA",
    )


def test_an_untitled_text_takes_its_year_from_its_cover_and_the_world_is_no_nation(tmp_path):
    # As the OCR'd US National Security Strategies read: no title line, a dated cover, "the world" named most often.
    path = tmp_path / "nss.txt"
    world = "The world changes; the world watches; the world waits. " * 3
    path.write_text(f"NATIONAL SECURITY STRATEGY THE WHITE HOUSE JANUARY 1988\n\n{world}The United States leads.\n")
    document = read_document(path, "nss.txt", register=register(), lexicon=lexicon(), names=default_names())
    assert (document.nation_code, document.year) == ("USA", 1988)


def test_title_matching_needs_a_known_nation_and_file_name_matching_does_not():
    rows, names = register(), default_names()
    unknown = match_register(
        "space-strategy", "Space Strategy", date="2023-03", register=rows, names=names, text=NO_NATION
    )
    assert unknown == RegisterMatch(None, "not in register", None, None, 2023, "space_strategy")
    named = match_register(
        "strategy", "European Union Space Strategy", date="2023-03", register=rows, names=names, text=NO_NATION
    )
    assert (named.doc_id, named.method) == (EU_SPACE, "title and year")
    by_file = match_register(EU_SPACE, "Space Strategy", date=None, register=rows, names=names, text=NO_NATION)
    assert (by_file.doc_id, by_file.method, by_file.nation_code) == (EU_SPACE, "file name", "EU")


def test_a_document_outside_the_register_is_loaded_with_what_can_be_inferred(strategy_build):
    [row] = query(
        strategy_build.layout,
        "select doc_id, in_register, nation_code, year, kind, is_scored from marts.strategy_documents "
        "where file like '%jpn-draft.txt'",
    )
    assert row == ("unregistered-jpn-draft", False, "JPN", 2031, "national_security_strategy", True)


def test_a_document_not_in_english_is_flagged_not_scored(strategy_build):
    [row] = query(
        strategy_build.layout,
        "select language, is_english, is_scored, tokens from marts.strategy_documents where file like '%deu-nss.txt'",
    )
    assert row == ("de", False, False, None)
    assert query(
        strategy_build.layout, "select count(*) from marts.strategy_evidence where file like '%deu-nss.txt'"
    ) == [(0,)]


def test_money_mentions_are_linked_to_the_register_commitments(strategy_build):
    rows = query(
        strategy_build.layout,
        "select amount, scale, currency, amount_millions, period, register_item from marts.strategy_commitments "
        "where doc_id = 'gbr-2022-defence-space-strategy' order by paragraph",
    )
    assert rows == [
        (1.4, "billion", "GBP", 1400.0, "over the next 10 years", "additional defence space investment"),
        (5.0, "billion", "GBP", 5000.0, "over a decade", "Skynet satellite communications"),
    ]


# --- bad documents ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, problem",
    [
        ("empty.txt", "it is empty"),
        ("scan.pdf", "has no text layer"),
        ("locked.pdf", "encrypted"),
        ("noise.pdf", "not a PDF, HTML or text document"),
        ("latin1.txt", "convert it to UTF-8"),
        ("huge.txt", "over the 52,428,800-byte cap"),
    ],
)
def test_each_bad_document_is_quarantined_with_its_reason(strategy_build, name, problem):
    [(rule, value)] = query(
        strategy_build.layout,
        "select rule, value from marts.quarantine where file = ?",
        [f"data_raw/strategies/{name}"],
    )
    assert rule.startswith("a readable strategy document")
    assert value.startswith(f"Cannot read file data_raw/strategies/{name}: ") and problem in value
    assert f"not read: Cannot read file data_raw/strategies/{name}" in strategy_build.output


def test_the_good_documents_still_load(strategy_build):
    assert "Strategy documents: 4 read and scored or flagged (marts.strategy_documents), 6 rejected" in (
        strategy_build.output
    )


# --- say against spend ----------------------------------------------------------------------------------------


def test_say_vs_spend_has_usa_rows_from_the_starter_data_and_the_exhibits(strategy_build):
    rows = query(
        strategy_build.layout,
        "select capability_area, attention_hits, attention_share_pct, spend_fiscal_year, spend_usd_millions, "
        "spend_share_pct from marts.say_vs_spend where nation_code = 'USA' and year = 2018",
    )
    assert len(rows) == 9  # the nine capability areas of the lexicon
    assert {r[3] for r in rows} == {2018}
    assert sum(r[2] for r in rows) == pytest.approx(100, abs=0.05)
    assert sum(r[5] for r in rows) == pytest.approx(100, abs=0.05)
    said = dict(
        query(
            strategy_build.layout,
            "select category, count(*) from marts.strategy_evidence where doc_id = 'usa-2018-nds-summary' "
            "and family = 'capability' group by category",
        )
    )
    assert {r[0]: r[1] for r in rows if r[1]} == said


def test_a_document_dropped_in_the_inbox_is_read_as_a_document(tmp_path):
    layout = make_root(tmp_path)
    (layout.data_raw / "inbox").mkdir()
    shutil.copy(shared_file(NDS), layout.data_raw / "inbox" / "nds.md")
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    assert query(layout, "select doc_id, file from marts.strategy_documents") == [
        ("usa-2018-nds-summary", "data_raw/inbox/nds.md")
    ]
    assert query(
        layout, "select origin, status, detected_format from marts.sources where path = 'data_raw/inbox/nds.md'"
    ) == [("inbox", "loaded", "strategy document (markdown)")]


# --- fetch-docs -----------------------------------------------------------------------------------------------


class _Documents(BaseHTTPRequestHandler):
    bodies: dict[str, tuple[str, bytes]] = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        content_type, body = self.bodies.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in self.bodies else 404)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_fetch_docs_downloads_the_register_and_the_next_build_reads_them(tmp_path, capsys):
    layout = make_root(tmp_path)
    _Documents.bodies = {
        "/nds.md": ("text/markdown", shared_file(NDS).read_bytes()),
        "/space.html": (
            "text/html",
            b"<html><head><title>Defence Space Strategy</title></head><body><nav>Menu</nav><article><p>Space "
            b"domain awareness and satellite communications for deterrence.</p></article></body></html>",
        ),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Documents)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        rows = list(csv.DictReader((layout.starter / "strategy_documents.csv").open(encoding="utf-8")))
        for row in rows:
            row["official_url"] = {
                "usa-2018-nds-summary": f"{base}/nds.md",
                "gbr-2022-defence-space-strategy": f"{base}/space.html",
            }.get(row["doc_id"], "")
            row["url_kind"] = "document" if row["official_url"] else "not_found"
        with (layout.starter / "strategy_documents.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        code = cli.main(["--root", str(layout.root), "fetch-docs", "--timeout", "5"])
    finally:
        server.shutdown()
    out = capsys.readouterr().out
    assert code == 0, out
    assert "fetch-docs: 2 downloaded, 28 skipped" in out
    assert sorted(p.name for p in layout.strategies.iterdir()) == [
        "gbr-2022-defence-space-strategy.html",
        "manifest.csv",
        "usa-2018-nds-summary.md",
    ]
    run = run_build(layout)
    assert run.exit_code == 0, run.output
    assert query(layout, "select doc_id, match_method, format from marts.strategy_documents order by doc_id") == [
        ("gbr-2022-defence-space-strategy", "file name", "html"),
        ("usa-2018-nds-summary", "file name", "markdown"),
    ]
