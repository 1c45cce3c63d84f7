"""A parallel concordance (KWIC): hits in a table with left and right context, and for the
chosen hit its aligned passages in the topic's other documents.

Standalone widget; the window gives it documents and two functions:

    view = ConcordanceView(documents, search_fn, align_fn)
    view.hit_activated.connect(lambda doc_id, start, end: ...)   # Enter / double click
    view.search("trung quoc")                                      # or type in its query box

- `search_fn(query, exact) -> list[Hit]` (reader.corpus.search.Hit); the default searches the
  given documents in memory (`MemorySearch`), ranked.
- `align_fn(doc_id, passage) -> {other doc id: [passage indexes]}`, e.g. a bound
  `TopicAlignment.partners`; without it the parallel pane shows only the hit's own passage.

Keys: in the query box Enter searches; in the table Up/Down choose a hit (the parallel pane
follows), Enter opens it, Escape emits `closed`. Clicking a column header sorts: Left sorts by
the words just before the hit (nearest first), Right by the words after it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.corpus.memory_search import MemorySearch
from reader.corpus.model import Document
from reader.corpus.search import Hit, QueryError, kwic
from reader.ui.fonts import font_for_script

SearchFn = Callable[[str, bool], Sequence[Hit]]
AlignFn = Callable[[str, int], Mapping[str, Sequence[int]]]

COLUMNS = ("Document", "Left", "Hit", "Right")
DOC, LEFT, MATCH, RIGHT = range(4)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CONTEXT = 48
CONTEXT_POINT_SIZE = 11.0  # the contexts and parallel passages (the UI's own size is ~9 pt)
_ROOT = QModelIndex()


class ConcordanceModel(QAbstractTableModel):
    """Rows of (hit, left, match, right); sort keys in SORT_ROLE; the contexts in a font of
    their document's script at a reading size (Khmer and Thai at the UI's 9 pt are hard to
    read)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[Hit, str, str, str, str]] = []  # hit, doc label, left, match, right
        self.script_of: Callable[[Hit], str] = lambda _hit: ""
        self._fonts: dict[str, QFont] = {}

    def font_for(self, script: str) -> QFont:
        font = self._fonts.get(script)
        if font is None:
            font = self._fonts[script] = font_for_script(script, CONTEXT_POINT_SIZE)
        return font

    def set_rows(self, rows: list[tuple[Hit, str, str, str, str]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        hit, label, left, match, right = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (label, left, match, right)[col]
        if role == SORT_ROLE:  # strings: Qt compares them; equal keys keep the ranked order
            if col == LEFT:
                return left[::-1].casefold()  # the nearest word first
            if col == RIGHT:
                return right.casefold()
            if col == MATCH:
                return match.casefold()
            return f"{label.casefold()}\0{hit.start:012d}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == LEFT:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == MATCH:
                return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.path} [{hit.start}, {hit.end})"
        if role == Qt.ItemDataRole.FontRole and col != DOC:
            return self.font_for(self.script_of(hit))
        return None

    def hit(self, row: int) -> Hit:
        return self.rows[row][0]


class _LeftContext(QStyledItemDelegate):
    """Left context cut at its far end, so the words next to the hit stay readable."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


class _Table(QTableView):
    activated_row = Signal(int)
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.currentIndex().isValid():
                self.activated_row.emit(self.currentIndex().row())
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)


class ConcordanceView(QWidget):
    """Query box, KWIC table and the parallel passages of the chosen hit."""

    hit_activated = Signal(str, int, int)  # document id, start, end
    hit_chosen = Signal(str, int, int)
    closed = Signal()

    def __init__(
        self,
        documents: Sequence[Document] = (),
        search_fn: SearchFn | None = None,
        align_fn: AlignFn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.query_box = QLineEdit()
        self.query_box.setPlaceholderText('Search: words, "a phrase", prefix*')
        self.exact_box = QCheckBox("Exact")
        self.exact_box.setToolTip("Match case and diacritics exactly")
        self.status = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.query_box, 1)
        top.addWidget(self.exact_box)
        top.addWidget(self.status)

        self.model = ConcordanceModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = _Table()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        # Rows tall enough for the tallest script's contexts (Khmer stacks consonants).
        tallest = max(
            QFontMetrics(self.model.font_for(sc)).lineSpacing() for sc in ("Latn", "Khmr", "Thai")
        )
        self.table.verticalHeader().setDefaultSectionSize(tallest + 6)
        self._left_delegate = _LeftContext(self.table)
        self.table.setItemDelegateForColumn(LEFT, self._left_delegate)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DOC, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LEFT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MATCH, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RIGHT, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSortIndicatorShown(True)

        self.parallel = QTextBrowser()
        self.parallel.setOpenLinks(False)
        self.parallel.setPlaceholderText("Choose a hit to read it in the other languages")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.parallel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.splitter = split  # a wide, low dock turns it horizontal
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.query_box.returnPressed.connect(lambda: self.search(self.query_box.text()))
        self.query_box.installEventFilter(self)
        self.table.activated_row.connect(self._activate)
        self.table.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.table.escape.connect(self.closed.emit)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_parallel(current.row())
        )
        self.documents: dict[str, Document] = {}
        self.model.script_of = lambda hit: getattr(self.documents.get(hit.doc), "script", "")
        self.search_fn: SearchFn | None = None
        self.align_fn: AlignFn | None = None
        self.set_documents(documents, search_fn, align_fn)

    # --- API -----------------------------------------------------------------------------

    def set_documents(
        self,
        documents: Sequence[Document],
        search_fn: SearchFn | None = None,
        align_fn: AlignFn | None = None,
    ) -> None:
        """The documents hits come from (e.g. a topic's), and how to search and align them."""
        self.documents = {d.id: d for d in documents}
        if search_fn is None:
            memory = MemorySearch(list(documents))

            def search_fn(query: str, exact: bool) -> Sequence[Hit]:
                return memory.search(query, exact=exact)

        self.search_fn = search_fn
        self.align_fn = align_fn
        self.model.set_rows([])
        self.parallel.clear()
        self.status.clear()

    def search(self, query: str, exact: bool | None = None) -> int:
        """Run `query` and fill the table; returns the number of hits (errors in the status)."""
        if exact is not None:
            self.exact_box.setChecked(exact)
        if self.query_box.text() != query:
            self.query_box.setText(query)
        self.parallel.clear()
        assert self.search_fn is not None
        try:
            hits = list(self.search_fn(query, self.exact_box.isChecked()))
        except QueryError as exc:
            self.model.set_rows([])
            self.status.setText(str(exc))
            return 0
        rows = []
        for hit in hits:
            doc = self.documents.get(hit.doc)
            if doc is None:
                continue
            bounds = self._passage_bounds(doc, hit.passage)
            left, match, right = kwic(doc.text, hit.start, hit.end, CONTEXT, bounds)
            rows.append((hit, self._label(doc), left, match, right))
        self.table.setSortingEnabled(False)
        self.proxy.sort(-1)
        self.model.set_rows(rows)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.status.setText(f"{len(rows)} hit{'s' if len(rows) != 1 else ''}")
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()
        return len(rows)

    def sort_by(self, column: str, descending: bool = False) -> None:
        """Sort by "document", "left", "hit" or "right" context."""
        col = {"document": DOC, "left": LEFT, "hit": MATCH, "right": RIGHT}[column]
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.sortByColumn(col, order)

    def hits(self) -> list[Hit]:
        """The hits in the order the table shows them."""
        return [self._hit_at(r) for r in range(self.proxy.rowCount())]

    def rows_text(self) -> list[tuple[str, str, str, str]]:
        """What the table shows, row by row (document, left, hit, right)."""
        out = []
        for r in range(self.proxy.rowCount()):
            cells = [self.proxy.index(r, c).data() for c in range(len(COLUMNS))]
            out.append((cells[0], cells[1], cells[2], cells[3]))
        return out

    def select_hit(self, doc_id: str, start: int) -> bool:
        """Make the row of the hit at `start` of `doc_id` current (as `n` moves on)."""
        for row in range(self.proxy.rowCount()):
            hit = self._hit_at(row)
            if hit.doc == doc_id and hit.start == start:
                self.table.selectRow(row)
                self.table.scrollTo(self.proxy.index(row, 0))
                return True
        return False

    def current_hit(self) -> Hit | None:
        index = self.table.currentIndex()
        return self._hit_at(index.row()) if index.isValid() else None

    def parallel_passages(self) -> list[tuple[str, list[int]]]:
        """(doc id, passages) shown in the parallel pane for the current hit, hit first."""
        hit = self.current_hit()
        if hit is None:
            return []
        out = [(hit.doc, [hit.passage])]
        if self.align_fn is not None:
            for doc_id, passages in self.align_fn(hit.doc, hit.passage).items():
                if doc_id in self.documents and doc_id != hit.doc:
                    out.append((doc_id, list(passages)))
        return out

    # --- internals -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Escape in the query box closes the view, as it does in the table."""
        if (
            watched is self.query_box
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.closed.emit()
            return True
        return super().eventFilter(watched, event)

    def _hit_at(self, proxy_row: int) -> Hit:
        return self.model.hit(self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row())

    def _activate(self, proxy_row: int) -> None:
        hit = self._hit_at(proxy_row)
        self.hit_activated.emit(hit.doc, hit.start, hit.end)

    @staticmethod
    def _label(doc: Document) -> str:
        name = doc.path.rsplit("/", 1)[-1]
        return f"{doc.language} · {name}"

    @staticmethod
    def _passage_bounds(doc: Document, index: int) -> tuple[int, int] | None:
        if 0 <= index < len(doc.passages):
            p = doc.passages[index]
            return p.start, p.end
        return None

    def _show_parallel(self, proxy_row: int) -> None:
        if proxy_row < 0:
            self.parallel.clear()
            return
        hit = self._hit_at(proxy_row)
        self.hit_chosen.emit(hit.doc, hit.start, hit.end)
        parts = []
        for doc_id, passages in self.parallel_passages():
            doc = self.documents[doc_id]
            body = []
            for i in passages:
                if not 0 <= i < len(doc.passages):
                    continue
                p = doc.passages[i]
                if doc_id == hit.doc and i == hit.passage:
                    text = (
                        html.escape(doc.text[p.start : hit.start])
                        + "<b><u>"
                        + html.escape(doc.text[hit.start : hit.end])
                        + "</u></b>"
                        + html.escape(doc.text[hit.end : p.end])
                    )
                else:
                    text = html.escape(doc.text[p.start : p.end])
                body.append(f"<p>{text}</p>")
            if not body:
                body = ["<p><i>no aligned passage</i></p>"]
            heading = html.escape(f"{doc.language} — {doc.title or doc.path}")
            font = self.model.font_for(doc.script)
            families = ", ".join(f"'{f}'" for f in font.families())
            style = f"font-family: {html.escape(families)}; font-size: {CONTEXT_POINT_SIZE}pt"
            text = "".join(body)
            parts.append(f'<p><small><b>{heading}</b></small></p><div style="{style}">{text}</div>')
        self.parallel.setHtml("<hr/>".join(parts))
