"""Names linked across scripts by sound, on the evidence of aligned passages.

A name in one passage (`Trump`) and a run of words in the aligned passage of a version in
another script (`特朗普`, `ทรัมป์`, `ត្រាំ`) are very likely the same name when their
phonetic keys are close (`phonetic.py`). Per document we only list where such runs may be
(`window_segments`); across a topic, the aligned passages of every pair of versions in
different scripts are compared, and a run's link to a name is accepted when the evidence repeats
(two or more aligned passages) or one match is very close. An accepted link turns every
occurrence of that run in documents of its language in the topic into an option with the
name's key, recorded with `evidence="transliteration"`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.corpus.candidates import Option, name_key
from reader.corpus.model import Document
from reader.corpus.names import word_segments
from reader.corpus.phonetic import PHONETIC_SCRIPTS, consonants, phonetic_key, similarity
from reader.corpus.text import UNSPACED_SCRIPTS, script_of_char

if TYPE_CHECKING:
    from reader.corpus.entities import Candidate, EntityIndex

MATCH = 0.8  # a run this close to a name in the aligned passage is evidence of a link
CLOSE = 0.85  # ... and one match this close is enough for names of CLOSE_CONSONANTS or more
CLOSE_CONSONANTS = 4
PER_NAME = 3  # runs per name and passage pair kept as evidence
MIN_CONSONANTS = 2  # shorter names (`Li`, `Ng`) are too easy to find by chance
MAX_RUN_CHARS = {"Hani": 9, "Jpan": 10, "Hira": 10, "Kana": 12}  # else DEFAULT_RUN_CHARS
DEFAULT_RUN_CHARS = 18
MAX_RUN_WORDS = 3  # scripts with spaces: up to three words
NAME_KINDS = frozenset({"person_org", "place", "other"})
EVIDENCE = "transliteration"
_LETTER = re.compile(r"\w", re.UNICODE)
# What may separate the parts of one name: nothing, a space, the middle dots of Chinese and
# Japanese names (`杰里米·科尔宾`), a hyphen, a zero-width space.
_JOINERS = frozenset(("", " ", "\u00b7", "\u30fb", "\u2027", "-", "\u200b"))


@dataclass(frozen=True, slots=True)
class Link:
    """A run of text in one language accepted as a transliteration of a name's key."""

    language: str
    surface: str
    key: str
    kind: str
    matches: int  # aligned passages where the run was the closest match to the name
    score: float  # best similarity seen
    evidence: str = EVIDENCE  # or "variant": one letter from a gazetteer name


def window_segments(
    doc: Document, words: Sequence[tuple[int, int]] | None
) -> list[tuple[int, int]]:
    """The letter segments of a document in a script with a phonetic key, else nothing.

    `words` are the ICU word segments already found for an unspaced script (or None).
    """
    if doc.script not in PHONETIC_SCRIPTS:
        return []
    if words is None:
        words = word_segments(doc.text, doc.language, doc.script)
    text = doc.text
    return [
        (s, e)
        for s, e in words
        if _LETTER.match(text, s) and not text[s].isdigit() and not text[s].isascii()
    ]


def _windows(
    text: str, script: str, segments: Sequence[tuple[int, int]], lo: int, hi: int
) -> list[tuple[int, int, str]]:
    """Runs of consecutive segments inside `[lo, hi)`: (start, end, phonetic key)."""
    unspaced = script in UNSPACED_SCRIPTS
    limit = MAX_RUN_CHARS.get(script, DEFAULT_RUN_CHARS)
    inside = [(s, e) for s, e in segments if s >= lo and e <= hi]
    out = []
    for i, (s, _) in enumerate(inside):
        for j in range(i, min(len(inside), i + (limit if unspaced else MAX_RUN_WORDS))):
            e = inside[j][1]
            if e - s > limit:
                break
            if j > i:
                gap = text[inside[j - 1][1] : inside[j][0]]
                if gap not in _JOINERS:
                    break
            surface = text[s:e]
            out.append((s, e, phonetic_key(surface, script)))
    return out


def _name_keys(cands: Iterable[Candidate], lo: int, hi: int) -> list[tuple[str, str, str]]:
    """(key, kind, phonetic key) of the names in `[lo, hi)` written in a cased script."""
    out = []
    for c in cands:
        if lo <= c.start and c.end <= hi and c.kind in NAME_KINDS:
            script = script_of_char(c.text[0])
            if script in ("Latn", "Cyrl", "Grek"):
                out.append((c.key, c.kind, phonetic_key(c.text, script)))
                words = c.text.split()
                if len(words) > 1 and ":" not in c.key:  # `Corbyn` of `Jeremy Corbyn` too
                    last = words[-1]
                    out.append((name_key(last), c.kind, phonetic_key(last, script)))
    return out


