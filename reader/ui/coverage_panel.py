"""What each version of the open topic lacks of the others ("vi lacks ¶1–¶7 of pt"), in a
small panel over the columns that the reader reads and dismisses (`zg`, Escape or q)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QVBoxLayout, QWidget

from reader.ui.columns import version_labels
from reader.ui.keys import key_names

if TYPE_CHECKING:
    from reader.corpus.model import Document
    from reader.corpus.pipeline import Analysis
    from reader.ui.window import MainWindow


def coverage_lines(
    analysis: Analysis | None,
    docs: list[Document],
    alignment: Any,
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """One line per run of passages a version lacks, for every two of `docs` (named by
    `labels`, document id -> what the column's badge says, else by `version_labels`)."""
    from reader.corpus.align.compare import coverage

    if analysis is None:
        return []
    labels = labels or version_labels(docs)  # `en 1 lacks ¶2 of en 2`: a language twice
    out = []
    for n, a in enumerate(docs):
        for b in docs[n + 1 :]:
            try:
                between = alignment.between(a.id, b.id)
            except (KeyError, IndexError):
                continue
            for run in coverage(a, b, between):
                lacking, of = (a, b) if run.lacking == a.id else (b, a)
                out.append(
                    f"{run.label(labels[lacking.id], labels[of.id])}"
                    f"  ({lacking.title[:40]} / {of.title[:40]})"
                )
    return out


class CoveragePanel(QFrame):
    """The summary over the bottom of the columns; keys stay with it while it is open."""

    owns_keyboard = True

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("coveragePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel("What each version lacks")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.installEventFilter(self)
        layout.addWidget(self.title)
        layout.addWidget(self.browser, 1)
        layout.addWidget(QLabel("Escape, q or zg close · j/k scroll"))
        self._return: QWidget | None = None
        self.hide()

    def show_lines(self, lines: list[str]) -> None:
        body = "<br>".join(html.escape(x) for x in lines) or "Every version covers the others."
        self.browser.setHtml(body)
        parent = self.parentWidget()
        if parent is not None:
            r = parent.rect()
            height = min(r.height() // 2, 90 + 22 * max(1, len(lines)))
            self.setGeometry(r.left() + 40, r.bottom() - height - 40, r.width() - 80, height)
        if not self.isVisible():
            self._return = self.window().focusWidget()
        self.show()
        self.raise_()
        self.browser.setFocus(Qt.FocusReason.PopupFocusReason)

    def close_panel(self) -> None:
        self.hide()
        if self._return is not None:
            self._return.setFocus()
        self._return = None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is not self.browser or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        names = set(key_names(event))
        bar = self.browser.verticalScrollBar()
        if {"Escape", "q", "g", "Return"} & names:
            self.close_panel()
        elif {"j", "Down"} & names:
            bar.setValue(bar.value() + bar.singleStep())
        elif {"k", "Up"} & names:
            bar.setValue(bar.value() - bar.singleStep())
        elif "z" not in names:
            return False
        return True


def show_coverage(w: MainWindow, lines: list[str]) -> None:
    from reader.ui.alignment_view import editing

    state = editing(w)
    if state.panel is None:
        state.panel = CoveragePanel(w.central)
    state.panel.show_lines(lines)
