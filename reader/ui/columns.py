"""A document column of the reading window: title, language and script badge, buttons, and the
reading view."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader.corpus.model import Document
from reader.ui.fonts import font_for_script

if TYPE_CHECKING:
    from reader.ui.document_view import DocumentView


TITLE_POINT_SIZE = 11.0


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with … to fit its width (in the middle unless
    told otherwise); `full_text` keeps the whole."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        elide: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle,
    ) -> None:
        super().__init__(parent)
        self.full_text = text
        self.elide_mode = elide
        self._cuts: dict[tuple, str] = {}  # the last few cuts by what they were made for
        self.setMinimumWidth(40)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()  # another font or padding: cut again for it

    def _elide(self) -> None:
        # the room inside the stylesheet's padding (the status bar's labels have 6 px a side)
        width = max(20, self.contentsRect().width() - 2 * self.margin())
        wanted = (self.full_text, self.elide_mode, width, self.font().key())
        cut = self._cuts.get(wanted)
        if cut is None:  # a theme change re-polishes every label, passing through two fonts
            if len(self._cuts) >= 4:
                self._cuts.clear()
            cut = self._cuts[wanted] = self.fontMetrics().elidedText(
                self.full_text, self.elide_mode, width
            )
        if cut != self.text():
            self.setText(cut)


def version_labels(docs: Sequence[Document]) -> dict[str, str]:
    """What names each version where the reader sees several: its language, numbered in
    column order when the topic holds that language more than once (`en 1`, `en 2`, `km`)."""
    counts = Counter(d.language for d in docs)
    seen: Counter[str] = Counter()
    out = {}
    for d in docs:
        if counts[d.language] > 1:
            seen[d.language] += 1
            out[d.id] = f"{d.language} {seen[d.language]}"
        else:
            out[d.id] = d.language
    return out


class DocumentColumn(QFrame):
    """One document: title, language and script badge, buttons, and the reading view."""

    hide_requested = Signal()
    move_requested = Signal(int)
    focus_requested = Signal()

    def __init__(
        self, doc: Document, view: DocumentView, parent: QWidget | None = None, label: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName("column")
        self.doc = doc
        self.label = label or doc.language  # `en 2` when the topic has two English versions
        self.view = view
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 4, 2)
        self.title = ElidedLabel(doc.title)
        self.title.setObjectName("columnTitle")
        self.title.setFont(font_for_script(doc.script, TITLE_POINT_SIZE))
        self.title.setToolTip(f"{doc.title}\n{doc.path}")
        self.badge = QLabel(f"{self.label} · {doc.script}")
        self.badge.setObjectName("badge")
        self.badge.setToolTip(f"language {doc.language}, script {doc.script}")
        header.addWidget(self.title, 1)
        header.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        for text, tip, slot in (
            ("◀", "Move column left (<)", lambda: self.move_requested.emit(-1)),
            ("▶", "Move column right (>)", lambda: self.move_requested.emit(1)),
            ("✕", "Hide column (x); X shows all", self.hide_requested.emit),
        ):
            button = QToolButton()
            button.setObjectName("columnButton")
            button.setText(text)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(view, 1)
        view.viewport().installEventFilter(self)

    def set_zoom(self, zoom: float) -> None:
        """Follow the reading size in the title."""
        self.title.setFont(font_for_script(self.doc.script, TITLE_POINT_SIZE + zoom * 0.5))
        # a font set after the stylesheet loses its weight (600) until the label is polished again
        self.title.style().unpolish(self.title)
        self.title.style().polish(self.title)
        self.title.set_full_text(self.title.full_text)  # cut again for the new size

    def set_focused(self, focused: bool) -> None:
        self.setProperty("focused", "true" if focused else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QMouseEvent) and event.type() == QEvent.Type.MouseButtonPress:
            self.focus_requested.emit()
        return False
