"""The reading window driven by keys: topics, columns, movement, alignment, entities, look."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reader.ui.keymap import load_keymap
from reader.ui.window import MainWindow, build_registry_for_tests
from tests.ui.helpers import CTRL, make_window, press, sora_topic


@pytest.fixture
def window(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    w.open_topic(sora_topic(w.analysis))
    QApplication.processEvents()
    return w


def test_every_bound_command_exists():
    registry = build_registry_for_tests()
    keymap = load_keymap()
    bound = {line.split()[0] for section in keymap.values() for line in section.values() if line}
    missing = sorted(bound - set(registry.names()))
    assert not missing, f"keys bound to unknown commands: {missing}"


def test_topic_shows_its_documents_side_by_side(window):
    docs = [c.doc for c in window.area.columns]
    assert sorted(d.path[:3] for d in docs) == ["000", "003", "004"]
    badges = {c.doc.path[:3]: c.badge.text() for c in window.area.columns}
    assert badges["003"] == "km · Khmr"
    assert badges["004"] == "pt · Latn"
    assert window.topics_panel.row_text(window.session.topic_index, 1) == "3"


def test_passage_keys_move_and_count(qtbot, window):
    view = window.area.view
    press(qtbot, window, "j")
    assert view.current == 1
    press(qtbot, window, "3j")
    assert view.current == 4
    press(qtbot, window, "k")
    assert view.current == 3
    press(qtbot, window, "G")
    assert view.current == view.passage_count - 1
    press(qtbot, window, "gg")
    assert view.current == 0
    press(qtbot, window, "d", CTRL)
    assert view.current > 0
    assert f"¶ {view.current + 1}/{view.passage_count}" in window.passage_label.text()


def test_columns_h_l_hide_show_and_reorder(qtbot, window):
    first = window.area.column.doc.id
    press(qtbot, window, "l")
    assert window.area.column.doc.id != first
    press(qtbot, window, "h")
    assert window.area.column.doc.id == first
    press(qtbot, window, "x")
    assert len(window.area.visible_columns()) == 2
    assert first in window.area.hidden
    press(qtbot, window, "X")
    assert len(window.area.visible_columns()) == 3
    press(qtbot, window, "hh")
    assert window.area.column.doc.id == first
    press(qtbot, window, ">")
    assert [c.doc.id for c in window.area.columns].index(first) == 1
    assert window.state.order[window.session.topic.id][1] == first
    assert window.area.splitter.indexOf(window.area.column) == 1


def test_brackets_switch_topics(qtbot, window):
    start = window.session.topic_index
    press(qtbot, window, "]")
    assert window.session.topic_index == (start + 1) % len(window.analysis.topics)
    press(qtbot, window, "[")
    assert window.session.topic_index == start


def _focus_doc(window: MainWindow, prefix: str) -> None:
    ids = [c.doc.path[:3] for c in window.area.columns]
    window.area.set_focus(ids.index(prefix))


def test_aligned_partners_light_up_and_sit_level(qtbot, window):
    _focus_doc(window, "003")
    km = window.area.column
    pt = next(c for c in window.area.columns if c.doc.path.startswith("004"))
    press(qtbot, window, "4j")
    partners = window.area.partners(km.doc.id, km.view.current)
    assert partners.get(pt.doc.id), "the Khmer and Portuguese seeds are translations"
    QApplication.processEvents()
    assert pt.view.deco.partners == set(partners[pt.doc.id])
    first = partners[pt.doc.id][0]
    line = km.view.fontMetrics().lineSpacing()
    assert abs(pt.view.passage_top(first) - km.view.passage_top(km.view.current)) < line
    press(qtbot, window, "s")  # sync off: columns no longer follow
    assert not window.area.sync


def test_passage_without_partner_shows_a_gap(qtbot, window):
    _focus_doc(window, "000")
    vi = window.area.column
    others = [c for c in window.area.columns if c is not vi]
    lonely = next(
        i
        for i, p in enumerate(vi.doc.passages)
        if p.kind != "boilerplate" and not window.area.partners(vi.doc.id, i).get(others[0].doc.id)
    )
    press(qtbot, window, "gg")
    if lonely:
        press(qtbot, window, f"{lonely}j")
    assert vi.view.current == lonely
    assert others[0].view.gap is not None
    press(qtbot, window, "s")
    assert others[0].view.gap is None


def test_shared_entities_highlighted_in_every_column_same_colour(window):
    colours: dict[str, set[int]] = {}
    for column in window.area.columns:
        spans = column.view.deco.entities
        assert spans, f"no entity highlighted in {column.doc.path}"
        for span in spans:
            colours.setdefault(span.entity, set()).add(span.colour)
            assert column.doc.text[span.start : span.end].strip()
    assert all(len(c) == 1 for c in colours.values())
    in_all = [
        e
        for e in colours
        if all(any(s.entity == e for s in c.view.deco.entities) for c in window.area.columns)
    ]
    assert in_all, "some entity (Sora, China...) occurs in all three versions"


def test_entity_keys_step_and_tell_where_else(qtbot, window):
    _focus_doc(window, "003")
    press(qtbot, window, "e")
    assert window.session.focus_entity is not None
    doc_id, start = window.session.entity_cursor
    assert doc_id == window.area.column.doc.id
    message = window.message_label.text_shown()
    assert "km" in message and "×" in message
    press(qtbot, window, "e")
    assert window.session.entity_cursor[1] > start
    press(qtbot, window, "E")
    assert window.session.entity_cursor[1] == start


def test_entities_panel_counts_and_cycles(qtbot, window):
    panel = window.entities_panel
    assert panel.topLevelItemCount() > 0
    assert panel.headerItem().text(2) in {"vi", "km", "pt"}
    press(qtbot, window, "e", CTRL)
    assert QApplication.focusWidget() is panel or window.focusWidget() is panel
    item = panel.topLevelItem(0)
    panel.setCurrentItem(item)
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    first = window.session.entity_cursor
    qtbot.keyClick(panel, Qt.Key.Key_Return)
    assert window.session.entity_cursor != first
    entity = window.analysis.entities[window.session.focus_entity]
    assert entity.label == item.text(0)


def test_open_a_document_alone(qtbot, window):
    press(qtbot, window, "o")
    assert window.chooser.isVisible()
    qtbot.keyClicks(window.chooser.line, "003")
    qtbot.keyClick(window.chooser.line, Qt.Key.Key_Return)
    assert len(window.area.columns) == 1
    assert window.area.columns[0].doc.path.startswith("003")
    assert "alone" in window.topic_label.text_shown()


def test_zoom_and_theme_keys(qtbot, window):
    size = window.area.view.reading_font().pointSizeF()
    press(qtbot, window, "=", CTRL)
    assert window.area.view.reading_font().pointSizeF() == size + 1
    press(qtbot, window, "0", CTRL)
    assert window.area.view.reading_font().pointSizeF() == size
    dark = window.theme.dark
    press(qtbot, window, "t", CTRL)
    assert window.theme.dark != dark
    assert window.area.view.theme is window.theme


def test_command_errors_show_in_the_status_bar(qtbot, window):
    press(qtbot, window, "n")  # no search yet
    assert "No search hits" in window.message_label.text_shown()


def test_khmer_column_uses_the_bundled_font(window):
    km = next(c for c in window.area.columns if c.doc.script == "Khmr")
    assert "Noto Sans Khmer" in km.view.reading_font().families()


@pytest.mark.parametrize("name", ["topics_panel", "entities_panel", "annotations_panel"])
def test_escape_in_a_side_panel_gives_the_keys_back_to_the_columns(qtbot, window, name):
    panel = getattr(window, name)
    tree = getattr(panel, "tree", panel)
    tree.setFocus()
    assert window.focusWidget() is tree
    qtbot.keyClick(tree, Qt.Key.Key_Escape)
    assert window.focusWidget() is window.central
