"""Defects a reader met driving the window by keyboard under Xvfb (session 8's tour): each test
fails on the code before its fix."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QPushButton

from reader.ui.theme import apply_theme, contrast_ratio
from tests.ui.helpers import CTRL, SHIFT, empty_window, make_window, press, sora_topic


def themed(w) -> None:
    """Give the application the window's stylesheet, as the app does on start."""
    apply_theme(QApplication.instance(), w.theme)
    QApplication.processEvents()


def test_the_status_bar_never_cuts_the_end_of_the_document_label_off(qtbot, tmp_path):
    """The document label was shortened to the label's whole width while the stylesheet's
    padding left less room: its end was clipped (`… the tourism sector [e`)."""
    w = make_window(qtbot, tmp_path)
    themed(w)
    w.open_topic(sora_topic(w.analysis))
    for width in (900, 1100, 1400):
        w.resize(width, 800)
        QApplication.processEvents()
        for label in (w.doc_label, w.topic_label):
            shown = label.fontMetrics().horizontalAdvance(label.text())
            room = label.contentsRect().width() - 2 * label.margin()
            assert shown <= room, f"{label.text()!r}: {shown} px drawn in {room} px"
        assert w.doc_label.text().endswith(f"[{w.area.column.doc.language}]")


def test_zooming_keeps_the_column_titles_bold(qtbot, tmp_path):
    """Ctrl+= / Ctrl+0 gave the titles a new font and they lost the stylesheet's weight."""
    w = make_window(qtbot, tmp_path)
    themed(w)
    w.open_topic(sora_topic(w.analysis))
    titles = [c.title for c in w.area.columns]
    assert all(t.fontInfo().bold() for t in titles)
    press(qtbot, w, "=", CTRL)
    QApplication.processEvents()
    assert all(t.fontInfo().bold() for t in titles), "bold after zooming in"
    press(qtbot, w, "0", CTRL)
    QApplication.processEvents()
    assert all(t.fontInfo().bold() for t in titles), "bold after the zoom reset"


def test_j_and_k_move_through_the_topics_panel_not_the_hidden_column(qtbot, tmp_path):
    """`t` gives the topics panel the keys; `j` then moved the reading cursor underneath."""
    w = make_window(qtbot, tmp_path)
    w.open_topic(0)
    before = w.area.column.view.current
    press(qtbot, w, "t")
    panel = w.topics_panel
    assert w.focusWidget() is panel
    row = panel.currentIndex().row()
    press(qtbot, w, "j")
    assert panel.currentIndex().row() == row + 1
    assert w.area.column.view.current == before, "the reading cursor stays where it was"
    press(qtbot, w, "k")
    assert panel.currentIndex().row() == row
    press(qtbot, w, "\r")
    assert w.session.topic_index == row


def test_j_and_k_move_through_the_entities_and_annotations_lists(qtbot, tmp_path, store):
    w = make_window(qtbot, tmp_path, store)
    w.open_topic(sora_topic(w.analysis))
    before = w.area.column.view.current
    press(qtbot, w, "e", CTRL)
    panel = w.entities_panel
    assert w.focusWidget() is panel and panel.topLevelItemCount() > 2
    first = panel.indexOfTopLevelItem(panel.currentItem())
    press(qtbot, w, "jj")
    assert panel.indexOfTopLevelItem(panel.currentItem()) == first + 2
    press(qtbot, w, "k")
    assert panel.indexOfTopLevelItem(panel.currentItem()) == first + 1
    assert w.area.column.view.current == before
    press(qtbot, w, "\x1b")  # Escape gives the keys back to the columns
    press(qtbot, w, "a")
    qtbot.keyClicks(w.note_editor.editor, "one")
    press(qtbot, w, "\r", CTRL)
    press(qtbot, w, "j")
    press(qtbot, w, "a")
    qtbot.keyClicks(w.note_editor.editor, "two")
    press(qtbot, w, "\r", CTRL)
    press(qtbot, w, "a", CTRL)
    tree = w.annotations_panel.tree
    assert w.focusWidget() is tree and tree.topLevelItemCount() == 2
    row = tree.indexOfTopLevelItem(tree.currentItem())
    press(qtbot, w, "j" if row == 0 else "k")
    assert tree.indexOfTopLevelItem(tree.currentItem()) == 1 - row


def test_the_annotations_panel_buttons_show_their_whole_labels(qtbot, tmp_path):
    """At the dock's usual width the five buttons read `e-attac`, `xport.`, `nport.`."""
    w = make_window(qtbot, tmp_path)
    themed(w)
    press(qtbot, w, "a", CTRL)
    QApplication.processEvents()
    buttons = w.annotations_panel.findChildren(QPushButton)
    assert {b.text() for b in buttons} >= {"Re-attach", "Export…", "Import…"}
    for b in buttons:
        assert b.width() >= b.sizeHint().width(), f"{b.text()!r} clipped: {b.width()} px"
        corner = b.mapTo(w.annotations_panel, b.rect().bottomRight())
        assert corner.x() <= w.annotations_panel.width(), f"{b.text()!r} past the panel"


