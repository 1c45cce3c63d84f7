"""What a document view draws over its text: entity, note, hit, selection and passage
highlights, as Qt extra selections built only for the passages on screen."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextEdit

if TYPE_CHECKING:
    from reader.ui.document_view import DocumentView


@dataclass(frozen=True, slots=True)
class EntitySpan:
    """One occurrence of a shared entity in this document."""

    start: int
    end: int
    colour: int
    entity: str


@dataclass(frozen=True, slots=True)
class NoteSpan:
    """The text an annotation is attached to."""

    start: int
    end: int
    colour: str
    annotation: str


@dataclass
class Decorations:
    """Everything drawn over the text (spans in code points of the reading text)."""

    entities: list[EntitySpan] = field(default_factory=list)
    notes: list[NoteSpan] = field(default_factory=list)
    hits: list[tuple[int, int]] = field(default_factory=list)
    current_hit: int = -1
    partners: set[int] = field(default_factory=set)
    focus_entity: str | None = None
    selection: tuple[int, int] | None = None
    link_marks: dict[int, str] = field(default_factory=dict)  # passage -> user/confirmed/pending
    diff: list[tuple[int, int, str]] = field(default_factory=list)  # word edits (zd)
    mismatches: list = field(default_factory=list)  # MarkSpans, painted by mismatch_marks


class SpanList:
    """Spans sorted by start with a running maximum end, for fast visible-range queries."""

    def __init__(self, spans: Iterable) -> None:
        self.items = sorted(spans, key=lambda s: s[0] if isinstance(s, tuple) else s.start)
        self.starts = [s[0] if isinstance(s, tuple) else s.start for s in self.items]
        self.max_end: list[int] = []
        m = 0
        for s in self.items:
            m = max(m, s[1] if isinstance(s, tuple) else s.end)
            self.max_end.append(m)

    def overlapping(self, start: int, end: int) -> list:
        hi = bisect_left(self.starts, end)
        lo = bisect_right(self.max_end, start)
        return self.items[lo:hi]


def extra_selections(self: DocumentView, first: int, last: int) -> list[QTextEdit.ExtraSelection]:
    """The highlights of passages `first`..`last` (inclusive) of a built view."""
    start = self.passage(first).start
    end = self.passage(last).end
    t = self.theme
    sels: list[QTextEdit.ExtraSelection] = []

    def add(s: int, e: int, fmt: QTextCharFormat) -> None:
        if e <= s:
            return
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        qs, qe = self.display.qt_range(s, e)
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        sel.format = fmt
        sels.append(sel)

    def block_fmt(colour: str) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colour))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
        return fmt

    for i in range(first, last + 1):
        p = self.passage(i)
        if i == self.current and self.active:
            add(p.start, p.end, block_fmt(t.current))
        elif i in self.deco.partners:
            add(p.start, p.end, block_fmt(t.partner))
        if p.kind == "boilerplate":
            dim = QTextCharFormat()
            dim.setForeground(QColor(t.dim))
            add(p.start, p.end, dim)
    for lk in self._links.overlapping(start, end):
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(t.link))
        fmt.setFontUnderline(True)
        add(lk[0], lk[1], fmt)
    for span in self._entity_spans.overlapping(start, end):
        fmt = QTextCharFormat()
        fmt.setBackground(t.entity_colour(span.colour))
        fmt.setForeground(QColor(t.text))
        if span.entity == self.deco.focus_entity:
            # lines over and under, not bold: a bolder font would re-wrap the passage and
            # move the columns out of level
            fmt.setFontOverline(True)
            fmt.setFontUnderline(True)
        add(span.start, span.end, fmt)
    if self.deco.diff:
        from reader.ui.alignment_view import diff_selections

        for s, e, fmt in diff_selections(self, start, end):
            add(s, e, fmt)
    for note in self._note_spans.overlapping(start, end):
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(t.note_colour(note.colour))
        add(note.start, note.end, fmt)
    current_hit = (
        self.deco.hits[self.deco.current_hit]
        if 0 <= self.deco.current_hit < len(self.deco.hits)
        else None
    )
    for hit in self._hit_spans.overlapping(start, end):
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(t.search_current if hit == current_hit else t.search))
        fmt.setForeground(QColor(t.search_text))
        add(hit[0], hit[1], fmt)
    if self.deco.selection:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(t.selection))
        fmt.setForeground(QColor(t.text))
        add(*self.deco.selection, fmt)
    return sels
