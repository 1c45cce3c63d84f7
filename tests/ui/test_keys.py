"""Key dispatch with synthetic key events: counts, chains, modes, physical keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from reader.ui.commands import CommandRegistry
from reader.ui.keymap import command_name, load_keymap
from reader.ui.keys import KeyDispatcher, key_names, physical_layout
from reader.ui.modes import Mode, ModeManager

M = Qt.KeyboardModifier
# X11/Wayland keycodes (evdev + 8) of some US keys
XKB = {"j": 44, "g": 42, "d": 40, "3": 12, "]": 35, "q": 32, "a": 38}


def press(
    key: int,
    text: str = "",
    mods: Qt.KeyboardModifier = M.NoModifier,
    scancode: int = 0,
    vkey: int = 0,
) -> QKeyEvent:
    return QKeyEvent(QEvent.Type.KeyPress, key, mods, scancode, vkey, 0, text)


def char(ch: str, mods: Qt.KeyboardModifier = M.NoModifier) -> QKeyEvent:
    """The event a US keyboard sends for the character `ch`."""
    if ch.isalpha() and ch.isupper():
        mods |= M.ShiftModifier
    return press(ord(ch.upper()), ch, mods)


class Recorder:
    """A registry where every bound command records its call (name, args, count)."""

    def __init__(self, keymap: dict[str, dict[str, str]]) -> None:
        self.registry = CommandRegistry()
        self.calls: list[tuple[str, tuple[str, ...], int | None]] = []
        self.errors: list[str] = []
        self.registry.error.connect(self.errors.append)
        names = {command_name(line) for section in keymap.values() for line in section.values()}
        for name in sorted(names):
            self.registry.register(name, self._recorder(name), f"Run {name}", ("normal",))

    def _recorder(self, name: str):
        def run(*args: str, count: int | None = None) -> None:
            self.calls.append((name, args, count))

        return run

    def names(self) -> list[str]:
        return [call[0] for call in self.calls]


@pytest.fixture
def keymap(tmp_path: Path):
    return load_keymap(tmp_path / "none.toml")


@pytest.fixture
def rec(keymap) -> Recorder:
    return Recorder(keymap)


@pytest.fixture
def modes() -> ModeManager:
    return ModeManager()


@pytest.fixture
def dispatcher(rec: Recorder, modes: ModeManager, keymap) -> KeyDispatcher:
    return KeyDispatcher(rec.registry, modes, keymap, layout="xkb")


def feed_text(dispatcher: KeyDispatcher, text: str) -> list[bool]:
    return [dispatcher.feed(char(ch)) for ch in text]


def test_single_keys_run_their_commands(dispatcher, rec) -> None:
    feed_text(dispatcher, "jkhlG")
    assert rec.names() == [
        "passage-next",
        "passage-prev",
        "column-prev",
        "column-next",
        "passage-last",
    ]
    assert all(count is None for _n, _a, count in rec.calls)


def test_count_is_passed_to_the_command(dispatcher, rec) -> None:
    pending: list[str] = []
    dispatcher.pending_changed.connect(pending.append)
    feed_text(dispatcher, "3j12k")
    assert rec.calls == [("passage-next", (), 3), ("passage-prev", (), 12)]
    assert pending[:2] == ["3", ""]  # the status bar sees the count, then it clears
    assert dispatcher.pending == ""


def test_zero_after_digits_is_part_of_the_count(dispatcher, rec) -> None:
    feed_text(dispatcher, "10j")
    assert rec.calls == [("passage-next", (), 10)]


def test_chains_wait_for_their_second_key(dispatcher, rec) -> None:
    pending: list[str] = []
    dispatcher.pending_changed.connect(pending.append)
    assert dispatcher.feed(char("g"))
    assert rec.calls == [] and dispatcher.pending == "g" and pending[-1] == "g"
    dispatcher.feed(char("g"))
    feed_text(dispatcher, "gaGgAdd")
    assert rec.names() == [
        "passage-first",
        "annotation-next",
        "passage-last",
        "annotation-prev",
        "delete-annotation",
    ]


def test_count_with_a_chain(dispatcher, rec) -> None:
    feed_text(dispatcher, "2ga")
    assert rec.calls == [("annotation-next", (), 2)]


def test_escape_clears_a_pending_chain_without_running_anything(dispatcher, rec) -> None:
    feed_text(dispatcher, "3g")
    assert dispatcher.pending == "3g"
    assert dispatcher.feed(press(Qt.Key.Key_Escape))
    assert dispatcher.pending == "" and rec.calls == []
    dispatcher.feed(press(Qt.Key.Key_Escape))  # nothing pending: Escape is a command
    assert rec.names() == ["escape"]


def test_a_key_that_breaks_a_chain_starts_afresh(dispatcher, rec) -> None:
    feed_text(dispatcher, "gj")
    assert rec.names() == ["passage-next"]
    feed_text(dispatcher, "dq")  # no dq, no q: both dropped, nothing run (z starts chains)
    assert rec.names() == ["passage-next"] and dispatcher.pending == ""


def test_modifier_keys_and_named_keys(dispatcher, rec) -> None:
    dispatcher.feed(press(Qt.Key.Key_D, "\x04", M.ControlModifier))
    dispatcher.feed(press(Qt.Key.Key_U, "\x15", M.ControlModifier))
    dispatcher.feed(press(Qt.Key.Key_P, "\x10", M.ControlModifier | M.ShiftModifier))
    dispatcher.feed(press(Qt.Key.Key_F1))
    dispatcher.feed(press(Qt.Key.Key_Equal, "=", M.ControlModifier))
    dispatcher.feed(press(Qt.Key.Key_Q, "\x11", M.ControlModifier))
    assert rec.names() == ["half-page-down", "half-page-up", "palette", "help", "zoom-in", "quit"]


def test_a_bare_modifier_press_does_not_break_a_chain(dispatcher, rec) -> None:
    dispatcher.feed(char("g"))
    assert not dispatcher.feed(press(Qt.Key.Key_Shift, "", M.ShiftModifier))
    dispatcher.feed(char("A"))
    assert rec.names() == ["annotation-prev"]


def test_shifted_symbols(dispatcher, rec, modes) -> None:
    for ch, key in [("?", Qt.Key.Key_Question), (":", Qt.Key.Key_Colon)]:
        dispatcher.feed(press(key, ch, M.ShiftModifier))
    for ch, key in [("]", Qt.Key.Key_BracketRight), ("[", Qt.Key.Key_BracketLeft)]:
        dispatcher.feed(press(key, ch))
    dispatcher.feed(press(Qt.Key.Key_Less, "<", M.ShiftModifier))
    modes.enter(Mode.VISUAL)
    for ch, key in [("}", Qt.Key.Key_BraceRight), (")", Qt.Key.Key_ParenRight)]:
        dispatcher.feed(press(key, ch, M.ShiftModifier))
    assert rec.names() == [
        "help",
        "palette",
        "topic-next",
        "topic-prev",
        "column-move-left",
        "select-passage-next",
        "select-sentence-next",
    ]


def test_visual_mode_has_its_own_keys(dispatcher, rec, modes) -> None:
    modes.enter(Mode.VISUAL)
    feed_text(dispatcher, "2wby")
    assert rec.calls == [
        ("select-word-next", (), 2),
        ("select-word-prev", (), None),
        ("copy", (), None),
    ]
    assert not dispatcher.feed(char("j"))  # not a visual key: left to the widget


def test_insert_mode_lets_typing_through(dispatcher, rec, modes) -> None:
    modes.enter(Mode.INSERT)
    used = feed_text(dispatcher, "3jgg:?")
    assert used == [False] * 6 and rec.calls == []
    assert dispatcher.feed(press(Qt.Key.Key_Return, "\r", M.ControlModifier))
    assert dispatcher.feed(press(Qt.Key.Key_Escape))
    assert rec.names() == ["note-save", "escape"]


def test_keypad_enter_saves_too(dispatcher, rec, modes) -> None:
    modes.enter(Mode.INSERT)
    dispatcher.feed(press(Qt.Key.Key_Enter, "\r", M.ControlModifier | M.KeypadModifier))
    assert rec.names() == ["note-save"]


def test_command_mode_passes_everything_but_its_keys(dispatcher, rec, modes) -> None:
    modes.enter(Mode.COMMAND)
    assert feed_text(dispatcher, "jk") == [False, False]
    assert dispatcher.feed(press(Qt.Key.Key_Escape))
    assert rec.names() == ["escape"]


def test_text_fields_get_their_typing_in_normal_mode(dispatcher, rec) -> None:
    assert not dispatcher.feed(char("j"), typing=True)
    assert dispatcher.feed(press(Qt.Key.Key_Escape), typing=True)
    assert rec.names() == ["escape"]


def test_changing_mode_drops_a_pending_chain(dispatcher, rec, modes) -> None:
    feed_text(dispatcher, "5g")
    modes.enter(Mode.VISUAL)
    assert dispatcher.pending == ""
    modes.leave()
    dispatcher.feed(char("g"))
    assert rec.calls == []


def test_failed_command_reports_and_keeps_going(keymap, modes) -> None:
    registry = CommandRegistry()
    errors: list[str] = []
    registry.error.connect(errors.append)
    dispatcher = KeyDispatcher(registry, modes, keymap, layout="xkb")
    assert dispatcher.feed(char("j"))  # bound, but nobody registered it
    assert errors == ["Unknown command: passage-next"]


# -- physical keys under other layouts --------------------------------------------------


def test_khmer_layout_j_runs_passage_next(dispatcher, rec) -> None:
    # A Khmer layout types ក on the j key; X11 reports the keycode of j (evdev 36 + 8).
    assert dispatcher.feed(press(0x1780, "ក", scancode=XKB["j"]))
    assert rec.names() == ["passage-next"]


def test_khmer_layout_counts_chains_and_shift(dispatcher, rec) -> None:
    dispatcher.feed(press(0x17E3, "៣", scancode=XKB["3"]))  # Khmer digit three
    dispatcher.feed(press(0x1780, "ក", scancode=XKB["j"]))
    dispatcher.feed(press(0x1784, "ង", scancode=XKB["g"]))
    dispatcher.feed(press(0x1784, "ង", scancode=XKB["g"]))
    dispatcher.feed(press(0x17A2, "អ", M.ShiftModifier, scancode=XKB["g"]))
    dispatcher.feed(press(0x178A, "", M.ControlModifier, scancode=XKB["d"]))
    assert rec.calls == [
        ("passage-next", (), 3),
        ("passage-first", (), None),
        ("passage-last", (), None),
        ("half-page-down", (), None),
    ]


def test_vietnamese_layout_keeps_brackets_and_counts(dispatcher, rec) -> None:
    # The Vietnamese XKB layout types ơ on ] and ê on 3.
    dispatcher.feed(press(0x1A0, "ơ", scancode=XKB["]"]))
    dispatcher.feed(press(0xCA, "ê", scancode=XKB["3"]))
    dispatcher.feed(char("j"))
    assert rec.calls == [("topic-next", (), None), ("passage-next", (), 3)]


def test_other_scripts_digits_count_even_without_a_physical_code(dispatcher, rec) -> None:
    dispatcher.feed(press(0x17E4, "៤"))  # Khmer four, no native code
    dispatcher.feed(char("j"))
    assert rec.calls == [("passage-next", (), 4)]


def test_latin_layouts_keep_their_own_letters(dispatcher, rec) -> None:
    # On AZERTY the key at US q types a: the user means a (annotate), not q.
    dispatcher.feed(press(Qt.Key.Key_A, "a", scancode=XKB["q"]))
    assert rec.names() == ["annotate"]


def test_a_binding_of_the_typed_character_wins_over_the_physical_key(tmp_path, modes) -> None:
    user = tmp_path / "keymap.toml"
    user.write_text('[normal]\n"ក" = "help"\n', encoding="utf-8")
    keymap = load_keymap(user)
    rec = Recorder(keymap)
    dispatcher = KeyDispatcher(rec.registry, modes, keymap, layout="xkb")
    dispatcher.feed(press(0x1780, "ក", scancode=XKB["j"]))
    assert rec.names() == ["help"]


@pytest.mark.parametrize(
    ("layout", "scancode", "vkey"),
    [("windows", 36, 0x4A), ("mac", 0, 0x26), ("xkb", 44, 0x1780)],
)
def test_physical_tables_per_platform(layout, scancode, vkey, rec, modes, keymap) -> None:
    dispatcher = KeyDispatcher(rec.registry, modes, keymap, layout=layout)
    dispatcher.feed(press(0x1780, "ក", scancode=scancode, vkey=vkey))
    assert rec.names() == ["passage-next"]


def test_mac_table_is_not_read_as_scan_codes(rec, modes, keymap) -> None:
    dispatcher = KeyDispatcher(rec.registry, modes, keymap, layout="mac")
    # kVK 0x26 is j; kVK 0x04 is h. The scan code must not be consulted on macOS.
    dispatcher.feed(press(0x1780, "ក", scancode=44, vkey=0x04))
    assert rec.names() == ["column-prev"]


def test_physical_layout_follows_the_qt_platform() -> None:
    assert physical_layout("xcb") == "xkb"
    assert physical_layout("wayland") == "xkb"
    assert physical_layout("cocoa") == "mac"
    assert physical_layout("windows") == "windows"


def test_key_names_of_events() -> None:
    assert key_names(char("G")) == ["G"]
    assert key_names(press(Qt.Key.Key_Escape)) == ["Escape"]
    assert key_names(press(Qt.Key.Key_Backtab, "", M.ShiftModifier)) == ["Shift+Tab"]
    assert key_names(press(Qt.Key.Key_Space, " ")) == ["Space"]
    assert key_names(press(Qt.Key.Key_D, "\x04", M.ControlModifier)) == ["Ctrl+D"]
    khmer = press(0x1780, "ក", scancode=XKB["j"])
    assert key_names(khmer, "xkb") == ["ក", "j"]
    # Windows AltGr (Ctrl+Alt) typing a character keeps the character
    assert key_names(press(Qt.Key.Key_At, "@", M.ControlModifier | M.AltModifier)) == ["@"]


# -- on a real widget tree ------------------------------------------------------------


@pytest.fixture
def window(qtbot, dispatcher):
    root = QWidget()
    layout = QVBoxLayout(root)
    root.view = QTextBrowser()
    root.view.setPlainText("text " * 200)
    root.field = QLineEdit()
    layout.addWidget(root.view)
    layout.addWidget(root.field)
    qtbot.addWidget(root)
    root.show()
    qtbot.waitExposed(root)
    dispatcher.install(root)
    yield root
    dispatcher.uninstall()


def test_installed_dispatcher_reads_keys_of_the_window(qtbot, window, rec) -> None:
    qtbot.keyClicks(window.view, "3j")
    qtbot.keyClick(window.view, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)
    assert rec.calls == [("passage-next", (), 3), ("passage-last", (), None)]


def test_a_chain_typed_in_a_child_is_read_once(qtbot, window, rec) -> None:
    # A press travels from the focused child up to its parents; it must count once.
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    assert rec.calls == []
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    assert rec.names() == ["passage-first"]


def test_text_field_keeps_its_typing(qtbot, window, rec) -> None:
    qtbot.keyClicks(window.field, "jk gg")
    assert window.field.text() == "jk gg"
    assert rec.calls == []
    qtbot.keyClick(window.field, Qt.Key.Key_Escape)
    assert rec.names() == ["escape"]


def test_a_key_a_text_field_declined_is_not_run_by_its_parent(qtbot, tmp_path, modes) -> None:
    user = tmp_path / "keymap.toml"
    user.write_text('[normal]\nReturn = "passage-next"\n', encoding="utf-8")
    keymap = load_keymap(user)
    rec = Recorder(keymap)
    dispatcher = KeyDispatcher(rec.registry, modes, keymap, layout="xkb")
    root = QWidget()
    field = QLineEdit(root)
    qtbot.addWidget(root)
    dispatcher.install(root)
    try:
        qtbot.keyClick(field, Qt.Key.Key_Return)
        assert rec.calls == []  # Return belonged to the field
        qtbot.keyClick(root, Qt.Key.Key_Return)
        assert rec.names() == ["passage-next"]
    finally:
        dispatcher.uninstall()


def test_keys_outside_the_window_are_left_alone(qtbot, window, rec) -> None:
    other = QTextBrowser()
    qtbot.addWidget(other)
    qtbot.keyClick(other, Qt.Key.Key_J)
    assert rec.calls == []


def test_shortcut_override_is_claimed_for_bound_keys(window, dispatcher) -> None:
    from PySide6.QtWidgets import QApplication

    override = QKeyEvent(
        QEvent.Type.ShortcutOverride, Qt.Key.Key_Q, M.ControlModifier, 0, 0, 0, "\x11"
    )
    override.ignore()
    QApplication.sendEvent(window.view, override)
    assert override.isAccepted()  # Ctrl+Q comes to us as a key press, not to a QAction
    free = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_B, M.ControlModifier, 0, 0, 0, "")
    free.ignore()
    QApplication.sendEvent(window.view, free)
    assert not free.isAccepted()
