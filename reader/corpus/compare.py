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
from dataclasses import dataclass, field, replace
from decimal import Decimal

from reader.corpus.align import Alignment, align_pair, content_passages
from reader.corpus.compare_groups import Side, Sides, refine_groups, unsaid
from reader.corpus.compare_names import (
    Known,
    name_pair_confidence,
    one_language,
    raw_partner,
    slip_of_own_form,
)
from reader.corpus.compare_values import (
    MIN_NAME_SIMILARITY,
    YEARS,
    Mention,
    date_likeness,
    date_parts,
    extend_name,
    key_value,
    mention_kind,
    name_likeness,
    name_said,
    number_likeness,
    year_span_end,
)
from reader.corpus.entities import EntityIndex
from reader.corpus.model import Document
from reader.corpus.text import match_key

DEFAULT_MIN_CONFIDENCE = 0.5  # what the CLI and the app list unless asked for everything
# Confidence of each finding (see README "What the versions disagree on").
PAIRED = {"number": 0.95, "date": 0.9}  # times (0.3 + 0.7 likeness)
ABSENT_NUMBER = 0.7  # a number of 100 or more the partner does not state in any form
ABSENT_SMALL_NUMBER = 0.45  # 10..99: often written in words ("a dozen", "twenty")
ABSENT_DATE = 0.6
ABSENT_NAME_KNOWN = 0.4  # the partner document names it elsewhere: dropped here (a pronoun?)
CLOSE_PAIR = 0.8  # a pair this alike (one digit, one letter) shows the group is aligned right
DATE_AS_NUMBER = 0.9  # likeness of a date and a bare number, relative to two dates
UNSUPPORTED = 0.6  # factor for mismatches of a group whose sides state nothing in common
ABSENT_NAME = 0.2  # the partner never names it: translated, transliterated, or dropped
# A name one side states and the other misspells here, as the other writes it right
# elsewhere (`Schweden` / `Sude`, the French version's `Suède` elsewhere): + half the likeness.
FORM_SLIP = 0.5
SELF_SLIP = 0.75  # a name its own document writes one letter otherwise everywhere else


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
            if kind == "number" and (year := year_span_end(doc.text, start, end)):
                key = f"num:{year}"
            if kind == "name" and ":" not in key:
                start, end = extend_name(doc.text, start, end, p.start, p.end)
                key = match_key(doc.text[start:end]) if (start, end) != (c.start, c.end) else key
            out[p.index].append(Mention(p.index, start, end, doc.text[start:end], key, kind))
    return out


def _day_or_year(m: Mention) -> bool:
    value = key_value(m.key) if m.kind == "number" else None
    return value is not None and (1 <= value <= 31 or value in YEARS) and value % 1 == 0


def _likeness(kind: str, a: Mention, b: Mention) -> float:
    if kind == "date" and "number" in (a.kind, b.kind):
        if a.kind == b.kind:
            return 0.0
        date, number = (a, b) if a.kind == "date" else (b, a)
        parts, value = date_parts(date.key), key_value(number.key)
        if parts is None or value is None:
            return 0.0
        part = parts.year if value in YEARS else parts.day
        if part is None:
            return 0.0
        return number_likeness(Decimal(part), value) * DATE_AS_NUMBER
    if kind == "number":
        va, vb = key_value(a.key), key_value(b.key)
        return number_likeness(va, vb) if va is not None and vb is not None else 0.0
    if kind == "date":
        pa, pb = date_parts(a.key), date_parts(b.key)
        return date_likeness(pa, pb) if pa and pb else 0.0
    sim = name_likeness(a.key, b.key)
    return sim if sim >= MIN_NAME_SIMILARITY else 0.0


def _absent_confidence(m: Mention, other: Side, own: Side, known: Known, n: int) -> float:
    if m.kind == "name" and slip_of_own_form(m, own, known.names[n], known.vocabulary[n]):
        return SELF_SLIP
    if m.kind == "number":
        value = key_value(m.key)
        return ABSENT_NUMBER if value is not None and value >= 100 else ABSENT_SMALL_NUMBER
    if m.kind == "date":
        return ABSENT_DATE
    key = match_key(m.text) if ":" in m.key else m.key
    return ABSENT_NAME_KNOWN if name_said(key, other.doc_words) else ABSENT_NAME


