"""A corpus whose entities and topics take a while is shown as soon as its documents are read:
each document can be opened, read and searched from the keyboard while the analysis runs, then
topics and highlights land without moving the reader; a cancelled analysis leaves the documents
readable. The analysis is held back here by a gate in the job (run in the loader's thread so
the gate can be monkeypatched; the app runs it in a child process)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from reader import load_jobs
from reader.load_jobs import is_provisional
from reader.ui.loader import CorpusLoader
from tests.ui.helpers import CTRL, empty_window, make_window, press

WAIT_MS = 60_000

EN = "\n\n".join(
    [
        "The harbour of Da Nang opened at dawn.",
        "Ships from Lisbon arrive every morning.",
        "The mayor of Da Nang greeted the sailors.",
        "Fishermen sold their catch on the quay.",
    ]
)
PT = "\n\n".join(
    [
        "O porto de Da Nang abriu de madrugada.",
        "Navios de Lisboa chegam todas as manhãs.",
        "O presidente da câmara de Da Nang saudou os marinheiros.",
        "Os pescadores venderam o peixe no cais.",
    ]
)


@pytest.fixture
def gate(monkeypatch):
    """The analysis waits until the returned event is set (or the load is cancelled)."""
    release = threading.Event()
    real = load_jobs._analyse_corpus

    def held(conn, cancel, *args, **kwargs):
        while not release.wait(0.02) and not cancel.is_set():
            pass
        return real(conn, cancel, *args, **kwargs)

    monkeypatch.setattr(load_jobs, "SHOW_BEFORE_ANALYSIS_CHARS", 0)
    monkeypatch.setattr(load_jobs, "_analyse_corpus", held)
    monkeypatch.setattr(CorpusLoader, "analyse_in_process", False)
    yield release
    release.set()


def _two_files(tmp_path):
    """A corpus of the English and the Portuguese story."""
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "harbour.txt").write_text(EN + "\n", encoding="utf-8")
    (root / "porto.txt").write_text(PT + "\n", encoding="utf-8")
    return root


def open_provisional(qtbot, tmp_path, store):
    root = _two_files(tmp_path)
    w = empty_window(qtbot, tmp_path, store, size=(1200, 800))
    w.load_corpus(root)
    qtbot.waitUntil(
        lambda: w.analysis is not None and w.analysis.corpus.root == root, timeout=WAIT_MS
    )
    return w


def doc_id(w, path: str) -> str:
    return next(d.id for d in w.analysis.corpus.documents if d.path == path)


def test_documents_are_readable_while_entities_and_topics_come_then_the_place_is_kept(
    qtbot, tmp_path, store, gate
):
    w = open_provisional(qtbot, tmp_path, store)
    assert is_provisional(w.analysis)
    assert "Finding entities and topics" in w.message_label.text_shown()
    assert w.loader is not None and w.cancel_button.isVisible()
    labels = [w.topics_panel.row_text(n) for n in range(2)]
    assert all("topics coming" in label for label in labels), labels
    assert "topics coming" in w.topics_panel.header_text()
    assert w.analysis.entities == {} and w.area.columns
    assert not w.registry.run("topic-rename", "Harbour")
    assert "still being found" in w.message_label.text_shown()
    assert store.topic_edits() == [], "no edit stored against a provisional topic"

    press(qtbot, w, "o")  # read the Portuguese document alone, from the keyboard
    qtbot.keyClicks(w.chooser.line, "porto")
    qtbot.keyClick(w.chooser.line, Qt.Key.Key_Return)
    porto = doc_id(w, "porto.txt")
    assert w.area.ids() == [porto]
    press(qtbot, w, "jj")
    assert w.area.view.current == 2

    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(w.search_bar.line, "pescadores")
    qtbot.keyClick(w.search_bar.line, Qt.Key.Key_Return)
    assert [h.doc for h in w.session.hits] == [porto]
    w.focus_columns()
    place = w.area.view.current
    assert place == 3, "the search brought its hit into view"

    gate.set()  # the analysis lands
    qtbot.waitUntil(lambda: not is_provisional(w.analysis), timeout=WAIT_MS)
    assert w.analysis.entities, "highlights arrive with the analysis"
    assert w.area.ids() == [porto], "the document read alone stays"
    assert w.area.view.current == place, "at the same passage"
    assert "topics coming" not in w.topics_panel.row_text(0)
    assert w.topics_panel.header_text() == "Topic"
    assert "Finding entities" not in w.message_label.text_shown()
    assert w.area.view.deco.entities, "the shown document is highlighted"


def test_a_cancelled_analysis_leaves_the_documents_readable(qtbot, tmp_path, store, gate):
    w = open_provisional(qtbot, tmp_path, store)
    assert is_provisional(w.analysis)
    qtbot.mouseClick(w.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.loader is None, timeout=WAIT_MS)
    assert is_provisional(w.analysis) and w.area.columns
    assert "stay readable" in w.message_label.text_shown()
    assert not w.cancel_button.isVisible()
    before = w.area.view.current
    press(qtbot, w, "j")
    assert w.area.view.current == before + 1


def test_a_provisional_topic_gives_way_to_the_real_one_at_the_same_passage(
    qtbot, tmp_path, store, gate
):
    w = open_provisional(qtbot, tmp_path, store)
    assert is_provisional(w.analysis)
    w.focus_columns()
    press(qtbot, w, "jj")
    reading = w.area.column.doc.id
    assert w.area.view.current == 2

    gate.set()
    qtbot.waitUntil(lambda: not is_provisional(w.analysis), timeout=WAIT_MS)
    topic = w.analysis.topic_of(reading)
    assert topic is not None and w.session.topic is topic
    assert reading in w.area.ids() and w.area.column.doc.id == reading, "same column in focus"
    assert w.area.view.current == 2, "at the same passage"


def test_the_status_counts_the_documents_read_while_entities_are_found(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    bar = w.status.progress
    w.loading._progress(750, 3000, "finding entities")
    assert (bar.minimum(), bar.maximum(), bar.value()) == (0, 3000, 750)
    assert bar.format() == "750/3000 entities"
    shown = bar.fontMetrics().horizontalAdvance(bar.format())
    assert shown < bar.width() - 8 or shown < bar.minimumWidth() - 8, "the count fits the bar"
    w.loading._progress(3000, 3000, "finding topics")  # a stage without a count of its own
    assert bar.maximum() == 0, "a busy bar"


def test_an_indexed_corpus_too_big_for_memory_waits_for_the_index_not_an_in_memory_analysis(
    qtbot, tmp_path, store, monkeypatch
):
    """Indexed through phase 1 only and over IN_MEMORY_MAX_CHARS: shown at once, each document
    its own provisional topic; the index's phase 2 runs, then entities and topics come from
    the index (never from an in-memory pass over every text)."""
    from reader.cli import main

    root = _two_files(tmp_path)
    db = str(tmp_path / "notes.db")
    assert main(["index", str(root), "--phase", "1", "--db", db, "--quiet"]) == 0
    monkeypatch.setattr(load_jobs, "IN_MEMORY_MAX_CHARS", 0)
    real = load_jobs._analyse_corpus
    in_memory: list[bool] = []

    def watched(conn, cancel, corpus, links, edits, store_conn, entities=None):
        in_memory.append(entities is None)
        return real(conn, cancel, corpus, links, edits, store_conn, entities)

    monkeypatch.setattr(load_jobs, "_analyse_corpus", watched)
    from reader.ui.loader import IndexRefresher

    held: list[IndexRefresher] = []  # the index job starts once the waiting view is checked
    real_start = IndexRefresher.start
    monkeypatch.setattr(IndexRefresher, "start", lambda job: held.append(job))
    w = empty_window(qtbot, tmp_path, store, size=(1200, 800))
    w.load_corpus(root)
    qtbot.waitUntil(lambda: w.analysis is not None, timeout=WAIT_MS)
    assert is_provisional(w.analysis)
    assert "index has read every document" in w.message_label.text_shown()
    assert all("topics coming" in w.topics_panel.row_text(n) for n in range(2))
    qtbot.waitUntil(lambda: bool(held), timeout=WAIT_MS)
    real_start(held[0])
    qtbot.waitUntil(lambda: not is_provisional(w.analysis), timeout=WAIT_MS)
    assert w.analysis.entities, "entities came with the index's phase 2"
    assert in_memory == [], "the texts were not analysed in memory meanwhile"
    from reader.store.db import connect
    from reader.store.index import index_status

    conn = connect(db)
    assert index_status(conn, root).entities_complete, "the index read them (phase 2)"
    conn.close()


def test_a_corpus_this_machine_cannot_analyse_is_readable_and_says_why(
    qtbot, tmp_path, store, monkeypatch
):
    """Too little free memory for the analysis: no analysis is started (it would push the
    machine into swap or be killed); the documents are shown and the status bar says why."""
    monkeypatch.setattr(load_jobs, "available_memory", lambda: 1000)
    analysed: list[bool] = []
    monkeypatch.setattr(load_jobs, "_analyse_corpus", lambda *a, **k: analysed.append(True))
    root = _two_files(tmp_path)
    w = empty_window(qtbot, tmp_path, store, size=(1200, 800))
    w.load_corpus(root)
    qtbot.waitUntil(lambda: w.analysis is not None and w.loader is None, timeout=WAIT_MS)
    assert is_provisional(w.analysis) and len(w.analysis.corpus.documents) == 2
    assert "GB of memory" in w.message_label.text_shown()
    assert analysed == []
    press(qtbot, w, "o")  # still readable from the keyboard
    qtbot.keyClicks(w.chooser.line, "porto")
    qtbot.keyClick(w.chooser.line, Qt.Key.Key_Return)
    assert "pescadores" in w.area.column.doc.text


def test_the_worker_process_starts_once_the_corpus_has_landed_not_while_it_loads(
    qtbot, tmp_path, store, gate, monkeypatch
):
    """Started while a corpus loads, the worker process (its spawn, the pool's threads) took
    0.1-0.2 s from the load of 100,000 documents; it starts once the corpus is on screen."""
    from reader.ui import loading
    from reader.ui.workers import Jobs

    started: list[str] = []
    submit = Jobs.submit
    monkeypatch.setattr(
        Jobs,
        "submit",
        lambda self, kind, fn, done, process=False: (
            started.append(kind) if kind == "warm-up" else submit(self, kind, fn, done, process)
        ),
    )
    w = open_provisional(qtbot, tmp_path, store)
    assert is_provisional(w.analysis) and started == []
    gate.set()
    qtbot.waitUntil(lambda: not is_provisional(w.analysis), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: started == ["warm-up"], timeout=WAIT_MS)
    w.load_corpus(w.analysis.corpus.root)  # opened again: started once
    qtbot.waitUntil(lambda: w.loader is None, timeout=WAIT_MS)
    qtbot.wait(2 * loading.WARM_UP_AFTER_MS)
    assert started == ["warm-up"]