def test_the_entities_panel_has_its_headings_before_any_topic_is_open(qtbot, tmp_path):
    """While a corpus loads the entities panel showed a lone heading `1`."""
    w = empty_window(qtbot, tmp_path)
    head = w.entities_panel.headerItem()
    assert [head.text(i) for i in range(w.entities_panel.columnCount())][:2] == ["Entity", "Kind"]


def test_exporting_from_the_app_writes_this_corpus_notes_only(qtbot, tmp_path, store):
    """One store serves every corpus; Ctrl+s wrote the notes of the other corpora as well."""
    import json

    store.add("elsewhere/other.txt", "0" * 64, 0, 5, "Other", note="from another corpus")
    w = make_window(qtbot, tmp_path, store)
    w.open_topic(sora_topic(w.analysis))
    press(qtbot, w, "a")
    qtbot.keyClicks(w.note_editor.editor, "mine")
    press(qtbot, w, "\r", CTRL)
    assert [a.note for a in w.session.annotations] == ["mine"]
    out, md = tmp_path / "notes.json", tmp_path / "notes.md"
    assert w.registry.run(f"export {out}") and w.registry.run(f"export {md}")
    items = json.loads(out.read_text(encoding="utf-8"))["first"]["items"]
    bodies = [
        b["value"]
        for item in items
        for b in (item["body"] if isinstance(item["body"], list) else [item["body"]])
        if b.get("purpose") == "commenting"
    ]
    assert bodies == ["mine"]
    assert "another corpus" not in md.read_text(encoding="utf-8")
    assert "1 note of this corpus" in w.message_label.text_shown()


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* of an sRGB colour (D65)."""
    c = QColor(colour)

    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = linear(c.redF()), linear(c.greenF()), linear(c.blueF())
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def _delta_e(a: str, b: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5


def test_search_hits_stand_apart_from_every_entity_colour_in_both_themes():
    """In the dark theme a hit (#7a6400) looked like an amber entity (#6b4a00) and the current
    hit (#8a4a00) like a peach one (#7a3d14): a reader could not tell hits from names."""
    from reader.ui.theme import DARK, ENTITY_COLOURS, LIGHT

    for theme, side in ((LIGHT, 0), (DARK, 1)):
        for name in ("search", "search_current"):
            colour = getattr(theme, name)
            nearest = min(ENTITY_COLOURS, key=lambda pair: _delta_e(colour, pair[side]))[side]
            assert _delta_e(colour, nearest) >= 25, (theme.name, name, colour, nearest)
        assert _delta_e(theme.search, theme.search_current) >= 25, theme.name
        for name in ("search", "search_current"):  # and the hit's words stay legible
            ratio = contrast_ratio(QColor(theme.search_text), QColor(getattr(theme, name)))
            assert ratio >= 4.5, (theme.name, name, ratio)


def test_importing_notes_of_another_corpus_says_they_are_not_shown_here(qtbot, tmp_path, store):
    """`Imported …: 1 added` and nothing new anywhere: the note was on another corpus's file."""
    from reader.store import exchange
    from reader.store.annotations import Store

    other = Store(tmp_path / "other.db")
    other.add("elsewhere/other.txt", "0" * 64, 0, 5, "Other", note="from another corpus")
    backup = tmp_path / "other.json"
    backup.write_text(exchange.export_w3c_json(other), encoding="utf-8")
    other.close()
    w = make_window(qtbot, tmp_path, store)
    assert w.registry.run(f"import {backup}")
    said = w.message_label.text_shown()
    assert "1 added" in said and "1 of them on documents not in this corpus" in said
    assert w.session.annotations == []


def test_f11_goes_full_screen_over_the_whole_screen_and_back(qtbot, tmp_path, monkeypatch):
    """No key went full screen; and a full-screen window was capped at the area beside the
    desktop's panels on every resize."""
    from PySide6.QtCore import QRect

    from reader.ui import layout_guard

    monkeypatch.setattr(layout_guard, "available", lambda window: QRect(0, 40, 1000, 700))
    w = make_window(qtbot, tmp_path)
    screen = w.screen().geometry()
    press(qtbot, w, "\x1b")
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_F11)
    qtbot.waitUntil(w.isFullScreen, timeout=3000)
    w.fit_to_screen()  # as after any resize
    assert w.maximumWidth() >= screen.width() and w.maximumHeight() >= screen.height()
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not w.isFullScreen(), timeout=3000)
    assert w.maximumWidth() <= 1000 and w.maximumHeight() <= 700, "capped again"


