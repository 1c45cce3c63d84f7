"""Shared entities: step through occurrences, link two names as one, unlink a wrong match.

A link or unlink is stored through the operations path and re-highlighted at once from a
patch of the entities it names (`Analysis.relinked`); the full analysis with the new links
then runs in a worker and replaces it when done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.commands import NORMAL_VISUAL, CommandError, command
from reader.ui.commands.selection import leave_visual, target_span
from reader.ui.ops import ENTITY_LINKS, ChangeSet

if TYPE_CHECKING:
    from reader.corpus.entities import Entity
    from reader.ui.window import MainWindow


def entity_summary(w: MainWindow, entity: Entity) -> str:
    """Where an entity occurs: document titles with counts."""
    from collections import Counter

    counts = Counter(o.doc for o in entity.occurrences)
    open_ids = set(w.area.ids())
    parts = []
    for doc_id, n in counts.most_common():
        doc = w.session.document(doc_id)
        if doc is None:
            continue
        shown = "" if doc_id in open_ids else " (other topic)"
        parts.append(f"{doc.language} “{doc.title[:30]}” ×{n}{shown}")
    return f"{entity.label} ({entity.kind}) — " + "; ".join(parts)


def focus_occurrence(w: MainWindow, doc_id: str, start: int, entity_id: str) -> None:
    if w.area.index_of(doc_id) is None:
        raise CommandError("That occurrence is in a document that is not open")
    w.session.set_entity_focus(entity_id, (doc_id, start))
    w.area.reveal(doc_id, start)
    w.entities_panel.select_entity(entity_id)
    entity = w.session.entity(entity_id)
    if entity is not None:
        w.show_message(entity_summary(w, entity), 8000)


def _step(w: MainWindow, direction: int) -> None:
    analysis = w.session.analysis
    if analysis is None:
        raise CommandError("No corpus loaded")
    view = w.area.view
    doc_id = view.doc.id
    spans = analysis.entity_spans(doc_id)
    if not spans:
        raise CommandError("No shared entities in this document")
    p = view.passage(view.current)
    cursor = w.session.entity_cursor
    if cursor and cursor[0] == doc_id and p.start <= cursor[1] <= p.end:
        here = cursor[1]
    else:
        here = p.start - 1 if direction > 0 else p.end
    if direction > 0:
        after = [s for s in spans if s[0] > here]
        target = after[0] if after else spans[0]
    else:
        before = [s for s in spans if s[0] < here]
        target = before[-1] if before else spans[-1]
    focus_occurrence(w, doc_id, target[0], target[3])


@command()
def entity_next(w: MainWindow, count: int = 1) -> None:
    """Next shared entity occurrence in this column"""
    for _ in range(max(1, count)):
        _step(w, 1)


@command()
def entity_prev(w: MainWindow, count: int = 1) -> None:
    """Previous shared entity occurrence in this column"""
    for _ in range(max(1, count)):
        _step(w, -1)


def cycle_entity(w: MainWindow, entity_id: str) -> None:
    """Step to the entity's next occurrence across the open columns."""
    entity = w.session.entity(entity_id)
    if entity is None:
        return
    order = {d: n for n, d in enumerate(w.area.ids())}
    occurrences = sorted(
        (o for o in entity.occurrences if o.doc in order), key=lambda o: (order[o.doc], o.start)
    )
    if not occurrences:
        raise CommandError("The entity does not occur in the open documents")
    keys = [(o.doc, o.start) for o in occurrences]
    n = 0
    if w.session.focus_entity == entity_id and w.session.entity_cursor in keys:
        n = (keys.index(w.session.entity_cursor) + 1) % len(keys)
    focus_occurrence(w, occurrences[n].doc, occurrences[n].start, entity_id)


def _match_key(surface: str) -> str:
    from reader.corpus.text import match_key

    return match_key(surface)


