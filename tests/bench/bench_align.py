"""Alignment under news-site disturbances and on book-length texts: link precision and recall.

    uv run --extra test python tests/bench/bench_align.py [--split tuned|held-out|all] [--book]
    uv run --extra test python tests/bench/bench_align.py --news dev|held-out

Sets (recipe in tests/bench/align_sets.py, described in tests/data/alignment/README.md):
- stories: the hand-written parallel stories of tests/data/topics (tuned; held-out and
  held-out-2 were not tuned on), every ordered pair of versions;
- bible: chapters of the New Testament in six languages of five scripts from the public
  christos-c/bible-corpus (read from its mirror; skipped when absent). Matthew and Mark were
  looked at while building; John, Acts, Romans, 1 Corinthians, Hebrews and Revelation not.
Conditions: clean, one sentence deleted, two paragraphs swapped, all at once (plus a merge and
a deletion on the other side), and rewrites (part of the story kept, blocks moved, paragraphs
merged on both sides, one dropped, one of its own added). A link is a (passage of a, passage
of b) pair; precision and recall count links against the pairs that share a gold id.
- news (only with --news): WMT21 news stories and their human translations in seven language
  pairs (news_sets.py; split into dev and held-out by a hash of the story id).
Book-length: three gospels (about 2,900 verses, one a paragraph) Ukrainian <-> Gujarati,
aligned whole; time, peak memory (of this process), and quality against the full search.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1])]

import align_sets as S  # noqa: E402
import news_sets  # noqa: E402

from reader.corpus.align import align_pair  # noqa: E402
from reader.corpus.align import path as search  # noqa: E402
from reader.corpus.entities import find_entities  # noqa: E402

STORY_SPLITS = {"tuned": ("tuned",), "held-out": ("held-out", "held-out-2")}
BIBLE_BOOKS = {"tuned": S.TUNING_BOOKS, "held-out": S.HELD_OUT_BOOKS}
CHAPTERS = 12  # chapters per language pair and condition


def _align(a, b) -> S.Links:
    da, db = S.document("a/a.txt", a), S.document("b/b.txt", b)
    assert len(da.passages) == len(a) and len(db.passages) == len(b)
    return S.score(align_pair(da, db, find_entities([da, db])), a, b)


def stories(split: str) -> None:
    for condition in S.CONDITIONS:
        total, by_pair = S.Links(), {}
        for name in STORY_SPLITS[split]:
            for pair, a, b in S.project_stories(name, condition):
                by_pair.setdefault(pair, S.Links()).add(_align(a, b))
        for pair, links in sorted(by_pair.items()):
            total.add(links)
            print(f"stories {split:8} {condition:8} {pair:9} {links}")
        print(f"stories {split:8} {condition:8} all pairs  {total}")


def news(split: str) -> None:
    for condition in S.CONDITIONS:
        total, by_pair = S.Links(), {}
        for pair, a, b in S.news_stories(split, condition):
            by_pair.setdefault(pair, S.Links()).add(_align(a, b))
        for pair, links in sorted(by_pair.items()):
            total.add(links)
            print(f"news    {split:8} {condition:8} {pair:9} {links}")
        print(f"news    {split:8} {condition:8} all pairs  {total}")


def bible(split: str) -> None:
    for condition in S.CONDITIONS:
        total = S.Links()
        for pair in S.PAIRS:
            links = S.Links()
            for a, b in S.stories(pair, BIBLE_BOOKS[split], condition, CHAPTERS):
                links.add(_align(a, b))
            total.add(links)
            print(f"bible   {split:8} {condition:8} {'-'.join(pair):9} {links}")
        print(f"bible   {split:8} {condition:8} all pairs  {total}")


def book() -> None:
    books = ("MAT", "MAR", "LUK")
    a, b = S.book("uk", books), S.book("gu", books)
    da, db = S.document("a/uk.txt", a), S.document("b/gu.txt", b)
    t0 = time.perf_counter()
    index = find_entities([da, db])
    t1 = time.perf_counter()
    banded = align_pair(da, db, index)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"book    {len(a)} x {len(b)} paragraphs: entities {t1 - t0:.2f} s, alignment "
        f"{t2 - t1:.2f} s, peak memory {peak:.0f} MB; {S.score(banded, a, b)}"
    )
    for name in ("MAR", "ACT"):  # the full search on one book each, for comparison
        a, b = S.book("uk", (name,)), S.book("gu", (name,))
        da, db = S.document("a/uk.txt", a), S.document("b/gu.txt", b)
        index = find_entities([da, db])
        band = align_pair(da, db, index)
        cells = search.FULL_SEARCH_CELLS
        search.FULL_SEARCH_CELLS = 10**12
        try:
            t0 = time.perf_counter()
            full = align_pair(da, db, index)
            t1 = time.perf_counter()
        finally:
            search.FULL_SEARCH_CELLS = cells
        same = [(p.a, p.b) for p in band.pairs] == [(p.a, p.b) for p in full.pairs]
        print(
            f"book    {name} {len(a)} x {len(b)}: banded {S.score(band, a, b)}; full search "
            f"({t1 - t0:.1f} s) {S.score(full, a, b)}; identical links: {same}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tuned", "held-out", "all"), default="all")
    parser.add_argument("--book", action="store_true", help="only the book-length figures")
    parser.add_argument(
        "--news", choices=("dev", "held-out"), help="only the WMT21 news set of this split"
    )
    args = parser.parse_args()
    splits = ("tuned", "held-out") if args.split == "all" else (args.split,)
    if args.news:
        if news_sets.mirror() is None:
            print("WMT21 news not found: fetch github:wmt-conference/wmt21-news-systems")
        else:
            news(args.news)
        return
    have_bible = S.mirror() is not None
    if not have_bible:
        print(
            "bible corpus not found: fetch github:christos-c/bible-corpus (search tool) or set "
            "BIBLE_CORPUS to its git directory; skipping the bible sets and the book-length run"
        )
    if not args.book:
        for split in splits:
            stories(split)
            if have_bible:
                bible(split)
    if have_bible:
        book()


if __name__ == "__main__":
    main()
