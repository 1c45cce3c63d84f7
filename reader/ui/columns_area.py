"""The reading columns: one per document of the open topic, side by side in a horizontal
scroll area (each at least a readable width, so a topic of 24 documents never widens the
window), kept level along the alignment.

The area owns the columns, which of them are hidden, the focused one and each one's cursor
passage. After every move it lights up the partners, levels the others (or opens a gap band
where a passage has no partner), keeps the focused column's cursor passage on screen, and
emits `cursor_moved(doc id, passage)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QWidget

from reader.ui.columns import DocumentColumn, version_labels
from reader.ui.document_view import DocumentView
from reader.ui.registry import CommandError

if TYPE_CHECKING:
    from reader.corpus.model import Document
    from reader.ui.theme import Theme

MIN_COLUMN_WIDTH = 300  # px: narrower columns scroll sideways instead of squeezing
PartnersFn = Callable[[list[str], str, int], dict[str, list[int]]]


class ColumnsArea(QScrollArea):
    """Side-by-side document columns in a horizontal scroll area."""

    cursor_moved = Signal(str, int)  # focused document id, its cursor passage
    layout_changed = Signal()  # columns shown, hidden, moved or resized
    column_hovered = Signal(object, int, object)  # column, reading offset, global position
    link_activated = Signal(str)

    def __init__(self, partners: PartnersFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._partners_fn = partners
        self.setObjectName("columnsArea")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.setWidget(self.splitter)
        self.columns: list[DocumentColumn] = []
        self.hidden: set[str] = set()
        self.focus = 0
        self.sync = True
        self._syncing = False
        self._level_timer = QTimer(self)
        self._level_timer.setSingleShot(True)
        self._level_timer.setInterval(0)
        self._level_timer.timeout.connect(self.after_move)

    # ----- building -----------------------------------------------------------------------

    def show_documents(
        self,
        docs: list[Document],
        theme: Theme,
        zoom: float,
        hidden: set[str],
        positions: dict[str, int],
        sizes: list[int] | None,
        focus_doc: str | None,
    ) -> None:
        """Replace the columns with one per document (cursor passages from `positions`)."""
        old = self.takeWidget()  # the old columns go with their splitter
        if old is not None:
            old.hide()
            old.deleteLater()
        self.hidden = hidden & {d.id for d in docs}
        # Built off screen and shown once: adding columns to a shown splitter one by one
        # would lay every document out again for each column added.
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(6)
        splitter.splitterMoved.connect(lambda *_: self.layout_changed.emit())
        self.columns = []
        labels = version_labels(docs)
        for doc in docs:
            view = DocumentView(doc, theme, zoom)
            column = DocumentColumn(doc, view, label=labels[doc.id])
            column.setMinimumWidth(MIN_COLUMN_WIDTH)
            view.passage_clicked.connect(lambda _i, c=column: self._clicked(c))
            view.hovered.connect(lambda off, pos, c=column: self.column_hovered.emit(c, off, pos))
            view.link_activated.connect(self.link_activated)
            view.user_scrolled.connect(lambda c=column: self._user_scrolled(c))
            view.built.connect(self._column_built)
            view.rewrapped.connect(self._column_built)  # level again once it is laid out
            column.hide_requested.connect(lambda c=column: self.hide_column(c))
            column.move_requested.connect(lambda step, c=column: self.move_column(c, step))
            column.focus_requested.connect(lambda c=column: self.set_focus(self.columns.index(c)))
            self.columns.append(column)
            splitter.addWidget(column)
            column.setVisible(doc.id not in self.hidden)
            view.set_current(positions.get(doc.id, 0), scroll=False)
        width = max(self.viewport().width(), MIN_COLUMN_WIDTH * max(1, len(docs)))
        if sizes and len(sizes) == len(docs):
            splitter.setSizes(sizes)
        else:
            splitter.setSizes([width // max(1, len(docs))] * len(docs))
        self.splitter = splitter
        self.setWidget(splitter)
        visible = self.visible_columns()
        chosen = [c for c in visible if c.doc.id == focus_doc] or visible
        self.focus = self.columns.index(chosen[0]) if chosen else 0
        self._mark_focus()
        QTimer.singleShot(0, self._initial_scroll)

    def _initial_scroll(self) -> None:
        for column in self.on_screen_columns():
            column.view.scroll_to_passage(column.view.current)
        self.after_move()

    def on_screen_columns(self) -> list[DocumentColumn]:
        """Shown columns that overlap the visible part of the area (only these are laid out
        and levelled; the others are when they scroll into view)."""
        left = self.horizontalScrollBar().value()
        right = left + self.viewport().width()
        return [
            c
            for c in self.visible_columns()
            if c.geometry().right() >= left and c.geometry().left() <= right
        ]

    def _column_built(self) -> None:
        self._level_timer.start()

    # ----- queries ------------------------------------------------------------------------

    def visible_columns(self) -> list[DocumentColumn]:
        return [c for c in self.columns if c.doc.id not in self.hidden]

    def ids(self) -> list[str]:
        return [c.doc.id for c in self.columns]

    @property
    def column(self) -> DocumentColumn:
        """The focused column."""
        if not self.columns:
            raise CommandError("No document open")
        return self.columns[min(self.focus, len(self.columns) - 1)]

    @property
    def view(self) -> DocumentView:
        return self.column.view

    def index_of(self, doc_id: str) -> int | None:
        ids = self.ids()
        return ids.index(doc_id) if doc_id in ids else None

    def partners(self, doc_id: str, passage: int) -> dict[str, list[int]]:
        if len(self.visible_columns()) < 2:
            return {}
        return self._partners_fn(self.ids(), doc_id, passage)

    # ----- focus and moving ---------------------------------------------------------------

    def set_focus(self, index: int) -> None:
        if not 0 <= index < len(self.columns):
            return
        column = self.columns[index]
        if column.doc.id in self.hidden:  # focusing a hidden column shows it again
            self.hidden.discard(column.doc.id)
            column.show()
            self.layout_changed.emit()
        self.focus = index
        self._mark_focus()
        self.after_move()

    def _mark_focus(self) -> None:
        for n, column in enumerate(self.columns):
            column.set_focused(n == self.focus)

    def step_column(self, step: int) -> None:
        visible = self.visible_columns()
        if not visible:
            raise CommandError("No document open")
        current = self.column if self.column in visible else visible[0]
        n = visible.index(current)
        target = visible[max(0, min(len(visible) - 1, n + step))]
        self.set_focus(self.columns.index(target))

    def move_to(self, index: int) -> None:
        """Make passage `index` of the focused column its cursor."""
        self.view.set_current(index)
        self.after_move()

    def reveal(self, doc_id: str, offset: int) -> bool:
        """Focus `doc_id`'s column (shown if hidden) with the passage holding `offset` as its
        cursor; False when that document has no column here."""
        index = self.index_of(doc_id)
        if index is None:
            return False
        if doc_id in self.hidden:
            self.hidden.discard(doc_id)
            self.columns[index].show()
            self.layout_changed.emit()
        self.focus = index
        self._mark_focus()
        self.move_to(self.view.passage_at_offset(offset))
        return True

    def _clicked(self, column: DocumentColumn) -> None:
        self.focus = self.columns.index(column)
        self._mark_focus()
        self.after_move()

    def after_move(self) -> None:
        """Light up the partners of the cursor passage, keep columns level and the cursor on
        screen, and announce where the cursor is."""
        if not self.columns:
            return
        focused = self.column
        for column in self.columns:
            column.view.active = column is focused
        view = focused.view
        partners = self.partners(focused.doc.id, view.current)
        view.set_gap(None)
        view.update_decorations(partners=set())
        for column in self.visible_columns():
            if column is focused:
                continue
            found = partners.get(column.doc.id, [])
            column.view.update_decorations(partners=set(found))
            if found and column.view.current not in found:
                column.view.current = found[0]
        view.scroll_to_passage(view.current)
        if self.sync:
            self._level_columns(focused, partners)
        else:
            for column in self.columns:
                column.view.set_gap(None)
        self.ensure_column_visible(focused)
        self.cursor_moved.emit(focused.doc.id, view.current)

    def keep_cursor_visible(self) -> None:
        """The focused column and its cursor passage on screen (after any command)."""
        if not self.columns:
            return
        column = self.column
        column.view.scroll_to_passage(column.view.current)
        self.ensure_column_visible(column)

    def ensure_column_visible(self, column: DocumentColumn) -> None:
        """Scroll sideways so the whole column (or as much as fits) is on screen."""
        if column.isHidden():
            return
        geo: QRect = column.geometry()
        bar = self.horizontalScrollBar()
        left, width = bar.value(), self.viewport().width()
        if geo.left() < left:
            bar.setValue(geo.left())
        elif geo.right() > left + width:
            bar.setValue(min(geo.left(), geo.right() - width + 1))

    def ensure_pair_visible(self, column: DocumentColumn, other: DocumentColumn) -> None:
        """Scroll sideways so both columns are on screen when they fit side by side; else
        the first one (it has the focus)."""
        if other.isHidden() or column.isHidden():
            self.ensure_column_visible(column)
            return
        left = min(column.geometry().left(), other.geometry().left())
        right = max(column.geometry().right(), other.geometry().right())
        bar, width = self.horizontalScrollBar(), self.viewport().width()
        if right - left + 1 > width:
            self.ensure_column_visible(column)
        elif left < bar.value():
            bar.setValue(left)
        elif right > bar.value() + width - 1:
            bar.setValue(right - width + 1)

    def _level_columns(self, focused: DocumentColumn, partners: dict[str, list[int]]) -> None:
        """Scroll the other columns so aligned passages sit level with the cursor passage."""
        view = focused.view
        index = view.current
        y = view.passage_top(index)
        kind = view.passage(index).kind
        self._syncing = True
        try:
            for column in self.visible_columns():
                if column is focused or not column.view.is_built:
                    continue
                other = column.view
                found = partners.get(column.doc.id, [])
                if found:
                    other.set_gap(None)
                    other.scroll_passage_to(found[0], y)
                    continue
                before = self._gap_position(focused.doc.id, index, column.doc.id)
                if before is None:
                    other.set_gap(None)
                    continue
                height = self._gap_height(view, index)
                other.set_gap(before if kind != "boilerplate" else None, height)
                other.current = min(before, other.passage_count - 1)
                if before < other.passage_count:
                    other.scroll_passage_to(before, y + (other.gap[1] if other.gap else 0.0))
        finally:
            self._syncing = False

    @staticmethod
    def _gap_height(view: DocumentView, index: int) -> float:
        """A band as tall as the unmatched passage, within two and four lines."""
        line = view.fontMetrics().lineSpacing()
        return max(2.2 * line, min(view.passage_height(index), 4 * line))

    def _gap_position(self, doc_id: str, index: int, other_id: str) -> int | None:
        """Where in `other_id` the unpartnered passage `index` of `doc_id` would sit."""
        if len(self.visible_columns()) < 2:
            return None
        for i in range(index - 1, -1, -1):
            found = self.partners(doc_id, i).get(other_id)
            if found:
                return max(found) + 1
        return 0

    def _user_scrolled(self, column: DocumentColumn) -> None:
        """Wheel or scroll bar in one column: the others follow along the alignment."""
        if not self.sync or self._syncing or len(self.visible_columns()) < 2:
            return
        view = column.view
        anchor = view.passage_at_y(view.viewport().height() * 0.3)
        partners = self.partners(column.doc.id, anchor)
        y = view.passage_top(anchor)
        self._syncing = True
        try:
            for other in self.visible_columns():
                if other is column or not other.view.is_built:
                    continue
                found = partners.get(other.doc.id)
                other.view.set_gap(None)
                if found:
                    other.view.scroll_passage_to(found[0], y)
        finally:
            self._syncing = False

    # ----- hiding, ordering, widths ---------------------------------------------------------

    def hide_column(self, column: DocumentColumn) -> None:
        if len(self.visible_columns()) <= 1:
            raise CommandError("The last visible column cannot be hidden")
        self.hidden.add(column.doc.id)
        column.hide()
        if self.columns[self.focus] is column:
            self.focus = self.columns.index(self.visible_columns()[0])
        self._mark_focus()
        self.layout_changed.emit()
        self.after_move()

    def show_all(self) -> None:
        self.hidden.clear()
        for column in self.columns:
            column.show()
        self.layout_changed.emit()
        QTimer.singleShot(0, self.after_move)  # once the shown columns have their size

    def move_column(self, column: DocumentColumn, step: int) -> None:
        n = self.columns.index(column)
        target = max(0, min(len(self.columns) - 1, n + step))
        if target == n:
            return
        focused = self.column
        sizes = self.splitter.sizes()
        self.columns.insert(target, self.columns.pop(n))
        sizes.insert(target, sizes.pop(n))
        self.splitter.insertWidget(target, column)
        self.splitter.setSizes(sizes)
        self.focus = self.columns.index(focused)
        self._mark_focus()
        self.layout_changed.emit()
        self.after_move()

    def resize_column(self, delta: int) -> None:
        """Widen (or narrow) the focused column. A column's width is its minimum width: the
        others keep theirs and the area scrolls sideways when they no longer fit."""
        column = self.column
        current = column.width() if column.isVisible() else column.minimumWidth()
        limit = max(MIN_COLUMN_WIDTH, self.viewport().width())
        new = max(MIN_COLUMN_WIDTH, min(limit, current + delta))
        if new == current:
            word = "wide" if delta > 0 else "narrow"
            raise CommandError(f"The column is as {word} as it gets")
        column.setMinimumWidth(new)
        sizes = self.splitter.sizes()
        sizes[self.focus] = new
        total = sum(sizes) + self.splitter.handleWidth() * max(0, len(sizes) - 1)
        self.splitter.resize(max(total, self.viewport().width()), self.splitter.height())
        self.splitter.setSizes(sizes)
        self.layout_changed.emit()
        QTimer.singleShot(0, self._after_resize)

    def _after_resize(self) -> None:
        self.ensure_column_visible(self.column)
        self.after_move()

    def equalise(self) -> None:
        """Give every column the same width (the readable minimum, or more if there is room)."""
        for column in self.columns:
            column.setMinimumWidth(MIN_COLUMN_WIDTH)
        shown = max(1, len(self.visible_columns()))
        width = max(MIN_COLUMN_WIDTH, self.viewport().width() // shown)
        self.splitter.setSizes([width] * len(self.columns))
        self.layout_changed.emit()

    # ----- look -----------------------------------------------------------------------------

    def set_theme(self, theme: Theme) -> None:
        for column in self.columns:
            column.view.set_theme(theme)

    def set_zoom(self, zoom: float) -> None:
        for column in self.columns:
            column.view.set_zoom(zoom)
            column.set_zoom(zoom)
        self.after_move()
        self._level_timer.start()  # and again when the new size is laid out
