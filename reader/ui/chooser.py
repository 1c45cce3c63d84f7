"""A small keyboard chooser: type to filter a list, Enter picks, Escape closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reader.ui.fonts import font_for_script

ITEM_POINT_SIZE = 11.0  # document titles in any script (the UI's own size is ~9 pt)
TALL_SCRIPTS = ("Latn", "Khmr", "Thai", "Mymr")  # scripts whose lines are the tallest


def row_height(point_size: float) -> int:
    """Height of a list row that holds a line of any script at `point_size`."""
    return (
        max(QFontMetrics(font_for_script(sc, point_size)).lineSpacing() for sc in TALL_SCRIPTS) + 4
    )


class _TallRows(QStyledItemDelegate):
    """Rows at least `height` tall (the widget's own font is shorter than Khmer's)."""

    def __init__(self, parent: QWidget, height: int) -> None:
        super().__init__(parent)
        self._height = height

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), self._height))


class Chooser(QFrame):
    """Pick one of several (label, value) items; calls `on_pick(value)`."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("chooser")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.title = QLabel()
        self.line = QLineEdit()
        self.line.setObjectName("chooserLine")
        self.list = QListWidget()
        # Titles in Khmer or Thai at a size to read (font fallback finds their glyphs); set
        # once for the list, not per item: `o` lists every document of a corpus.
        font = self.list.font()
        font.setPointSizeF(ITEM_POINT_SIZE)
        self.list.setFont(font)
        # Rows as tall as a Khmer or Thai line (stacked marks), measured once for all rows.
        self.list.setUniformItemSizes(True)
        self.list.setItemDelegate(_TallRows(self.list, row_height(ITEM_POINT_SIZE)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.line)
        layout.addWidget(self.list)
        self.line.textChanged.connect(self._filter)
        self.line.installEventFilter(self)
        self.list.itemActivated.connect(self._pick_item)
        self._on_pick: Callable[[str], None] | None = None
        self._on_close: Callable[[], None] | None = None
        self.hide()

    def open(
        self,
        title: str,
        items: list[tuple[str, str]],
        on_pick: Callable[[str], None],
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.title.setText(title)
        self.list.clear()
        for label, value in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.list.addItem(item)
        self._on_pick = on_pick
        self._on_close = on_close
        self.line.clear()
        self._filter("")
        parent = self.parentWidget()
        width = min(640, max(360, parent.width() // 2))
        height = min(420, max(200, parent.height() // 2))
        self.setGeometry((parent.width() - width) // 2, 60, width, height)
        self.show()
        self.raise_()
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_chooser(self) -> None:
        if self.isVisible():
            self.hide()
            if self._on_close:
                self._on_close()

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hidden = not all(w in item.text().casefold() for w in words)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        if first is not None:
            self.list.setCurrentItem(first)

    def _move(self, step: int) -> None:
        row = self.list.currentRow()
        n = self.list.count()
        for _ in range(n):
            row = (row + step) % n
            if not self.list.item(row).isHidden():
                self.list.setCurrentRow(row)
                return

    def _pick_item(self, item: QListWidgetItem | None) -> None:
        if item is None or item.isHidden():
            return
        value = str(item.data(Qt.ItemDataRole.UserRole))
        callback = self._on_pick
        self.hide()
        if self._on_close:
            self._on_close()
        if callback:
            callback(value)

    def eventFilter(self, watched: object, event: object) -> bool:
        if (
            watched is self.line
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
        ):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.close_chooser()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._pick_item(self.list.currentItem())
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
        return False