def _unpaired(
    mentions: list[Mention],
    used: set[int],
    own: Side,
    other: Side,
    side: int,
    kind: str,
    group: int,
    known: Known,
    likes: list[float],
) -> list[Mismatch]:
    """The mentions of one side (`side` 0 is a, 1 is b) left unpaired: each with the raw form
    the other side most likely gave the name, or alone."""
    out = []
    for i, m in enumerate(mentions):
        if i in used or m.kind != kind:
            continue
        raw = (
            raw_partner(m, other, own, known.forms(1 - side, m.key, other.doc.language))
            if kind == "name"
            else None
        )
        if raw is None:
            lone = (m, None) if side == 0 else (None, m)
            confidence = _absent_confidence(m, other, own, known, side)
            out.append(Mismatch(kind, *lone, confidence, group))
            continue
        partner, like, slip = raw
        likes.append(like)
        pair = (m, partner) if side == 0 else (partner, m)
        confidence = FORM_SLIP + 0.5 * like if slip else name_pair_confidence(*pair, like, known)
        out.append(Mismatch(kind, *pair, min(confidence, 0.99), group))
    return out


def _group_mismatches(a: Side, b: Side, group: int, known: Known) -> list[Mismatch]:
    """Mismatches of one aligned group: unsaid mentions paired by likeness, the rest alone."""
    out: list[Mismatch] = []
    only_a, only_b = unsaid(a, b), unsaid(b, a)
    likes: list[float] = []
    taken: set[int] = set()  # ids of numbers paired with a date
    for kind in ("date", "number", "name"):
        ka = [m for m in only_a if m.kind == kind and id(m) not in taken]
        kb = [m for m in only_b if m.kind == kind and id(m) not in taken]
        if kind == "date":  # a date the other side writes as a bare day or year number
            ka += [m for m in only_a if _day_or_year(m)] if kb else []
            kb += [m for m in only_b if _day_or_year(m)] if ka else []
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
            likes.append(like)
            taken.update(id(m) for m in (ka[i], kb[j]) if m.kind == "number")
            if kind == "name":
                confidence = name_pair_confidence(ka[i], kb[j], like, known)
            else:
                confidence = PAIRED[kind] * (0.3 + 0.7 * like)
            out.append(Mismatch(kind, ka[i], kb[j], min(confidence, 0.99), group))
        out += _unpaired(ka, used_a, a, b, 0, kind, group, known, likes)
        out += _unpaired(kb, used_b, b, a, 1, kind, group, known, likes)
    seen: set[tuple] = set()
    unique = []
    for m in out:  # a raw partner found from both sides is one mismatch
        spot = (m.kind, m.a and (m.a.start, m.a.end), m.b and (m.b.start, m.b.end))
        if spot not in seen:
            seen.add(spot)
            unique.append(m)
    out = unique
    if not _supported(a, b, only_a, only_b) and max(likes, default=0.0) < CLOSE_PAIR:
        out = [replace(m, confidence=m.confidence * UNSUPPORTED) for m in out]
    return out


def _supported(a: Side, b: Side, only_a: list[Mention], only_b: list[Mention]) -> bool:
    """Whether the two sides state at least one number, date or name in common, or one of them
    states nothing the other lacks: a group where each states only what the other does not
    (and nothing of one is close to something of the other, see CLOSE_PAIR) is more likely
    misaligned than mistranslated."""
    said_a = len({m.key for m in a.mentions}) - len(only_a)
    said_b = len({m.key for m in b.mentions}) - len(only_b)
    return said_a + said_b > 0 or not only_a or not only_b


def compare_aligned(
    doc_a: Document, doc_b: Document, index: EntityIndex, alignment: Alignment
) -> Comparison:
    """Mismatches of two documents along an alignment of them (`alignment.a == doc_a.id`)."""
    mentions_a = document_mentions(doc_a, index)
    mentions_b = document_mentions(doc_b, index)
    sides = Sides(doc_a, doc_b, mentions_a, mentions_b)
    groups, unmatched_a, unmatched_b = refine_groups(alignment, sides)
    known = Known(mentions_a, mentions_b, sides.words, one_language(*sides.words))
    mismatches: list[Mismatch] = []
    for g, (ia, ib) in enumerate(groups):
        mismatches.extend(_group_mismatches(sides.side(0, ia), sides.side(1, ib), g, known))
    mismatches.sort(key=lambda m: (-m.confidence, _position(m)))
    return Comparison(
        doc_a, doc_b, groups, mismatches, unmatched_a, unmatched_b, mentions_a, mentions_b
    )


def _position(m: Mismatch) -> tuple[int, int]:
    return (m.a.start if m.a else -1, m.b.start if m.b else -1)


def compare_pair(doc_a: Document, doc_b: Document, index: EntityIndex) -> Comparison:
    """Align two documents (as `corpus-reader align` does) and compare them."""
    return compare_aligned(doc_a, doc_b, index, align_pair(doc_a, doc_b, index))
