"""The topic at a glance: each version as a strip of its passages (aligned, without partner,
with mismatches, boilerplate), the cursor of each column marked on its strip.

Passages take room in proportion to their length, so a version that tells only the start of
the story shows its colour only at the start. Arrow keys move a strip cursor (Up/Down: version,
Left/Right: passage), Enter or a click jumps there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from reader.plural import counted
from reader.ui.mismatch_marks import outline_colour
from reader.ui.theme import LIGHT

if TYPE_CHECKING:
    from reader.corpus.compare_topic import StripCell
    from reader.ui.theme import Theme

ROW = 16  # px per version
BAR = 10  # px, height of a strip
LABEL = 96  # px for the language and title
LEGEND = 18  # px for the legend line
ALIGNED = {"light": "#7fbf8e", "dark": "#3f8050"}


@dataclass
class StripRow:
    """One version: its column's document, a label, its cells and its column's cursor."""

    doc_id: str
    label: str
    title: str
    cells: list[StripCell]
    cursor: int = 0
    focused: bool = False
    spans: list[tuple[float, float]] = field(default_factory=list)  # 0..1 per cell

    def __post_init__(self) -> None:
        if not self.cells:
            return
        lo, hi = self.cells[0].start, max(c.end for c in self.cells)
        total = max(1, hi - lo)
        self.spans = [((c.start - lo) / total, (c.end - lo) / total) for c in self.cells]


class TopicStrip(QWidget):
    """Strips of the open topic's versions; `passage_chosen(doc id, passage)` on Enter/click."""

    passage_chosen = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topicStrip")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.rows: list[StripRow] = []
        self.theme: Theme = LIGHT
        self.theme_source: Callable[[], Theme] | None = None  # the window's theme, when set
        self.note = ""  # shown instead of strips (e.g. "comparing…")
        self.row = 0  # the strip cursor: row and cell
        self.cell = 0

    def set_rows(self, rows: list[StripRow], theme: Theme, note: str = "") -> None:
        keep = self.rows[self.row].doc_id if 0 <= self.row < len(self.rows) else None
        self.rows, self.theme, self.note = rows, theme, note
        ids = [r.doc_id for r in rows]
        self.row = ids.index(keep) if keep in ids else 0
        self._clamp()
        self.setFixedHeight(max(2, len(rows)) * ROW + LEGEND + 6)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, max(2, len(self.rows)) * ROW + LEGEND + 6)

    def _clamp(self) -> None:
        if not self.rows:
            self.row = self.cell = 0
            return
        self.row = max(0, min(self.row, len(self.rows) - 1))
        self.cell = max(0, min(self.cell, len(self.rows[self.row].cells) - 1))

    def state_at(self, doc_id: str, passage: int) -> str | None:
        """The state drawn for a passage (what the tests and the tooltip read)."""
        for row in self.rows:
            if row.doc_id == doc_id:
                for cell in row.cells:
                    if cell.passage == passage:
                        return cell.state
        return None

    # ----- painting -----------------------------------------------------------------------

    def _bar_rect(self, n: int) -> QRectF:
        width = max(10.0, self.width() - LABEL - 8.0)
        return QRectF(LABEL, 3 + n * ROW + (ROW - BAR) / 2, width, BAR)

    def _theme(self) -> Theme:
        return self.theme_source() if self.theme_source is not None else self.theme

    def paintEvent(self, event: QPaintEvent) -> None:
        t = self._theme()
        dark = "dark" if t.dark else "light"
        colours = {
            "aligned": QColor(ALIGNED[dark]),
            "mismatch": outline_colour(t),
            "unmatched": QColor(t.base),
            "skipped": QColor(t.border),
        }
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(t.window))
        if not self.rows:
            painter.setPen(QColor(t.muted))
            painter.drawText(
                self.rect().adjusted(6, 0, 0, 0),
                Qt.AlignmentFlag.AlignVCenter,
                self.note or "No topic with two versions open",
            )
            painter.end()
            return
        has_focus = self.hasFocus()
        for n, row in enumerate(self.rows):
            bar = self._bar_rect(n)
            painter.setPen(QColor(t.text if row.focused else t.muted))
            label = QRectF(4, bar.top() - 3, LABEL - 8, ROW)
            text = self.fontMetrics().elidedText(row.label, Qt.TextElideMode.ElideRight, LABEL - 8)
            painter.drawText(label, Qt.AlignmentFlag.AlignVCenter, text)
            for i, (cell, (a, b)) in enumerate(zip(row.cells, row.spans, strict=True)):
                rect = QRectF(bar.left() + a * bar.width(), bar.top(), (b - a) * bar.width(), BAR)
                rect.setWidth(max(1.0, rect.width() - 1))
                painter.fillRect(rect, colours[cell.state])
                if cell.state == "unmatched":
                    painter.setPen(QPen(QColor(t.muted), 1))
                    painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
                if has_focus and n == self.row and i == self.cell:
                    painter.setPen(QPen(QColor(t.text), 2))
                    painter.drawRect(rect.adjusted(-1, -2, 1, 2))
            self._paint_cursor(painter, row, bar)
        self._paint_legend(painter, colours)
        painter.end()

    def _paint_cursor(self, painter: QPainter, row: StripRow, bar: QRectF) -> None:
        """The column's cursor passage: a line across its strip (thicker for the focused one)."""
        t = self._theme()
        for cell, (a, b) in zip(row.cells, row.spans, strict=True):
            if cell.passage != row.cursor:
                continue
            x = bar.left() + (a + b) / 2 * bar.width()
            colour = QColor(t.accent if row.focused else t.text)
            painter.setPen(QPen(colour, 3 if row.focused else 2))
            painter.drawLine(QPointF(x, bar.top() - 3), QPointF(x, bar.bottom() + 3))
            return

    def _paint_legend(self, painter: QPainter, colours: dict[str, QColor]) -> None:
        t = self._theme()
        y = 3 + len(self.rows) * ROW + 4
        x = float(LABEL)
        for state, text in (
            ("aligned", "aligned"),
            ("unmatched", "no partner"),
            ("mismatch", "mismatch"),
            ("skipped", "boilerplate"),
        ):
            box = QRectF(x, y + 3, 10, 10)
            painter.fillRect(box, colours[state])
            painter.setPen(QPen(QColor(t.muted), 1))
            painter.drawRect(box)
            painter.drawText(QPointF(x + 14, y + 12), text)
            x += 24 + self.fontMetrics().horizontalAdvance(text)
        painter.setPen(QPen(QColor(t.accent), 3))
        painter.drawLine(QPointF(x, y + 1), QPointF(x, y + 15))
        painter.setPen(QColor(t.muted))
        painter.drawText(QPointF(x + 6, y + 12), "cursor")

    # ----- keys and mouse -----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self.rows:
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.row += -1 if key == Qt.Key.Key_Up else 1
            self._clamp()
            self.cell = self._cell_of(self.rows[self.row].cursor)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.cell += -1 if key == Qt.Key.Key_Left else 1
            self._clamp()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            row = self.rows[self.row]
            if row.cells:
                self.passage_chosen.emit(row.doc_id, row.cells[self.cell].passage)
        else:
            super().keyPressEvent(event)
            return
        self._show_tip()
        self.update()

    def _cell_of(self, passage: int) -> int:
        cells = self.rows[self.row].cells
        return next((i for i, c in enumerate(cells) if c.passage == passage), 0)

    def _show_tip(self) -> None:
        row = self.rows[self.row]
        if row.cells:
            cell = row.cells[self.cell]
            many = cell.mismatches
            extra = f", {counted(many, 'mismatch', 'mismatches')}" if many else ""
            self.setToolTip(f"{row.title}: passage {cell.passage + 1}, {cell.state}{extra}")

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if self.rows:
            focused = next((n for n, r in enumerate(self.rows) if r.focused), 0)
            self.row = focused
            self.cell = self._cell_of(self.rows[focused].cursor)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        for n, row in enumerate(self.rows):
            bar = self._bar_rect(n)
            if not bar.adjusted(0, -3, 0, 3).contains(pos):
                continue
            share = (pos.x() - bar.left()) / bar.width()
            for i, (a, b) in enumerate(row.spans):
                if a <= share <= b:
                    self.row, self.cell = n, i
                    self.passage_chosen.emit(row.doc_id, row.cells[i].passage)
                    self.update()
                    return
        super().mousePressEvent(event)
