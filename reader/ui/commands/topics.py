"""Topic edits: rename, merge, move a document; stored and undoable, no entity recomputed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reader.ui.commands import CommandError, command
from reader.ui.ops import TOPICS, ChangeSet

if TYPE_CHECKING:
    from reader.ui.window import MainWindow


def _topics_ready(w: MainWindow) -> None:
    """Refuse a topic edit while the topics shown are provisional (still being found)."""
    from reader.load_jobs import is_provisional

    if is_provisional(w.session.analysis):
        raise CommandError("Topics are still being found: edit them once they appear")


def _edit(w: MainWindow, text: str, make: Callable[[], Any]) -> None:
    """Store one topic edit as an operation; undo removes it."""
    store = w.store
    if store is None:
        raise CommandError("No store: topic edits cannot be saved")
    made: list[Any] = []

    def do() -> None:
        made.append(make())

    def undo() -> None:
        edit = made.pop() if made else None
        if edit is not None:
            store.remove_topic_edit(edit.id)

    w.ops.run(text, do, undo, ChangeSet(TOPICS))


@command()
def topic_rename(w: MainWindow, *name: str) -> None:
    """Rename the current topic"""
    _topics_ready(w)
    from PySide6.QtWidgets import QInputDialog

    topic = w.session.topic
    if topic is None or w.session.single_doc:
        raise CommandError("No topic open")
    label = " ".join(name).strip()
    if not label:
        label, ok = QInputDialog.getText(w, "Rename topic", "New name:", text=topic.label)
        label = label.strip()
        if not ok or not label:
            return
    _edit(w, "rename topic", lambda: w.store.rename_topic(topic.id, label))
    w.show_message(f"Topic renamed to “{label}” — u undoes")


@command()
def topic_merge(w: MainWindow, target: str = "") -> None:
    """Merge the current topic into another one"""
    _topics_ready(w)
    topic, analysis = w.session.topic, w.session.analysis
    if topic is None or analysis is None or w.session.single_doc:
        raise CommandError("No topic open")
    others = [t for t in analysis.topics if t.id != topic.id]

    def merge(tid: str) -> None:
        into = next(t for t in others if t.id == tid)
        _edit(w, "merge topics", lambda: w.store.merge_topics(topic.id, tid))
        w.show_message(f"Merged into “{into.label[:40]}” — u undoes")

    if target:
        found = [t for t in others if target in (t.id, t.label)]
        if not found:
            raise CommandError(f"No topic {target}")
        merge(found[0].id)
        return
    items = [(f"{t.label}  ({len(t.documents)})", t.id) for t in others]
    w.choose(f"Merge “{topic.label}” into…", items, merge)


@command()
def document_move(w: MainWindow, target: str = "") -> None:
    """Move the current document to another topic"""
    _topics_ready(w)
    analysis = w.session.analysis
    if analysis is None or not w.area.columns:
        raise CommandError("No document open")
    doc = w.area.column.doc

    def move(tid: str) -> None:
        _edit(w, "move document", lambda: w.store.move_document(doc.path, tid))
        w.show_message(f"Moved {doc.title[:40]} — u undoes")

    if target:
        move(target)
        return
    items = [
        (f"{t.label}  ({len(t.documents)})", t.id)
        for t in analysis.topics
        if doc.id not in t.documents
    ]
    items.append(("A new topic of its own", f"user-{doc.id}"))
    w.choose(f"Move “{doc.title[:40]}” to…", items, move)


@command()
def focus_topics(w: MainWindow) -> None:
    """Go to the topics panel (Enter opens, Esc returns)"""
    from reader.ui.panel_tree import focus_panel

    focus_panel(w.topics_dock, w.topics_panel)
