"""Visual-mode selection steps over a document: by word, sentence and passage (no Qt).

A selection is an anchor and a head (code points of the reading text); these functions move the
head to the end of the next or previous unit, never before the anchor's first unit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from reader.corpus.model import Document
from reader.corpus.passages import passage_sentences
from reader.corpus.text import word_spans


def _passage_of(doc: Document, pos: int) -> int:
    starts = [p.start for p in doc.passages]
    return max(0, bisect_right(starts, pos) - 1)


class Units:
    """Word and sentence spans of a document, computed per passage on first use."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._words: dict[int, list[tuple[int, int]]] = {}
        self._sentences: dict[int, list[tuple[int, int]]] = {}

    def words(self, passage: int) -> list[tuple[int, int]]:
        if passage not in self._words:
            p = self.doc.passages[passage]
            spans = word_spans(self.doc.text[p.start : p.end], self.doc.language)
            self._words[passage] = [(p.start + s, p.start + e) for s, e in spans]
        return self._words[passage]

    def sentences(self, passage: int) -> list[tuple[int, int]]:
        if passage not in self._sentences:
            p = self.doc.passages[passage]
            spans = passage_sentences(self.doc.text, p, self.doc.language)
            self._sentences[passage] = list(spans) or [(p.start, p.end)]
        return self._sentences[passage]

    def spans(self, kind: str, passage: int) -> list[tuple[int, int]]:
        if kind == "word":
            return self.words(passage) or [self._passage_span(passage)]
        if kind == "sentence":
            return self.sentences(passage)
        return [self._passage_span(passage)]

    def _passage_span(self, passage: int) -> tuple[int, int]:
        p = self.doc.passages[passage]
        return (p.start, p.end)

    def first_word(self, passage: int) -> tuple[int, int]:
        words = self.words(passage)
        return words[0] if words else self._passage_span(passage)

    def next_end(self, kind: str, head: int) -> int:
        """End of the first `kind` unit ending after `head` (moving into later passages)."""
        n = len(self.doc.passages)
        i = _passage_of(self.doc, head)
        while i < n:
            ends = [e for _, e in self.spans(kind, i)]
            k = bisect_right(ends, head)
            if k < len(ends):
                return ends[k]
            i += 1
        return head

    def prev_end(self, kind: str, head: int, floor: int) -> int:
        """End of the last `kind` unit ending before `head`, but not below `floor`."""
        i = _passage_of(self.doc, head)
        while i >= 0:
            ends = [e for _, e in self.spans(kind, i)]
            k = bisect_left(ends, head)
            if k > 0:
                return max(floor, ends[k - 1])
            i -= 1
        return max(floor, head)

    def unit_start(self, kind: str, pos: int) -> int:
        """Start of the `kind` unit holding `pos` (for the anchor of a new selection)."""
        i = _passage_of(self.doc, pos)
        for s, e in self.spans(kind, i):
            if s <= pos < e:
                return s
        return pos

