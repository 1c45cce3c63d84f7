"""A document read for entity candidates: its reading (non-boilerplate) ranges, its name units
(capitalised words, with sentence-initial and headline capitals marked), the word bounds of an
unspaced script, and its words counted into its language's vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.corpus.model import Document
from reader.corpus.names import Unit, Vocabulary, name_units, word_segments
from reader.corpus.text import UNSPACED_SCRIPTS

HEADLINE_WORDS = 16  # a title-case line this short or shorter is a headline
HEADLINE_CHARS = 160


@dataclass(slots=True)
class Analysis:
    """The reading (non-boilerplate) ranges of a document, its name units and word bounds."""

    doc: Document
    ranges: list[tuple[int, int]]
    units: list[Unit]
    words: list[tuple[int, int]] | None  # ICU word segments (unspaced scripts only)


def reading_ranges(doc: Document) -> list[tuple[int, int]]:
    """The spans of the passages that are not boilerplate, neighbours merged."""
    if not doc.passages:
        return [(0, len(doc.text))]
    ranges: list[tuple[int, int]] = []
    for p in doc.passages:
        if p.kind == "boilerplate":
            continue
        if ranges and not doc.text[ranges[-1][1] : p.start].strip():
            ranges[-1] = (ranges[-1][0], p.end)
        else:
            ranges.append((p.start, p.end))
    return ranges


_WORD_RE = re.compile(r"\w+")


def _headline(text: str, start: int, end: int) -> bool:
    """A short line in title case (`Trump Holds Rally In Pittsburgh`): capitals there do not
    mark names. A line with letters of a script without case (Han, Thai, Khmer) is never one:
    its only capitals are the names written in Latin letters (`Goldman Sachs与Morgan Stanley`)."""
    piece = text[start:end]
    if "\n" in piece.strip() or piece.rstrip()[-1:] in ".!?:;":
        return False
    if any(c.isalpha() and not c.isupper() and not c.islower() for c in piece):
        return False
    words = [w for w in _WORD_RE.findall(piece) if len(w) >= 4 and w.isalpha()]
    if len(words) < 2 or len(_WORD_RE.findall(piece)) > HEADLINE_WORDS:
        return False
    return sum(w[0].isupper() for w in words) == len(words)


def analyse(doc: Document, vocab: Vocabulary) -> Analysis:
    """Find name units and word bounds; count the document's words into `vocab`."""
    text = doc.text
    ranges = reading_ranges(doc)
    units: list[Unit] = []
    words: list[tuple[int, int]] | None = None
    if doc.script in UNSPACED_SCRIPTS:
        words = []
    short = [(p.start, p.end) for p in doc.passages if p.end - p.start <= HEADLINE_CHARS]
    heads = [(s, e) for s, e in short if _headline(text, s, e)]
    for s, e in ranges:
        found = name_units(text, s, e)
        if heads and found:
            found = [
                u._replace(initial=True)
                if not u.initial and any(hs <= u.start < he for hs, he in heads)
                else u
                for u in found
            ]
        vocab.add_text(text, s, e, found)
        units.extend(found)
        if words is not None:
            words.extend(word_segments(text, doc.language, doc.script, s, e))
    return Analysis(doc, ranges, units, words)
