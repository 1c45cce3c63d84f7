"""The concordance dock in the window, driven by keys alone: open, search, read aligned, jump."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.helpers import make_window, press, sora_topic

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, None)
    w.open_topic(sora_topic(w.analysis))
    return w


def key(qtbot, w, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(w.focusWidget() or w, k, modifier)


def test_ctrl_k_opens_the_concordance_on_the_topic_and_enter_jumps_to_the_hit(qtbot, window):
    topic_docs = {c.doc.id for c in window.area.columns}
    key(qtbot, window, Qt.Key.Key_K, CTRL)
    dock = window.concordance_dock
    view = window.concordance
    assert dock is not None and dock.isVisible()
    assert window.focusWidget() is view.query_box, "with no search yet, the query box has focus"

    qtbot.keyClicks(view.query_box, "sora")
    key(qtbot, window, Qt.Key.Key_Return)
    hits = view.hits()
    assert len({h.doc for h in hits}) == 3, "hits come from every document of the topic"
    assert {h.doc for h in hits} <= topic_docs
    for _, _, match, _ in view.rows_text():
        assert match.casefold() == "sora"
    assert window.focusWidget() is view.table

    # the parallel pane shows the hit's passage and its aligned partners in other documents
    shown = view.parallel_passages()
    assert shown[0][0] == hits[0].doc
    assert len(shown) >= 2 and all(d in topic_docs for d, _ in shown)

    key(qtbot, window, Qt.Key.Key_Down)
    chosen = view.current_hit()
    assert chosen == hits[1]
    key(qtbot, window, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert window.area.column.doc.id == chosen.doc
    passage = window.area.column.doc.passages[window.area.view.current]
    assert passage.start <= chosen.start < passage.end
    assert (chosen.start, chosen.end) in window.area.view.deco.hits
    assert window.focusWidget() is window.central, "the reader is back in the columns"

    press(qtbot, window, "n")  # n steps on through the concordance's hits
    following = hits[2]
    assert window.area.column.doc.id == following.doc
    passage = window.area.column.doc.passages[window.area.view.current]
    assert passage.start <= following.start < passage.end


def test_the_concordance_is_seeded_with_the_search_and_escape_closes_it(qtbot, window):
    press(qtbot, window, "/")
    qtbot.keyClicks(window.search_bar.line, "SORA")
    key(qtbot, window, Qt.Key.Key_Return)
    assert window.session.hits
    key(qtbot, window, Qt.Key.Key_K, CTRL)
    view = window.concordance
    assert view.query_box.text() == "SORA"
    assert view.hits(), "the search query runs at once"
    for _, _, match, _ in view.rows_text():
        assert match.casefold() == "sora"
    key(qtbot, window, Qt.Key.Key_Escape)
    assert not window.concordance_dock.isVisible()
    assert window.focusWidget() is window.central
