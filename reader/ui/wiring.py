"""How the window's views follow the session and the operations.

Each signal refreshes only what it names: a cursor move updates the status and the stored
position; a new topic redraws the columns' highlights and the entities panel and asks a worker
for the topic's alignment; an annotation change re-reads the store once; an entity link is
re-highlighted from a quick patch at once and settled by a full analysis in a worker; a topic
edit replays the edits on the stored clusters.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from reader.plural import counted
from reader.ui.modes import Mode
from reader.ui.ops import ALIGNMENT_LINKS, ANNOTATIONS, ENTITY_LINKS, TOPICS, ChangeSet
from reader.ui.state import ReaderState

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from reader.corpus.pipeline import Analysis
    from reader.ui.window import MainWindow


def _guard(w: MainWindow, func: Any) -> Any:
    """A slot that shows a command error in the status bar instead of raising."""
    from reader.ui.registry import CommandError

    def run(*args: Any) -> None:
        try:
            func(*args)
        except CommandError as exc:
            w.show_error(str(exc))

    return run


def connect_views(w: MainWindow) -> None:
    """Connect panels, columns, session, operations and modes (once, at build)."""
    from reader.ui.commands import entities, notes, search, view

    s = w.session
    w.topics_panel.topic_chosen.connect(_guard(w, w.open_topic))
    w.topics_panel.document_chosen.connect(_guard(w, w.open_document))
    w.topics_panel.leave.connect(w.focus_columns)
    w.entities_panel.entity_chosen.connect(_guard(w, lambda i: entities.cycle_entity(w, i)))
    w.entities_panel.leave.connect(w.focus_columns)
    panel = w.annotations_panel
    panel.annotation_chosen.connect(_guard(w, lambda i: notes.goto_annotation(w, i)))
    panel.edit_requested.connect(_guard(w, lambda i: notes.edit_annotation(w, i)))
    panel.delete_requested.connect(_guard(w, lambda i: notes.delete_annotation(w, i)))
    panel.reattach_requested.connect(_guard(w, lambda i: notes.reattach_annotation(w, i)))
    panel.export_requested.connect(lambda: w.registry.run("export"))
    panel.import_requested.connect(lambda: w.registry.run("import"))
    panel.leave.connect(w.focus_columns)
    w.note_editor.save_requested.connect(lambda: w.registry.run("note-save"))
    w.note_editor.cancel_requested.connect(lambda: w.registry.run("escape"))
    w.note_editor.link_clicked.connect(lambda href: view.confirm_open_link(w, href))
    w.search_bar.submitted.connect(lambda q, scope: search.submitted(w, q, scope))
    w.search_bar.closed.connect(lambda: search.close_search(w))

    w.area.cursor_moved.connect(lambda doc, passage: _cursor_moved(w, doc, passage))
    w.area.layout_changed.connect(lambda: _layout_changed(w))
    w.area.column_hovered.connect(lambda c, off, pos: _hovered(w, c, off, pos))
    w.area.link_activated.connect(lambda href: view.confirm_open_link(w, href))

    s.analysis_changed.connect(lambda: _analysis_changed(w))
    s.topic_changed.connect(lambda: _topic_changed(w))
    s.selection_changed.connect(lambda: _selection_changed(w))
    s.hits_changed.connect(lambda: refresh_hits(w))
    s.entity_focus_changed.connect(lambda: _entity_focus_changed(w))
    s.annotations_changed.connect(lambda: _annotations_changed(w))
    w.ops.changed.connect(lambda change: _changed(w, change))
    w.modes.entered.connect(lambda mode: _mode_entered(w, mode))
    w.jobs.busy_changed.connect(lambda *_: w.status.update())
    # After every command (and once its layout has settled), the cursor is on screen.
    w.registry.executed.connect(lambda _name: QTimer.singleShot(0, w.area.keep_cursor_visible))


# ----- reactions ----------------------------------------------------------------------------


def _cursor_moved(w: MainWindow, doc_id: str, passage: int) -> None:
    w.state.positions[doc_id] = passage
    w.state.document = doc_id
    w.status.update()
    w.schedule_save()


def _layout_changed(w: MainWindow) -> None:
    key = w.session.topic_key()
    if key and not w.session.single_doc:
        w.state.order[key] = w.area.ids()
        w.state.hidden[key] = sorted(w.area.hidden)
        w.state.sizes[key] = w.area.splitter.sizes()
    w.schedule_save()


def _hovered(w: MainWindow, column: Any, offset: int, pos: Any) -> None:
    from PySide6.QtWidgets import QToolTip

    from reader.ui.commands.entities import entity_summary

    analysis = w.session.analysis
    entity = analysis.entity_at(column.doc.id, offset) if analysis and offset >= 0 else None
    if entity is None:
        QToolTip.hideText()
        return
    QToolTip.showText(pos, entity_summary(w, entity), column.view)


def _analysis_changed(w: MainWindow) -> None:
    analysis = w.session.analysis
    if analysis is None:
        return
    docs = {d.id: d for d in analysis.corpus.documents}
    w.topics_panel.set_topics(analysis.topics, docs)
    if w.session.topic_index is not None and not w.session.single_doc:
        w.topics_panel.select_topic(w.session.topic_index)
    w.units_cache.clear()
    w.search_cache.clear()
    w.analysis_changed.emit()


def _topic_changed(w: MainWindow) -> None:
    refresh_entities(w)
    refresh_notes(w)
    refresh_hits(w)
    refresh_entities_panel(w)
    ensure_alignment(w)
    w.status.update()
    w.schedule_save()


def _selection_changed(w: MainWindow) -> None:
    sel = w.session.selection
    for column in w.area.columns:
        mine = sel is not None and column.doc.id == sel[0]
        span = (min(sel[1], sel[2]), max(sel[1], sel[2])) if mine and sel else None
        column.view.update_decorations(selection=span)
    w.status.update()


def _entity_focus_changed(w: MainWindow) -> None:
    for column in w.area.columns:
        column.view.update_decorations(focus_entity=w.session.focus_entity)
    w.entities_panel.select_entity(w.session.focus_entity)


def _annotations_changed(w: MainWindow) -> None:
    analysis = w.session.analysis
    annotated = {a.document for a in w.session.annotations}  # their titles only: a title
    documents = analysis.corpus.documents if analysis else []  # of 100,000 is read when asked
    titles = {d.path: d.title for d in documents if d.path in annotated}
    w.annotations_panel.set_annotations(w.session.annotations, titles, w.theme)
    refresh_notes(w)


def _mode_entered(w: MainWindow, mode: str) -> None:
    w.mode_label.setText(f" {mode.upper()} ")
    if mode == Mode.NORMAL and w.session.selection is not None:
        w.session.set_selection(None)
    w.status.update()


def _changed(w: MainWindow, change: ChangeSet) -> None:
    """An operation (or its undo/redo) changed something: refresh just that."""
    if change.kind == ANNOTATIONS:
        w.reload_annotations()
    elif change.kind == TOPICS:
        _topics_edited(w)
    elif change.kind == ENTITY_LINKS:
        _links_changed(w, change)
    elif change.kind == ALIGNMENT_LINKS:
        from reader.ui.alignment_view import links_changed

        links_changed(w, change)


def _topics_edited(w: MainWindow) -> None:
    from reader.store.user_edits import topic_edit_records

    analysis = w.session.analysis
    if analysis is None or w.store is None:
        return
    w.set_analysis(analysis.with_topic_edits(topic_edit_records(w.store.topic_edits())), True)


def _links_changed(w: MainWindow, change: ChangeSet) -> None:
    """Re-highlight at once from a patch of the named entities; then settle the whole
    analysis (topics included) with the stored links in a worker."""
    from reader.corpus.pipeline import analysis_parts, from_parts
    from reader.store.user_edits import entity_link_records, topic_edit_records

    analysis = w.session.analysis
    if analysis is None or w.store is None:
        return
    action = str(change.detail.get("action", "link"))
    if change.undone:
        action = "unlink" if action == "link" else "link"
    pairs = list(change.detail.get("pairs", []))
    if pairs:
        w.set_analysis(analysis.relinked(action, pairs), True)
    links = entity_link_records(w.store.entity_links())
    edits = topic_edit_records(w.store.topic_edits())
    corpus = analysis.corpus

    def done(parts: Any) -> None:
        if w.session.analysis is not None and w.session.analysis.corpus is corpus:
            w.set_analysis(from_parts(corpus, parts), True)

    job = functools.partial(analysis_parts, corpus, links, edits)
    w.jobs.submit("reanalyse", job, done, process=True)


# ----- placing a new analysis -----------------------------------------------------------------


def place_after_new_analysis(w: MainWindow, analysis: Analysis, keep_view: bool) -> None:
    """Show `analysis`: keep the topic, column and passages (`keep_view`), or open the
    remembered topic of a newly opened corpus."""
    s = w.session
    corpus = analysis.corpus
    w.setWindowTitle(f"{corpus.name} — Corpus Reader")
    if keep_view and s.analysis is not None:
        _keep_view(w, analysis)
        return
    if w.state.corpus != str(corpus.root):
        old = w.state
        w.state = ReaderState(
            corpus=str(corpus.root),
            theme=old.theme,
            system_dark=old.system_dark,
            zoom=old.zoom,
            sync=old.sync,
            geometry=old.geometry,
            window_state=old.window_state,
        )
    s.topic_index = None
    s.single_doc = None
    s.set_analysis(analysis)
    w.reanchor_annotations()
    w.reload_annotations()
    from reader.ui.fonts import missing_fonts_message

    no_font = missing_fonts_message({d.script for d in corpus.documents})
    if no_font:
        w.show_message(no_font, 15000)
    elif corpus.skipped:
        first = corpus.skipped[0]
        w.show_message(
            f"{counted(len(corpus.skipped), 'file')} skipped — first: {first.path}: "
            f"{first.reason}",
            10000,
        )
    if not corpus.documents:
        w.area.show_documents([], w.theme, w.zoom, set(), {}, None, None)
        w.area.hide()
        w.empty.show()
        w.empty.setText(f"No readable documents in {corpus.root}")
        w.status.update()
        return
    topic_ids = [t.id for t in analysis.topics]
    remembered = w.state.topic or ""
    if remembered.startswith("doc:") and s.document(remembered[4:]) is not None:
        w.open_document(remembered[4:])
    elif remembered in topic_ids:
        w.open_topic(topic_ids.index(remembered))
    else:
        w.open_topic(0)


def _keep_view(w: MainWindow, analysis: Analysis) -> None:
    """The same corpus analysed again (links, topic edits, refreshed index)."""
    s = w.session
    old_ids = w.area.ids()
    focus_doc = w.area.column.doc.id if w.area.columns else None
    old_topic = s.topic.id if s.topic and not s.single_doc else None
    single = s.single_doc
    w._remember_positions()
    s.set_analysis(analysis)
    if single and s.document(single) is not None:
        topic = analysis.topic_of(single)
        s.topic_index = analysis.topic_index(topic.id) if topic else None
        if [single] != old_ids:
            w.open_document(single)
        else:
            _topic_changed(w)
        return
    index = analysis.topic_index(old_topic) if old_topic else None
    if index is None and focus_doc is not None:
        topic = analysis.topic_of(focus_doc)
        index = analysis.topic_index(topic.id) if topic else None
    if index is None:
        w.open_topic(0)
        return
    topic = analysis.topics[index]
    s.topic_index = index
    w.topics_panel.select_topic(index)
    if set(topic.documents) == set(old_ids):  # same columns: only the highlights change
        _topic_changed(w)
        w.area.after_move()
    else:
        w.open_topic(index)
        if focus_doc in w.area.ids():
            w.area.set_focus(w.area.index_of(focus_doc) or 0)


# ----- decorations and panels --------------------------------------------------------------


def refresh_entities(w: MainWindow) -> None:
    from reader.ui.decorations import EntitySpan

    analysis = w.session.analysis
    if analysis is None:
        return
    for column in w.area.columns:
        spans = [EntitySpan(s, e, c, ent) for s, e, c, ent in analysis.entity_spans(column.doc.id)]
        column.view.update_decorations(entities=spans, focus_entity=w.session.focus_entity)


def refresh_notes(w: MainWindow) -> None:
    from reader.ui.decorations import NoteSpan
    from reader.ui.theme import DEFAULT_NOTE_COLOUR

    by_path: dict[str, list[NoteSpan]] = {}
    for ann in w.session.annotations:
        if ann.status != "orphaned":
            by_path.setdefault(ann.document, []).append(
                NoteSpan(ann.start, ann.end, ann.color or DEFAULT_NOTE_COLOUR, ann.id)
            )
    for column in w.area.columns:
        column.view.update_decorations(notes=by_path.get(column.doc.path, []))


def refresh_hits(w: MainWindow) -> None:
    s = w.session
    current = s.hits[s.hit_index] if 0 <= s.hit_index < len(s.hits) else None
    for column in w.area.columns:
        mine = [(h.start, h.end) for h in s.hits if h.doc == column.doc.id]
        index = -1
        if current is not None and current.doc == column.doc.id:
            index = mine.index((current.start, current.end))
        column.view.update_decorations(hits=mine, current_hit=index)


def refresh_entities_panel(w: MainWindow) -> None:
    analysis = w.session.analysis
    if analysis is None:
        return
    docs = [c.doc for c in w.area.columns]
    labels = {c.doc.id: c.label for c in w.area.columns}  # as the columns' badges say
    w.entities_panel.set_entities(
        analysis.topic_mentions([d.id for d in docs]), docs, w.theme, labels
    )
    w.entities_panel.select_entity(w.session.focus_entity)


def refresh_panels(w: MainWindow) -> None:
    """Panels whose colours come from the theme."""
    refresh_entities_panel(w)
    _annotations_changed(w)


def ensure_alignment(w: MainWindow) -> None:
    """Ask a worker for the open topic's alignment if nobody has computed it; the columns
    light up partners when it arrives (if the same documents are still open)."""
    from reader.ui.alignment_view import alignment_shown

    analysis = w.session.analysis
    ids = w.area.ids()
    if analysis is None or len(ids) < 2 or analysis.has_alignment(ids):
        alignment_shown(w)
        return

    from reader.load_jobs import align_with_links

    def done(alignment: Any) -> None:
        analysis.store_alignment(ids, alignment)
        if w.session.analysis is analysis and w.area.ids() == ids:
            w.area.after_move()
            alignment_shown(w, alignment)
        w.status.update()

    docs = [analysis.corpus.by_id(i) for i in ids]
    links = _alignment_links(w, {d.path for d in docs})
    job = functools.partial(align_with_links, docs, analysis.sub_index(ids), links)
    w.jobs.submit("align", job, done, process=True)
    w.status.update()


def _alignment_links(w: MainWindow, paths: set[str]) -> list[Any]:
    """The reader's stored alignment links between these documents (none without a store)."""
    if w.store is None:
        return []
    from reader.store.alignment_links import all_links

    try:
        return [x for x in all_links(w.store) if x.doc_a in paths and x.doc_b in paths]
    except Exception as exc:  # an old store without the table: align without them
        log.info("alignment links not read: %s", exc)
        return []


def zoom_panels(w: MainWindow, zoom: float) -> None:
    """Panels, concordance and note editor follow the reading size (half as fast)."""
    from PySide6.QtWidgets import QApplication

    base = QApplication.font().pointSizeF()
    if base <= 0:
        base = 10.0
    size = max(6.0, base + zoom * 0.5)
    widgets = [w.topics_panel, w.entities_panel, w.annotations_panel, w.note_editor]
    if w.concordance is not None:
        widgets.append(w.concordance)
    for widget in widgets:
        font = widget.font()
        font.setPointSizeF(size)
        widget.setFont(font)
