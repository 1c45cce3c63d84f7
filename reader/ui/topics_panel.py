"""The topics panel: each topic with its label and document count, its documents below it.

A model over the analysis's topics (no item objects): 100,000 documents, each its own topic
while topics are coming, show at once, and a topic's rows are made when it is expanded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QTreeView, QWidget

from reader.corpus.model import Document
from reader.corpus.topics import Topic
from reader.ui.panel_tree import LIST_SECTION

TOPIC_ROLE = Qt.ItemDataRole.UserRole
DOC_ROLE = Qt.ItemDataRole.UserRole + 1
_TOP = 0  # internal id of a topic row; a document row's is its topic's row + 1

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class TopicsModel(QAbstractItemModel):
    """Topics (rows) and their documents (children), read from the lists they were given.

    The view is given the topics `FIRST_ROWS` at a time (`canFetchMore`/`fetchMore`, then
    twice as many each time, or up to a row asked for): a tree view lays out every row it has,
    one call into this model a row, and 100,000 topics would hold the window for a third of a
    second each time it does.
    """

    FIRST_ROWS = 2000

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.topics: list[Topic] = []
        self.documents: dict[str, Document] = {}
        self._children: dict[int, list[str]] = {}
        self.pending = False
        self.rows = 0  # topic rows the view has

    def reset(self, topics: list[Topic], documents: dict[str, Document]) -> None:
        self.beginResetModel()
        self.topics, self.documents, self._children = topics, documents, {}
        self.pending = bool(topics) and topics[0].origin == "pending"  # each document alone
        self.rows = min(len(topics), self.FIRST_ROWS)
        self.endResetModel()

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and self.rows < len(self.topics)

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if not parent.isValid():
            self.reach(self.rows * 2 - 1)

    def reach(self, row: int) -> None:
        """Give the view the topic rows up to `row` (a topic chosen further down)."""
        end = min(len(self.topics), row + 1)
        if end > self.rows:
            self.beginInsertRows(_ROOT, self.rows, end - 1)
            self.rows = end
            self.endInsertRows()

    def _docs(self, row: int) -> list[str]:
        found = self._children.get(row)
        if found is None:
            found = [d for d in self.topics[row].documents if d in self.documents]
            self._children[row] = found
        return found

    # ------------------------------------------------------------------ the model

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if parent.isValid():
            if parent.internalId() != _TOP or not 0 <= row < len(self._docs(parent.row())):
                return QModelIndex()
            return self.createIndex(row, column, parent.row() + 1)
        if not 0 <= row < self.rows:
            return QModelIndex()
        return self.createIndex(row, column, _TOP)

    def parent(self, child: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: Index = _ROOT) -> int:
        if not parent.isValid():
            return self.rows
        if parent.internalId() != _TOP or parent.column() != 0:
            return 0
        return len(self._docs(parent.row()))

    def hasChildren(self, parent: Index = _ROOT) -> bool:
        if not parent.isValid():
            return bool(self.topics)
        return parent.internalId() == _TOP and bool(self.topics[parent.row()].documents)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Documents (topics coming)" if self.pending else "Topic"
            return "Docs"
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            topic = self.topics[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return topic.label if index.column() == 0 else str(len(topic.documents))
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
                return topic.label
            if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == TOPIC_ROLE:
                return index.row()
            return None
        doc = self.documents[self._docs(index.internalId() - 1)[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return doc.title if index.column() == 0 else doc.language
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"{doc.title}\n{doc.path} · {doc.language} · {doc.script}"
        if role == DOC_ROLE:
            return doc.id
        return None


class TopicsPanel(QTreeView):
    """Activate a topic to read its documents side by side, a document to read it alone.
    Enter activates the current row (as a double click does); Escape emits `leave`."""

    keymap_section = LIST_SECTION  # j/k move through the rows (keys.py)
    topic_chosen = Signal(int)
    document_chosen = Signal(str)
    leave = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topicsPanel")
        self.topics_model = TopicsModel(self)
        self.setModel(self.topics_model)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        header = self.header()  # the label takes the room; the count always fits (four digits)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(1, self.fontMetrics().horizontalAdvance("Docs 0000") + 8)
        self.activated.connect(self._activated)

    def set_topics(self, topics: list[Topic], documents: dict[str, Document]) -> None:
        self.topics_model.reset(topics, documents)

    def header_text(self, column: int = 0) -> str:
        return str(self.topics_model.headerData(column, Qt.Orientation.Horizontal, 0))

    def row_text(self, row: int, column: int = 0) -> str:
        """What topic row `row` shows in `column` (label or document count)."""
        self.topics_model.reach(row)
        return str(self.topics_model.index(row, column).data())

    def row_count(self) -> int:
        """How many topics the panel lists (the view is given them as it scrolls)."""
        return len(self.topics_model.topics)

    def select_topic(self, index: int) -> None:
        self.topics_model.reach(index)
        found = self.topics_model.index(index, 0)
        if found.isValid():
            self.setCurrentIndex(found)

    def focus_first_row(self) -> None:
        """Make the first row current when none is (the panel was just given the keys)."""
        if not self.currentIndex().isValid() and self.topics_model.rowCount():
            self.setCurrentIndex(self.topics_model.index(0, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.leave.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        if event.key() == Qt.Key.Key_End:  # the last topic, not the last row given so far
            self.topics_model.reach(len(self.topics_model.topics) - 1)
        super().keyPressEvent(event)

    def _activated(self, index: QModelIndex) -> None:
        doc_id = index.siblingAtColumn(0).data(DOC_ROLE)
        if doc_id:
            self.document_chosen.emit(doc_id)
            return
        row = index.siblingAtColumn(0).data(TOPIC_ROLE)
        if row is not None:
            self.topic_chosen.emit(int(row))
