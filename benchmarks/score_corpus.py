"""Benchmark: score a generated corpus the size of the largest public collection of national security documents.

    .venv/bin/python benchmarks/score_corpus.py [--documents 600] [--words 20000] [--seed 7]

The Edinburgh National Security and Defence Documents Dataset v2.0 holds about 600 documents; a long strategy
runs to about 20,000 words. This generates that many documents from a fixed seed (ordinary English filler words
with the lexicon's own terms sprinkled in at a realistic rate, in paragraphs of 60-180 words), scores them with
milspace's scorer and lexicon (data_raw/reference/lexicon.csv), and prints documents per second, words per second
and peak memory. With --record it writes the result into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import record  # noqa: E402
from pipelines.text.money import find_money  # noqa: E402
from pipelines.text.score import Lexicon, score  # noqa: E402

FILLER = (
    "the of and to in a is that for on as with by this be are from at its which it an have has or not their will "
    "we our security policy government national international region support capacity development partners "
    "economic building ensure continue across system years future new effort response strategic environment "
    "challenges cooperation information critical infrastructure resilience investment technology forces"
).split()


def corpus(documents: int, words: int, lexicon_terms: list[str], seed: int) -> list[list[str]]:
    """Documents as lists of paragraphs, about `words` words each; about 1 word in 60 comes from the lexicon."""
    rng = random.Random(seed)
    out = []
    for _ in range(documents):
        paragraphs, count = [], 0
        while count < words:
            length = rng.randint(60, 180)
            chunk = []
            while len(chunk) < length:
                if rng.random() < 1 / 60:
                    chunk.extend(rng.choice(lexicon_terms).replace("*", "s").split())
                else:
                    chunk.append(rng.choice(FILLER))
            if rng.random() < 0.05:
                chunk.extend(f"with ${rng.randint(1, 900)} billion over the next {rng.randint(2, 10)} years".split())
            paragraphs.append(" ".join(chunk).capitalize() + ".")
            count += len(chunk)
        out.append(paragraphs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=600)
    parser.add_argument("--words", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--record", action="store_true", help="write the result into benchmarks/RESULTS.md")
    args = parser.parse_args()

    with (ROOT / "data_raw" / "reference" / "lexicon.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lexicon = Lexicon.from_rows(rows)
    docs = corpus(args.documents, args.words, [r["term"] for r in rows], args.seed)
    total_words = sum(len(p.split()) for d in docs for p in d)

    started = time.perf_counter()
    hits = mentions = tokens = 0
    for paragraphs in docs:
        scored = score(paragraphs, lexicon)
        hits += len(scored.hits)
        tokens += scored.tokens
        mentions += len(find_money(paragraphs))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    lines = [
        f"Strategy scoring: {args.documents} generated documents of about {args.words:,} words "
        f"({total_words:,} words, {tokens:,} tokens; seed {args.seed}), lexicon {lexicon.version} "
        f"({len(lexicon.terms)} terms): {seconds:.1f} s, {args.documents / seconds:.1f} documents/s, "
        f"{tokens / seconds:,.0f} tokens/s, {hits:,} hits with evidence, {mentions:,} money mentions; "
        f"peak memory {peak_mb:,.0f} MB.",
        f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"command: .venv/bin/python benchmarks/score_corpus.py --documents {args.documents} --words {args.words}",
    ]
    print("\n".join(lines))
    if args.record:
        record("score_corpus", "Strategy-document scoring", lines)


if __name__ == "__main__":
    main()
