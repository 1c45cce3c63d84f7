"""The mismatches panel: the topic's strips and the list of what its versions disagree on.

Each row: kind, confidence, what each side says, and which two documents. Enter jumps to both
sides; `d` or Delete dismisses the row's mismatch: the list's `keymap_section` makes the
window's key dispatcher read the `[mismatches]` keymap section first while the list has the
keyboard (in `[normal]` `d` starts `dd`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QScrollArea,
    QSplitter,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.ui.mismatch_strip import StripRow, TopicStrip
from reader.ui.panel_tree import PanelTree
from reader.ui.theme import Theme

ROW_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True, slots=True)
class PanelRow:
    """One mismatch as the list shows it."""

    key: str  # the mismatch's key (see mismatch_model.Shown)
    kind: str
    confidence: float
    a: str
    b: str
    documents: str
    tooltip: str


class MismatchPanel(QWidget):
    """Strips on the left, the list on the right."""

    chosen = Signal(str)  # key: jump to both sides
    dismiss_requested = Signal(str)  # key
    passage_chosen = Signal(str, int)  # from the strips: document id, passage
    leave = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mismatchPanel")
        self.summary = QLabel("")
        self.summary.setObjectName("mismatchSummary")
        self.summary.setWordWrap(True)
        self.strip = TopicStrip()
        self.strip.passage_chosen.connect(self.passage_chosen)
        strips = QScrollArea()
        strips.setWidgetResizable(True)
        strips.setWidget(self.strip)
        strips.setMinimumWidth(220)
        strips.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from the list to the strips
        self.tree = PanelTree()
        self.tree.setObjectName("mismatchList")
        self.tree.keymap_section = "mismatches"  # type: ignore[attr-defined]  # see keys.py
        self.tree.setHeaderLabels(["Kind", "Conf.", "One side", "Other side", "Documents"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._activated)
        self.tree.leave.connect(self.leave)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(strips)
        split.addWidget(self.tree)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def docked(self) -> None:
        """Now in the window: Tab goes from the list to the strips (Qt keeps a tab order only
        between widgets of one window)."""
        QWidget.setTabOrder(self.tree, self.strip)

    def set_rows(self, rows: list[PanelRow], summary: str) -> None:
        keep = self.current_key()
        self.summary.setText(summary)
        self.tree.setUpdatesEnabled(False)
        self.tree.setCurrentItem(None)
        self.tree.invisibleRootItem().takeChildren()  # clear() costs ~1 ms a row when shown
        items = []
        for row in rows:
            item = QTreeWidgetItem([row.kind, f"{row.confidence:.2f}", row.a, row.b, row.documents])
            item.setData(0, ROW_ROLE, row.key)
            for col in range(5):
                item.setToolTip(col, row.tooltip)
            items.append(item)
        self.tree.addTopLevelItems(items)
        self.tree.setColumnWidth(0, 64)
        self.tree.setColumnWidth(1, 48)
        self.tree.setColumnWidth(2, 150)
        self.tree.setColumnWidth(3, 150)
        self.tree.setUpdatesEnabled(True)
        if keep is not None:
            self.select(keep)
        if self.tree.currentItem() is None and items and self.tree.hasFocus():
            self.tree.setCurrentItem(items[0])  # the list arrived while the reader waited in it

    def set_strips(self, rows: list[StripRow], theme: Theme, note: str = "") -> None:
        self.strip.set_rows(rows, theme, note)

    def keys(self) -> list[str]:
        return [
            str(self.tree.topLevelItem(i).data(0, ROW_ROLE))
            for i in range(self.tree.topLevelItemCount())
        ]

    def current_key(self) -> str | None:
        item = self.tree.currentItem()
        return str(item.data(0, ROW_ROLE)) if item is not None else None

    def select(self, key: str) -> None:
        keys = self.keys()
        if key in keys:
            self.tree.setCurrentItem(self.tree.topLevelItem(keys.index(key)))

    def focus_list(self) -> None:
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.tree.currentItem() is None and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def dismiss_current(self) -> None:
        key = self.current_key()
        if key is not None:
            self.dismiss_requested.emit(key)

    def _activated(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, ROW_ROLE)
        if key:
            self.chosen.emit(str(key))
