"""The list of a side panel (topics, entities, annotations), driven from the keyboard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QTreeWidget


class PanelTree(QTreeWidget):
    """Enter activates the current row (as a double click does); Escape emits `leave`, so the
    window gives the keys back to the reading columns."""

    leave = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.leave.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.itemActivated.emit(self.currentItem(), 0)
            return
        super().keyPressEvent(event)


def focus_panel(dock, panel: Any) -> None:
    """Show a side panel's dock and give the panel the keys, its first row current."""
    from PySide6.QtCore import Qt

    dock.show()
    dock.raise_()
    panel.setFocus(Qt.FocusReason.OtherFocusReason)
    if hasattr(panel, "focus_first_row"):  # a model view (the topics)
        panel.focus_first_row()
    elif panel.currentItem() is None and panel.topLevelItemCount():
        panel.setCurrentItem(panel.topLevelItem(0))
