"""A very long document shows a window of passages around the cursor: G and gg jump at once,
scrolling by hand moves the window on, highlights and the cursor stay right."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from reader.corpus.entities import EntityIndex
from reader.corpus.loading import load_corpus
from reader.corpus.pipeline import Analysis
from reader.corpus.topics import BaseTopics, Topic
from reader.ui.document_view import WINDOW_CHARS
from tests.ui.helpers import make_window, press, settle


def long_analysis(tmp_path) -> Analysis:
    folder = tmp_path / "long"
    folder.mkdir()
    paragraphs = [
        f"Paragraph {n}: the harbour of Da Nang handled {n * 7} ships this week, and the "
        f"port authority said trade grew by {n % 13} per cent over the year before."
        for n in range(9000)
    ]
    (folder / "long.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    corpus = load_corpus(folder)
    doc = corpus.documents[0]
    topic = Topic("long", doc.title, [doc.id])
    return Analysis(corpus, EntityIndex([], {}), BaseTopics([topic], [], {}), [topic])


def test_G_and_gg_on_a_long_document_show_the_end_and_the_start(qtbot, tmp_path):
    analysis = long_analysis(tmp_path)
    doc = analysis.corpus.documents[0]
    assert len(doc.text) > 2 * WINDOW_CHARS
    w = make_window(qtbot, tmp_path, analysis=analysis)
    view = w.area.view
    assert view.document().blockCount() < len(doc.passages), "only a window is laid out"
    press(qtbot, w, "G")
    assert view.current == len(doc.passages) - 1
    top = view.passage_top(view.current)
    assert 0 <= top < view.viewport().height(), "the last passage is on screen"
    assert "9000/9000" in w.passage_label.text()
    press(qtbot, w, "gg")
    assert view.current == 0 and 0 <= view.passage_top(0) < view.viewport().height()


def test_scrolling_by_hand_moves_the_window_on_and_search_hits_show(qtbot, tmp_path):
    analysis = long_analysis(tmp_path)
    w = make_window(qtbot, tmp_path, analysis=analysis)
    view = w.area.view
    first_window = (view._base, view._stop)
    bar = view.verticalScrollBar()
    for _ in range(3):
        bar.setValue(bar.maximum())  # as the wheel or the scroll bar does
        QApplication.processEvents()
    assert (view._base, view._stop) != first_window, "the window followed the scrolling"
    shown = view.passage_at_y(view.viewport().height() / 2)
    assert view.in_window(shown)
    w.registry.run("search")
    qtbot.keyClicks(w.search_bar.line, "8500")
    qtbot.keyClick(w.search_bar.line, "\r")
    settle(qtbot, w)
    hit = w.session.hits[w.session.hit_index]
    assert view.in_window(view.current)
    assert view.passage(view.current).start <= hit.start < view.passage(view.current).end
    QApplication.processEvents()
    formats = [sel.cursor.selectedText() for sel in view.extraSelections()]
    assert "8500" in formats, "the hit is highlighted in the moved window"
