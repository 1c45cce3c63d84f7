"""Evaluation sets for passage alignment, built from public parallel text (see the README of
tests/data/alignment, section "rewrites and disturbances").

Source: the New Testament files of https://github.com/christos-c/bible-corpus (verse-aligned
translations, CES XML). Get them with the search tool's `fetch github:christos-c/bible-corpus`;
they are read from the mirror under /work/.mirror (or $BIBLE_CORPUS, a git directory) and never
copied into the repository. A chapter is one document, one verse a paragraph; verse ids are the
gold. From each pair of chapters the recipe below makes the disturbed versions, the way news
sites change a story: a sentence deleted, paragraphs swapped, everything at once, and rewrites
(a part of the story kept, several blocks moved, paragraphs merged, one added).
"""

from __future__ import annotations

import os
import random
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reader.corpus.align import Alignment
from reader.corpus.loading import document_from_bytes
from reader.corpus.model import Document

MIRROR = Path("/work/.mirror/christos-c+bible-corpus/repo")
FILES = {
    "uk": "Ukranian-NT",
    "gu": "Gujarati-NT",
    "lv": "Latvian-NT",
    "sw": "Swahili-NT",
    "eu": "Basque-NT",
    "syc": "Syriac-NT",
}
PAIRS = (("uk", "gu"), ("lv", "uk"), ("sw", "gu"), ("eu", "syc"))
TUNING_BOOKS = ("MAT", "MAR")  # chapters of these books were looked at while building
HELD_OUT_BOOKS = ("JOH", "ACT", "ROM", "1CO", "HEB", "REV")
CONDITIONS = ("clean", "deletion", "swap", "all", "rewrite")

Unit = tuple[frozenset[str], str]  # verse ids, text


def mirror() -> Path | None:
    path = Path(os.environ.get("BIBLE_CORPUS", MIRROR))
    return path if (path / "HEAD").exists() or (path / ".git").exists() else None


@cache
def verses(lang: str) -> dict[str, str]:
    """Verse id ("MAT.1.1") -> text for one language (empty verses left out)."""
    root = mirror()
    assert root is not None
    xml = subprocess.run(
        ["git", "--git-dir", str(root), "show", f"HEAD:bibles/{FILES[lang]}.xml"],
        capture_output=True,
        check=True,
    ).stdout
    out = {}
    for seg in ET.fromstring(xml).iter("seg"):
        text = " ".join((seg.text or "").split())
        if text and seg.get("type") == "verse":
            out[seg.get("id", "").removeprefix("b.")] = text
    return out


def chapters(books: Sequence[str]) -> list[str]:
    """Chapter ids ("MAT.5") of the given books, in order."""
    seen: dict[str, None] = {}
    for vid in verses("uk"):
        book, chapter, _ = vid.split(".")
        if book in books:
            seen.setdefault(f"{book}.{chapter}", None)
    return list(seen)


def chapter_units(lang: str, chapter: str) -> list[Unit]:
    prefix = chapter + "."
    return [(frozenset([v]), t) for v, t in verses(lang).items() if v.startswith(prefix)]


def _merge(units: list[Unit], rng: random.Random) -> list[Unit]:
    """Two neighbouring paragraphs become one."""
    if len(units) < 3:
        return units
    k = rng.randrange(len(units) - 1)
    (ia, ta), (ib, tb) = units[k], units[k + 1]
    return [*units[:k], (ia | ib, f"{ta} {tb}"), *units[k + 2 :]]


def _swap(units: list[Unit], rng: random.Random) -> list[Unit]:
    if len(units) < 4:
        return units
    k = rng.randrange(len(units) - 1)
    units = list(units)
    units[k], units[k + 1] = units[k + 1], units[k]
    return units


def _delete(units: list[Unit], rng: random.Random) -> list[Unit]:
    if len(units) < 3:
        return units
    k = rng.randrange(len(units))
    return units[:k] + units[k + 1 :]


def _move_blocks(units: list[Unit], rng: random.Random, moves: int) -> list[Unit]:
    """Cut out a block of 1-3 paragraphs and put it elsewhere, `moves` times."""
    units = list(units)
    for _ in range(moves):
        if len(units) < 6:
            break
        size = rng.randint(1, 3)
        k = rng.randrange(len(units) - size)
        block, rest = units[k : k + size], units[:k] + units[k + size :]
        to = rng.randrange(len(rest) + 1)
        while to == k and len(rest) > 1:
            to = rng.randrange(len(rest) + 1)
        units = rest[:to] + block + rest[to:]
    return units


def disturb(
    a: list[Unit], b: list[Unit], condition: str, rng: random.Random, extra: Unit
) -> tuple[list[Unit], list[Unit]]:
    """The two versions of one story under `condition` (b is the changed one)."""
    if condition == "clean":
        return a, b
    if condition == "deletion":
        return a, _delete(b, rng)
    if condition == "swap":
        return a, _swap(b, rng)
    if condition == "all":
        return _delete(a, rng), _merge(_swap(_delete(b, rng), rng), rng)
    assert condition == "rewrite"
    # A rewrite keeps 40-75 % of the story (a run of paragraphs, from the start, the middle
    # or the end), moves blocks of it around, merges paragraphs on either side, drops one
    # and adds one of its own.
    keep = max(4, round(len(b) * rng.uniform(0.4, 0.75)))
    start = rng.choice((0, len(b) - keep, rng.randrange(max(1, len(b) - keep + 1))))
    part = b[max(0, start) : max(0, start) + keep]
    part = _move_blocks(part, rng, rng.randint(1, 3))
    part = _merge(_merge(part, rng), rng) if rng.random() < 0.5 else _merge(part, rng)
    part = _delete(part, rng)
    at = rng.randrange(len(part) + 1)
    part = [*part[:at], extra, *part[at:]]
    return _merge(a, rng), part


