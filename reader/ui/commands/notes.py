"""Annotations: write, edit, delete, re-attach, step through, undo, export and import.

Every write goes through the window's operations (`w.ops.run`), which record the undo and
announce `ChangeSet(ANNOTATIONS, ids)`; the window then re-reads the store once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.ui.commands import NORMAL_VISUAL, CommandError, command
from reader.ui.commands.selection import leave_visual, target_span
from reader.ui.modes import Mode
from reader.ui.ops import ANNOTATIONS, ChangeSet
from reader.ui.theme import DEFAULT_NOTE_COLOUR

if TYPE_CHECKING:
    from reader.ui.window import MainWindow

INSERT = ("insert",)


def require_store(w: MainWindow) -> Any:
    if w.store is None:
        raise CommandError("No annotation store is open")
    return w.store


def _open_editor(w: MainWindow, **kwargs: Any) -> None:
    from reader.ui.fonts import font_for_script

    doc = w.session.document(kwargs["target"][0])
    w.note_dock.show()
    w.note_dock.raise_()
    w.modes.enter(Mode.INSERT)
    w.note_editor.open(font=font_for_script(doc.script if doc else "Latn", 11), **kwargs)


@command(modes=NORMAL_VISUAL)
def annotate(w: MainWindow) -> None:
    """Annotate the selection, or the cursor passage (opens the note editor)"""
    store = require_store(w)
    span = target_span(w)
    if span is None:
        raise CommandError("No document open")
    doc_id, start, end = span
    doc = w.session.document(doc_id)
    if doc is None:
        raise CommandError("The document is no longer open")
    start, end = _snap(doc.text, start, end)
    leave_visual(w)
    w.area.view.clear_mouse_selection()
    known = [t for t, _ in store.tags()]
    _open_editor(w, target=(doc_id, start, end), quote=doc.text[start:end], known_tags=known)


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole grapheme clusters (a note never cuts a Khmer letter apart)."""
    from reader.corpus.text import snap_to_graphemes

    return snap_to_graphemes(text, start, end)


def edit_annotation(w: MainWindow, annotation_id: str) -> None:
    store = require_store(w)
    ann = store.get(annotation_id)
    if ann is None:
        raise CommandError("That annotation no longer exists")
    doc = w.session.document_by_path(ann.document)
    _open_editor(
        w,
        target=(doc.id if doc else "", ann.start, ann.end),
        quote=ann.quote,
        note=ann.note,
        tags=ann.tags,
        colour=ann.color or DEFAULT_NOTE_COLOUR,
        annotation_id=ann.id,
        known_tags=[t for t, _ in store.tags()],
    )


@command(modes=INSERT)
def note_save(w: MainWindow) -> None:
    """Save the note being edited"""
    store = require_store(w)
    editor = w.note_editor
    if editor.target is None:
        raise CommandError("No note is being edited")
    note, tags, colour = editor.values()
    if editor.annotation_id:
        old = store.get(editor.annotation_id)
        if old is None:
            raise CommandError("That annotation no longer exists")
        ann_id = old.id
        w.ops.run(
            "edit note",
            lambda: store.update(ann_id, note=note, tags=tags, color=colour),
            lambda: store.put(old),
            ChangeSet(ANNOTATIONS, (ann_id,)),
        )
    else:
        doc_id, start, end = editor.target
        doc = w.session.document(doc_id)
        if doc is None:
            raise CommandError("The document is no longer open")
        created: list[Any] = []

        def add() -> None:
            if created:
                store.restore(created[0].id)
            else:
                created.append(
                    store.annotate(
                        doc, start, end, note=note, tags=tags, color=colour, location=doc.abs_path
                    )
                )

        w.ops.run("add note", add, lambda: store.delete(created[0].id), ChangeSet(ANNOTATIONS))
    target = editor.target
    close_editor(w)
    if target and target[0]:
        w.area.reveal(target[0], target[1])
    w.show_message("Note saved")


