"""Mismatch outlines drawn over a document view: a box around each number, date or name the
other version disagrees on, a dashed box around a passage that lacks one.

Outlines, not fills: the text keeps its entity colour underneath, and a box is a shape nothing
else in the columns uses (entities are fills, the focused entity has lines over and under,
notes are underlines, hits and the selection are fills). The stroke is magenta, a hue no entity
colour and no note colour takes, with at least 3:1 contrast against the page, the cursor and
the partner bands in both themes (tested). The box sits just outside the text, so it borders
the page, not the entity fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

if TYPE_CHECKING:
    from reader.ui.document_view import DocumentView
    from reader.ui.theme import Theme

OUTLINE = {"light": "#b0006b", "dark": "#ff7ac0"}  # magenta, per theme
PAD = 1.5  # px the box stands off the text


@dataclass(frozen=True, slots=True)
class MarkSpan:
    """A mismatch seen from one document: `[start, end)` of its side here (start == end: the
    value is missing here, the box goes round passage `passage`)."""

    start: int
    end: int
    passage: int
    current: bool = False


def outline_colour(theme: Theme) -> QColor:
    return QColor(OUTLINE["dark" if theme.dark else "light"])


def span_rects(view: DocumentView, start: int, end: int) -> list[QRectF]:
    """Rectangles (document coordinates) of the lines a reading span covers."""
    qdoc = view.document()
    qs, qe = view.display.qt_range(start, end)
    block = qdoc.findBlock(qs)
    if not block.isValid():
        return []
    origin = qdoc.documentLayout().blockBoundingRect(block).topLeft()
    layout, base = block.layout(), block.position()
    rects = []
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        ls = line.textStart() + base
        a, b = max(qs, ls), min(qe, ls + line.textLength())
        if a >= b:
            continue
        x1 = line.cursorToX(a - base)[0]
        x2 = line.cursorToX(b - base)[0]
        rects.append(QRectF(min(x1, x2), line.y(), abs(x2 - x1), line.height()).translated(origin))
    return rects


def paint_mismatches(view: DocumentView, painter: QPainter) -> None:
    """Draw the view's mismatch marks that are on screen (called from its paintEvent)."""
    marks = view.deco.mismatches
    if not marks:
        return
    first, last = view.visible_passages()
    dx = -view.horizontalScrollBar().value()
    dy = -view.verticalScrollBar().value()
    colour = outline_colour(view.theme)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for mark in marks:
        if not first <= mark.passage <= last or not view.in_window(mark.passage):
            continue
        pen = QPen(colour)
        pen.setWidthF(2.5 if mark.current else 1.25)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if mark.end > mark.start:
            painter.setPen(pen)
            for rect in span_rects(view, mark.start, mark.end):
                box = rect.translated(dx, dy).adjusted(-PAD, -PAD + 1, PAD, PAD - 1)
                painter.drawRoundedRect(box, 2.5, 2.5)
        else:
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            rect = view.block_rect(mark.passage).translated(dx, dy)
            painter.drawRoundedRect(rect.adjusted(-3, -2, 3, 2), 3, 3)
