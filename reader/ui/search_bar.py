"""The search bar (`/`): a query line, the scope (this topic or everywhere), the hit count."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from reader.corpus.model import Document
from reader.corpus.text import fold_key

SCOPES = (("topic", "in this topic"), ("all", "everywhere"))


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One hit: `[start, end)` in code points of a document's reading text."""

    doc: str
    start: int
    end: int


def find_hits(documents: list[Document], query: str) -> list[SearchHit]:
    """Hits of `query` in reading order of `documents`; case- and diacritic-insensitive.

    Uses the core's search (words, phrases, unspaced scripts) when it is there; otherwise a
    plain folded substring match.
    """
    query = query.strip()
    if not query:
        return []
    try:
        from reader.corpus.search import MemorySearch, QueryError
    except ImportError:
        return _substring_hits(documents, query)
    try:
        hits = MemorySearch(list(documents)).search(query, order="position")
    except QueryError:
        return _substring_hits(documents, query)
    order = {d.id: n for n, d in enumerate(documents)}
    found = sorted({(order[h.doc], h.start, h.end, h.doc) for h in hits if h.doc in order})
    return [SearchHit(doc, s, e) for _, s, e, doc in found]


def _substring_hits(documents: list[Document], query: str) -> list[SearchHit]:
    key = fold_key(query)
    hits: list[SearchHit] = []
    for doc in documents:
        folded, origin = _folded_with_map(doc.text)
        pos = folded.find(key)
        while pos >= 0:
            hits.append(SearchHit(doc.id, origin[pos], origin[pos + len(key) - 1] + 1))
            pos = folded.find(key, pos + max(1, len(key)))
    return hits


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the offset it came from."""
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = fold_key(ch) if not ch.isascii() else ch.lower()
        parts.append(f)
        origin.extend([i] * len(f))
    return "".join(parts), origin


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

    def set_count(self, current: int, total: int) -> None:
        if total == 0:
            self.count.setText("no hits")
        else:
            self.count.setText(f"{current + 1}/{total}" if current >= 0 else f"{total} hits")

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
