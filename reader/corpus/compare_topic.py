"""Mismatches of every pair of versions of a topic, and each version's strip of passages.

The pairs are compared through the alignment the app shows: `align_topic` (the spanning tree
of pairwise alignments), with `TopicAlignment.between` for two documents the tree links only
through others. A strip tells, for every passage of one version, whether it is aligned with
some other version, has a mismatch with one, has no partner in any, or is boilerplate — what
the app draws as the topic's overview, and what `compare --topic --json` prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reader.corpus.align import TopicAlignment, align_topic
from reader.corpus.compare import (
    DEFAULT_MIN_CONFIDENCE,
    Comparison,
    Mismatch,
    compare_aligned,
)
from reader.corpus.entities import EntityIndex
from reader.corpus.model import Document

STATES = ("aligned", "mismatch", "unmatched", "skipped")


@dataclass(frozen=True, slots=True)
class StripCell:
    """One passage of a version in the topic strip: its span and state (one of STATES)."""

    passage: int
    start: int
    end: int
    state: str
    mismatches: int = 0  # visible mismatches in this passage, with any other version

    def to_json(self) -> dict[str, object]:
        return {
            "passage": self.passage,
            "start": self.start,
            "end": self.end,
            "state": self.state,
            "mismatches": self.mismatches,
        }


@dataclass(frozen=True, slots=True)
class Located:
    """A visible mismatch seen from one document: where it is there, and the pair it is of."""

    doc: str
    start: int
    end: int
    passage: int
    pair: int  # index into TopicComparison.pairs
    mismatch: Mismatch


@dataclass(slots=True)
class TopicComparison:
    """Comparisons of every pair of a topic's documents (in topic order: a before b)."""

    documents: list[Document]
    pairs: list[Comparison]
    alignment: TopicAlignment | None

    def visible(
        self,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        dismissed: Iterable[str] = (),
        hidden_kinds: Iterable[str] = (),
    ) -> list[tuple[int, Mismatch]]:
        """(pair index, mismatch) the reader sees, most confident first."""
        gone, hidden = set(dismissed), set(hidden_kinds)
        found = [
            (n, m)
            for n, c in enumerate(self.pairs)
            for m in c.visible(min_confidence, gone, hidden)
        ]
        found.sort(key=lambda t: -t[1].confidence)
        return found

    def in_document(
        self,
        doc_id: str,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        dismissed: Iterable[str] = (),
        hidden_kinds: Iterable[str] = (),
    ) -> list[Located]:
        """Visible mismatches with a side in `doc_id`, in text order (to mark and step through).

        A mismatch whose side in this document is None (the value is missing here) is placed
        on the start of the passage where it should be.
        """
        out = []
        for n, m in self.visible(min_confidence, dismissed, hidden_kinds):
            c = self.pairs[n]
            if doc_id == c.doc_a.id:
                here, doc, passages = m.a, c.doc_a, c.groups[m.group][0]
            elif doc_id == c.doc_b.id:
                here, doc, passages = m.b, c.doc_b, c.groups[m.group][1]
            else:
                continue
            if here is not None:
                out.append(Located(doc_id, here.start, here.end, here.passage, n, m))
            else:
                p = doc.passages[passages[0]]
                out.append(Located(doc_id, p.start, p.start, p.index, n, m))
        out.sort(key=lambda x: (x.start, x.end, -x.mismatch.confidence))
        return out

    def strip(
        self,
        doc_id: str,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        dismissed: Iterable[str] = (),
        hidden_kinds: Iterable[str] = (),
    ) -> list[StripCell]:
        """Every passage of one document with its state across the whole topic."""
        doc = next(d for d in self.documents if d.id == doc_id)
        counts: dict[int, int] = {}
        for loc in self.in_document(doc_id, min_confidence, dismissed, hidden_kinds):
            counts[loc.passage] = counts.get(loc.passage, 0) + 1
        return strip_cells(doc, self.pairs, counts)

    def to_json(
        self,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        dismissed: Iterable[str] = (),
        hidden_kinds: Iterable[str] = (),
    ) -> dict[str, object]:
        """`{"documents", "pairs": [pair JSON as compare FILE_A FILE_B], "strips"}`."""
        gone, hidden = set(dismissed), set(hidden_kinds)
        return {
            "documents": [d.summary() for d in self.documents],
            "pairs": [c.to_json(c.visible(min_confidence, gone, hidden)) for c in self.pairs],
            "strips": {
                d.id: [cell.to_json() for cell in self.strip(d.id, min_confidence, gone, hidden)]
                for d in self.documents
            },
        }


def compare_topic(
    docs: Sequence[Document],
    index: EntityIndex,
    alignment: TopicAlignment | None = None,
) -> TopicComparison:
    """Compare every pair of `docs` through their topic alignment (computed when not given)."""
    docs = list(docs)
    if len(docs) < 2:
        return TopicComparison(docs, [], None)
    alignment = alignment or align_topic(docs, index)
    pairs = [
        compare_aligned(a, b, index, alignment.between(a.id, b.id))
        for n, a in enumerate(docs)
        for b in docs[n + 1 :]
    ]
    return TopicComparison(docs, pairs, alignment)


def strip_cells(
    doc: Document, pairs: Sequence[Comparison], counts: dict[int, int]
) -> list[StripCell]:
    """Each passage of `doc` with its state: `skipped` (boilerplate), `mismatch` (a count in
    `counts`), `aligned` (in a group of one of `pairs`) or `unmatched`."""
    aligned: set[int] = set()
    for c in pairs:
        if c.doc_a.id == doc.id:
            aligned.update(i for g in c.groups for i in g[0])
        elif c.doc_b.id == doc.id:
            aligned.update(j for g in c.groups for j in g[1])
    cells = []
    for p in doc.passages:
        if p.kind == "boilerplate":
            state = "skipped"
        elif counts.get(p.index):
            state = "mismatch"
        elif p.index in aligned:
            state = "aligned"
        else:
            state = "unmatched"
        cells.append(StripCell(p.index, p.start, p.end, state, counts.get(p.index, 0)))
    return cells
