"""Offsets at the Qt boundary: code points of the reading text <-> Qt's UTF-16 positions.

Every span the core hands out counts code points of a document's reading text; QTextCursor counts
UTF-16 units of the QTextDocument, which shows one passage per block. `DisplayText` is the one
place where the two meet; nothing else in the UI converts offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from reader.corpus.model import Document, Passage
from reader.corpus.text import (
    UNSPACED_SCRIPTS,
    cp_to_utf16,
    script_of_char,
    word_spans,
)

LINE_SEPARATOR = "\u2028"  # a line break inside a QTextDocument block
BLOCK_SEPARATOR = "\n"
ZWSP = "\u200b"
MAX_WORD_BREAK_CHARS = 2_000_000  # beyond this, opening fast matters more than wrapping
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Index:
    """Converts code point offsets of one string to UTF-16 offsets and back in O(log n).

    Agrees with `reader.corpus.text.cp_to_utf16` / `utf16_to_cp` (tested with emoji).
    """

    __slots__ = ("_astral_cp", "_astral_u16", "length")

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # Code point offset of each astral character, and the UTF-16 offset of its low surrogate.
        self._astral_cp: list[int] = []
        self._astral_u16: list[int] = []
        if text.isascii():
            return
        for k, m in enumerate(_ASTRAL.finditer(text)):
            self._astral_cp.append(m.start())
            self._astral_u16.append(m.start() + k + 1)

    @property
    def astral_count(self) -> int:
        """How many characters need two UTF-16 units."""
        return len(self._astral_cp)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code point offset `cp` (clamped to the string)."""
        cp = max(0, min(cp, self.length))
        return cp + bisect_left(self._astral_cp, cp)

    def to_cp(self, u16: int) -> int:
        """Code point offset of UTF-16 offset `u16` (inside a surrogate pair: its start)."""
        u16 = max(0, u16)
        # `_astral_u16` holds the offset of each pair's second half, so a position inside a
        # pair counts that character and lands on its start.
        cp = u16 - bisect_right(self._astral_u16, u16)
        return min(cp, self.length)


def utf16_offset(text: str, cp: int) -> int:
    """UTF-16 offset of code point `cp` of `text` (one-off; use Utf16Index for many)."""
    return cp_to_utf16(text, cp)


class DisplayText:
    """A document's reading text laid out as Qt shows it: one passage per block.

    Text between passages (blank lines) is left out; newlines inside a passage become line
    separators so block number == passage index. Qt does not know where words end in scripts
    written without spaces (Khmer, Thai, Lao, Burmese...), so a zero-width space is shown at
    each ICU word boundary there, letting lines wrap between words instead of inside them.
    Offsets map through `qt_pos` and `cp_at`; the inserted characters never leak out.
    """

    def __init__(self, doc: Document, break_words: bool | None = None) -> None:
        self.doc = doc
        passages: Sequence[Passage] = doc.passages or [Passage(0, 0, len(doc.text))]
        self.passages = list(passages)
        self.starts = [p.start for p in self.passages]
        if break_words is None:
            break_words = len(doc.text) <= MAX_WORD_BREAK_CHARS
        parts: list[str] = []
        self.display_starts: list[int] = []  # code point offset of each block in the display text
        self._inserts: list[list[int]] = []  # per passage: reading offsets with a ZWSP before
        self._insert_rel: list[list[int]] = []  # per passage: display-relative ZWSP positions
        pos = 0
        for p in self.passages:
            self.display_starts.append(pos)
            text = doc.text[p.start : p.end]
            breaks = word_break_points(text, doc.language) if break_words else []
            self._inserts.append([p.start + b for b in breaks])
            self._insert_rel.append([b + k for k, b in enumerate(breaks)])
            if breaks:
                pieces = [
                    text[a:b] for a, b in zip([0, *breaks], [*breaks, len(text)], strict=True)
                ]
                text = ZWSP.join(pieces)
            part = text.replace("\n", LINE_SEPARATOR)
            parts.append(part)
            pos += len(part) + 1
        self.text = BLOCK_SEPARATOR.join(parts)
        self._u16 = Utf16Index(self.text)
        self.utf16_length = self._u16.length + self._u16.astral_count

    def passage_at(self, cp: int) -> int:
        """Index of the passage holding reading offset `cp` (the previous one between passages)."""
        return max(0, bisect_right(self.starts, cp) - 1)

    def display_offset(self, cp: int) -> int:
        """Display code point offset of reading offset `cp` (clamped into its passage)."""
        i = self.passage_at(cp)
        p = self.passages[i]
        cp = max(p.start, min(cp, p.end))
        return self.display_starts[i] + (cp - p.start) + bisect_left(self._inserts[i], cp)

    def qt_pos(self, cp: int) -> int:
        """Qt (UTF-16) position in the QTextDocument of reading offset `cp`."""
        return self._u16.to_utf16(self.display_offset(cp))

    def cp_at(self, qt_pos: int) -> int:
        """Reading offset of a Qt position."""
        d = self._u16.to_cp(qt_pos)
        i = max(0, bisect_right(self.display_starts, d) - 1)
        p = self.passages[i]
        rel = d - self.display_starts[i]
        rel -= bisect_left(self._insert_rel[i], rel)
        return min(p.start + rel, p.end)

    def qt_range(self, start: int, end: int) -> tuple[int, int]:
        """Qt positions of a reading span `[start, end)`."""
        return self.qt_pos(start), self.qt_pos(end)

    def passage_qt_range(self, index: int) -> tuple[int, int]:
        p = self.passages[index]
        return self.qt_pos(p.start), self.qt_pos(p.end)


def word_break_points(text: str, language: str) -> list[int]:
    """Offsets inside `text` between two words of an unspaced script (where a ZWSP may go)."""
    if not any(script_of_char(ch) in UNSPACED_SCRIPTS for ch in text if ord(ch) > 0x0E00):
        return []
    points = []
    for start, _ in word_spans(text, language):
        if 0 < start < len(text):
            before, after = text[start - 1], text[start]
            if before.isspace() or after.isspace() or before == ZWSP or after == ZWSP:
                continue
            if (
                script_of_char(before) in UNSPACED_SCRIPTS
                or script_of_char(after) in UNSPACED_SCRIPTS
            ):
                points.append(start)
    return points
