"""The defects a keyboard tour of the app found, each driven by keys as the reader did."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reader.ui.modes import Mode
from tests.ui.helpers import CTRL, SHIFT, make_window, press, settle, sora_topic


def _window(qtbot, tmp_path, store=None):
    w = make_window(qtbot, tmp_path, store)
    w.open_topic(sora_topic(w.analysis))
    settle(qtbot, w)
    return w


def key(qtbot, w, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(w.focusWidget() or w, k, modifier)


def test_visual_mode_starts_at_the_cursor_not_at_the_last_entity(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    press(qtbot, w, "gg")
    press(qtbot, w, "e")
    assert w.session.entity_cursor is not None
    press(qtbot, w, "jj")
    here = w.area.view.passage(w.area.view.current)
    press(qtbot, w, "v")
    _, anchor, _head = w.session.selection
    assert here.start <= anchor < here.end, "the selection starts in the cursor passage"


def test_keys_still_work_after_running_commands_from_the_palette(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    for _ in range(4):
        press(qtbot, w, ":")
        qtbot.keyClicks(w.palette_widget.input, "column-wider")
        qtbot.keyClick(w.palette_widget.input, Qt.Key.Key_Return)
        QApplication.processEvents()
    assert w.modes.mode == Mode.NORMAL
    before = w.area.view.current
    press(qtbot, w, "j")
    assert w.area.view.current == before + 1, "j is not swallowed"
    press(qtbot, w, "?")
    assert w.help_widget.isVisible(), "? is not swallowed"


def test_backspace_returns_from_a_document_read_alone_to_its_topic(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    topic = w.session.topic.id
    press(qtbot, w, "l")
    doc = w.area.column.doc.id
    w.open_document(doc)
    press(qtbot, w, "3j")
    passage = w.area.view.current
    assert len(w.area.columns) == 1
    key(qtbot, w, Qt.Key.Key_Backspace)
    assert w.session.single_doc is None and w.session.topic.id == topic
    assert len(w.area.columns) == 3
    assert w.area.column.doc.id == doc and w.area.view.current == passage
    assert "Document alone" not in w.topic_label.text_shown()


def test_zoom_in_takes_a_step_count_and_the_panels_follow(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    panel_size = w.entities_panel.font().pointSizeF()
    assert w.registry.run("zoom-in 2"), w.message_label.text_shown()
    assert w.zoom == 2.0
    assert w.entities_panel.font().pointSizeF() > panel_size
    assert w.area.view.reading_font().pointSizeF() == 14.0


def test_unlink_says_what_it_did_and_re_highlights_at_once(qtbot, tmp_path, store):
    w = _window(qtbot, tmp_path, store)
    km = next(c for c in w.area.columns if c.doc.path.startswith("003"))
    w.area.set_focus(w.area.columns.index(km))
    analysis = w.analysis
    spans = analysis.entity_spans(km.doc.id)
    # an occurrence whose own surface differs from its entity's key: a cross-script match
    from reader.corpus.text import match_key

    target = next(
        (s, e, ent)
        for s, e, _, ent in spans
        if match_key(km.doc.text[s:e]) != analysis.entities[ent].key
    )
    start, _end, entity_id = target
    w.reveal(km.doc.id, start)
    w.session.set_entity_focus(entity_id, (km.doc.id, start))
    press(qtbot, w, "U", SHIFT)
    assert "no longer matched" in w.message_label.text_shown()
    shown = [s for s in km.view.deco.entities if s.start == start]
    assert not shown or shown[0].entity != entity_id, "re-highlighted without moving"
    settle(qtbot, w)
    press(qtbot, w, "u")
    assert "Undid" in w.message_label.text_shown()


def test_concordance_keeps_the_words_next_to_the_hit_and_follows_n(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    key(qtbot, w, Qt.Key.Key_K, CTRL)
    view = w.concordance
    qtbot.keyClicks(view.query_box, "sora")
    key(qtbot, w, Qt.Key.Key_Return)
    from reader.ui.concordance import LEFT

    delegate = view.table.itemDelegateForColumn(LEFT)
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, view.proxy.index(0, LEFT))
    assert option.textElideMode == Qt.TextElideMode.ElideLeft, "cut far from the hit"
    key(qtbot, w, Qt.Key.Key_Return)
    QApplication.processEvents()
    press(qtbot, w, "n")
    hit = w.session.hits[w.session.hit_index]
    current = view.current_hit()
    assert (current.doc, current.start) == (hit.doc, hit.start), "the table follows n"
    key(qtbot, w, Qt.Key.Key_Escape)
    assert not w.concordance_dock.isVisible(), "Escape after Enter closes it"


def test_entities_panel_has_one_column_per_open_document(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    assert w.entities_panel.columnCount() == 2 + 3
    w.open_document(w.area.column.doc.id)
    QApplication.processEvents()
    assert w.entities_panel.columnCount() == 2 + 1, "no stale language columns"


def test_tag_completion_pops_up(qtbot, tmp_path, store):
    w = _window(qtbot, tmp_path, store)
    press(qtbot, w, "a")
    editor = w.note_editor
    editor.tags.setFocus()
    qtbot.keyClicks(editor.tags, "economy")
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return, CTRL)
    press(qtbot, w, "j")
    press(qtbot, w, "a")
    editor.tags.setFocus()
    qtbot.keyClicks(editor.tags, "eco")
    popup = editor.tags.completer_popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    assert popup.model().index(0, 0).data() == "economy"


def test_note_preview_in_the_status_bar_is_one_line(qtbot, tmp_path, store):
    w = _window(qtbot, tmp_path, store)
    press(qtbot, w, "a")
    qtbot.keyClicks(w.note_editor.editor, "# Heading")
    qtbot.keyClick(w.note_editor.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(w.note_editor.editor, "- first point")
    qtbot.keyClick(w.note_editor.editor, Qt.Key.Key_Return, CTRL)
    press(qtbot, w, "gg")
    press(qtbot, w, "ga")
    shown = w.message_label.text_shown()
    assert "\n" not in shown and "Heading" in shown and "first point" in shown
    height = w.statusBar().height()
    QApplication.processEvents()
    assert w.statusBar().height() == height


def test_importing_an_export_after_dd_says_why_the_note_stays_deleted_and_can_restore_it(
    qtbot, tmp_path, store
):
    w = _window(qtbot, tmp_path, store)
    press(qtbot, w, "a")
    qtbot.keyClicks(w.note_editor.editor, "keep me")
    qtbot.keyClick(w.note_editor.editor, Qt.Key.Key_Return, CTRL)
    backup = tmp_path / "backup.json"
    assert w.registry.run(f"export {backup}")
    press(qtbot, w, "dd")
    assert store.list() == []
    assert w.registry.run(f"import {backup}")
    said = w.message_label.text_shown()
    assert "1 not restored" in said and "deleted here" in said
    assert store.list() == []
    assert w.registry.run(f"import {backup} restore")
    assert "1 deleted notes restored" in w.message_label.text_shown()
    assert [a.note for a in store.list()] == ["keep me"]
    assert w.session.annotations, "the panel and the underlines see it again"


def test_the_readers_stored_alignment_links_show_in_the_columns(qtbot, tmp_path, store):
    from reader.store.alignment_links import add_link

    w = make_window(qtbot, tmp_path, store)
    w.open_topic(sora_topic(w.analysis))
    settle(qtbot, w)
    km = next(c.doc for c in w.area.columns if c.doc.path.startswith("003"))
    pt = next(c.doc for c in w.area.columns if c.doc.path.startswith("004"))
    before = w.area.partners(km.id, 5).get(pt.id)
    target = 9 if before != [9] else 10
    add_link(store, km, pt, [5], [target])
    w.analysis.alignments = type(w.analysis.alignments)()  # a new session would start afresh
    w.open_topic(sora_topic(w.analysis))
    settle(qtbot, w)
    assert w.area.partners(km.id, 5).get(pt.id) == [target]
