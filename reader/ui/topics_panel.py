"""The topics panel: each topic with its label and document count, its documents below it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidgetItem, QWidget

from reader.corpus.model import Document
from reader.corpus.topics import Topic
from reader.ui.panel_tree import PanelTree

TOPIC_ROLE = Qt.ItemDataRole.UserRole
DOC_ROLE = Qt.ItemDataRole.UserRole + 1


class TopicsPanel(PanelTree):
    """Activate a topic to read its documents side by side, a document to read it alone."""

    topic_chosen = Signal(int)
    document_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topicsPanel")
        self.setHeaderLabels(["Topic", "Docs"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        header = self.header()  # the label takes the room; the count always fits (four digits)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.setColumnWidth(1, self.fontMetrics().horizontalAdvance("Docs 0000") + 8)
        self.itemActivated.connect(self._activated)

    def set_topics(self, topics: list[Topic], documents: dict[str, Document]) -> None:
        self.clear()
        pending = bool(topics) and topics[0].origin == "pending"  # each document alone for now
        self.setHeaderLabels(["Documents (topics coming)" if pending else "Topic", "Docs"])
        for n, topic in enumerate(topics):
            item = QTreeWidgetItem([topic.label, str(len(topic.documents))])
            item.setData(0, TOPIC_ROLE, n)
            item.setToolTip(0, topic.label)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            for doc_id in topic.documents:
                doc = documents.get(doc_id)
                if doc is None:
                    continue
                child = QTreeWidgetItem([doc.title, f"{doc.language}"])
                child.setData(0, DOC_ROLE, doc_id)
                child.setToolTip(0, f"{doc.title}\n{doc.path} · {doc.language} · {doc.script}")
                item.addChild(child)
            self.addTopLevelItem(item)

    def select_topic(self, index: int) -> None:
        item = self.topLevelItem(index)
        if item is not None:
            self.setCurrentItem(item)

    def _activated(self, item: QTreeWidgetItem) -> None:
        doc_id = item.data(0, DOC_ROLE)
        if doc_id:
            self.document_chosen.emit(doc_id)
            return
        index = item.data(0, TOPIC_ROLE)
        if index is not None:
            self.topic_chosen.emit(int(index))
