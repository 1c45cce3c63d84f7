"""Offsets at the Qt boundary, theme colours and the saved window state (no window needed)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QColor, QTextCursor, QTextDocument

from reader.corpus.loading import document_from_bytes
from reader.corpus.text import cp_to_utf16, utf16_to_cp
from reader.ui.qt_text import ZWSP, DisplayText, Utf16Index
from reader.ui.state import ReaderState, load_state, save_state
from reader.ui.theme import DARK, ENTITY_COLOURS, LIGHT, contrast_ratio, stylesheet

EMOJI_TEXT = "Sora 🎬 é a IA 🤖🤖 da OpenAI.\n\nSegundo 👍🏽 parágrafo com 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n"


@given(st.text(alphabet=st.sampled_from("ab é\n🎬𝔘😀ក្"), max_size=40))
def test_utf16_index_agrees_with_the_core(text):
    index = Utf16Index(text)
    for cp in range(len(text) + 1):
        u16 = index.to_utf16(cp)
        assert u16 == cp_to_utf16(text, cp)
        assert index.to_cp(u16) == cp == utf16_to_cp(text, u16)


def test_qt_cursor_selects_exactly_the_span_after_emoji():
    doc = document_from_bytes("emoji.txt", EMOJI_TEXT.encode("utf-8"))
    display = DisplayText(doc)
    qdoc = QTextDocument()
    qdoc.setPlainText(display.text)
    for word in ("OpenAI", "parágrafo", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "🤖🤖"):
        start = doc.text.index(word)
        end = start + len(word)
        cursor = QTextCursor(qdoc)
        qs, qe = display.qt_range(start, end)
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == word
        assert display.cp_at(qs) == start and display.cp_at(qe) == end


def test_one_block_per_passage():
    doc = document_from_bytes("p.txt", b"First line\nstill first.\n\nSecond.\n\n\nThird.\n")
    display = DisplayText(doc)
    qdoc = QTextDocument()
    qdoc.setPlainText(display.text)
    assert qdoc.blockCount() == len(doc.passages)
    for i, p in enumerate(doc.passages):
        block = qdoc.findBlock(display.qt_pos(p.start))
        assert block.blockNumber() == i


def test_khmer_gets_word_breaks_that_never_leak_into_offsets():
    text = "ប្រទេសចិនបានស្រមៃថាខ្លួននឹងគ្រប់គ្រងការប្រណាំង AI សកល។\n"
    doc = document_from_bytes("km.txt", text.encode("utf-8"))
    display = DisplayText(doc)
    assert ZWSP in display.text
    assert display.text.replace(ZWSP, "") == doc.text[: doc.passages[0].end]
    for cp in range(len(doc.text.rstrip("\n")) + 1):
        assert display.cp_at(display.qt_pos(cp)) == cp
    qdoc = QTextDocument()
    qdoc.setPlainText(display.text)
    start = doc.text.index("ចិន")
    cursor = QTextCursor(qdoc)
    cursor.setPosition(display.qt_pos(start))
    cursor.setPosition(display.qt_pos(start + 3), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText().replace(ZWSP, "") == "ចិន"


def test_entity_colours_keep_text_legible_in_both_themes():
    for light, dark in ENTITY_COLOURS:
        assert contrast_ratio(QColor(LIGHT.text), QColor(light)) >= 4.5, light
        assert contrast_ratio(QColor(DARK.text), QColor(dark)) >= 4.5, dark
    for theme in (LIGHT, DARK):
        for name in ("current", "partner", "search", "search_current", "selection", "gap"):
            colour = QColor(getattr(theme, name))
            text = theme.search_text if name.startswith("search") else theme.text
            assert contrast_ratio(QColor(text), colour) >= 4.5, (theme.name, name)
    assert len({c for pair in ENTITY_COLOURS for c in pair}) == 2 * len(ENTITY_COLOURS)


def test_stylesheet_is_filled_from_the_theme():
    for theme in (LIGHT, DARK):
        sheet = stylesheet(theme)
        assert "$" not in sheet
        assert theme.base in sheet and theme.accent in sheet


def test_state_round_trip_and_bad_files(tmp_path):
    path = tmp_path / "state.json"
    state = ReaderState(corpus="/c", topic="t1", positions={"d": 4}, zoom=2.0, theme="dark")
    save_state(state, path)
    assert load_state(path) == state
    path.write_text("[1, 2", encoding="utf-8")
    assert load_state(path) == ReaderState()
    path.write_text(json.dumps({"zoom": "big", "theme": 3, "positions": {"d": 2}}), "utf-8")
    loaded = load_state(path)
    assert loaded.zoom == 0.0 and loaded.theme == "system" and loaded.positions == {"d": 2}
