"""The annotations panel: every note, filtered by text, tag or document; orphans flagged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.ui.flow_layout import FlowLayout
from reader.ui.panel_tree import PanelTree
from reader.ui.theme import Theme

ANN_ROLE = Qt.ItemDataRole.UserRole
ANY = ""


def matches(ann: Any, text: str, tag: str, document: str) -> bool:
    """Whether an annotation passes the panel's filters (text is case-insensitive)."""
    if tag and tag not in ann.tags:
        return False
    if document and ann.document != document:
        return False
    if text:
        needle = text.casefold()
        hay = " ".join([ann.quote, ann.note, " ".join(ann.tags), ann.document]).casefold()
        if needle not in hay:
            return False
    return True


class AnnotationsPanel(QWidget):
    """Lists annotations; activating one jumps to it. Buttons edit, delete, re-attach, exchange."""

    annotation_chosen = Signal(str)
    edit_requested = Signal(str)
    delete_requested = Signal(str)
    reattach_requested = Signal(str)
    export_requested = Signal()
    import_requested = Signal()
    leave = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationsPanel")
        self._annotations: list[Any] = []
        self._titles: dict[str, str] = {}
        self._theme: Theme | None = None
        self.filter = QLineEdit()
        self.filter.setObjectName("annotationFilter")
        self.filter.setPlaceholderText("Filter notes")
        self.tag = QComboBox()
        self.document = QComboBox()
        self.tree = PanelTree()
        self.tree.setHeaderLabels(["Quote", "Note", "Tags", "Document"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.leave.connect(self.leave)
        buttons = FlowLayout()  # wraps in a narrow dock rather than cutting the labels
        for label, slot in (
            ("Edit", self._edit),
            ("Delete", self._delete),
            ("Re-attach", self._reattach),
            ("Export…", self.export_requested.emit),
            ("Import…", self.import_requested.emit),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        filters = QHBoxLayout()
        filters.addWidget(self.filter, 2)
        filters.addWidget(self.tag, 1)
        filters.addWidget(self.document, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.filter.textChanged.connect(self._fill)
        self.tag.currentIndexChanged.connect(self._fill)
        self.document.currentIndexChanged.connect(self._fill)

    def set_annotations(
        self, annotations: Sequence[Any], titles: dict[str, str], theme: Theme
    ) -> None:
        """Show these annotations (`titles`: document path -> title)."""
        self._annotations = list(annotations)
        self._titles = titles
        self._theme = theme
        self._refill_combo(self.tag, "any tag", sorted({t for a in annotations for t in a.tags}))
        self._refill_combo(self.document, "any document", sorted({a.document for a in annotations}))
        self._fill()

    def _refill_combo(self, combo: QComboBox, label: str, values: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(label, ANY)
        for v in values:
            combo.addItem(self._titles.get(v, v) if combo is self.document else v, v)
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def visible_ids(self) -> list[str]:
        return [
            self.tree.topLevelItem(i).data(0, ANN_ROLE)
            for i in range(self.tree.topLevelItemCount())
        ]

    def _fill(self) -> None:
        self.tree.clear()
        text = self.filter.text().strip()
        tag = str(self.tag.currentData() or "")
        document = str(self.document.currentData() or "")
        for ann in self._annotations:
            if not matches(ann, text, tag, document):
                continue
            flag = "⚠ orphaned — " if ann.status == "orphaned" else ""
            quote = " ".join(ann.quote.split())
            note = " ".join(ann.note.split())
            item = QTreeWidgetItem(
                [
                    flag + (quote[:80] + ("…" if len(quote) > 80 else "")),
                    note[:80] + ("…" if len(note) > 80 else ""),
                    ", ".join(ann.tags),
                    self._titles.get(ann.document, ann.document),
                ]
            )
            item.setData(0, ANN_ROLE, ann.id)
            item.setToolTip(0, ann.quote)
            item.setToolTip(1, ann.note)
            if self._theme is not None:
                colour = self._theme.note_colour(ann.color or "yellow")
                item.setForeground(2, QBrush(colour))
                if ann.status == "orphaned":
                    item.setForeground(0, QBrush(QColor(self._theme.error)))
            self.tree.addTopLevelItem(item)
        for col in range(3):
            self.tree.resizeColumnToContents(col)
            self.tree.setColumnWidth(col, min(self.tree.columnWidth(col), 240))

    def select(self, annotation_id: str | None) -> None:
        ids = self.visible_ids()
        if annotation_id in ids:
            self.tree.setCurrentItem(self.tree.topLevelItem(ids.index(annotation_id)))

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ANN_ROLE) if item else None

    def focus_list(self) -> None:
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _activated(self, item: QTreeWidgetItem) -> None:
        self.annotation_chosen.emit(str(item.data(0, ANN_ROLE)))

    def _edit(self) -> None:
        if self.current_id():
            self.edit_requested.emit(self.current_id())

    def _delete(self) -> None:
        if self.current_id():
            self.delete_requested.emit(self.current_id())

    def _reattach(self) -> None:
        if self.current_id():
            self.reattach_requested.emit(self.current_id())