def _selection_key(w: MainWindow) -> tuple[str, str]:
    """(key, label) of what the reader points at: the selection, else the entity cursor."""
    analysis = w.session.analysis
    if analysis is None:
        raise CommandError("No corpus loaded")
    span = target_span(w, allow_passage=False)
    if span is None:
        raise CommandError("Select a name (v, then w) or move onto an entity (e) first")
    doc_id, start, end = span
    doc = w.session.document(doc_id)
    text = doc.text[start:end].strip() if doc else ""
    for cand in analysis.index.candidates.get(doc_id, []):
        if cand.start < end and start < cand.end:
            return cand.key, cand.text
    if not text:
        raise CommandError("Nothing selected")
    return _match_key(text), text


def _require_store(w: MainWindow):
    if w.store is None:
        raise CommandError("No store: links cannot be saved")
    return w.store


@command(modes=NORMAL_VISUAL)
def link_entity(w: MainWindow) -> None:
    """Link two names as one entity: press on the first, then on the second"""
    _require_store(w)
    key, label = _selection_key(w)
    if w.session.link_source is None:
        w.session.link_source = (key, label)
        leave_visual(w)
        w.show_message(f"Linking “{label}”: select the other name and press L (Esc cancels)", 15000)
        return
    key_a, label_a = w.session.link_source
    w.session.link_source = None
    leave_visual(w)
    if key_a == key:
        raise CommandError(f"“{label_a}” and “{label}” are already the same entity")
    change_links(w, "link", [(key_a, key)])
    w.show_message(f"Linked “{label_a}” ↔ “{label}” — u undoes")


@command()
def unlink_entity(w: MainWindow) -> None:
    """Unlink a wrong match: the name under the entity cursor leaves its entity"""
    store = _require_store(w)
    cursor, entity = w.session.entity_cursor, w.session.entity(w.session.focus_entity)
    if cursor is None or entity is None:
        raise CommandError("Move onto an entity occurrence first (e / E)")
    doc_id, start = cursor
    occurrence = next((o for o in entity.occurrences if o.doc == doc_id and o.start == start), None)
    if occurrence is None:
        raise CommandError("No entity here")
    surface = _match_key(occurrence.text)
    if surface != entity.key:
        pairs = [(entity.key, surface)]
    else:  # on the entity's own name: undo the user's links to it
        pairs = [
            (link.key_a, link.key_b)
            for link in store.entity_links()
            if link.action == "link" and entity.key in (link.key_a, link.key_b)
        ]
        if not pairs:
            raise CommandError(
                f"“{occurrence.text}” is this entity's own name: move onto the wrong match"
            )
    change_links(w, "unlink", pairs)
    w.show_message(f"“{occurrence.text}” no longer matched with {entity.label} — u undoes")


def change_links(w: MainWindow, action: str, pairs: list[tuple[str, str]]) -> None:
    """Store a link or unlink of key pairs as one operation (undo restores what was there)."""
    store = _require_store(w)
    before = {
        frozenset((a, b)): [
            link for link in store.entity_links() if {link.key_a, link.key_b} == {a, b}
        ]
        for a, b in pairs
    }

    def do() -> None:
        for a, b in pairs:
            store.set_entity_link(a, b, action)

    def undo() -> None:
        for a, b in pairs:
            previous = before[frozenset((a, b))]
            if previous:
                last = previous[-1]
                store.set_entity_link(last.key_a, last.key_b, last.action)
            else:
                store.forget_entity_link(a, b)

    keys = tuple(k for pair in pairs for k in pair)
    w.ops.run(
        f"{action} entities",
        do,
        undo,
        ChangeSet(ENTITY_LINKS, keys, {"action": action, "pairs": pairs}),
    )


@command()
def focus_entities(w: MainWindow) -> None:
    """Go to the entities panel (Enter steps through occurrences)"""
    from reader.ui.panel_tree import focus_panel

    focus_panel(w.entities_dock, w.entities_panel)
