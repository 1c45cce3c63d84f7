"""The command palette: fuzzy filter, keys shown, Enter runs, Escape closes, recent first."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QTextBrowser

from reader.ui.commands import CommandRegistry
from reader.ui.keymap import load_keymap
from reader.ui.keys import install_keyboard
from reader.ui.modes import Mode, ModeManager
from reader.ui.palette import CommandPalette, fuzzy_score, rank_commands


class App:
    """A window with a few commands that record their calls, and the keyboard installed."""

    def __init__(self, qtbot, tmp_path: Path) -> None:
        self.window = QMainWindow()
        self.view = QTextBrowser()
        self.window.setCentralWidget(self.view)
        self.window.resize(900, 600)
        qtbot.addWidget(self.window)
        self.registry = CommandRegistry()
        self.modes = ModeManager()
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.errors: list[str] = []
        self.registry.error.connect(self.errors.append)
        for name, help_text, modes in [
            ("passage-next", "Move to the next passage", ("normal",)),
            ("passage-prev", "Move to the previous passage", ("normal",)),
            ("zoom-out", "Make the text smaller", ("normal",)),
            ("zoom-reset", "Default text size", ("normal",)),
            ("theme-toggle", "Switch between light and dark", ("normal",)),
            ("select-word-next", "Extend the selection by a word", ("visual",)),
            ("visual", "Start selecting text", ("normal",)),
            ("quit", "Close the reader", ("normal",)),
        ]:
            self.registry.register(name, self._recorder(name), help_text, modes)

        def zoom_in(steps: int = 1) -> None:
            """Make the text larger."""
            self.calls.append(("zoom-in", (steps,)))

        self.registry.register("zoom-in", zoom_in)
        self.registry.register("escape", self.modes.leave, "Leave the mode", ("normal", "visual"))
        self.keyboard = install_keyboard(
            self.window, self.registry, self.modes, load_keymap(tmp_path / "none.toml")
        )
        self.palette: CommandPalette = self.keyboard.palette
        self.window.show()
        qtbot.waitExposed(self.window)
        self.view.setFocus()

    def _recorder(self, name: str):
        def run(count: int | None = None) -> None:
            self.calls.append((name, ()))

        return run

    def names(self) -> list[str]:
        return [name for name, _args in self.calls]


@pytest.fixture
def app(qtbot, tmp_path) -> App:
    return App(qtbot, tmp_path)


def open_palette(qtbot, app: App) -> None:
    qtbot.keyClick(app.view, ":")
    assert app.palette.isVisible()


def test_fuzzy_score_prefers_word_starts_and_runs() -> None:
    assert fuzzy_score("pn", "passage-next") is not None
    assert fuzzy_score("xp", "passage-next") is None
    assert fuzzy_score("pn", "passage-next") > fuzzy_score("pn", "column-hide-open-n")
    assert fuzzy_score("zoom", "zoom-in") > fuzzy_score("zoom", "z-o-o-m")


def test_rank_commands_orders_by_match_then_recent(app) -> None:
    commands = app.registry.commands()

    def names(query, recent=()):
        return [c.name for c in rank_commands(commands, query, recent)]

    assert names("zoom")[:3] == ["zoom-in", "zoom-out", "zoom-reset"]
    assert names("zoom", ["zoom-reset"])[:3] == ["zoom-reset", "zoom-in", "zoom-out"]
    assert names("pnx")[0] == "passage-next"  # letters in order
    assert names("larger") == ["zoom-in"]  # words of the help text
    assert names("dark light") == ["theme-toggle"]
    assert names("qqqq") == []
    everything = names("", ["quit"])
    assert everything[0] == "quit" and sorted(everything) == sorted(app.registry.names())


def test_colon_opens_the_palette_in_command_mode(qtbot, app) -> None:
    open_palette(qtbot, app)
    assert app.modes.mode is Mode.COMMAND
    assert app.palette.input.hasFocus() or app.window.focusWidget() is app.palette.input
    assert "palette" not in app.palette.shown_commands()


def test_ctrl_shift_p_opens_it_too(qtbot, app) -> None:
    qtbot.keyClick(
        app.view,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert app.palette.isVisible()


def test_typing_filters_and_enter_runs(qtbot, app) -> None:
    open_palette(qtbot, app)
    qtbot.keyClicks(app.palette.input, "thmtg")
    assert app.palette.shown_commands() == ["theme-toggle"]
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Return)
    assert app.names() == ["theme-toggle"]
    assert not app.palette.isVisible()
    assert app.modes.mode is Mode.NORMAL


def test_typing_in_the_palette_is_not_read_as_commands(qtbot, app) -> None:
    open_palette(qtbot, app)
    qtbot.keyClicks(app.palette.input, "jk:?")
    assert app.palette.input.text() == "jk:?"
    assert app.calls == []


def test_each_command_shows_its_keys(qtbot, app) -> None:
    open_palette(qtbot, app)
    rows = {
        app.palette.list.topLevelItem(i).text(0): app.palette.list.topLevelItem(i).text(1)
        for i in range(app.palette.list.topLevelItemCount())
    }
    assert rows["passage-next"] == "j"
    assert rows["zoom-in"] == "Ctrl+="
    assert rows["help"].split() == ["?", "F1"]


def test_arrow_keys_choose_another_row(qtbot, app) -> None:
    open_palette(qtbot, app)
    qtbot.keyClicks(app.palette.input, "zoom")
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Down)
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Down)
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Up)
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Return)
    assert app.names() == ["zoom-out"]


def test_escape_closes_without_running(qtbot, app) -> None:
    open_palette(qtbot, app)
    qtbot.keyClicks(app.palette.input, "quit")
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Escape)
    assert not app.palette.isVisible()
    assert app.calls == []
    assert app.modes.mode is Mode.NORMAL
    qtbot.keyClick(app.view, Qt.Key.Key_J)  # the reader has the keys again
    assert app.names() == ["passage-next"]


def test_recently_run_commands_come_first(qtbot, app) -> None:
    for query in ("zoom-reset", "quit"):
        open_palette(qtbot, app)
        qtbot.keyClicks(app.palette.input, query)
        qtbot.keyClick(app.palette.input, Qt.Key.Key_Return)
    open_palette(qtbot, app)
    assert app.palette.shown_commands()[:2] == ["quit", "zoom-reset"]
    qtbot.keyClicks(app.palette.input, "zoom")
    assert app.palette.shown_commands()[0] == "zoom-reset"


def test_a_line_with_arguments_runs_as_typed(qtbot, app) -> None:
    open_palette(qtbot, app)
    qtbot.keyClicks(app.palette.input, "zoom-in 3")
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Return)
    assert app.calls == [("zoom-in", (3,))]


def test_a_bad_argument_is_reported_not_raised(qtbot, app) -> None:
    open_palette(qtbot, app)
    qtbot.keyClicks(app.palette.input, "zoom-in lots")
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Return)
    assert app.calls == []
    assert app.errors and "zoom-in" in app.errors[0]


def test_no_match_enter_does_nothing(qtbot, app) -> None:
    open_palette(qtbot, app)
    qtbot.keyClicks(app.palette.input, "qqqq")
    assert app.palette.shown_commands() == []
    assert app.palette.empty.isVisibleTo(app.palette)
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Return)
    assert app.calls == [] and app.palette.isVisible()


def test_from_visual_mode_it_lists_visual_commands_and_returns_there(qtbot, app) -> None:
    app.modes.enter(Mode.VISUAL)
    open_palette(qtbot, app)
    shown = app.palette.shown_commands()
    assert "select-word-next" in shown and "passage-next" not in shown
    qtbot.keyClicks(app.palette.input, "word")
    qtbot.keyClick(app.palette.input, Qt.Key.Key_Return)
    assert app.names() == ["select-word-next"]
    assert app.modes.mode is Mode.VISUAL


def test_leaving_command_mode_elsewhere_closes_it(qtbot, app) -> None:
    open_palette(qtbot, app)
    app.modes.leave()
    assert not app.palette.isVisible()
