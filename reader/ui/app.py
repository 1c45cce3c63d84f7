"""Start the Qt application: fonts, corpus, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from reader.corpus.loading import load_corpus
from reader.paths import seeds_dir
from reader.ui.fonts import register_bundled_fonts
from reader.ui.window import MainWindow


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with the bundled fonts registered."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Corpus Reader")
    app.setOrganizationName("corpus-reader")
    register_bundled_fonts()
    return app  # type: ignore[return-value]


def run_app(directory: Path | None = None, db: str | None = None) -> int:
    """Open the reading window on `directory` (default: the bundled seeds) and run."""
    app = make_app()
    root = Path(directory or seeds_dir())
    try:
        corpus = load_corpus(root)
    except OSError as exc:
        QMessageBox.critical(None, "Corpus Reader", f"Cannot open {root}: {exc}")
        return 1
    window = MainWindow(corpus)
    window.resize(1400, 900)
    window.show()
    return app.exec()
