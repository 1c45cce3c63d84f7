"""Moving: passages, columns, topics, documents read alone and back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.commands import NORMAL_VISUAL, CommandError, command
from reader.ui.commands.selection import follow_cursor

if TYPE_CHECKING:
    from reader.ui.window import MainWindow


def go(w: MainWindow, index: int) -> None:
    """Make passage `index` of the focused column the cursor (a plain move: the entity
    cursor is left behind, so `v` starts here)."""
    area = w.area
    if not area.columns:
        raise CommandError("No document open")
    w.session.entity_cursor = None
    area.view.set_current(index)
    follow_cursor(w)
    area.after_move()


@command(modes=NORMAL_VISUAL)
def passage_next(w: MainWindow, count: int = 1) -> None:
    """Next passage (a count moves further: 3j)"""
    go(w, w.area.view.current + max(1, count))


@command(modes=NORMAL_VISUAL)
def passage_prev(w: MainWindow, count: int = 1) -> None:
    """Previous passage"""
    go(w, w.area.view.current - max(1, count))


@command(modes=NORMAL_VISUAL)
def passage_first(w: MainWindow) -> None:
    """First passage"""
    go(w, 0)


@command(modes=NORMAL_VISUAL)
def passage_last(w: MainWindow) -> None:
    """Last passage"""
    go(w, w.area.view.passage_count - 1)


@command(modes=NORMAL_VISUAL)
def half_page_down(w: MainWindow, count: int = 1) -> None:
    """Half a page down"""
    for _ in range(max(1, count)):
        go(w, w.area.view.half_page_passages(1))


@command(modes=NORMAL_VISUAL)
def half_page_up(w: MainWindow, count: int = 1) -> None:
    """Half a page up"""
    for _ in range(max(1, count)):
        go(w, w.area.view.half_page_passages(-1))


@command()
def column_next(w: MainWindow, count: int = 1) -> None:
    """Next column (to the right)"""
    w.area.step_column(max(1, count))


@command()
def column_prev(w: MainWindow, count: int = 1) -> None:
    """Previous column (to the left)"""
    w.area.step_column(-max(1, count))


def _topics(w: MainWindow) -> int:
    analysis = w.session.analysis
    if analysis is None or not analysis.topics:
        raise CommandError("No corpus loaded")
    return len(analysis.topics)


@command()
def topic_next(w: MainWindow, count: int = 1) -> None:
    """Next topic"""
    n = _topics(w)
    current = w.session.topic_index if w.session.topic_index is not None else -1
    w.open_topic((current + max(1, count)) % n)


@command()
def topic_prev(w: MainWindow, count: int = 1) -> None:
    """Previous topic"""
    n = _topics(w)
    current = w.session.topic_index if w.session.topic_index is not None else 0
    w.open_topic((current - max(1, count)) % n)


@command()
def open_topic(w: MainWindow, number: int = 0) -> None:
    """Open a topic by number (1 = first), or choose one"""
    _topics(w)
    analysis = w.session.analysis
    assert analysis is not None
    if number:
        w.open_topic(number - 1)
        return
    items = [(f"{t.label}  ({len(t.documents)})", str(n)) for n, t in enumerate(analysis.topics)]
    w.choose("Open topic", items, lambda v: w.open_topic(int(v)))


@command()
def open_document(w: MainWindow, path: str = "") -> None:
    """Read one document alone (choose from a list; Backspace goes back to its topic)"""
    analysis = w.session.analysis
    if analysis is None:
        raise CommandError("No corpus loaded")
    docs = analysis.corpus.documents
    if path:
        match = [d for d in docs if d.path == path or d.id == path]
        if not match:
            raise CommandError(f"No document {path}")
        w.open_document(match[0].id)
        return
    items = [(f"{d.title}  [{d.language}] {d.path}", d.id) for d in docs]
    w.choose("Read a document alone", items, w.open_document)


@command()
def back(w: MainWindow) -> None:
    """Back from a document read alone to its topic, at the same passage"""
    session = w.session
    if not session.single_doc:
        raise CommandError("Not reading a document alone (o opens one)")
    doc_id = session.single_doc
    passage = w.area.view.current if w.area.columns else 0
    analysis = session.analysis
    assert analysis is not None
    topic = analysis.topic_of(doc_id)
    index = analysis.topic_index(topic.id) if topic else session.return_topic
    if index is None:
        raise CommandError("This document has no topic")
    w.state.positions[doc_id] = passage
    w.state.document = doc_id
    w.open_topic(index)
    doc = session.document(doc_id)
    if doc is not None and doc.passages:
        w.area.reveal(doc_id, doc.passages[min(passage, len(doc.passages) - 1)].start)