def find_links(
    pairs: Iterable[tuple[Document, Document, list[tuple[list[int], list[int]]]]],
    index: EntityIndex,
    segments: Mapping[str, list[tuple[int, int]]],
) -> list[Link]:
    """Links between names and runs of text over aligned passage pairs.

    `pairs`: (document with names, document in a phonetic script, aligned passage groups as
    lists of passage indexes). `segments`: each phonetic-script document's window segments.
    """
    evidence: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    kinds: dict[str, tuple[str, int]] = {}
    for doc_a, doc_b, groups in pairs:
        cands_a = index.candidates.get(doc_a.id, [])
        keys_b = {c.key for c in index.candidates.get(doc_b.id, [])}
        segs = segments.get(doc_b.id, [])
        if not segs:
            continue
        for ia, ib in groups:
            names = []
            for i in ia:
                p = doc_a.passages[i]
                names += [n for n in _name_keys(cands_a, p.start, p.end) if n[0] not in keys_b]
            names = [n for n in names if consonants(n[2]) >= MIN_CONSONANTS]
            if not names:
                continue
            windows: list[tuple[int, int, str]] = []
            for j in ib:
                p = doc_b.passages[j]
                windows += _windows(doc_b.text, doc_b.script, segs, p.start, p.end)
            for key, kind, pk, surface, score in _best_matches(doc_b.text, names, windows):
                evidence[(doc_b.language, surface, key)].append(score)
                # Two words that both sound right need one consonant less (`Hun Manet`).
                kinds[key] = (kind, consonants(pk) + (" " in key))
    return _accepted(evidence, kinds)


def _best_matches(
    text: str, names: list[tuple[str, str, str]], windows: list[tuple[int, int, str]]
) -> list[tuple[str, str, str, str, float]]:
    """For each name, its closest runs at or above MATCH (up to PER_NAME, not overlapping);
    a run counts for the name it is closest to."""
    scored = []
    for key, kind, pk in sorted(set(names)):
        first, size = pk[0], consonants(pk)
        for s, e, wk in windows:
            if not wk or (wk[0] != first and "V" not in (wk[0], first)):
                continue
            if abs(consonants(wk) - size) > 2:
                continue
            sim = similarity(pk, wk)
            if sim >= MATCH:
                scored.append((-sim, e - s, s, e, key, kind, pk))
    scored.sort()
    spans: set[tuple[int, int]] = set()
    per_name: dict[str, list[tuple[int, int]]] = defaultdict(list)
    out = []
    for neg, _, s, e, key, kind, pk in scored:
        mine = per_name[key]
        if (s, e) in spans or len(mine) >= PER_NAME or any(s < te and ts < e for ts, te in mine):
            continue
        spans.add((s, e))
        mine.append((s, e))
        out.append((key, kind, pk, text[s:e], -neg))
    return out


def _accepted(
    evidence: dict[tuple[str, str, str], list[float]], kinds: dict[str, tuple[str, int]]
) -> list[Link]:
    """Links whose evidence repeats or is very close; a run keeps only its best-supported key."""
    best: dict[tuple[str, str], Link] = {}
    for (lang, surface, key), scores in evidence.items():
        top = max(scores)
        repeated = len(scores) >= 2
        kind, size = kinds[key]
        if not (repeated or (top >= CLOSE and size >= CLOSE_CONSONANTS)):
            continue
        link = Link(lang, surface, key, kind, len(scores), top)
        old = best.get((lang, surface))
        if old is None or (link.matches, link.score) > (old.matches, old.score):
            best[(lang, surface)] = link
    return sorted(best.values(), key=lambda link: (link.language, link.surface))


def link_options(
    doc: Document, links: Sequence[Link], segments: Sequence[tuple[int, int]]
) -> list[Option]:
    """Options for every occurrence of a linked run in the document (on segment bounds)."""
    mine = [link for link in links if link.language == doc.language]
    if not mine or not segments:
        return []
    starts = {s for s, _ in segments}
    ends = {e for _, e in segments}
    text = doc.text
    out = []
    for link in mine:
        pos = text.find(link.surface)
        while pos >= 0:
            end = pos + len(link.surface)
            if pos in starts and end in ends:
                out.append(
                    Option(pos, end, link.key, link.kind, name_key(link.surface), False,
                           evidence=link.evidence)
                )  # fmt: skip
            pos = text.find(link.surface, end)
    return out
