"""What two versions of a story disagree on: numbers, dates and names of aligned passages.

For every group of aligned passages (`reader.corpus.align`), each number, date and name of
one side is looked for in the other side (see `compare_values` for how leniently). What one
side says and the other does not is a **mismatch**: paired with a value of the other side
that it most likely became (`120 million` -> `1.2 billion`, `16 February` -> `26 February`,
`Xu Liang` -> `Xu Lang`), or alone when nothing there is like it (`b` is None). Each has a
confidence from 0 to 1; names a translation may drop or rephrase (a pronoun, a translated
organisation, a name in another script) rank low. Passages with no partner at all are listed
with their mentions (what a rewrite added or dropped).

`compare_pair` compares two documents; `compare_topic` every pair of a topic through the
alignment the app shows (`align_topic` + `TopicAlignment.between`) and gives the per-document
strips (each passage aligned, unmatched or with mismatches).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from reader.corpus.align import Alignment, align_pair, content_passages
from reader.corpus.compare_values import (
    KINDS,
    MIN_NAME_SIMILARITY,
    YEARS,
    DateParts,
    Mention,
    Values,
    date_likeness,
    date_parts,
    extend_name,
    dates_agree,
    key_value,
    mention_kind,
    name_likeness,
    name_said,
    number_likeness,
    text_values,
    text_words,
)
from reader.corpus.entities import EntityIndex
from reader.corpus.model import Document
from reader.corpus.text import match_key

DEFAULT_MIN_CONFIDENCE = 0.5  # what the CLI and the app list unless asked for everything
# Confidence of each finding (see README "What the versions disagree on").
PAIRED = {"number": 0.95, "date": 0.9, "name": 0.5}  # + likeness-scaled part below
ABSENT_NUMBER = 0.7  # a number of 100 or more the partner does not state in any form
ABSENT_SMALL_NUMBER = 0.45  # 10..99: often written in words ("a dozen", "twenty")
ABSENT_DATE = 0.6
ABSENT_NAME_KNOWN = 0.4  # the partner document names it elsewhere: dropped here (a pronoun?)
ABSENT_NAME = 0.2  # the partner never names it: translated, transliterated, or dropped


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A number, date or name one side of an aligned group says and the other does not."""

    kind: str  # number | date | name
    a: Mention | None
    b: Mention | None
    confidence: float
    group: int  # index into Comparison.groups

    def fingerprint(self, doc_a: str, doc_b: str) -> str:
        """Stable id for dismissals: the documents (by path) and the two keys, either order."""
        sides = sorted(
            [(doc_a, self.a.key if self.a else ""), (doc_b, self.b.key if self.b else "")]
        )
        text = "\x1f".join([self.kind, *(f"{d}\x1e{k}" for d, k in sides)])
        return "m" + hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "a": self.a.to_json() if self.a else None,
            "b": self.b.to_json() if self.b else None,
            "confidence": round(self.confidence, 3),
        }


@dataclass(slots=True)
class Comparison:
    """Mismatches of two aligned documents, and their passages without a partner."""

    doc_a: Document
    doc_b: Document
    groups: list[tuple[tuple[int, ...], tuple[int, ...]]]  # aligned passage indexes a, b
    mismatches: list[Mismatch]  # most confident first
    unmatched_a: list[int]
    unmatched_b: list[int]
    mentions_a: dict[int, list[Mention]] = field(default_factory=dict)  # passage -> mentions
    mentions_b: dict[int, list[Mention]] = field(default_factory=dict)

    def fingerprint(self, m: Mismatch) -> str:
        return m.fingerprint(self.doc_a.path, self.doc_b.path)

    def visible(
        self,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        dismissed: Iterable[str] = (),
        hidden_kinds: Iterable[str] = (),
    ) -> list[Mismatch]:
        """The mismatches a reader sees: confident enough, not dismissed, kind not hidden."""
        gone, hidden = set(dismissed), set(hidden_kinds)
        return [
            m
            for m in self.mismatches
            if m.confidence >= min_confidence
            and m.kind not in hidden
            and self.fingerprint(m) not in gone
        ]

    def unmatched_mentions(self, side: str) -> dict[int, list[Mention]]:
        """Numbers, dates and names of each passage of `side` ("a"/"b") without a partner."""
        mentions, unmatched = (
            (self.mentions_a, self.unmatched_a)
            if side == "a"
            else (self.mentions_b, self.unmatched_b)
        )
        return {p: mentions.get(p, []) for p in unmatched}

    def to_json(self, mismatches: Sequence[Mismatch] | None = None) -> dict[str, object]:
        """The stable JSON shape of `compare --json` (see README)."""
        shown = self.mismatches if mismatches is None else mismatches
        return {
            "a": self.doc_a.summary(),
            "b": self.doc_b.summary(),
            "mismatches": [m.to_json() for m in shown],
            "unmatched": {"a": list(self.unmatched_a), "b": list(self.unmatched_b)},
        }


