"""The window opens a known corpus from the store's index at once, then refreshes the index in
the background; changed files show up after the refresh, search everywhere uses the index."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reader.store.annotations import Store
from reader.store.index import refresh_corpus
from reader.ui.commands.search import _index_hits
from reader.ui.window import MainWindow
from tests.ui.helpers import empty_window

CTRL = Qt.KeyboardModifier.ControlModifier
WAIT_MS = 60_000


def write_corpus(root):
    root.mkdir()
    (root / "harbour.txt").write_text(
        "The harbour of Da Nang.\n\nShips arrive every morning.\n", encoding="utf-8"
    )
    (root / "porto.txt").write_text(
        "O porto de Da Nang.\n\nOs navios chegam todas as manhãs.\n", encoding="utf-8"
    )
    return root


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "store.db")
    yield s
    s.close()


def open_window(qtbot, tmp_path, store) -> MainWindow:
    return empty_window(qtbot, tmp_path, store, size=(1000, 700))


def text_of(w: MainWindow, name: str) -> str:
    return next(d.text for d in w.analysis.corpus.documents if d.path == name)


def test_a_known_corpus_opens_from_the_index_and_shows_changes_after_the_refresh(
    qtbot, tmp_path, store
):
    root = write_corpus(tmp_path / "corpus")
    refresh_corpus(root, store.path)
    (root / "harbour.txt").write_text(
        "The harbour of Da Nang.\n\nA zeppelin landed on the quay today.\n", encoding="utf-8"
    )
    w = open_window(qtbot, tmp_path, store)
    with qtbot.waitSignal(w.analysis_changed, timeout=WAIT_MS):
        w.load_corpus(root)
    assert w.indexer is not None, "the refresh runs in the background after the first showing"
    assert "Ships arrive" in text_of(w, "harbour.txt"), "shown from the index, before the refresh"
    assert w.progress.isVisible() and w.cancel_button.isVisible()

    with qtbot.waitSignal(w.analysis_changed, timeout=WAIT_MS):
        pass  # the refresh found the changed file and showed the corpus again
    assert "zeppelin" in text_of(w, "harbour.txt")
    qtbot.waitUntil(lambda: w.loader is None and w.indexer is None, timeout=WAIT_MS)
    assert w.index_fresh
    assert not w.progress.isVisible()

    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.search_bar.line, "ZEPPELIN")
    qtbot.keyClick(w.search_bar.line, Qt.Key.Key_Return)
    assert _index_hits(w, "zeppelin") is not None, "a fresh index answers search everywhere"
    assert len(w.session.hits) == 1
    hit = w.session.hits[0]
    doc = w.analysis.corpus.by_id(hit.doc)
    assert doc.path == "harbour.txt" and doc.text[hit.start : hit.end] == "zeppelin"
    assert w.area.column.doc.id == hit.doc


def test_a_new_corpus_reads_the_files_and_builds_the_index_in_the_background(
    qtbot, tmp_path, store
):
    root = write_corpus(tmp_path / "corpus")
    w = open_window(qtbot, tmp_path, store)
    with qtbot.waitSignal(w.analysis_changed, timeout=WAIT_MS):
        w.load_corpus(root)
    assert not w.index_fresh
    qtbot.waitUntil(lambda: w.indexer is None, timeout=WAIT_MS)
    assert w.index_fresh
    assert _index_hits(w, "navios") is not None
    assert refresh_corpus(root, store.path).processed == 0, "the background run built it"


def test_cancel_stops_the_background_refresh_and_the_window_keeps_the_corpus(
    qtbot, tmp_path, store
):
    root = write_corpus(tmp_path / "corpus")
    refresh_corpus(root, store.path)
    for n in range(40):  # new files for the refresh to process
        (root / f"extra{n:02d}.txt").write_text(f"Extra page {n} about Da Nang.\n")
    w = open_window(qtbot, tmp_path, store)
    with qtbot.waitSignal(w.analysis_changed, timeout=WAIT_MS):
        w.load_corpus(root)
    shown = len(w.analysis.corpus.documents)
    assert shown == 2, "the index knew two files"
    qtbot.mouseClick(w.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.indexer is None and w.loader is None, timeout=WAIT_MS)
    assert not w.cancel_button.isVisible()
    assert w.analysis is not None and len(w.analysis.corpus.documents) >= shown
    assert w.message_label.text_shown()


def _harbour_reports(qtbot, tmp_path, store, count: int):
    """A window on `count` indexed reports, each with "harbour" twice, the index fresh."""
    root = tmp_path / "corpus"
    root.mkdir()
    for n in range(count):
        (root / f"port{n}.txt").write_text(
            f"Report {n} from the harbour.\n\nThe harbour of Da Nang is busy.\n", encoding="utf-8"
        )
    refresh_corpus(root, store.path)
    w = open_window(qtbot, tmp_path, store)
    with qtbot.waitSignal(w.analysis_changed, timeout=WAIT_MS):
        w.load_corpus(root)
    qtbot.waitUntil(lambda: w.loader is None and w.indexer is None, timeout=WAIT_MS)
    return w


def test_search_everywhere_fetches_more_hits_as_n_reaches_them(qtbot, tmp_path, store, monkeypatch):
    """A word in every document of a big corpus: the first page of hits comes at once, `n`
    past its end fetches the next page, and the count says how many there are in all."""
    import reader.ui.commands.search as search_commands

    monkeypatch.setattr(search_commands, "INDEX_PAGE", 2)
    monkeypatch.setattr(search_commands, "PREFETCH_AT", -1)  # never in the background here
    w = _harbour_reports(qtbot, tmp_path, store, 5)
    assert w.index_fresh
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.search_bar.line, "harbour")
    qtbot.keyClick(w.search_bar.line, Qt.Key.Key_Return)
    assert len(w.session.hits) == 2, "one page at first"
    assert w.search_bar.count.text() == "1/10"
    seen = {(h.doc, h.start) for h in w.session.hits}
    for _ in range(9):
        qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_N)
    assert len(w.session.hits) == 10 and w.session.hit_index == 9
    assert w.search_bar.count.text() == "10/10"
    assert len({(h.doc, h.start) for h in w.session.hits}) == 10, "no hit twice"
    assert seen <= {(h.doc, h.start) for h in w.session.hits}
    hit = w.session.hits[9]
    assert w.analysis.corpus.by_id(hit.doc).text[hit.start : hit.end] == "harbour"
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_N)
    assert w.session.hit_index == 0, "past the last hit: back to the first"


def test_the_next_page_of_hits_comes_in_the_background_before_n_reaches_it(
    qtbot, tmp_path, store, monkeypatch
):
    """Stepping through hits near the end of those fetched fetches the next page off the
    window's thread; every hit is met once, in the index's order, and none is lost."""
    import reader.ui.commands.search as search_commands

    monkeypatch.setattr(search_commands, "INDEX_PAGE", 4)
    monkeypatch.setattr(search_commands, "PREFETCH_AT", 2)
    w = _harbour_reports(qtbot, tmp_path, store, 7)
    fetched_here = []
    next_page = search_commands.HitPages.next
    monkeypatch.setattr(
        search_commands.HitPages, "next", lambda self: fetched_here.append(1) or next_page(self)
    )
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.search_bar.line, "harbour")
    qtbot.keyClick(w.search_bar.line, Qt.Key.Key_Return)
    seen = [(h.doc, h.start) for h in w.session.hits]
    for i in range(1, 14):
        if i % 4 == 3:  # near the end of a page: the next one arrives without `n` waiting
            qtbot.waitUntil(lambda: not w.session.hit_pages.pending, timeout=WAIT_MS)
        qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_N)
        assert w.session.hit_index == i
    assert not fetched_here, "every page came in the background"
    hits = [(h.doc, h.start) for h in w.session.hits]
    assert len(hits) == 14 == len(set(hits)) and hits[:4] == seen[:4]
    assert w.search_bar.count.text() == "14/14"
