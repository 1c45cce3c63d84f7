"""What the window shows of a topic comparison, worked out once per result and decisions.

`TopicComparison.visible`, `in_document` and `strip` recompute every fingerprint (a hash) on
each call; with 24 columns, redrawing through them cost the GUI thread a quarter of a second.
Here the fingerprints are taken once per result and the visible mismatches, each document's
marks in text order and the strips (same states as `TopicComparison.strip`, tested) once per
change of the reader's decisions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reader.corpus.compare import DEFAULT_MIN_CONFIDENCE, Mismatch
from reader.corpus.compare_topic import StripCell, TopicComparison, strip_cells


@dataclass(frozen=True, slots=True)
class Spot:
    """A visible mismatch seen from one document (start == end: its value is missing here,
    at the start of passage `passage`)."""

    start: int
    end: int
    passage: int
    key: str  # the mismatch's reference in its result (see `Shown`)


def fingerprints(result: TopicComparison) -> list[list[str]]:
    """The fingerprint of every mismatch, by pair and position (computed once per result)."""
    return [[c.fingerprint(m) for m in c.mismatches] for c in result.pairs]


@dataclass
class Shown:
    """The visible mismatches of a comparison, by key and by document.

    A key is `"pair:index"`, one per mismatch. A fingerprint is not enough to tell them
    apart: the same two values disagreeing in two passages (a city named in each) share one,
    so that one dismissal covers both.
    """

    result: TopicComparison
    order: list[str]  # keys, most confident first
    by_key: dict[str, tuple[int, Mismatch]]
    spots: dict[str, list[Spot]]  # document id -> spots in text order
    fingerprint: dict[str, str]  # key -> the mismatch's fingerprint (what a dismissal stores)
    _strips: dict[str, list[StripCell]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        result: TopicComparison,
        keys: list[list[str]],
        dismissed: Iterable[str] = (),
        hidden: Iterable[str] = (),
        floor: float = DEFAULT_MIN_CONFIDENCE,
    ) -> Shown:
        gone, hidden = set(dismissed), set(hidden)
        found = [
            (f"{n}:{i}", n, m)
            for n, c in enumerate(result.pairs)
            for i, (m, fp) in enumerate(zip(c.mismatches, keys[n], strict=True))
            if m.confidence >= floor and m.kind not in hidden and fp not in gone
        ]
        found.sort(key=lambda t: -t[2].confidence)
        spots: dict[str, list[Spot]] = {d.id: [] for d in result.documents}
        for key, n, m in found:
            c = result.pairs[n]
            group = c.groups[m.group]
            for doc, mention, passages in ((c.doc_a, m.a, group[0]), (c.doc_b, m.b, group[1])):
                if mention is not None:
                    spot = Spot(mention.start, mention.end, mention.passage, key)
                else:
                    p = doc.passages[passages[0]]
                    spot = Spot(p.start, p.start, p.index, key)
                spots[doc.id].append(spot)
        confidence = {key: m.confidence for key, _n, m in found}
        for mine in spots.values():
            mine.sort(key=lambda s: (s.start, s.end, -confidence[s.key]))
        order = [k for k, _n, _m in found]
        by_key = {k: (n, m) for k, n, m in found}
        prints = {k: keys[n][int(k.split(":")[1])] for k, n, _m in found}
        return cls(result, order, by_key, spots, prints)

    def strip(self, doc_id: str) -> list[StripCell]:
        """Every passage of a document with its state (as `TopicComparison.strip`)."""
        if doc_id not in self._strips:
            self._strips[doc_id] = self._strip(doc_id)
        return self._strips[doc_id]

    def _strip(self, doc_id: str) -> list[StripCell]:
        doc = next(d for d in self.result.documents if d.id == doc_id)
        counts: dict[int, int] = {}
        for spot in self.spots.get(doc_id, []):
            counts[spot.passage] = counts.get(spot.passage, 0) + 1
        return strip_cells(doc, self.result.pairs, counts)