def close_editor(w: MainWindow) -> None:
    """Close the note editor and give the keyboard back to the columns."""
    w.note_editor.target = None
    w.note_editor.annotation_id = None
    w.note_dock.hide()
    if w.modes.mode == Mode.INSERT:
        w.modes.leave()
    w.focus_columns()


def annotation_here(w: MainWindow) -> Any:
    """The note on the cursor passage (the one chosen in the panel first)."""
    view = w.area.view
    p = view.passage(view.current)
    chosen = w.annotations_panel.current_id()
    notes = w.session.annotations
    here = [a for a in notes if a.document == view.doc.path and a.start < p.end and p.start < a.end]
    for a in here:
        if a.id == chosen:
            return a
    return here[0] if here else None


def _note_here(w: MainWindow) -> Any:
    ann = annotation_here(w)
    if ann is None:
        raise CommandError("No note on this passage")
    return ann


@command(name="edit-annotation")
def edit_annotation_here(w: MainWindow) -> None:
    """Edit the note on the cursor passage"""
    edit_annotation(w, _note_here(w).id)


def delete_annotation(w: MainWindow, annotation_id: str) -> None:
    store = require_store(w)
    if store.get(annotation_id) is None:
        raise CommandError("That annotation no longer exists")
    w.ops.run(
        "delete note",
        lambda: store.delete(annotation_id),
        lambda: store.restore(annotation_id),
        ChangeSet(ANNOTATIONS, (annotation_id,)),
    )
    w.show_message("Note deleted — u undoes")


@command(name="delete-annotation")
def delete_annotation_here(w: MainWindow) -> None:
    """Delete the note on the cursor passage (u undoes)"""
    delete_annotation(w, _note_here(w).id)


def reattach_annotation(w: MainWindow, annotation_id: str) -> None:
    """Put an (orphaned) annotation on the selection or the cursor passage."""
    store = require_store(w)
    old = store.get(annotation_id)
    if old is None:
        raise CommandError("That annotation no longer exists")
    span = target_span(w)
    doc = w.session.document(span[0]) if span else None
    if span is None or doc is None:
        raise CommandError("Select the text to attach it to")
    start, end = _snap(doc.text, span[1], span[2])
    w.ops.run(
        "re-attach note",
        lambda: store.reattach(annotation_id, doc, start, end),
        lambda: store.put(old),
        ChangeSet(ANNOTATIONS, (annotation_id,)),
    )
    leave_visual(w)
    w.show_message("Note re-attached")


@command(name="reattach-annotation", modes=NORMAL_VISUAL)
def reattach_annotation_here(w: MainWindow) -> None:
    """Re-attach the note chosen in the panel to the selection (or cursor passage)"""
    chosen = w.annotations_panel.current_id()
    if not chosen:
        raise CommandError("Choose a note in the annotations panel first (Ctrl+a)")
    reattach_annotation(w, chosen)


def goto_annotation(w: MainWindow, annotation_id: str) -> None:
    ann = next((a for a in w.session.annotations if a.id == annotation_id), None)
    if ann is None:
        return
    if ann.status == "orphaned":
        w.show_message("This note lost its place: select text and choose Re-attach", 8000)
        return
    doc = w.session.document_by_path(ann.document)
    if doc is None:
        raise CommandError(f"{ann.document} is not in this corpus")
    w.reveal(doc.id, ann.start)
    w.focus_columns()


def _step(w: MainWindow, direction: int) -> None:
    view = w.area.view
    mine = sorted(
        (
            a
            for a in w.session.annotations
            if a.document == view.doc.path and a.status != "orphaned"
        ),
        key=lambda a: a.start,
    )
    if not mine:
        raise CommandError("No notes in this document")
    p = view.passage(view.current)
    if direction > 0:
        after = [a for a in mine if a.start >= p.end]
        target = after[0] if after else mine[0]
    else:
        before = [a for a in mine if a.end <= p.start]
        target = before[-1] if before else mine[-1]
    w.area.reveal(view.doc.id, target.start)
    w.annotations_panel.select(target.id)
    w.show_message(f"Note: {target.note or target.quote}", 6000)


