"""Whole workflows by keys alone: annotate, link entities, search, palette, restore state."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from reader.corpus.loading import load_corpus
from reader.corpus.passages import passage_sentences
from reader.corpus.pipeline import analyse
from reader.store.annotations import Store
from reader.ui.modes import Mode
from reader.ui.note_editor import render_markdown
from reader.ui.window import MainWindow
from tests.ui.helpers import CTRL, SHIFT, focus_doc, make_window, press, sora_topic


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "notes.db")
    yield s
    s.close()


@pytest.fixture
def window(qtbot, tmp_path, store):
    w = make_window(qtbot, tmp_path, store)
    w.open_topic(sora_topic(w.analysis))
    return w


def test_annotate_a_sentence_find_it_and_undo(qtbot, window, store):
    focus_doc(qtbot, window, "004")
    press(qtbot, window, "2j")
    doc = window.area.column.doc
    passage = doc.passages[window.area.view.current]
    first_sentence = passage_sentences(doc.text, passage, doc.language)[0]

    press(qtbot, window, "v")
    assert window.modes.mode == Mode.VISUAL
    press(qtbot, window, ")")
    assert window.session.selected_text() == doc.text[first_sentence[0] : first_sentence[1]]

    press(qtbot, window, "a")
    assert window.modes.mode == Mode.INSERT
    assert window.note_dock.isVisible()
    assert window.focusWidget() is window.note_editor.editor
    qtbot.keyClicks(window.note_editor.editor, "A **key** claim")
    qtbot.keyClick(window.note_editor.editor, Qt.Key.Key_Tab)
    qtbot.keyClicks(window.focusWidget(), "claims")
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return, CTRL)

    saved = store.list()
    assert len(saved) == 1
    ann = saved[0]
    assert (ann.start, ann.end) == first_sentence
    assert ann.note == "A **key** claim"
    assert ann.tags == ("claims",)
    assert window.modes.mode == Mode.NORMAL
    assert not window.note_dock.isVisible()
    assert [n.annotation for n in window.area.view.deco.notes] == [ann.id]

    press(qtbot, window, "a", CTRL)
    panel = window.annotations_panel
    assert panel.visible_ids() == [ann.id]
    qtbot.keyClicks(panel.filter, "CLAIM")
    assert panel.visible_ids() == [ann.id]
    panel.filter.setText("nothing like it")
    assert panel.visible_ids() == []
    panel.filter.clear()

    window.focus_columns()
    press(qtbot, window, "u")
    assert store.list() == []
    assert panel.visible_ids() == []
    assert window.area.view.deco.notes == []
    press(qtbot, window, "r", CTRL)
    assert [a.id for a in store.list()] == [ann.id]


def test_annotate_current_passage_escape_asks_then_discards(qtbot, window, store):
    press(qtbot, window, "a")
    qtbot.keyClicks(window.note_editor.editor, "not kept")
    qtbot.keyClick(window.note_editor.editor, Qt.Key.Key_Escape)
    assert window.modes.mode == Mode.INSERT, "a note with changes is not dropped by one Escape"
    assert "Esc again" in window.message_label.text_shown()
    qtbot.keyClick(window.note_editor.editor, Qt.Key.Key_Escape)
    assert store.list() == []
    assert window.modes.mode == Mode.NORMAL
    press(qtbot, window, "a")
    qtbot.keyClick(window.note_editor.editor, Qt.Key.Key_Escape)
    assert window.modes.mode == Mode.NORMAL, "an untouched note closes at once"
    press(qtbot, window, "a")
    qtbot.keyClick(window.note_editor.editor, Qt.Key.Key_Return, CTRL)
    ann = store.list()[0]
    p = window.area.view.passage(window.area.view.current)
    assert (ann.start, ann.end) == (p.start, p.end)


def test_edit_and_delete_a_note_by_keys(qtbot, window, store):
    press(qtbot, window, "a")
    qtbot.keyClicks(window.note_editor.editor, "first")
    qtbot.keyClick(window.note_editor.editor, Qt.Key.Key_Return, CTRL)
    press(qtbot, window, "ge")
    assert window.note_editor.annotation_id == store.list()[0].id
    qtbot.keyClicks(window.note_editor.editor, " and second")
    qtbot.keyClick(window.note_editor.editor, Qt.Key.Key_Return, CTRL)
    assert store.list()[0].note == "first and second"
    press(qtbot, window, "dd")
    assert store.list() == []
    press(qtbot, window, "u")
    assert store.list()[0].note == "first and second"


def _select_word(qtbot, w: MainWindow, word: str) -> None:
    """Put the passage with `word` current, then select that word in visual mode."""
    doc = w.area.column.doc
    start = doc.text.index(word)
    index = w.area.view.passage_at_offset(start)
    press(qtbot, w, "gg")
    if index:
        press(qtbot, w, f"{index}j")
    press(qtbot, w, "v")
    while w.session.selection[2] < start + len(word):
        press(qtbot, w, "w")
    w.session.selection = (doc.id, start, start + len(word))  # anchor on the word itself


def test_link_two_names_then_unlink(qtbot, tmp_path, store):
    # Two documents that name the same country differently: the app cannot know "Xylandia"
    # and "Ksilândia" are one place until the user links them.
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Presidente da Xylandia visitou Lisboa.\n\nA Xylandia exporta café para Portugal.\n",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        "The president of Ksilandia visited Lisbon.\n\nKsilandia exports coffee to Portugal.\n",
        encoding="utf-8",
    )
    analysis = analyse(load_corpus(folder))
    w = make_window(qtbot, tmp_path, store, analysis)
    w.open_topic(0) if len(w.area.columns) > 1 else None
    if len(w.area.columns) < 2:  # the two may land in separate topics: read them as one
        store.merge_topics(w.analysis.topics[1].id, w.analysis.topics[0].id)
        w.reanalyse()
        w.open_topic(0)
    assert len(w.area.columns) == 2

    def entity_of(prefix: str, word: str):
        doc = next(c.doc for c in w.area.columns if c.doc.path.startswith(prefix))
        start = doc.text.index(word)
        return w.analysis.entity_at(doc.id, start)

    assert entity_of("a", "Xylandia") is None or entity_of("a", "Xylandia") != entity_of(
        "b", "Ksilandia"
    )
    focus_doc(qtbot, w, "a")
    _select_word(qtbot, w, "Xylandia")
    press(qtbot, w, "L", SHIFT)
    assert w.session.link_source is not None
    focus_doc(qtbot, w, "b")
    _select_word(qtbot, w, "Ksilandia")
    press(qtbot, w, "L", SHIFT)
    links = store.entity_links()
    assert len(links) == 1 and links[0].action == "link"
    linked_a, linked_b = entity_of("a", "Xylandia"), entity_of("b", "Ksilandia")
    assert linked_a is not None and linked_a.id == linked_b.id
    a_view = next(c.view for c in w.area.columns if c.doc.path.startswith("a"))
    assert any(s.entity == linked_a.id for s in a_view.deco.entities)

    # Unlink the match on one occurrence: the names are apart again, at once.
    focus_doc(qtbot, w, "b")
    press(qtbot, w, "gg")
    while w.session.focus_entity != linked_a.id:
        press(qtbot, w, "e")
    press(qtbot, w, "U", SHIFT)
    assert store.entity_links()[-1].action == "unlink"
    after_a, after_b = entity_of("a", "Xylandia"), entity_of("b", "Ksilandia")
    assert after_a is None or after_b is None or after_a.id != after_b.id
    press(qtbot, w, "u")  # undo the unlink: linked again
    assert entity_of("a", "Xylandia").id == entity_of("b", "Ksilandia").id


def test_search_highlights_and_steps(qtbot, window):
    press(qtbot, window, "/")
    assert window.search_bar.isVisible()
    qtbot.keyClicks(window.search_bar.line, "sora")
    qtbot.keyClick(window.search_bar.line, Qt.Key.Key_Return)
    hits = window.session.hits
    assert len(hits) >= 3
    docs = {h.doc for h in hits}
    assert len(docs) == 3, "Sora is named in all three versions"
    for hit in hits:
        text = window.analysis.corpus.by_id(hit.doc).text[hit.start : hit.end]
        assert text.casefold() == "sora"
    first = (window.area.column.doc.id, window.session.hit_index)
    press(qtbot, window, "n")
    assert window.session.hit_index == 1
    press(qtbot, window, "N", SHIFT)
    assert (window.area.column.doc.id, window.session.hit_index) == first
    hit = hits[0]
    assert (hit.start, hit.end) in window.area.view.deco.hits
    press(qtbot, window, "\x1b") if False else qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.session.hits == []


def test_search_everywhere_is_diacritic_insensitive(qtbot, window):
    press(qtbot, window, "f", CTRL)
    qtbot.keyClicks(window.search_bar.line, "trung quoc")
    qtbot.keyClick(window.search_bar.line, Qt.Key.Key_Return)
    assert window.session.hits
    doc = window.analysis.corpus.by_id(window.session.hits[0].doc)
    assert (
        doc.text[window.session.hits[0].start : window.session.hits[0].end].casefold()
        == "trung quốc"
    )


def test_palette_runs_a_command(qtbot, window):
    size = window.area.view.reading_font().pointSizeF()
    press(qtbot, window, ":")
    palette = window.palette_widget
    assert palette.isVisible()
    qtbot.keyClicks(palette.input, "zoom-in")
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert window.area.view.reading_font().pointSizeF() == size + 1
    assert window.modes.mode == Mode.NORMAL


def test_state_is_restored_on_next_start(qtbot, tmp_path, store):
    w = make_window(qtbot, tmp_path, store)
    w.open_topic(sora_topic(w.analysis))
    focus_doc(qtbot, w, "004")
    hidden = w.area.column.doc.id
    press(qtbot, w, "x")
    focus_doc(qtbot, w, "003")
    press(qtbot, w, "gg5j")
    press(qtbot, w, "=", CTRL)
    topic = w.session.topic.id
    w.close()

    again = make_window(qtbot, tmp_path, store, restore=True)
    assert again.session.topic.id == topic
    assert again.area.column.doc.path.startswith("003")
    assert again.area.view.current == 5
    assert again.zoom == 1.0
    assert hidden in again.area.hidden
    assert len(again.area.visible_columns()) == 2


def test_broken_state_file_is_ignored(qtbot, tmp_path, store):
    (tmp_path / "state.json").write_text("{not json", encoding="utf-8")
    w = make_window(qtbot, tmp_path, store, restore=True)
    assert w.area.columns


def test_export_and_import_from_the_app(qtbot, window, store, tmp_path):
    press(qtbot, window, "a")
    qtbot.keyClicks(window.note_editor.editor, "exported note")
    qtbot.keyClick(window.note_editor.editor, Qt.Key.Key_Return, CTRL)
    out = tmp_path / "notes.json"
    assert window.registry.run(f"export {out}")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    md = tmp_path / "notes.md"
    assert window.registry.run(f"export {md}")
    assert "exported note" in md.read_text(encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{broken", encoding="utf-8")
    assert not window.registry.run(f"import {bad}")
    assert "nothing changed" in window.message_label.text_shown()
    assert len(store.list()) == 1


def test_topic_rename_is_stored(qtbot, window, store):
    assert window.registry.run("topic-rename Sora in three languages")
    assert window.session.topic.label == "Sora in three languages"
    assert store.topic_edits()[-1].kind == "rename"
    press(qtbot, window, "u")
    assert window.session.topic.label != "Sora in three languages"


def test_note_preview_is_safe():
    html = render_markdown('<img src="http://x/y.png"> **bold** <script>alert(1)</script>')
    assert "<img" not in html.replace("&lt;img", "")
    assert "<script" not in html
    assert "<strong>bold</strong>" in html


def test_orphaned_note_is_flagged_and_reattached(qtbot, tmp_path, store):
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = folder / "story.txt"
    path.write_text("The mayor opened the bridge.\n\nTraffic resumed on Monday.\n", "utf-8")
    before = load_corpus(folder).documents[0]
    old = store.annotate(before, 4, 9, note="who?")  # "mayor"
    path.write_text("A new first line.\n\nTraffic resumed on Tuesday.\n", "utf-8")
    w = make_window(qtbot, tmp_path, store, analyse(load_corpus(folder)))
    assert store.get(old.id).status == "orphaned"
    panel = w.annotations_panel
    assert panel.visible_ids() == [old.id]
    assert "orphaned" in panel.tree.topLevelItem(0).text(0)
    assert w.area.view.deco.notes == []  # not drawn on text that merely looks alike
    press(qtbot, w, "j")
    panel.select(old.id)
    assert w.registry.run("reattach-annotation")
    again = store.get(old.id)
    assert again.status == "anchored" and again.quote == "Traffic resumed on Tuesday."
    assert [n.annotation for n in w.area.view.deco.notes] == [old.id]


def test_loading_can_be_cancelled(tmp_path):
    from reader.corpus.pipeline import Cancelled, load_and_analyse

    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(f"Document {n} about Lisbon.\n", "utf-8")
    seen: list[int] = []
    with pytest.raises(Cancelled):
        load_and_analyse(
            tmp_path, progress=lambda i, total, _: seen.append(i), cancelled=lambda: len(seen) >= 1
        )
    assert seen == [0]
    analysis = load_and_analyse(tmp_path)
    assert len(analysis.corpus.documents) == 3
