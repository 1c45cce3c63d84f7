"""What changed between aligned versions: word edits inside a pair, and what a version lacks.

`word_diff` compares two passages in one language word by word (ICU words, so Khmer, Thai and
Chinese compare by word too) and returns edit operations with code-point offsets into each
document's reading text. `missing_runs` lists the runs of passages of one document that have
no partner in another ("vi lacks ¶1–¶7 of pt").
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from reader.corpus.align.model import Alignment
from reader.corpus.align.scoring import content_passages
from reader.corpus.model import Document
from reader.corpus.text import word_spans


@dataclass(frozen=True, slots=True)
class Edit:
    """One change from a to b: `op` is "insert", "delete" or "replace"; spans in code points
    of each document's reading text (empty span at the place where nothing is)."""

    op: str
    a: tuple[int, int]
    b: tuple[int, int]
    a_text: str
    b_text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "a": list(self.a),
            "b": list(self.b),
            "a_text": self.a_text,
            "b_text": self.b_text,
        }


def _words(text: str, start: int, end: int, language: str) -> list[tuple[int, int]]:
    spans = word_spans(text[start:end], language)
    return [(start + s, start + e) for s, e in spans if text[start + s : start + e].strip()]


def word_diff(
    doc_a: Document, spans_a: list[tuple[int, int]], doc_b: Document, spans_b: list[tuple[int, int]]
) -> list[Edit]:
    """Word edits turning the text of `spans_a` (in doc_a) into that of `spans_b` (in doc_b)."""
    wa = [w for s, e in spans_a for w in _words(doc_a.text, s, e, doc_a.language)]
    wb = [w for s, e in spans_b for w in _words(doc_b.text, s, e, doc_b.language)]
    ta = [doc_a.text[s:e] for s, e in wa]
    tb = [doc_b.text[s:e] for s, e in wb]
    edits = []
    matcher = SequenceMatcher(None, ta, tb, autojunk=False)
    for tag, i0, i1, j0, j1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a = (wa[i0][0], wa[i1 - 1][1]) if i1 > i0 else _gap(wa, i0, spans_a)
        b = (wb[j0][0], wb[j1 - 1][1]) if j1 > j0 else _gap(wb, j0, spans_b)
        op = {"insert": "insert", "delete": "delete"}.get(tag, "replace")
        edits.append(Edit(op, a, b, doc_a.text[a[0] : a[1]], doc_b.text[b[0] : b[1]]))
    return edits


def _gap(words: list[tuple[int, int]], n: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """An empty span where word n would be."""
    if n < len(words):
        return (words[n][0], words[n][0])
    end = words[-1][1] if words else (spans[0][0] if spans else 0)
    return (end, end)


def pair_diffs(doc_a: Document, doc_b: Document, alignment: Alignment) -> list[list[Edit]]:
    """For each pair of `alignment`, the word edits from its a passages to its b passages."""
    out = []
    for pair in alignment.pairs:
        spans_a = [(doc_a.passages[i].start, doc_a.passages[i].end) for i in pair.a]
        spans_b = [(doc_b.passages[j].start, doc_b.passages[j].end) for j in pair.b]
        out.append(word_diff(doc_a, spans_a, doc_b, spans_b))
    return out


@dataclass(frozen=True, slots=True)
class MissingRun:
    """Passages `first`..`last` (indexes, content passages only) of `of` that `lacking` has
    no partner for."""

    lacking: str
    of: str
    first: int
    last: int
    passages: tuple[int, ...]

    def label(self, lang_lacking: str, lang_of: str) -> str:
        span = (
            f"¶{self.first + 1}"
            if self.first == self.last
            else f"¶{self.first + 1}–¶{self.last + 1}"
        )
        return f"{lang_lacking} lacks {span} of {lang_of}"

    def to_json(self) -> dict[str, Any]:
        return {"lacking": self.lacking, "of": self.of, "passages": list(self.passages)}


def missing_runs(doc: Document, unlinked: list[int], lacking: str) -> list[MissingRun]:
    """Runs of consecutive content passages of `doc` among `unlinked` (boilerplate between
    them does not break a run)."""
    order = [p.index for p in content_passages(doc)]
    gaps = set(unlinked)
    runs: list[list[int]] = []
    for n, index in enumerate(order):
        if index not in gaps:
            continue
        if n and runs and runs[-1][-1] == order[n - 1]:
            runs[-1].append(index)
        else:
            runs.append([index])
    return [MissingRun(lacking, doc.id, r[0], r[-1], tuple(r)) for r in runs]


def coverage(doc_a: Document, doc_b: Document, alignment: Alignment) -> list[MissingRun]:
    """What each of two aligned documents lacks of the other."""
    return missing_runs(doc_b, alignment.unlinked_b, doc_a.id) + missing_runs(
        doc_a, alignment.unlinked_a, doc_b.id
    )