def test_the_notes_dialogs_start_in_the_folder_used_last_never_the_launch_folder(
    qtbot, tmp_path, store, monkeypatch
):
    """Ctrl+s proposed `annotations.json` in whatever folder the app was started from (a
    source checkout, a corpus folder)."""
    from PySide6.QtWidgets import QFileDialog

    home, launch, chosen = tmp_path / "home", tmp_path / "launch", tmp_path / "exports"
    for folder in (home, launch, chosen):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(launch)
    proposed: list[str] = []

    def ask(_parent, _title, where, _filter):
        proposed.append(where)
        return "", ""  # the reader cancels

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", ask)
    w = make_window(qtbot, tmp_path, store)
    w.registry.run("export")
    assert proposed[-1].startswith(str(home)), proposed[-1]
    assert w.registry.run(f"export {chosen / 'mine.json'}")
    w.registry.run("export")
    w.registry.run("import")
    assert proposed[-2].startswith(str(chosen)) and proposed[-1].startswith(str(chosen))


def test_the_concordance_opened_beside_the_mismatches_panel_gets_the_whole_width(qtbot, tmp_path):
    """With the mismatches panel open, Ctrl+k split the bottom in two and the concordance got a
    strip of about 100 px: its contexts and the Khmer passages a word a line."""
    w = make_window(qtbot, tmp_path)
    w.open_topic(sora_topic(w.analysis))
    press(qtbot, w, "M", CTRL | SHIFT)
    qtbot.waitUntil(lambda: w.mismatches.dock.isVisible(), timeout=5000)
    press(qtbot, w, "\x1b")
    press(qtbot, w, "k", CTRL)
    QApplication.processEvents()
    dock = w.concordance_dock
    assert dock is not None and dock.isVisible()
    assert dock.width() >= 0.6 * w.width(), f"concordance {dock.width()} px of {w.width()}"
    assert w.mismatches.dock in w.tabifiedDockWidgets(dock), "the other bottom panel: a tab"


def test_enter_on_an_empty_search_bar_says_the_search_was_cleared(qtbot, tmp_path):
    """It said `No hits for “”` and left the old hits highlighted (`n` still stepped them)."""
    w = make_window(qtbot, tmp_path)
    w.open_topic(sora_topic(w.analysis))
    press(qtbot, w, "/")
    qtbot.keyClicks(w.search_bar.line, "Sora")
    press(qtbot, w, "\r")
    assert w.session.hits
    press(qtbot, w, "/")
    w.search_bar.line.clear()
    press(qtbot, w, "\r")
    assert not w.session.hits
    said = w.message_label.text_shown()
    assert "cleared" in said and "“”" not in said


def test_moving_the_first_column_left_says_why_nothing_moved(qtbot, tmp_path):
    """`<` on the first column (or `>` on the last) did nothing and said nothing."""
    w = make_window(qtbot, tmp_path)
    w.open_topic(sora_topic(w.analysis))
    order = [c.doc.id for c in w.area.columns]
    press(qtbot, w, "h" * len(order))
    press(qtbot, w, "<")
    assert "Already the first column" in w.message_label.text_shown()
    assert [c.doc.id for c in w.area.columns] == order
    press(qtbot, w, ">")
    assert [c.doc.id for c in w.area.columns] == [order[1], order[0], *order[2:]]
    press(qtbot, w, "l" * len(order) + ">")
    assert "Already the last column" in w.message_label.text_shown()


def test_the_chooser_lists_titles_at_a_reading_size_in_rows_a_khmer_line_fits(qtbot, tmp_path):
    """Khmer and Thai document titles in `o`'s list were at the UI's ~9 pt; at 11 pt the rows
    must still hold a Khmer line (its stacked marks ran into the next row)."""
    from PySide6.QtGui import QFontMetricsF

    from reader.ui.chooser import ITEM_POINT_SIZE
    from reader.ui.fonts import font_for_script

    w = make_window(qtbot, tmp_path)
    items = [("កំពង់ផែដាណាំង", "km"), ("ท่าเรือดานัง", "th"), ("Cảng Đà Nẵng", "vi")]
    w.chooser.open("Open a document", items, lambda _value: None)
    listed = w.chooser.list
    assert listed.fontInfo().pointSizeF() >= ITEM_POINT_SIZE - 0.5 > w.fontInfo().pointSizeF()
    khmer = QFontMetricsF(font_for_script("Khmr", ITEM_POINT_SIZE)).lineSpacing()
    for i in range(3):
        assert listed.visualItemRect(listed.item(i)).height() >= khmer
    w.chooser.close_chooser()


def test_a_note_is_typed_and_previewed_at_a_reading_size(qtbot, tmp_path, store):
    """The note editor and its preview were at the UI's ~9 pt (a Khmer note hard to read)."""
    from reader.ui.note_editor import NOTE_POINT_SIZE

    w = make_window(qtbot, tmp_path, store)
    themed(w)
    w.open_topic(sora_topic(w.analysis))
    press(qtbot, w, "a")
    editor = w.note_editor
    assert editor.isVisible()
    editor.editor.insertPlainText("ប្រទេសចិន")  # QTest types ASCII only
    for widget in (editor.editor, editor.preview):
        assert widget.fontInfo().pointSizeF() >= NOTE_POINT_SIZE - 0.5 > w.fontInfo().pointSizeF()
    qtbot.keyClick(editor.editor, Qt.Key.Key_Escape)
