"""The entities panel: the topic's shared entities with a count per document."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidgetItem, QWidget

from reader.corpus.entities import Entity
from reader.corpus.model import Document
from reader.ui.columns import version_labels
from reader.ui.panel_tree import PanelTree
from reader.ui.theme import Theme

ENTITY_ROLE = Qt.ItemDataRole.UserRole


class EntitiesPanel(PanelTree):
    """Activating an entity (Enter, double click) steps through its occurrences across columns."""

    entity_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entitiesPanel")
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSortingEnabled(False)
        self.setHeaderLabels(["Entity", "Kind"])  # not Qt's lone `1` while a corpus loads
        self.itemActivated.connect(self._activated)
        self._ids: list[str] = []

    def set_entities(
        self,
        entities: list[tuple[Entity, Mapping[str, int]]],
        documents: list[Document],
        theme: Theme,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Entities of the open documents with their mentions in each (`topic_mentions`)."""
        self.clear()
        self._ids = [e.id for e, _ in entities]
        labels = labels or version_labels(documents)  # `en 1`, `en 2`: a language twice
        headers = ["Entity", "Kind"] + [labels[d.id] for d in documents]
        self.setColumnCount(len(headers))  # fewer documents than before: no stale columns
        self.setHeaderLabels(headers)
        for col, doc in enumerate(documents, 2):
            self.headerItem().setToolTip(col, doc.title)
        for ent, counts in entities:
            item = QTreeWidgetItem(
                [ent.label, ent.kind] + [str(counts.get(d.id, 0) or "·") for d in documents]
            )
            item.setData(0, ENTITY_ROLE, ent.id)
            item.setBackground(0, QBrush(theme.entity_colour(ent.colour)))
            item.setForeground(0, QBrush(QColor(theme.text)))
            where = ", ".join(f"{labels[d.id]}: {counts.get(d.id, 0)}" for d in documents)
            item.setToolTip(0, f"{ent.label} ({ent.kind}) — {where}")
            for col in range(2, 2 + len(documents)):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
            self.addTopLevelItem(item)
        self.setColumnWidth(0, 130)
        self.setColumnWidth(1, 72)
        for col in range(2, 2 + len(documents)):
            self.setColumnWidth(col, 34)

    def select_entity(self, entity_id: str | None) -> None:
        if entity_id in self._ids:
            self.setCurrentItem(self.topLevelItem(self._ids.index(entity_id)))

    def _activated(self, item: QTreeWidgetItem) -> None:
        entity_id = item.data(0, ENTITY_ROLE)
        if entity_id:
            self.entity_chosen.emit(str(entity_id))
