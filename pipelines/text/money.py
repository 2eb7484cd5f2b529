"""Money mentions in strategy text: amounts of money and shares of GDP, each with the period written next to it.

`find_money(paragraphs)` reads each paragraph and returns every money expression it recognises, in paragraph
order and then text order. The rules:

Amounts (kind "amount")
- A number with a currency written before it: a symbol ($, US$ or U.S.$, A$/AU$, C$/CA$, NZ$, HK$, S$, R$, CN¥,
  £, €, ¥, ₹, ₽, ₩), "Rs"/"Rs." or an ISO 4217 code in capitals (USD, GBP, EUR, JPY, CNY, RMB, INR, RUB, AUD,
  CAD, KRW ... see CODES): "$1.4 billion", "US$24.5B", "USD 500 million", "Rs 12,543.91 crore".
- Or a number with a currency written after it: a currency word (dollars, US/Australian/Canadian/... dollars,
  pounds, pounds sterling, sterling, euros, yen, yuan, renminbi, rupees, roubles/rubles, won, Swiss francs) or an
  ISO code: "43 trillion yen", "1.4 billion pounds", "500 million USD".
- The number: digits with an optional decimal part, thousands separators ("1,400") or Indian grouping
  ("1,25,000"). A number glued to more digits after a comma or point ("1,4") is not read.
- The scale, optional, after the number: thousand, million, billion, trillion (any case, singular or plural,
  after a space, a hyphen or nothing), the abbreviations k, m/mn/mln, b/bn/bln, t/tn/trn (a single letter only
  when glued to the number: "$900m"), crore/cr (10^7), lakh/lac (10^5) and lakh crore (10^12). `scale` is the full
  word: "billion" for "bn", "crore" for "cr".
- `amount` is the number as written, `amount_millions` the amount times the scale over one million, computed in
  decimal arithmetic, in the currency of the text (no exchange rates). `currency` is the ISO 4217 code.
- A bare "$" is taken as US dollars and a bare "¥" as yen (CN¥, RMB or yuan for renminbi): a text in Canadian or
  Australian dollars that writes only "$" is read as USD.
- Not amounts: a number with no currency next to it (years, "40 satellites", "1.4 billion people"); "pounds" with
  neither a scale nor "sterling" (a weight: "5,000 pounds of fuel"); a year-like number (1900-2099) with no scale
  before a currency word, which is a price base ("in constant 2015 dollars").

Shares of GDP (kind "share_of_gdp")
- A number then %, percent, per cent or pct, then "of", optionally its/their/our/the/national/annual/total, then
  GDP or gross domestic product: "2% of GDP", "2.5 percent of gross domestic product". `share_of_gdp_pct` is the
  number; amount, scale, currency and amount_millions are None. Other percentages are not mentions.

Overlaps: where two readings overlap ("$5 billion dollars"), the one starting first (then the longer) is kept.

Period (`period`, as written, or None)
- Phrases: over/during/in/by/for/through/within/across/from/until/between + "the next|coming|following|last|past
  (N) years|decade|months", "N years", "a decade", "a five-year period", FY2023/FY23/FY2024-25, fiscal year 2023,
  a year (2030) or span of years (2024-2030, 2024-30, 2024 to 2030); also, with no preposition, a fiscal year
  (FY2024-25, fiscal year 2023), per/a/each/every year, per annum, this/next/last year, annually, yearly.
- Looked for in the sentence of the mention only: first just after the expression (at most 4 words between),
  else just before it (at most 6 words between). The words between may not hold digits, currency or a clause
  word (and, or, but, while, whereas, than, versus, compared), so "$5 billion in 2023 and $6 billion in 2024"
  gives each amount its own year.

Context (`context`)
- The sentence holding the expression, whitespace collapsed. Sentences end at . ! or ? followed by space and a
  capital letter (or an opening quote or bracket before one), except after an abbreviation: single letters with
  points (U.S., e.g.) and the words in ABBREVIATIONS. A sentence longer than 60 words is cut to a window of 15
  words either side of the expression.

Limits: number words ("two percent", "five billion dollars") are not read; ranges are not resolved ("$1-2 billion"
gives "$1" with no scale, and "2 billion" has no currency of its own); a currency symbol after the number ("413 €")
is not read; periods are only those of the phrases above.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class MoneyMention:
    paragraph: int
    kind: str
    amount: float | None
    scale: str | None
    currency: str | None
    amount_millions: float | None
    share_of_gdp_pct: float | None
    period: str | None
    matched: str
    context: str


SCALE_FACTORS = {
    "thousand": 10**3,
    "lakh": 10**5,
    "million": 10**6,
    "crore": 10**7,
    "billion": 10**9,
    "trillion": 10**12,
    "lakh crore": 10**12,
}
# Written forms of each scale (lower case, single spaces); single letters are only read glued to the number.
SCALE_WORDS = {
    **{word: word for word in SCALE_FACTORS},
    **{word + "s": word for word in SCALE_FACTORS},
    "k": "thousand",
    "m": "million",
    "mn": "million",
    "mln": "million",
    "b": "billion",
    "bn": "billion",
    "bln": "billion",
    "t": "trillion",
    "tn": "trillion",
    "trn": "trillion",
    "cr": "crore",
    "lac": "lakh",
    "lacs": "lakh",
}
CODES = {
    code: code
    for code in (
        "USD GBP EUR JPY CNY INR RUB AUD CAD KRW CHF NZD SEK NOK DKK PLN BRL ILS TWD SGD HKD ZAR UAH SAR AED"
    ).split()
} | {"RMB": "CNY"}
# Currency symbols and signs written before the number, keyed with spaces and points removed.
PREFIX_CURRENCIES = {
    "$": "USD",
    "US$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "CN¥": "CNY",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "Rs": "INR",
    "RS": "INR",
} | CODES
# Currency words written after the number, most specific first (so "Australian dollars" wins over "dollars").
WORD_CURRENCIES = (
    (r"(?:australian|aus)\s+dollars?", "AUD"),
    (r"canadian\s+dollars?", "CAD"),
    (r"new\s+zealand\s+dollars?", "NZD"),
    (r"hong\s+kong\s+dollars?", "HKD"),
    (r"singapore\s+dollars?", "SGD"),
    (r"(?:new\s+)?taiwan(?:ese)?\s+dollars?", "TWD"),
    (r"(?:u\.?s\.?\s+|american\s+)?dollars?", "USD"),
    (r"(?:british\s+)?pounds?(?:\s+sterling)?|sterling", "GBP"),
    (r"euros?", "EUR"),
    (r"(?:japanese\s+)?yen", "JPY"),
    (r"(?:chinese\s+)?(?:yuan|renminbi)", "CNY"),
    (r"(?:indian\s+)?rupees?", "INR"),
    (r"(?:russian\s+)?(?:roubles?|rubles?)", "RUB"),
    (r"(?:south\s+)?(?:korean\s+)?won", "KRW"),
    (r"swiss\s+francs?", "CHF"),
)
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st no nos vs rs fig gen lt col maj capt adm sgt inc ltd co corp approx est "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
CLAUSE_WORDS = frozenset("and or but while whereas than versus vs compared".split())

_CODE = "(?:" + "|".join(sorted(CODES, key=len, reverse=True)) + ")"
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?|\d+(?:\.\d+)?)(?![.,]?\d)"
_SCALE_WORD = "|".join(
    re.escape(word).replace(r"\ ", r"\s+") for word in sorted(SCALE_WORDS, key=len, reverse=True) if len(word) > 1
)
_SCALE = rf"(?:(?:\s+|-)?(?P<scale>(?i:{_SCALE_WORD}))\b|(?P<letter>[kKmMbBtT])\b)"
_PREFIX = rf"(?P<currency>U\.?S\.?\s?\$|AU?\$|CA?\$|NZ\$|HK\$|S\$|R\$|CN¥|R[sS]\.?|{_CODE}|[$£€¥₹₽₩])"
_CURRENCY_WORD = "(?i:" + "|".join(f"(?:{pattern})" for pattern, _ in WORD_CURRENCIES) + ")"

PREFIX_AMOUNT = re.compile(rf"(?<![^\W_]){_PREFIX}\s*{_NUMBER}{_SCALE}?")
SUFFIX_AMOUNT = re.compile(rf"(?<![\w.,$£€¥₹₽₩]){_NUMBER}{_SCALE}?\s+(?P<currency>{_CURRENCY_WORD}|{_CODE})\b")
GDP_SHARE = re.compile(
    r"(?<![\w.,])(?P<number>\d+(?:\.\d+)?)(?![.,]?\d)\s*(?:%|percent\b|per\s+cent\b|pct\b)\s*of\s+"
    r"(?:(?:its|their|our|the|national|annual|total)\s+)?(?:gdp|gross\s+domestic\s+product)\b",
    re.IGNORECASE,
)

_COUNT = (
    r"(?:\d+(?:\.\d+)?|a\s+few|an?|several|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty)"
)
_UNIT = r"(?:years?|decades?|months?|quarters?)"
_YEAR = r"(?:19|20)\d{2}"
_LATER = rf"(?:\s*(?:[-–—/]|to|through|until|and)\s*(?:{_YEAR}|\d{{2}}))"
_FISCAL = rf"(?:FY\s?'?\d{{2}}(?:\d{{2}})?|fiscal\s+(?:year\s+)?{_YEAR}){_LATER}?"
PERIOD = re.compile(
    rf"""(?<![\w-])(?:
        (?:over|during|in|by|for|through|throughout|within|across|from|until|till|to|between)\s+(?:
            (?:the\s+)?(?:next|coming|following|last|past)\s+(?:{_COUNT}\s+)?{_UNIT}
          | (?:a|an|the)\s+{_COUNT}[\s-]+year\s+(?:period|span|plan|programme|program)
          | {_COUNT}\s+{_UNIT}
          | (?:the\s+)?{_FISCAL}
          | (?:the\s+)?(?:period\s+|years\s+)?{_YEAR}{_LATER}?
        )
      | {_FISCAL}
      | (?:per|a|each|every)\s+(?:fiscal\s+)?(?:year|annum)
      | (?:this|next|last)\s+(?:fiscal\s+)?year
      | annually | yearly
    )(?![\w-])""",
    re.IGNORECASE | re.VERBOSE,
)
_GAP_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
GAP_AFTER = re.compile(rf"(?P<gap>(?:[\s,]+{_GAP_WORD}){{0,4}}?)[\s,]+(?={PERIOD.pattern})", re.IGNORECASE | re.VERBOSE)
GAP_BEFORE = re.compile(rf"[\s,]*(?:{_GAP_WORD}[\s,]+){{0,6}}")
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z])")


def find_money(paragraphs: Sequence[str]) -> list[MoneyMention]:
    """Every money mention in the paragraphs, in order; `paragraph` is the index in the list given."""
    if isinstance(paragraphs, str):
        raise TypeError("find_money takes a sequence of paragraphs, not one string: wrap it in a list")
    mentions: list[MoneyMention] = []
    for index, text in enumerate(paragraphs):
        mentions.extend(_paragraph_mentions(index, text))
    return mentions


def _paragraph_mentions(index: int, text: str) -> Iterator[MoneyMention]:
    sentences = _sentence_spans(text)
    for start, end, fields in _non_overlapping(_candidates(text)):
        first, last = next((a, b) for a, b in sentences if a <= start < b)
        sentence, at, to = text[first:last], start - first, end - first
        yield MoneyMention(
            paragraph=index,
            period=_period(sentence, at, to),
            matched=text[start:end],
            context=_context(sentence, at, to),
            **fields,
        )


def _candidates(text: str) -> Iterator[tuple[int, int, dict]]:
    for match in PREFIX_AMOUNT.finditer(text):
        currency = PREFIX_CURRENCIES[re.sub(r"[\s.]", "", match["currency"])]
        yield match.start(), match.end(), _amount_fields(match, currency)
    for match in SUFFIX_AMOUNT.finditer(text):
        currency = _word_currency(match["currency"])
        scale = match["scale"] or match["letter"]
        if scale is None and (re.fullmatch(_YEAR, match["number"]) or _is_weight(match["currency"])):
            continue
        yield match.start(), match.end(), _amount_fields(match, currency)
    for match in GDP_SHARE.finditer(text):
        yield match.start(), match.end(), _share_fields(match)


def _is_weight(currency_text: str) -> bool:
    """Pounds with no scale are read as a weight unless "sterling" says otherwise."""
    lowered = currency_text.lower()
    return "pound" in lowered and "sterling" not in lowered


def _word_currency(text: str) -> str:
    if text in CODES:
        return CODES[text]
    return next(code for pattern, code in WORD_CURRENCIES if re.fullmatch(pattern, text, re.IGNORECASE))


def _amount_fields(match: re.Match, currency: str) -> dict:
    value = Decimal(match["number"].replace(",", ""))
    written = match["scale"] or match["letter"]
    scale = SCALE_WORDS[" ".join(written.lower().split())] if written else None
    factor = SCALE_FACTORS[scale] if scale else 1
    return dict(
        kind="amount",
        amount=float(value),
        scale=scale,
        currency=currency,
        amount_millions=float(value * factor / Decimal(10**6)),
        share_of_gdp_pct=None,
    )


def _share_fields(match: re.Match) -> dict:
    return dict(
        kind="share_of_gdp",
        amount=None,
        scale=None,
        currency=None,
        amount_millions=None,
        share_of_gdp_pct=float(match["number"]),
    )


def _non_overlapping(candidates: Iterator[tuple[int, int, dict]]) -> list[tuple[int, int, dict]]:
    kept: list[tuple[int, int, dict]] = []
    for start, end, fields in sorted(candidates, key=lambda c: (c[0], -c[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, fields))
    return kept


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        word_before = re.search(r"(\S*)$", text[: match.start()])
        assert word_before is not None  # matches every string, with an empty word at worst
        if text[match.start()] == "." and _is_abbreviation(word_before[1]):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text) + 1))
    return spans


def _is_abbreviation(word: str) -> bool:
    word = word.lstrip("(\"'“‘[")
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word)) or word.lower() in ABBREVIATIONS


def _period(sentence: str, start: int, end: int) -> str | None:
    after = GAP_AFTER.match(sentence, end)
    if after and _clause_free(after["gap"]):
        period = PERIOD.match(sentence, after.end())
        assert period is not None  # GAP_AFTER matched only where PERIOD follows (its lookahead)
        return period[0]
    return _period_before(sentence, start)


def _period_before(sentence: str, start: int) -> str | None:
    before = sentence[:start]
    found = list(PERIOD.finditer(before))
    if not found:
        return None
    gap = before[found[-1].end() :]
    return found[-1][0] if GAP_BEFORE.fullmatch(gap) and _clause_free(gap) else None


def _clause_free(gap: str) -> bool:
    return not CLAUSE_WORDS.intersection(word.lower() for word in re.findall(_GAP_WORD, gap))


def _context(sentence: str, start: int, end: int) -> str:
    words = sentence.split()
    if len(words) <= 60:
        return " ".join(words)
    left, right = sentence[:start].split()[-15:], sentence[end:].split()[:15]
    return " ".join([*left, " ".join(sentence[start:end].split()), *right])
