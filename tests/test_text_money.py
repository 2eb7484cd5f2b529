"""Money mentions: amounts in many currencies and scales, shares of GDP, periods, context, and what is not money."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.text.money import MoneyMention, find_money
from tests.conftest import shared_file


def only(text: str) -> MoneyMention:
    mentions = find_money([text])
    assert len(mentions) == 1, mentions
    return mentions[0]


@pytest.mark.parametrize(
    "text, matched, amount, scale, currency, millions",
    [
        ("The programme costs $1.4 billion.", "$1.4 billion", 1.4, "billion", "USD", 1400.0),
        ("Revenue of US$24.5B was reported.", "US$24.5B", 24.5, "billion", "USD", 24500.0),
        ("A budget of USD 500 million was set.", "USD 500 million", 500.0, "million", "USD", 500.0),
        ("It costs £1.4bn.", "£1.4bn", 1.4, "billion", "GBP", 1400.0),
        ("Funding of GBP 6.6 billion follows.", "GBP 6.6 billion", 6.6, "billion", "GBP", 6600.0),
        ("Europe spends €413 billion.", "€413 billion", 413.0, "billion", "EUR", 413000.0),
        ("The fund holds EUR 4.2bn.", "EUR 4.2bn", 4.2, "billion", "EUR", 4200.0),
        ("Japan plans ¥43 trillion.", "¥43 trillion", 43.0, "trillion", "JPY", 43_000_000.0),
        ("Japan plans JPY 43 trillion.", "JPY 43 trillion", 43.0, "trillion", "JPY", 43_000_000.0),
        ("Japan plans 43 trillion yen.", "43 trillion yen", 43.0, "trillion", "JPY", 43_000_000.0),
        ("It cost 1.4 billion pounds.", "1.4 billion pounds", 1.4, "billion", "GBP", 1400.0),
        ("Canada adds CAD 8.1 billion.", "CAD 8.1 billion", 8.1, "billion", "CAD", 8100.0),
        ("Australia adds A$7 billion.", "A$7 billion", 7.0, "billion", "AUD", 7000.0),
        ("A contract worth $900m was signed.", "$900m", 900.0, "million", "USD", 900.0),
        ("A total of $1,400 million was asked.", "$1,400 million", 1400.0, "million", "USD", 1400.0),
        ("Space gets Rs 12,543.91 crore.", "Rs 12,543.91 crore", 12543.91, "crore", "INR", 125439.1),
        ("Russia allots RUB 264.2 billion.", "RUB 264.2 billion", 264.2, "billion", "RUB", 264200.0),
        ("The budget is Rs. 6.21 lakh crore.", "Rs. 6.21 lakh crore", 6.21, "lakh crore", "INR", 6_210_000.0),
        ("A grant of ₹5 lakh was made.", "₹5 lakh", 5.0, "lakh", "INR", 0.5),
        ("Worth 1.4 billion dollars.", "1.4 billion dollars", 1.4, "billion", "USD", 1400.0),
        ("Worth 2 million Australian dollars.", "2 million Australian dollars", 2.0, "million", "AUD", 2.0),
        ("Worth 500 million USD.", "500 million USD", 500.0, "million", "USD", 500.0),
        ("A $1.4-billion contract.", "$1.4-billion", 1.4, "billion", "USD", 1400.0),
        ("India spent Rs 500 cr.", "Rs 500 cr", 500.0, "crore", "INR", 5000.0),
        ("A 1,25,000 rupees grant.", "1,25,000 rupees", 125000.0, None, "INR", 0.125),
        ("He paid $5 for it.", "$5", 5.0, None, "USD", 0.000005),
    ],
)
def test_amounts_are_read_with_currency_scale_and_millions(text, matched, amount, scale, currency, millions):
    mention = only(text)
    assert (mention.kind, mention.matched, mention.amount, mention.scale, mention.currency) == (
        "amount",
        matched,
        amount,
        scale,
        currency,
    )
    assert mention.amount_millions == pytest.approx(millions, rel=1e-12)
    assert mention.share_of_gdp_pct is None


@pytest.mark.parametrize(
    "text, matched, share",
    [
        ("Allies pledged 2% of GDP.", "2% of GDP", 2.0),
        ("Allies pledged 2 per cent of GDP.", "2 per cent of GDP", 2.0),
        ("It reached 2.5 percent of gross domestic product.", "2.5 percent of gross domestic product", 2.5),
        ("Poland spends 4.12 % of its GDP.", "4.12 % of its GDP", 4.12),
    ],
)
def test_shares_of_gdp_carry_the_percentage_and_no_amount(text, matched, share):
    mention = only(text)
    assert (mention.kind, mention.matched, mention.share_of_gdp_pct) == ("share_of_gdp", matched, share)
    assert (mention.amount, mention.scale, mention.currency, mention.amount_millions) == (None, None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "By 2030 the force will field 40 satellites.",
        "The population passed 1.4 billion people in 2023.",
        "Personnel costs were 20 percent of the budget.",
        "A 2% rise in real terms.",
        "The rocket carries 5,000 pounds of fuel.",
        "All figures are in constant 2015 dollars.",
        "Article 5 of the treaty, signed in 1949, covers 32 members.",
        "The fiscal year 2019-2023 budgets fund 1,400 aircraft.",
        "European notation €1,4 billion is not read here.",
    ],
)
def test_numbers_that_are_not_money_are_not_mentions(text):
    assert find_money([text]) == []


@pytest.mark.parametrize(
    "text, period",
    [
        ("The UK will invest £1.4bn over the next five years.", "over the next five years"),
        ("By 2030, annual spending will reach €413 billion.", "By 2030"),
        ("Congress enacted $5 billion in FY2023 for launch.", "in FY2023"),
        ("The plan sets aside EUR 4.2bn for 2024-2030.", "for 2024-2030"),
        ("Japan plans 43 trillion yen over 10 years.", "over 10 years"),
        ("Operations cost $2 billion per year.", "per year"),
        ("Operations cost $2 billion annually.", "annually"),
        ("Operations cost $2 billion each year.", "each year"),
        ("India allotted Rs 500 crore in fiscal year 2023.", "in fiscal year 2023"),
        ("The fund received $2 billion, spread over the coming decade.", "over the coming decade"),
        ("It spent $3.5 billion between 2024 and 2028.", "between 2024 and 2028"),
        ("The FY2024-25 budget is ₹6.21 lakh crore.", "FY2024-25"),
        ("The plan costs $5 billion for new satellites.", None),
        ("The plan costs $5 billion. It ends in 2030.", None),
    ],
)
def test_the_period_next_to_a_mention_is_kept_as_written(text, period):
    assert find_money([text])[0].period == period


def test_each_amount_gets_its_own_year_not_the_one_after_a_conjunction():
    mentions = find_money(["In 2023, spending was $5 billion and in 2024 it was $6 billion."])
    assert [(m.matched, m.period) for m in mentions] == [("$5 billion", "In 2023"), ("$6 billion", "in 2024")]


def test_context_is_the_sentence_and_an_abbreviation_does_not_end_it():
    paragraph = "Budgets rose. The U.S. Space Force asked for\n$30 billion in FY2025. Others asked for less."
    mention = only(paragraph)
    assert mention.context == "The U.S. Space Force asked for $30 billion in FY2025."
    assert mention.period == "in FY2025"


def test_context_of_a_very_long_sentence_is_a_window_of_words_around_the_mention():
    words_before = [f"b{i}" for i in range(40)]
    words_after = [f"a{i}" for i in range(40)]
    mention = only(" ".join([*words_before, "costs $3 billion", *words_after]) + ".")
    assert mention.context == " ".join([*words_before[-14:], "costs", "$3 billion", *words_after[:15]])


def test_mentions_name_their_paragraph_and_come_in_text_order():
    mentions = find_money(["No money here.", "First £2bn, then 1.5% of GDP.", "Last: $7m."])
    assert [(m.paragraph, m.matched, m.kind) for m in mentions] == [
        (1, "£2bn", "amount"),
        (1, "1.5% of GDP", "share_of_gdp"),
        (2, "$7m", "amount"),
    ]


def test_an_amount_with_currency_on_both_sides_is_one_mention():
    assert [m.matched for m in find_money(["It cost $5 billion dollars."])] == ["$5 billion"]


def test_a_single_string_is_refused_rather_than_read_letter_by_letter():
    with pytest.raises(TypeError, match="sequence of paragraphs"):
        find_money("It cost $5 billion.")


def test_the_2018_nds_summary_names_no_amounts_and_no_shares_of_gdp():
    # Read by hand: the summary speaks of "sustained, predictable budgets", "fiscal year 2019-2023 budgets",
    # "every taxpayer dollar" and "the past 75 years", but gives no figure in money and no share of GDP.
    text = shared_file("strategy/2018-01-19-national-defense-strategy-2018-summary.md").read_text(encoding="utf-8")
    paragraphs = re.split(r"\n\s*\n", text)
    assert any("fiscal year 2019-2023 budgets" in p for p in paragraphs)
    assert any("every taxpayer dollar spent" in p for p in paragraphs)
    assert find_money(paragraphs) == []


SCALES = [
    ("", None),
    (" thousand", 10**3),
    ("k", 10**3),
    (" million", 10**6),
    ("m", 10**6),
    ("mn", 10**6),
    (" billion", 10**9),
    ("bn", 10**9),
    ("B", 10**9),
    (" trillion", 10**12),
    ("tn", 10**12),
    ("T", 10**12),
    (" crore", 10**7),
    (" lakh", 10**5),
]
SYMBOLS = [("$", "USD"), ("US$", "USD"), ("£", "GBP"), ("€", "EUR"), ("¥", "JPY"), ("A$", "AUD"), ("₹", "INR")]
CODES = ["USD ", "GBP ", "EUR ", "JPY ", "RUB ", "KRW "]


@st.composite
def written_amounts(draw):
    whole = draw(st.integers(min_value=0, max_value=10**9))
    cents = draw(st.sampled_from(["", ".5", ".25", ".125", ".07"]))
    grouped = draw(st.booleans())
    number = (f"{whole:,}" if grouped else str(whole)) + cents
    value = Decimal(number.replace(",", ""))
    scale_text, factor = draw(st.sampled_from(SCALES))
    prefix = draw(st.one_of(st.sampled_from(SYMBOLS), st.sampled_from(CODES).map(lambda c: (c, c.strip()))))
    return prefix, number, scale_text, value, factor


@settings(max_examples=300, deadline=None)
@given(written_amounts(), st.sampled_from(["The ministry will spend ", "Funding of ", "("]))
def test_any_written_amount_is_read_back_exactly(drawn, lead):
    (prefix, currency), number, scale_text, value, factor = drawn
    expression = f"{prefix}{number}{scale_text}"
    mention = only(f"{lead}{expression} on new satellites in 2031, about 40 of them.")
    assert mention.matched == expression
    assert mention.currency == currency
    assert mention.amount == float(value)
    expected_millions = float(value * (factor or 1) / 10**6)
    assert math.isclose(mention.amount_millions, expected_millions, rel_tol=1e-12, abs_tol=1e-15)
    assert mention.period == "in 2031"


@settings(max_examples=100, deadline=None)
@given(
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal("999.9"), places=1),
    st.sampled_from(
        [("billion yen", "JPY"), ("million euros", "EUR"), ("billion pounds", "GBP"), ("trillion won", "KRW")]
    ),
)
def test_amounts_with_the_currency_word_after_are_read_back(value, words):
    word, currency = words
    mention = only(f"Parliament approved {value} {word} for space.")
    factor = 10**9 if word.startswith("billion") else 10**6 if word.startswith("million") else 10**12
    assert (mention.amount, mention.currency) == (float(value), currency)
    assert math.isclose(mention.amount_millions, float(value * factor / 10**6), rel_tol=1e-12)
