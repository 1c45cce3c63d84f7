"""The key help: generated from registry and keymap, grouped by mode, opened by ? and F1."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QTextBrowser

from reader.ui.commands import CommandRegistry
from reader.ui.help_overlay import HelpOverlay, help_rows
from reader.ui.keymap import command_name, load_keymap
from reader.ui.keys import install_keyboard
from reader.ui.modes import ModeManager


def registry_for(keymap, extra: tuple[str, ...] = ()) -> CommandRegistry:
    registry = CommandRegistry()
    names = {command_name(v) for section in keymap.values() for v in section.values()}
    for name in sorted(names - {"palette", "help"}) + list(extra):
        registry.register(name, lambda: None, f"Does {name}")
    return registry


@pytest.fixture
def keymap(tmp_path: Path):
    return load_keymap(tmp_path / "none.toml")


@pytest.fixture
def app(qtbot, keymap):
    window = QMainWindow()
    view = QTextBrowser()
    window.setCentralWidget(view)
    window.resize(800, 600)
    qtbot.addWidget(window)
    registry = registry_for(keymap, extra=("open-recent",))
    keyboard = install_keyboard(window, registry, ModeManager(), keymap)
    window.show()
    qtbot.waitExposed(window)
    view.setFocus()
    return window, view, keyboard


def test_help_lists_every_bound_key_under_its_mode(app, keymap) -> None:
    _window, _view, keyboard = app
    groups = dict(keyboard.help.rows())
    for mode, bindings in keymap.items():
        listed = {key: row.command for row in groups.get(mode, []) for key in row.keys}
        assert listed == bindings, mode


def test_help_text_shows_keys_commands_and_their_help(qtbot, app, keymap) -> None:
    _window, view, keyboard = app
    qtbot.keyClick(view, "?")
    text = keyboard.help.browser.toPlainText()
    for mode in ("Normal mode", "Visual mode", "Insert mode", "Command mode"):
        assert mode in text
    for keys in keymap["normal"]:
        assert keys in text
    assert "Does passage-next" in text
    assert "Show or hide the keys" in text  # the help command's own line


def test_commands_without_keys_are_listed_for_the_palette(app) -> None:
    _window, _view, keyboard = app
    groups = dict(keyboard.help.rows())
    assert [row.command for row in groups["palette"]] == ["open-recent"]


def test_a_binding_to_a_missing_command_is_flagged(tmp_path) -> None:
    user = tmp_path / "keymap.toml"
    user.write_text('[normal]\nz = "frobnicate"\n', encoding="utf-8")
    keymap = load_keymap(user)
    rows = {
        row.command: row
        for _m, group in help_rows(registry_for(load_keymap(tmp_path / "x")), keymap)
        for row in group
    }
    assert not rows["frobnicate"].known
    assert "no such command" in rows["frobnicate"].help


def test_question_mark_opens_and_escape_closes(qtbot, app) -> None:
    window, view, keyboard = app
    qtbot.keyClick(view, "?")
    assert keyboard.help.isVisible()
    assert keyboard.help.geometry().width() > window.width() // 2
    qtbot.keyClick(keyboard.help.browser, Qt.Key.Key_Escape)
    assert not keyboard.help.isVisible()


def test_f1_toggles_and_q_closes(qtbot, app) -> None:
    _window, view, keyboard = app
    qtbot.keyClick(view, Qt.Key.Key_F1)
    assert keyboard.help.isVisible()
    qtbot.keyClick(keyboard.help.browser, Qt.Key.Key_F1)
    assert not keyboard.help.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_F1)
    qtbot.keyClick(keyboard.help.browser, "q")
    assert not keyboard.help.isVisible()


def test_j_and_k_scroll_the_help_instead_of_moving(qtbot, app) -> None:
    window, view, keyboard = app
    window.resize(500, 250)
    qtbot.keyClick(view, "?")
    bar = keyboard.help.browser.verticalScrollBar()
    assert bar.maximum() > 0
    qtbot.keyClicks(keyboard.help.browser, "jjj")
    assert bar.value() > 0
    qtbot.keyClick(keyboard.help.browser, "G")
    assert bar.value() == bar.maximum()
    qtbot.keyClick(keyboard.help.browser, "g")
    assert bar.value() == 0


def test_help_is_generated_not_fixed(qtbot, tmp_path) -> None:
    user = tmp_path / "keymap.toml"
    user.write_text('[normal]\n"Ctrl+Alt+z" = "zoom-reset"\n', encoding="utf-8")
    keymap = load_keymap(user)
    registry = registry_for(keymap)
    overlay = HelpOverlay(registry, keymap)
    qtbot.addWidget(overlay)
    overlay.refresh()
    assert "Ctrl+Alt+z" in overlay.browser.toPlainText()
