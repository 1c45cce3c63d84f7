"""Visual mode: select text by word, sentence or passage, starting at the cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.commands import CommandError, command
from reader.ui.modes import Mode

if TYPE_CHECKING:
    from reader.ui.selection import Units
    from reader.ui.window import MainWindow

VISUAL = ("visual",)


def units(w: MainWindow, doc_id: str) -> Units:
    """Word and sentence units of a document (cached per window)."""
    from reader.ui.selection import Units

    cache = w.units_cache
    if doc_id not in cache:
        doc = w.session.document(doc_id)
        if doc is None:
            raise CommandError("The document is no longer open")
        cache[doc_id] = Units(doc)
    return cache[doc_id]


def set_selection(w: MainWindow, doc_id: str, anchor: int, head: int) -> None:
    w.session.set_selection((doc_id, anchor, head))


def leave_visual(w: MainWindow) -> None:
    w.session.set_selection(None)
    if w.modes.mode == Mode.VISUAL:
        w.modes.leave()


def follow_cursor(w: MainWindow) -> None:
    """In visual mode, a passage move extends the selection to the cursor passage."""
    sel = w.session.selection
    if w.modes.mode != Mode.VISUAL or sel is None:
        return
    doc_id, anchor, _ = sel
    view = w.area.view
    if view.doc.id != doc_id:
        return
    p = view.passage(view.current)
    head = p.end if p.start >= anchor else max(anchor, p.start)
    set_selection(w, doc_id, anchor, head)


@command()
def visual(w: MainWindow) -> None:
    """Visual mode: select from the cursor by word, sentence or passage"""
    view = w.area.view
    doc = view.doc
    if not doc.passages:
        raise CommandError("Nothing to select")
    u = units(w, doc.id)
    anchor, head = u.first_word(view.current)
    cursor = w.session.entity_cursor
    if cursor and cursor[0] == doc.id:  # just reached with e/E: start on that name
        p = view.passage(view.current)
        entity = w.session.entity(w.session.focus_entity)
        occ = next(
            (
                o
                for o in (entity.occurrences if entity else [])
                if o.doc == doc.id and o.start == cursor[1]
            ),
            None,
        )
        if occ is not None and p.start <= occ.start < p.end:
            anchor, head = occ.start, occ.end
    w.modes.enter(Mode.VISUAL)
    set_selection(w, doc.id, anchor, head)


def _extend(w: MainWindow, kind: str, direction: int, count: int) -> None:
    sel = w.session.selection
    if sel is None:
        raise CommandError("Nothing selected")
    doc_id, anchor, head = sel
    view = w.area.view
    if view.doc.id != doc_id:
        raise CommandError("The selection is in another column")
    u = units(w, doc_id)
    floor = max(u.first_word(view.passage_at_offset(anchor))[1], anchor + 1)
    for _ in range(max(1, count)):
        head = u.next_end(kind, head) if direction > 0 else u.prev_end(kind, head, floor)
    set_selection(w, doc_id, anchor, head)
    view.set_current(view.passage_at_offset(max(anchor, head - 1)))
    w.area.after_move()


@command(modes=VISUAL)
def select_word_next(w: MainWindow, count: int = 1) -> None:
    """Extend the selection by a word"""
    _extend(w, "word", 1, count)


@command(modes=VISUAL)
def select_word_prev(w: MainWindow, count: int = 1) -> None:
    """Shrink the selection by a word"""
    _extend(w, "word", -1, count)


@command(modes=VISUAL)
def select_sentence_next(w: MainWindow, count: int = 1) -> None:
    """Extend the selection to the end of the sentence"""
    _extend(w, "sentence", 1, count)


@command(modes=VISUAL)
def select_sentence_prev(w: MainWindow, count: int = 1) -> None:
    """Shrink the selection by a sentence"""
    _extend(w, "sentence", -1, count)


@command(modes=VISUAL)
def select_passage_next(w: MainWindow, count: int = 1) -> None:
    """Extend the selection to the end of the passage"""
    _extend(w, "passage", 1, count)


@command(modes=VISUAL)
def select_passage_prev(w: MainWindow, count: int = 1) -> None:
    """Shrink the selection by a passage"""
    _extend(w, "passage", -1, count)


@command(modes=VISUAL)
def copy(w: MainWindow) -> None:
    """Copy the selected text"""
    from PySide6.QtGui import QGuiApplication

    text = w.session.selected_text()
    if not text:
        raise CommandError("Nothing selected")
    QGuiApplication.clipboard().setText(text)
    leave_visual(w)
    w.show_message(f"Copied {len(text)} characters")


def target_span(w: MainWindow, allow_passage: bool = True) -> tuple[str, int, int] | None:
    """What to act on: the visual selection, a mouse selection, the entity under the entity
    cursor, or (with `allow_passage`) the cursor passage."""
    session = w.session
    if session.selection is not None:
        doc_id, a, b = session.selection
        if a != b:
            return doc_id, min(a, b), max(a, b)
    if not w.area.columns:
        return None
    view = w.area.view
    mouse = view.mouse_selection()
    if mouse:
        return view.doc.id, mouse[0], mouse[1]
    if session.entity_cursor and session.focus_entity:
        doc_id, start = session.entity_cursor
        entity = session.entity(session.focus_entity)
        for o in entity.occurrences if entity else []:
            if o.doc == doc_id and o.start == start and doc_id == view.doc.id:
                return doc_id, o.start, o.end
    if allow_passage:
        p = view.passage(view.current)
        return view.doc.id, p.start, p.end
    return None