# --- one document's mentions --------------------------------------------------------------


def document_mentions(doc: Document, index: EntityIndex) -> dict[int, list[Mention]]:
    """Numbers, dates and names of each content passage of `doc` (passage index -> mentions)."""
    passages = content_passages(doc)
    starts = [p.start for p in passages]
    out: dict[int, list[Mention]] = {p.index: [] for p in passages}
    for c in index.candidates.get(doc.id, ()):
        kind = mention_kind(c)
        if kind is None or not c.key:
            continue
        n = bisect_right(starts, c.start) - 1
        if n >= 0 and c.start < passages[n].end:
            p = passages[n]
            start, end, key = c.start, c.end, c.key
            if kind == "name" and ":" not in key:
                end = extend_name(doc.text, end, p.end)
                key = match_key(doc.text[start:end]) if end != c.end else key
            out[p.index].append(Mention(p.index, start, end, doc.text[start:end], key, kind))
    return out


@dataclass(slots=True)
class _Side:
    """What one side of an aligned group says, in the forms the other side is checked against."""

    doc: Document
    mentions: list[Mention]
    text: str
    doc_words: list[str]  # words of the whole document (names said elsewhere)
    values: Values = field(init=False)
    words: list[str] = field(init=False)
    keys: set[str] = field(init=False)
    dates: list[DateParts] = field(init=False)

    def __post_init__(self) -> None:
        self.values = text_values(self.text, self.doc.language)
        self.words = text_words(self.text)
        self.keys = {m.key for m in self.mentions}
        self.dates = [p for m in self.mentions if m.kind == "date" and (p := date_parts(m.key))]

    def says(self, m: Mention) -> bool:
        """Whether this side states what mention `m` (of the other side) states."""
        if m.key in self.keys:
            return True
        if m.kind == "number":
            value = key_value(m.key)
            if value is None:
                return True
            if self.values.says(value):
                return True
            if value in YEARS and any(d.year == value for d in self.dates):
                return True
            return value <= 31 and any(d.day == value for d in self.dates)
        if m.kind == "date":
            parts = date_parts(m.key)
            if parts is None:
                return True
            if any(dates_agree(parts, d) for d in self.dates):
                return True
            # a date the entity finder did not read here, written with its numbers
            wanted = [v for v in (parts.day, parts.year) if v is not None]
            return (
                bool(wanted)
                and all(Decimal(v) in self.values.plain for v in wanted)
                and Decimal(parts.month) in self.values.plain
            )
        if ":" in m.key:  # a gazetteer id (`region:CN`): only the id matches across languages
            return name_said(m.text, self.words)
        return name_said(m.key, self.words)


def _unsaid(side: _Side, other: _Side) -> list[Mention]:
    """Mentions of `side` that `other` does not state, one per key, in text order."""
    seen: set[str] = set()
    out = []
    for m in side.mentions:
        if m.key in seen:
            continue
        seen.add(m.key)
        if not other.says(m):
            out.append(m)
    return out


