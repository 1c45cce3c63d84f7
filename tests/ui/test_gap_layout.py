"""A gap band opened while Qt is still laying a document out must not stop the layout: the
passages after it would stay blank (seen in every column past the first screen)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from reader.corpus.loading import load_corpus
from reader.paths import seeds_dir
from reader.ui.document_view import DocumentView
from reader.ui.fonts import register_bundled_fonts


def test_passages_after_a_gap_opened_during_layout_are_laid_out(qtbot):
    register_bundled_fonts()
    doc = next(d for d in load_corpus(seeds_dir()).documents if d.path.startswith("004"))
    view = DocumentView(doc)
    qtbot.addWidget(view)
    view.resize(300, 700)
    view.show()
    view.ensure_built()
    view.set_gap(5, 40.0)  # before Qt's lazy layout has reached the end
    qtbot.waitUntil(lambda: view.passage_height(view.passage_count - 1) > 0, timeout=3000)
    QApplication.processEvents()
    blank = [i for i in range(view.passage_count) if view.passage_height(i) <= 0]
    assert not blank, f"passages never laid out: {blank}"
