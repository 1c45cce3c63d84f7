"""Main window: the corpus's documents side by side, one column each."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.corpus.model import Corpus, Document
from reader.ui.fonts import font_for_script


class DocumentColumn(QFrame):
    """One document: title, language and script badge, reading text."""

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        header = QHBoxLayout()
        title = QLabel(doc.title)
        title.setWordWrap(True)
        title.setFont(font_for_script(doc.script, 11))
        title.setStyleSheet("font-weight: 600;")
        badge = QLabel(f"{doc.language} · {doc.script}")
        badge.setObjectName("badge")
        badge.setStyleSheet("border: 1px solid palette(mid); border-radius: 6px; padding: 1px 6px;")
        header.addWidget(title, 1)
        header.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.setFont(font_for_script(doc.script, 12))
        self.view.setPlainText("\n\n".join(doc.passage_text(p) for p in doc.passages))
        layout.addWidget(self.view, 1)


class MainWindow(QMainWindow):
    """The reading window of one corpus."""

    def __init__(self, corpus: Corpus) -> None:
        super().__init__()
        self.corpus = corpus
        self.setWindowTitle(f"{corpus.name} — Corpus Reader")
        self.columns_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.columns: list[DocumentColumn] = []
        for doc in corpus.documents:
            column = DocumentColumn(doc)
            self.columns.append(column)
            self.columns_splitter.addWidget(column)
        self.setCentralWidget(self.columns_splitter)
        skipped = f", {len(corpus.skipped)} skipped" if corpus.skipped else ""
        self.statusBar().showMessage(f"{len(corpus.documents)} documents{skipped}")