def _likeness(kind: str, a: Mention, b: Mention) -> float:
    if kind == "number":
        va, vb = key_value(a.key), key_value(b.key)
        return number_likeness(va, vb) if va is not None and vb is not None else 0.0
    if kind == "date":
        pa, pb = date_parts(a.key), date_parts(b.key)
        return date_likeness(pa, pb) if pa and pb else 0.0
    sim = name_likeness(a.key, b.key)
    return sim if sim >= MIN_NAME_SIMILARITY else 0.0


def _absent_confidence(m: Mention, other: _Side) -> float:
    if m.kind == "number":
        value = key_value(m.key)
        return ABSENT_NUMBER if value is not None and value >= 100 else ABSENT_SMALL_NUMBER
    if m.kind == "date":
        return ABSENT_DATE
    key = m.text if ":" in m.key else m.key
    return ABSENT_NAME_KNOWN if name_said(key, other.doc_words) else ABSENT_NAME


def _group_mismatches(a: _Side, b: _Side, group: int) -> list[Mismatch]:
    """Mismatches of one aligned group: unsaid mentions paired by likeness, the rest alone."""
    out: list[Mismatch] = []
    only_a, only_b = _unsaid(a, b), _unsaid(b, a)
    for kind in KINDS:
        ka = [m for m in only_a if m.kind == kind]
        kb = [m for m in only_b if m.kind == kind]
        options = sorted(
            ((_likeness(kind, x, y), i, j) for i, x in enumerate(ka) for j, y in enumerate(kb)),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        used_a: set[int] = set()
        used_b: set[int] = set()
        for like, i, j in options:
            if like <= 0 or i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            base = PAIRED[kind]
            confidence = base * (0.6 + 0.4 * like) if kind != "name" else base + 0.5 * like
            out.append(Mismatch(kind, ka[i], kb[j], min(confidence, 0.99), group))
        for i, m in enumerate(ka):
            if i not in used_a:
                out.append(Mismatch(kind, m, None, _absent_confidence(m, b), group))
        for j, m in enumerate(kb):
            if j not in used_b:
                out.append(Mismatch(kind, None, m, _absent_confidence(m, a), group))
    return out


def compare_aligned(
    doc_a: Document, doc_b: Document, index: EntityIndex, alignment: Alignment
) -> Comparison:
    """Mismatches of two documents along an alignment of them (`alignment.a == doc_a.id`)."""
    mentions_a = document_mentions(doc_a, index)
    mentions_b = document_mentions(doc_b, index)
    words_a = text_words(doc_a.text)
    words_b = text_words(doc_b.text)
    groups: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    mismatches: list[Mismatch] = []
    for pair in alignment.pairs:
        g = len(groups)
        groups.append((tuple(pair.a), tuple(pair.b)))
        side_a = _side(doc_a, pair.a, mentions_a, words_a)
        side_b = _side(doc_b, pair.b, mentions_b, words_b)
        mismatches.extend(_group_mismatches(side_a, side_b, g))
    mismatches.sort(key=lambda m: (-m.confidence, _position(m)))
    return Comparison(
        doc_a,
        doc_b,
        groups,
        mismatches,
        list(alignment.unlinked_a),
        list(alignment.unlinked_b),
        mentions_a,
        mentions_b,
    )


def _side(
    doc: Document, indexes: Sequence[int], mentions: dict[int, list[Mention]], words: list[str]
) -> _Side:
    found = [m for i in indexes for m in mentions.get(i, [])]
    text = "\n".join(doc.passage_text(doc.passages[i]) for i in indexes)
    return _Side(doc, found, text, words)


def _position(m: Mismatch) -> tuple[int, int]:
    return (m.a.start if m.a else -1, m.b.start if m.b else -1)


def compare_pair(doc_a: Document, doc_b: Document, index: EntityIndex) -> Comparison:
    """Align two documents (as `corpus-reader align` does) and compare them."""
    return compare_aligned(doc_a, doc_b, index, align_pair(doc_a, doc_b, index))