def document(name: str, units: Sequence[Unit]) -> Document:
    return document_from_bytes(name, "\n\n".join(t for _, t in units).encode("utf-8") + b"\n")


@dataclass
class Links:
    """Link precision and recall over passage pairs."""

    right: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Links) -> None:
        self.right += other.right
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 1.0

    def __str__(self) -> str:
        counts = f"{self.right} right of {self.predicted} found, {self.gold} gold"
        return f"P={self.precision:.3f} R={self.recall:.3f} ({counts})"


def score(alignment: Alignment, a: Sequence[Unit], b: Sequence[Unit]) -> Links:
    """Links of `alignment` (passage index = unit number) against the shared verse ids."""
    gold = {(i, j) for i, (ia, _) in enumerate(a) for j, (ib, _) in enumerate(b) if ia & ib}
    got = {(i, j) for p in alignment.pairs for i in p.a for j in p.b}
    return Links(len(got & gold), len(got), len(gold))


def stories(
    pair: tuple[str, str], books: Sequence[str], condition: str, n: int, seed: int = 11
) -> list[tuple[list[Unit], list[Unit]]]:
    """`n` chapter pairs of `books` in languages `pair`, disturbed by `condition`."""
    rng = random.Random(f"{seed}/{pair}/{condition}/{books}")
    found = [c for c in chapters(books) if chapter_units(pair[0], c) and chapter_units(pair[1], c)]
    rng.shuffle(found)
    out = []
    for chapter in found[:n]:
        a, b = chapter_units(pair[0], chapter), chapter_units(pair[1], chapter)
        if len(a) < 6 or len(b) < 6:
            continue
        other = rng.choice([c for c in found if c != chapter])
        extra = rng.choice(chapter_units(pair[1], other))
        extra = (frozenset({"extra"}), extra[1])
        out.append(disturb(a, b, condition, rng, extra))
    return out


def book(lang: str, books: Sequence[str]) -> list[Unit]:
    """Whole books as one list of verses."""
    out: list[Unit] = []
    for chapter in chapters(books):
        out.extend(chapter_units(lang, chapter))
    return out


def project_stories(
    split: str, condition: str, seed: int = 11
) -> list[tuple[str, list[Unit], list[Unit]]]:
    """The hand-written parallel stories of tests/data/topics/<split> (gold in
    tests/data/alignment/<split>.toml), every ordered pair of versions, disturbed by
    `condition`: (language pair, a, b)."""
    from analysis_gold import parallel_stories, version_pairs

    rng = random.Random(f"{seed}/{split}/{condition}")
    stories = parallel_stories(split)
    out = []
    for folder, versions in stories.items():
        others = [v for f, vs in stories.items() if f != folder for v in vs]
        for va, vb in version_pairs(versions):
            a, b = _units_of(va), _units_of(vb)
            donor = rng.choice([v for v in others if v.doc.language == vb.doc.language] or others)
            extra = (frozenset({"extra"}), rng.choice(_units_of(donor))[1])
            pair = f"{va.doc.language}-{vb.doc.language}"
            out.append((pair, *disturb(a, b, condition, rng, extra)))
    return out


def _units_of(version) -> list[Unit]:
    lines = version.doc.text.split("\n")
    starts = [*list(version.unit_lines), len(lines)]
    out = []
    for n, ids in enumerate(version.unit_ids):
        text = " ".join(" ".join(lines[starts[n] : starts[n + 1]]).split())
        out.append((frozenset(f"{version.doc.path.split('/')[0]}:{i}" for i in ids), text))
    return out


def news_stories(
    split: str, condition: str, limit: int = 12, seed: int = 21
) -> list[tuple[str, list[Unit], list[Unit]]]:
    """Real news (WMT21, see news_sets.py) of `split` (dev or held-out): every language pair,
    up to `limit` stories each, original against its translation, disturbed by `condition`;
    the paragraph a rewrite adds is a sentence of another story of the same pair and split."""
    import news_sets

    out = []
    for pair in news_sets.PAIRS:
        rng = random.Random(f"{seed}/{pair}/{split}/{condition}")
        found = news_sets.split_stories(pair, split, limit)
        for story in found:
            a = [(frozenset({f"{story.doc_id}:{i}"}), t) for i, t in enumerate(story.source)]
            b = [(frozenset({f"{story.doc_id}:{i}"}), t) for i, t in enumerate(story.target)]
            other = rng.choice([s for s in found if s is not story] or [story])
            extra = (frozenset({"extra"}), rng.choice(other.target))
            out.append((pair, *disturb(a, b, condition, rng, extra)))
    return out
