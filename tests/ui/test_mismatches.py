"""Mismatches in the window, driven by keys: outlines (M), stepping (gm/gM), the panel (Enter
jumps to both sides, d dismisses, u undoes), hiding a kind (kept in the store), the strips.

The corpus: the Vietnamese, Khmer and Portuguese seeds, with the Portuguese version altered the
way a rewrite goes wrong (a day, a month and a number changed), plus two seeds of other stories.
"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from reader.corpus.loading import load_corpus
from reader.corpus.pipeline import analyse
from reader.paths import seeds_dir
from reader.ui.mismatch_marks import OUTLINE
from reader.ui.theme import DARK, LIGHT, contrast_ratio
from tests.ui.helpers import CTRL, SHIFT, dispose, make_window, open_windows, press, sora_topic

CHANGES = (  # in the Portuguese version: (original, altered)
    ("Sora em 16 de fevereiro", "Sora em 26 de fevereiro"),
    ("em 23 de fevereiro", "em 23 de março"),
    ("com mais de 200 LLMs", "com mais de 300 LLMs"),
)


@pytest.fixture(scope="module")
def altered(tmp_path_factory):
    """The analysis of the corpus with the altered Portuguese version."""
    root = tmp_path_factory.mktemp("altered")
    for seed in seeds_dir().iterdir():
        shutil.copy(seed, root / seed.name)
    pt = next(root.glob("004_*.txt"))
    text = pt.read_text(encoding="utf-8")
    for old, new in CHANGES:
        assert old in text, f"the seed no longer says {old!r}"
        text = text.replace(old, new)
    pt.write_text(text, encoding="utf-8")
    return analyse(load_corpus(root))


def _window(qtbot, tmp_path, analysis, store=None):
    w = make_window(qtbot, tmp_path, store, analysis=analysis)
    w.open_topic(sora_topic(analysis))
    qtbot.waitUntil(lambda: analysis.has_alignment(w.area.ids()), timeout=20000)
    return w


def _compared(qtbot, w) -> None:
    qtbot.waitUntil(lambda: w.mismatches.result is not None, timeout=30000)
    QApplication.processEvents()


def _column(w, prefix: str):
    return next(c for c in w.area.columns if c.doc.path.startswith(prefix))


def _passage_of(doc, text: str) -> int:
    at = doc.text.index(text)
    return next(p.index for p in doc.passages if p.start <= at < p.end)


def _rows(w) -> list[tuple[str, str, str]]:
    tree = w.mismatches.panel.tree
    return [
        (tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(2), tree.topLevelItem(i).text(3))
        for i in range(tree.topLevelItemCount())
    ]


def test_m_outlines_the_changed_values_in_both_columns_and_again_turns_them_off(
    qtbot, tmp_path, altered
):
    w = _window(qtbot, tmp_path, altered)
    km, pt = _column(w, "003"), _column(w, "004")
    press(qtbot, w, "M", SHIFT)
    _compared(qtbot, w)
    qtbot.waitUntil(lambda: bool(pt.view.deco.mismatches))
    marked = {pt.doc.text[m.start : m.end] for m in pt.view.deco.mismatches}
    assert {"26 de fevereiro", "23 de março", "300"} <= marked
    assert any(km.doc.text[m.start : m.end] == "200" for m in km.view.deco.mismatches)
    press(qtbot, w, "M", SHIFT)
    assert not pt.view.deco.mismatches and not km.view.deco.mismatches


def test_gm_steps_through_the_column_in_text_order_and_the_other_version_follows(
    qtbot, tmp_path, altered
):
    w = _window(qtbot, tmp_path, altered)
    km, pt = _column(w, "003"), _column(w, "004")
    w.area.set_focus(w.area.columns.index(pt))
    press(qtbot, w, "gg")
    press(qtbot, w, "gm")
    _compared(qtbot, w)
    qtbot.waitUntil(lambda: pt.view.current == _passage_of(pt.doc, "26 de fevereiro"))
    assert w.area.column is pt, "the focus stays in the column stepped through"
    assert km.view.current == _passage_of(km.doc, "16 ខែកុម្ភៈ"), "the Khmer side follows"
    march = _passage_of(pt.doc, "23 de março")
    seen = [pt.view.current]
    for _ in range(4):  # another version may disagree in the same passage: a stop there too
        press(qtbot, w, "gm")
        seen.append(pt.view.current)
        if seen[-1] == march:
            break
    assert seen[-1] == march and seen == sorted(seen), f"text order: {seen}"
    assert km.view.current == _passage_of(km.doc, "23 ខែកុម្ភៈ")
    press(qtbot, w, "gM")
    assert pt.view.current == _passage_of(pt.doc, "26 de fevereiro")
    assert "26 de fevereiro" in w.message_label.text_shown()


def test_enter_in_the_panel_puts_each_columns_cursor_on_its_side(qtbot, tmp_path, altered):
    w = _window(qtbot, tmp_path, altered)
    km, pt = _column(w, "003"), _column(w, "004")
    press(qtbot, w, "M", SHIFT)
    _compared(qtbot, w)
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_M, CTRL | SHIFT)
    panel = w.mismatches.panel
    assert w.mismatches.dock.isVisible() and panel.tree.hasFocus()
    rows = _rows(w)
    target = next(i for i, r in enumerate(rows) if r[0] == "number" and "300" in r[1:])
    for _ in range(target):
        qtbot.keyClick(panel.tree, Qt.Key.Key_Down)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert pt.view.current == _passage_of(pt.doc, "300 LLMs")
    assert km.view.current == _passage_of(km.doc, "200")
    current = [m for m in pt.view.deco.mismatches if m.current]
    assert [pt.doc.text[m.start : m.end] for m in current] == ["300"], "drawn thicker"


def test_d_in_the_panel_dismisses_and_u_brings_it_back(qtbot, tmp_path, altered, store):
    from reader.store.mismatch_decisions import dismissals

    w = _window(qtbot, tmp_path, altered, store)
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_M, CTRL | SHIFT)
    _compared(qtbot, w)
    panel = w.mismatches.panel
    before = _rows(w)
    assert before
    panel.focus_list()
    qtbot.keyClick(panel.tree, Qt.Key.Key_D)
    assert _rows(w) == before[1:]
    assert [(d.text_a, d.text_b) for d in dismissals(store)] == [before[0][1:]]
    assert panel.tree.hasFocus() and panel.current_key() is not None, "on to the next one"
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert _rows(w) == before[2:]
    press(qtbot, w, "u")
    press(qtbot, w, "u")
    assert _rows(w) == before and not dismissals(store)
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_R, CTRL)
    assert _rows(w) == before[1:]


def test_a_hidden_kind_stays_hidden_when_the_app_opens_again(qtbot, tmp_path, altered, store):
    w = _window(qtbot, tmp_path, altered, store)
    press(qtbot, w, ":")
    qtbot.keyClicks(w.palette_widget.input, "mismatch-hide date")
    qtbot.keyClick(w.palette_widget.input, Qt.Key.Key_Return)
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_M, CTRL | SHIFT)
    _compared(qtbot, w)
    kinds = {r[0] for r in _rows(w)}
    assert "date" not in kinds and "number" in kinds
    open_windows.remove(w)
    dispose(w)
    again = _window(qtbot, tmp_path, altered, store)
    qtbot.keyClick(again.focusWidget() or again, Qt.Key.Key_M, CTRL | SHIFT)
    _compared(qtbot, again)
    assert "date" not in {r[0] for r in _rows(again)}
    assert "hidden: date" in again.mismatches.panel.summary.text()
    assert again.registry.run("mismatch-show date")
    assert "date" in {r[0] for r in _rows(again)}


def test_the_strips_show_each_version_aligned_unmatched_mismatched_and_the_cursor(
    qtbot, tmp_path, altered
):
    w = _window(qtbot, tmp_path, altered)
    pt = _column(w, "004")
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_M, CTRL | SHIFT)
    _compared(qtbot, w)
    strip = w.mismatches.panel.strip
    assert [r.doc_id for r in strip.rows] == w.area.ids(), "one strip per column, in order"
    states = {(r.doc_id, c.state) for r in strip.rows for c in r.cells}
    assert {s for _, s in states} >= {"aligned", "unmatched", "mismatch", "skipped"}
    changed = _passage_of(pt.doc, "26 de fevereiro")
    assert strip.state_at(pt.doc.id, changed) == "mismatch"
    assert strip.state_at(pt.doc.id, len(pt.doc.passages) - 1) == "skipped", "boilerplate"
    w.area.set_focus(w.area.columns.index(pt))
    w.area.move_to(changed + 2)
    row = next(r for r in strip.rows if r.doc_id == pt.doc.id)
    assert row.focused and row.cursor == changed + 2, "the cursor is drawn where it is"


def test_a_comparison_of_a_topic_no_longer_shown_is_dropped(qtbot, tmp_path, altered):
    w = _window(qtbot, tmp_path, altered)
    view = w.mismatches
    key, alignment = view._wanted_key()
    docs = [c.doc for c in w.area.columns]
    press(qtbot, w, "]")  # another topic while the comparison runs
    QApplication.processEvents()
    view._arrived(key, alignment, docs, [])
    assert view.result is None, "the old topic's result is not shown"


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_the_outline_stands_out_from_the_page_cursor_and_partner_bands(theme):
    outline = QColor(OUTLINE["dark" if theme.dark else "light"])
    for ground in (theme.base, theme.current, theme.partner):
        assert contrast_ratio(outline, QColor(ground)) >= 3.0, ground


def test_what_the_window_shows_is_what_the_comparison_says(altered):
    """The window's precomputed view (fingerprints taken once) agrees with the core's."""
    from reader.compare_jobs import compare_linked
    from reader.ui.mismatch_model import Shown, fingerprints

    ids = altered.topics[sora_topic(altered)].documents
    docs = [altered.corpus.by_id(i) for i in ids]
    result = compare_linked(docs, altered.sub_index(ids), altered.alignment(ids))
    some = result.visible()[:1]
    gone = {result.pairs[n].fingerprint(m) for n, m in some}
    for dismissed, hidden in (((), ()), (gone, ()), ((), ("date",))):
        shown = Shown.of(result, fingerprints(result), dismissed, hidden)
        assert [shown.by_key[k] for k in shown.order] == result.visible(0.5, dismissed, hidden)
        for d in docs:
            assert shown.strip(d.id) == result.strip(d.id, 0.5, dismissed, hidden)
            located = result.in_document(d.id, 0.5, dismissed, hidden)
            assert [(x.start, x.end) for x in shown.spots[d.id]] == [
                (x.start, x.end) for x in located
            ]


def test_the_same_two_values_in_two_passages_are_two_stops_and_one_dismissal(altered):
    """One fingerprint (a dismissal covers both), but each passage is its own stop for gm."""
    from dataclasses import replace

    from reader.compare_jobs import compare_linked
    from reader.ui.mismatch_model import Shown, fingerprints

    ids = altered.topics[sora_topic(altered)].documents
    docs = [altered.corpus.by_id(i) for i in ids]
    result = compare_linked(docs, altered.sub_index(ids), altered.alignment(ids))
    n, m = next((n, m) for n, m in result.visible() if m.a is not None and m.kind == "number")
    c = result.pairs[n]
    later = next(g for g, (ga, _gb) in enumerate(c.groups) if ga[0] > m.a.passage + 1)
    passage = c.doc_a.passages[c.groups[later][0][0]]
    again = replace(
        m,
        group=later,
        a=replace(m.a, passage=passage.index, start=passage.start, end=passage.start + 3),
    )
    c.mismatches.append(again)
    assert c.fingerprint(again) == c.fingerprint(m)
    shown = Shown.of(result, fingerprints(result))
    stops = [x for x in shown.spots[c.doc_a.id] if shown.by_key[x.key][1] in (m, again)]
    assert len({x.key for x in stops}) == 2 and {x.passage for x in stops} == {
        m.a.passage,
        passage.index,
    }
    gone = Shown.of(result, fingerprints(result), dismissed={c.fingerprint(m)})
    assert not any(gone.by_key[x.key][1] in (m, again) for x in gone.spots[c.doc_a.id])


def test_the_strips_are_reached_by_keys_and_enter_goes_to_that_passage(qtbot, tmp_path, altered):
    w = _window(qtbot, tmp_path, altered)
    pt = _column(w, "004")
    w.area.set_focus(w.area.columns.index(pt))
    w.area.move_to(3)
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_M, CTRL | SHIFT)
    _compared(qtbot, w)
    strip = w.mismatches.panel.strip
    assert w.mismatches.panel.tree.hasFocus()
    qtbot.keyClick(w.mismatches.panel.tree, Qt.Key.Key_Tab)
    assert strip.hasFocus(), "Tab goes from the list to the strips"

    assert strip.rows[strip.row].doc_id == pt.doc.id, "starts on the focused column's strip"
    for _ in range(2):
        qtbot.keyClick(strip, Qt.Key.Key_Right)
    qtbot.keyClick(strip, Qt.Key.Key_Return)
    assert w.area.column is pt and pt.view.current == 5
    qtbot.keyClick(strip, Qt.Key.Key_Up)
    qtbot.keyClick(strip, Qt.Key.Key_Return)
    above = w.area.columns[w.area.columns.index(pt) - 1]
    assert w.area.column is above, "Up: the version above"


def test_d_dismisses_under_a_khmer_keyboard_layout_too(qtbot, tmp_path, altered, store):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    w = _window(qtbot, tmp_path, altered, store)
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_M, CTRL | SHIFT)
    _compared(qtbot, w)
    w.dispatcher.layout = "xkb"
    assert w.mismatches.panel.tree.hasFocus()
    before = _rows(w)
    # the d key under a Khmer layout types ដ; X11 gives the keycode of d (evdev 32 + 8)
    event = QKeyEvent(QEvent.Type.KeyPress, 0x178A, Qt.KeyboardModifier.NoModifier, 40, 0, 0, "ដ")
    QApplication.sendEvent(w.mismatches.panel.tree, event)
    assert _rows(w) == before[1:]


def test_d_dismisses_in_the_list_while_the_window_is_not_the_active_one(
    qtbot, tmp_path, altered, store
):
    """Under an X server without a window manager (or keys sent to a background window) Qt
    never announces the focus change; `d` in the list still dismisses, and does not wait as
    the start of `dd`."""
    from PySide6.QtWidgets import QWidget

    w = _window(qtbot, tmp_path, altered, store)
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_M, CTRL | SHIFT)
    _compared(qtbot, w)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other)
    panel = w.mismatches.panel
    w.focus_columns()
    press(qtbot, w, "gm")
    jumped = w.mismatches.current
    assert jumped is not None
    panel.focus_list()
    before = _rows(w)
    row = next(i for i, key in enumerate(panel.keys()) if key != jumped)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(row))
    qtbot.keyClick(panel.tree, Qt.Key.Key_D)
    assert w.dispatcher.pending == ""
    assert _rows(w) == before[:row] + before[row + 1 :], "the row chosen in the list"
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    assert len(_rows(w)) == len(before) - 2


def test_the_panel_keys_come_from_the_keymap_section_of_the_panel(tmp_path):
    from reader.ui.keymap import load_keymap

    user = tmp_path / "keymap.toml"
    user.write_text('[mismatches]\nx = "mismatch-dismiss"\nd = ""\n', encoding="utf-8")
    keymap = load_keymap(user)
    assert not keymap.errors
    assert keymap["mismatches"] == {"Delete": "mismatch-dismiss", "x": "mismatch-dismiss"}


def test_the_help_names_the_keys_of_the_mismatches_panel(qtbot, tmp_path, altered):
    w = _window(qtbot, tmp_path, altered)
    press(qtbot, w, "?")
    text = w.help_widget.browser.toPlainText()
    assert "Mismatches panel — while its list has the keyboard" in text
    assert "mismatch-dismiss" in text.split("Mismatches panel")[1]


def test_opening_another_corpus_with_the_panel_open_raises_nothing(qtbot, tmp_path, altered):
    """With the panel open, a new corpus changed the topic while the columns were still the
    old corpus's: looking up their alignment raised KeyError in the slot."""
    w = _window(qtbot, tmp_path, altered)
    press(qtbot, w, "M", CTRL | SHIFT)
    _compared(qtbot, w)
    other = tmp_path / "other"
    other.mkdir()
    for name, text in (
        ("x.txt", "Lisboa abriu o porto.\n\nO porto cresce."),
        ("y.txt", "Lisbon opened the port.\n\nThe port grows."),
    ):
        (other / name).write_text(text, encoding="utf-8")
    with qtbot.captureExceptions() as raised:
        w.set_analysis(analyse(load_corpus(other)))
        QApplication.processEvents()
        w.open_topic(0)
        QApplication.processEvents()
    assert raised == []
    assert {c.doc.path for c in w.area.columns} <= {"x.txt", "y.txt"}


def test_a_comparison_that_lands_later_leaves_the_message_on_screen_alone(
    qtbot, tmp_path, altered
):
    w = _window(qtbot, tmp_path, altered)
    press(qtbot, w, "M", SHIFT)
    _compared(qtbot, w)
    assert "outlined" in w.message_label.text_shown(), "the answer to M replaces its placeholder"
    other = next(i for i in range(len(altered.topics)) if i != sora_topic(altered))
    w.open_topic(other)
    w.open_topic(sora_topic(altered))  # as a jump to a search hit in another topic does
    w.show_message("Hit 3 of 12")
    first = w.mismatches.result
    qtbot.waitUntil(lambda: w.mismatches.result is not first, timeout=30000)
    QApplication.processEvents()
    assert w.message_label.text_shown() == "Hit 3 of 12"
