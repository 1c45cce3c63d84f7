"""The search bar (`/`): a query line, the scope (this topic or everywhere), the hit count."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

SCOPES = (("topic", "in this topic"), ("all", "everywhere"))


class SearchBar(QWidget):
    """Enter searches; Escape closes. The window does the searching and stepping."""

    submitted = Signal(str, str)  # query, scope
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBar")
        self.line = QLineEdit()
        self.line.setObjectName("searchLine")
        self.line.setPlaceholderText("Search (Enter), n / N next / previous hit, Esc closes")
        self.scope = QComboBox()
        for value, label in SCOPES:
            self.scope.addItem(label, value)
        self.count = QLabel("")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("/"))
        layout.addWidget(self.line, 1)
        layout.addWidget(self.scope)
        layout.addWidget(self.count)
        self.line.returnPressed.connect(self._submit)
        self.line.installEventFilter(self)

    def open(self, scope: str) -> None:
        index = self.scope.findData(scope)
        self.scope.setCurrentIndex(max(0, index))
        self.show()
        self.line.selectAll()
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_scope(self) -> str:
        return str(self.scope.currentData())

    def set_count(self, current: int, total: int, at_least: bool = False) -> None:
        """`current + 1` of `total` hits (`at_least`: the total is a lower bound, "1,234+")."""
        if total == 0:
            self.count.setText("no hits")
            return
        shown = f"{total:,}" + ("+" if at_least else "")
        self.count.setText(f"{current + 1:,}/{shown}" if current >= 0 else f"{shown} hits")

    def _submit(self) -> None:
        self.submitted.emit(self.line.text(), self.current_scope())

    def eventFilter(self, watched: object, event: object) -> bool:
        if (
            watched is self.line
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Escape
        ):
            self.closed.emit()
            return True
        return False