@command()
def annotation_next(w: MainWindow) -> None:
    """Next note in this document"""
    _step(w, 1)


@command()
def annotation_prev(w: MainWindow) -> None:
    """Previous note in this document"""
    _step(w, -1)


@command()
def undo(w: MainWindow) -> None:
    """Undo the last change (notes, links, topic edits)"""
    w.show_message(f"Undid: {w.ops.undo()}")


@command()
def redo(w: MainWindow) -> None:
    """Redo what was undone"""
    w.show_message(f"Redid: {w.ops.redo()}")


@command()
def export(w: MainWindow, path: str = "") -> None:
    """Export the notes of this corpus: W3C Web Annotation JSON, or Markdown (a .md file)"""
    from PySide6.QtWidgets import QFileDialog

    from reader.store import exchange

    require_store(w)
    if not path:
        path, _ = QFileDialog.getSaveFileName(
            w,
            "Export notes",
            str(_notes_folder(w) / "annotations.json"),
            "W3C JSON (*.json *.jsonld);;Markdown (*.md)",
        )
        if not path:
            return
    markdown = path.lower().endswith((".md", ".markdown"))
    # the open corpus's notes, as the annotations panel lists them: never those of the other
    # corpora the store holds (`corpus-reader export` writes them all)
    notes = list(w.session.annotations)
    try:
        if markdown:
            text = exchange.export_markdown(notes)
        else:
            text = json.dumps(exchange.export_w3c(notes), ensure_ascii=False, indent=2) + "\n"
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror or exc}") from exc
    _remember_folder(w, path)
    count = f"{len(notes)} note{'' if len(notes) == 1 else 's'}"
    w.show_message(f"Exported {count} of this corpus to {path}")


@command(name="import")
def import_notes(w: MainWindow, path: str = "", restore: str = "") -> None:
    """Import notes from a W3C Web Annotation JSON file (`:import FILE restore` also brings
    back the notes deleted here)"""
    from PySide6.QtWidgets import QFileDialog

    from reader.store import exchange

    store = require_store(w)
    if not path:
        path, _ = QFileDialog.getOpenFileName(
            w, "Import notes", str(_notes_folder(w)), "W3C JSON (*.json *.jsonld)"
        )
        if not path:
            return
    try:
        data = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    try:
        result = exchange.import_w3c(store, data, restore_deleted=restore == "restore")
    except Exception as exc:
        raise CommandError(f"Import refused, nothing changed: {exc}") from exc
    _remember_folder(w, path)
    w.reanchor_annotations()
    w.ops.changed.emit(ChangeSet(ANNOTATIONS))
    said = f"Imported {Path(path).name}: {result.summary()}"
    elsewhere = _outside_corpus(w, store, [*result.added, *result.updated, *result.restored])
    if elsewhere:
        said += f"; {elsewhere} of them on documents not in this corpus (not shown here)"
    w.show_message(said, 12000)


def _outside_corpus(w: MainWindow, store: Any, ids: list[str]) -> int:
    """How many of these notes are on documents the open corpus does not hold."""
    analysis = w.session.analysis
    if analysis is None or not ids:
        return 0
    paths = {d.path for d in analysis.corpus.documents}
    notes = (store.get(i) for i in ids)
    return sum(1 for n in notes if n is not None and n.document not in paths)


def _notes_folder(w: MainWindow) -> Path:
    """Where the export and import dialogs start: the folder used last, else the home folder
    (never the folder the app happened to be started from)."""
    last = Path(w.state.notes_folder) if w.state.notes_folder else None
    return last if last is not None and last.is_dir() else Path.home()


def _remember_folder(w: MainWindow, path: str) -> None:
    w.state.notes_folder = str(Path(path).resolve().parent)
    w.schedule_save()
