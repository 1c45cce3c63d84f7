"""A read-only view of one document's reading text: one passage per block, with highlights.

The text is set once; highlights (current passage, aligned partners, boilerplate, entities,
annotations, search hits, the visual selection, links) are drawn as extra selections built only
for the passages on screen, so a 10 MB document costs no more to decorate than a short one.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from reader.corpus.model import Document, Passage
from reader.ui.alignment_view import paint_link_marks
from reader.ui.decorations import Decorations, SpanList, extra_selections
from reader.ui.fonts import font_for_script
from reader.ui.gap_band import GapBand
from reader.ui.mismatch_marks import paint_mismatches
from reader.ui.passage_window import WINDOW_CHARS, PassageWindow
from reader.ui.qt_text import DisplayText
from reader.ui.theme import LIGHT, Theme

BASE_POINT_SIZE = 12.0
PASSAGE_SPACING = 0.75  # of a line, between passages
MAX_LINE_EM = 42  # readable line length when a column is wide
BAR_WIDTH = 4
VISIBLE_MARGIN = 2  # passages decorated beyond the visible ones
BAR_SPACE = 16  # room kept for the vertical scroll bar


class DocumentView(PassageWindow, GapBand, QTextEdit):
    """One document, read-only; the window moves the current passage and sets decorations."""

    passage_clicked = Signal(int)
    built = Signal()  # the document was made (first needed or first painted)
    rewrapped = Signal()  # a new width or size re-wrapped the text: positions moved
    hovered = Signal(int, QPoint)  # reading offset under the mouse (-1: none), global position
    link_activated = Signal(str)  # Ctrl+click on a link: the window asks before opening it
    user_scrolled = Signal()

    def __init__(
        self,
        doc: Document,
        theme: Theme = LIGHT,
        zoom: float = 0.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.doc = doc
        self.theme = theme
        self.zoom = zoom
        self.current = 0
        self.active = True  # the focused column shows its current passage
        self.deco = Decorations()
        self._entity_spans = SpanList([])
        self._note_spans = SpanList([])
        self._hit_spans = SpanList([])
        self._links = SpanList([(lk.start, lk.end, lk.href) for lk in doc.links])
        self._init_gap()
        self._programmatic_scroll = 0
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.viewport().setMouseTracking(True)
        self._display: DisplayText | None = None  # made with the document (word breaks cost)
        self._passages = list(doc.passages) or [Passage(0, 0, len(doc.text))]
        self._starts = [p.start for p in self._passages]
        self._base, self._stop = 0, len(self._passages)  # the passages in the QTextDocument
        self._windowed = len(doc.text) > 2 * WINDOW_CHARS
        self._built = False  # the QTextDocument is made when the view is first needed or painted
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        self._margin_timer = QTimer(self)
        self._margin_timer.setSingleShot(True)
        self._margin_timer.setInterval(0)
        self._margin_timer.timeout.connect(self._fit_line_length)
        self.verticalScrollBar().valueChanged.connect(self._on_scroll)

    # ----- building -----------------------------------------------------------------------

    def reading_font(self) -> QFont:
        return font_for_script(self.doc.script, BASE_POINT_SIZE + self.zoom)

    def ensure_built(self) -> None:
        """Make the real text document (a column off screen never pays for its layout)."""
        if self._built:
            return
        self._built = True
        if self._windowed:
            self._base, self._stop = self._window_around(self.current)
        self._display = None
        self.setDocument(self._build_document())
        self._new_document()
        self.schedule_refresh()
        self.built.emit()

    def passage(self, index: int) -> Passage:
        """Passage `index` of the document."""
        return self._passages[index]

    def document(self) -> QTextDocument:
        self.ensure_built()
        return super().document()

    def _qt_document(self) -> QTextDocument:
        """The QTextDocument as it is (not built on demand)."""
        return super().document()

    @property
    def is_built(self) -> bool:
        return self._built

    def _build_document(self) -> QTextDocument:
        qdoc = QTextDocument(self)
        qdoc.setUndoRedoEnabled(False)
        qdoc.setDefaultFont(self.reading_font())
        qdoc.setDocumentMargin(10)
        qdoc.setPlainText(self.display.text)
        cursor = QTextCursor(qdoc)
        cursor.select(QTextCursor.SelectionType.Document)
        fmt = QTextBlockFormat()
        fmt.setBottomMargin(self._spacing())
        fmt.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.mergeBlockFormat(fmt)
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.DemiBold)
        heading.setFontPointSize(BASE_POINT_SIZE + self.zoom + 2)
        for i, p in enumerate(self.display.passages):
            if p.kind == "heading":
                start, end = self.display.passage_qt_range(i)
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(heading)
        return qdoc

    def _spacing(self) -> float:
        return (BASE_POINT_SIZE + self.zoom) * 1.33 * PASSAGE_SPACING

    def set_zoom(self, zoom: float) -> None:
        """Change the reading size (points added to the base size); keeps the current passage."""
        if zoom == self.zoom:
            return
        self.zoom = zoom
        self._gap = None
        if not self._built:
            return
        self._display = None
        self.setDocument(self._build_document())
        self._new_document()
        self.refresh()
        self.scroll_to_passage(self.current)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.refresh()

    # ----- passages and scrolling ---------------------------------------------------------

    @property
    def display(self) -> DisplayText:
        """The text in the QTextDocument (the window's passages) as Qt shows it."""
        if self._display is None:
            shown = self.doc
            if self._windowed:
                shown = replace(self.doc, passages=self._passages[self._base : self._stop])
            self._display = DisplayText(shown)
        return self._display

    @property
    def passage_count(self) -> int:
        return len(self._passages)

    def set_current(self, index: int, scroll: bool = True) -> None:
        """Make passage `index` current (clamped) and bring it into view."""
        self.current = max(0, min(index, self.passage_count - 1))
        if scroll:
            self.scroll_to_passage(self.current)
        self.schedule_refresh()

    def block_rect(self, index: int) -> QRectF:
        """The passage's block in document coordinates (margins excluded)."""
        qdoc = self.document()
        self._ensure_in_window(index)
        qdoc = super().document()
        block = qdoc.findBlockByNumber(index - self._base)
        return qdoc.documentLayout().blockBoundingRect(block)

    def passage_top(self, index: int) -> float:
        """Top of passage `index`'s text in viewport coordinates (a gap band above it, which
        Qt lays out as the block's top margin, is not part of the passage)."""
        return self.block_rect(index).top() - self.verticalScrollBar().value()

    def passage_height(self, index: int) -> float:
        """Height of passage `index`'s text (margins excluded)."""
        return self.block_rect(index).height()

    def scroll_passage_to(self, index: int, y: float) -> None:
        """Scroll so that passage `index` starts at viewport height `y`."""
        bar = self.verticalScrollBar()
        target = round(bar.value() + self.passage_top(index) - y)
        self._programmatic_scroll += 1
        try:
            bar.setValue(target)
        finally:
            self._programmatic_scroll -= 1

    def scroll_to_passage(self, index: int) -> None:
        """Bring passage `index` into view, a little below the top when it must move."""
        if not 0 <= index < self.passage_count:
            return
        top = self.passage_top(index)
        height = self.passage_height(index)
        view_h = self.viewport().height()
        if top >= 0 and top + height <= view_h:
            return
        if height > view_h or top < 0 or top + height > view_h:
            self.scroll_passage_to(index, min(view_h * 0.2, max(0.0, view_h - height)))

    def passage_at_y(self, y: float) -> int:
        """The passage at viewport height `y`.

        Qt lays long documents out lazily and its hit test can answer wrongly for a part not
        laid out yet, so this searches block rectangles instead (each forces the layout only up
        to its block), galloping out from the current passage, which is usually on screen.
        """
        if self.passage_count == 0:
            return 0
        self.ensure_built()
        first, n = self._base, self._stop  # only the passages in the window have blocks
        doc_y = y + self.verticalScrollBar().value()

        def top(i: int) -> float:
            return self.block_rect(i).top()

        start = max(first, min(self.current, n - 1))
        step = 1
        if top(start) <= doc_y:  # the answer is at or after `start`
            lo = start
            while lo + step < n and top(lo + step) <= doc_y:
                lo += step
                step *= 2
            hi = min(n - 1, lo + step)
        else:
            hi = start
            while hi - step > first and top(hi - step) > doc_y:
                hi -= step
                step *= 2
            lo = max(first, hi - step)
        while lo < hi:  # last block whose top is at or above doc_y
            mid = (lo + hi + 1) // 2
            if top(mid) <= doc_y:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def passage_at_offset(self, cp: int) -> int:
        """The passage holding reading offset `cp` (the previous one between passages)."""
        return max(0, bisect_right(self._starts, cp) - 1)

    def first_visible_passage(self) -> int:
        return self.passage_at_y(1)

    def half_page_passages(self, direction: int) -> int:
        """The passage about half a screen away from the current one."""
        target_y = self.passage_top(self.current) + direction * self.viewport().height() / 2
        index = self.passage_at_y(target_y)
        if index == self.current:
            index += direction
        return max(0, min(index, self.passage_count - 1))

    def _on_scroll(self) -> None:
        self.schedule_refresh()
        if not self._programmatic_scroll:
            self._follow_window_edge()
            self.user_scrolled.emit()

    # ----- decorations --------------------------------------------------------------------

    def set_decorations(self, deco: Decorations) -> None:
        """Replace what is drawn over the text."""
        self.deco = deco
        self._entity_spans = SpanList(deco.entities)
        self._note_spans = SpanList(deco.notes)
        self._hit_spans = SpanList(deco.hits)
        self.schedule_refresh()

    def update_decorations(self, **changes: object) -> None:
        """Change some fields of the decorations (e.g. `partners=...`)."""
        for name, value in changes.items():
            setattr(self.deco, name, value)
        if "entities" in changes:
            self._entity_spans = SpanList(self.deco.entities)
        if "notes" in changes:
            self._note_spans = SpanList(self.deco.notes)
        if "hits" in changes:
            self._hit_spans = SpanList(self.deco.hits)
        self.schedule_refresh()

    def schedule_refresh(self) -> None:
        self._refresh_timer.start()

    def visible_passages(self) -> tuple[int, int]:
        """First and last passage (inclusive) on screen, with a small margin."""
        first = self.passage_at_y(0)
        last = self.passage_at_y(self.viewport().height())
        return max(self._base, first - VISIBLE_MARGIN), min(self._stop - 1, last + VISIBLE_MARGIN)

    def visible_span(self) -> tuple[int, int]:
        """Reading offsets covered by the visible passages."""
        first, last = self.visible_passages()
        return self._passages[first].start, self._passages[last].end

    def refresh(self) -> None:
        """Rebuild the extra selections for the passages on screen."""
        if self.passage_count == 0 or not self._built:
            return
        first, last = self.visible_passages()
        self.setExtraSelections(extra_selections(self, first, last))

    # ----- painting and mouse -------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._built:  # first time on screen: make the document, paint it next frame
            QTimer.singleShot(0, self._build_now)
            return
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        if self.active and self.in_window(self.current):
            top = self.passage_top(self.current)
            height = self.passage_height(self.current)
            painter.fillRect(QRectF(0, top, BAR_WIDTH, max(height, 4)), QColor(self.theme.accent))
        rect = self.gap_rect()
        if rect is not None and rect.height() > 4:
            painter.fillRect(rect, QColor(self.theme.gap))
            pen = QPen(QColor(self.theme.muted))
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(rect)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "no matching passage here")
        paint_link_marks(self, painter)  # the reader's alignment links (reader.ui.alignment_view)
        if self.deco.mismatches:
            paint_mismatches(self, painter)
        painter.end()

    def _build_now(self) -> None:
        if not self._built:
            self.ensure_built()
            self.scroll_to_passage(self.current)
            self.schedule_refresh()
            self.viewport().update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._programmatic_scroll += 1  # Qt moving the scroll bar on a resize is not the user
        try:
            super().resizeEvent(event)
        finally:
            self._programmatic_scroll -= 1
        self._margin_timer.start()  # never change the viewport inside its own resize
        self.schedule_refresh()

    def _fit_line_length(self) -> None:
        """Centre the text at a readable line length. The side margin is computed from the
        widget's own width (which margins and scroll bars do not change), so applying it
        cannot start another round of resizing."""
        em = self.fontMetrics().averageCharWidth() * 2
        spare = self.width() - 2 * self.frameWidth() - BAR_SPACE - MAX_LINE_EM * em
        side = int(max(0, spare) / 2)
        if side != self.viewportMargins().left():
            self._programmatic_scroll += 1
            try:
                self.setViewportMargins(side, 0, 0, 0)
            finally:
                self._programmatic_scroll -= 1
        if self.active and self._built:  # a new width re-wraps the text: keep the cursor in view
            self.scroll_to_passage(self.current)
        if self._built:
            self.rewrapped.emit()

    def offset_at(self, pos: QPoint, exact: bool = True) -> int:
        """Reading offset under a viewport point, or -1 when not over text."""
        accuracy = Qt.HitTestAccuracy.ExactHit if exact else Qt.HitTestAccuracy.FuzzyHit
        doc_pos = QPointF(pos.x(), pos.y() + self.verticalScrollBar().value())
        qt_pos = self.document().documentLayout().hitTest(doc_pos, accuracy)
        if qt_pos < 0:
            return -1
        return self.display.cp_at(qt_pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        offset = self.offset_at(event.position().toPoint())
        self.hovered.emit(offset, event.globalPosition().toPoint())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        offset = self.offset_at(event.position().toPoint(), exact=False)
        if offset < 0:
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            for lk in self._links.overlapping(offset, offset + 1):
                self.link_activated.emit(lk[2])
                return
        if not self.textCursor().hasSelection():
            index = self.passage_at_offset(offset)
            self.current = index
            self.passage_clicked.emit(index)
            self.schedule_refresh()

    def mouse_selection(self) -> tuple[int, int] | None:
        """The span the user selected with the mouse, if any."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.display.cp_at(cursor.selectionStart())
        end = self.display.cp_at(cursor.selectionEnd())
        return (start, end) if end > start else None

    def clear_mouse_selection(self) -> None:
        """Drop a mouse selection without moving the view (Qt would scroll to its cursor)."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        bar = self.verticalScrollBar()
        value = bar.value()
        cursor.clearSelection()
        self._programmatic_scroll += 1
        try:
            self.setTextCursor(cursor)
            bar.setValue(value)
        finally:
            self._programmatic_scroll -= 1

    def link_at(self, offset: int) -> str | None:
        for lk in self._links.overlapping(offset, offset + 1):
            return lk[2]
        return None

    def links_in_passage(self, index: int) -> list[str]:
        p = self._passages[index]
        return [lk[2] for lk in self._links.overlapping(p.start, p.end)]
