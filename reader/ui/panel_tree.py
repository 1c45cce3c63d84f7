"""The list of a side panel (topics, entities, annotations), driven from the keyboard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QTreeView, QTreeWidget, QWidget

LIST_SECTION = "lists"  # the keymap section of every side panel's list (`j`/`k`)


class PanelTree(QTreeWidget):
    """Enter activates the current row (as a double click does); Escape emits `leave`, so the
    window gives the keys back to the reading columns."""

    leave = Signal()
    keymap_section = LIST_SECTION

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


def step_list(widget: QWidget | None, steps: int) -> bool:
    """Move a side panel list's current row `steps` rows down (up when negative), over the
    rows shown (a topic's documents too, when it is expanded); False when `widget` is not
    such a list."""
    if not isinstance(widget, QTreeView) or getattr(widget, "keymap_section", None) is None:
        return False
    index = widget.currentIndex()
    model = widget.model()
    if not index.isValid():
        first = model.index(0, 0)
        if first.isValid():
            widget.setCurrentIndex(first)
        return True
    for _ in range(abs(steps)):
        nxt = widget.indexBelow(index) if steps > 0 else widget.indexAbove(index)
        if not nxt.isValid() and steps > 0 and model.canFetchMore(index.parent()):
            model.fetchMore(index.parent())  # the topics view is given its rows as it scrolls
            nxt = widget.indexBelow(index)
        if not nxt.isValid():
            break
        index = nxt
    widget.setCurrentIndex(index)
    widget.scrollTo(index)
    return True
