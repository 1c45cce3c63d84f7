"""The command palette: type a few letters of a command, see its keys, press Enter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reader.ui.keymap import keys_for
from reader.ui.modes import Mode, ModeManager
from reader.ui.registry import Command, CommandRegistry

RECENT_LIMIT = 20


def fuzzy_score(query: str, text: str) -> int | None:
    """Score of `query`'s letters appearing in order in `text` (None: they do not).

    Letters at the start of a word and letters in a row score more, gaps cost a little.
    """
    query, text = query.casefold(), text.casefold()
    score, pos, last = 0, 0, -2
    for ch in query:
        found = text.find(ch, pos)
        if found < 0:
            return None
        score += 10
        if found == 0:
            score += 15
        elif text[found - 1] in "- _":
            score += 10
        if found == last + 1:
            score += 15
        score -= min(found - pos, 5)
        last, pos = found, found + 1
    return score


def rank_commands(
    commands: Iterable[Command], query: str, recent: Sequence[str] = ()
) -> list[Command]:
    """Commands matching `query`, best first; recently run ones first among equals.

    Name starts with the query, then contains it, then has its letters in order, then
    its words appear in the help text. Only the first word of the query is matched
    against names (the rest may be arguments).
    """
    words = query.split()
    head = words[0].casefold() if words else ""
    recency = {name: i for i, name in enumerate(recent)}
    ranked: list[tuple[int, int, int, str, Command]] = []
    for command in commands:
        name = command.name.casefold()
        tier, score = None, 0
        if not head or name.startswith(head):
            tier = 0
        elif head in name:
            tier = 1
        elif (fuzzy := fuzzy_score(head, name)) is not None:
            tier, score = 2, fuzzy
        elif all(w.casefold() in f"{name} {command.help.casefold()}" for w in words):
            tier = 3
        if tier is None:
            continue
        ranked.append(
            (tier, recency.get(command.name, len(recency)), -score, command.name, command)
        )
    ranked.sort(key=lambda row: row[:4])
    return [row[4] for row in ranked]


class CommandPalette(QFrame):
    """A fuzzy list of commands over the window; runs one on Enter, closes on Escape.

    Typing a command name followed by arguments (`zoom-in 2`) runs that line as typed.
    Opening it enters command mode; closing it returns to the mode it was opened from.
    """

    owns_keyboard = True  # the key dispatcher leaves its keys alone while it is open

    def __init__(
        self,
        registry: CommandRegistry,
        keymap: dict[str, dict[str, str]],
        parent: QWidget | None = None,
        *,
        modes: ModeManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.registry = registry
        self.keymap = keymap
        self.modes = modes
        self.recent: list[str] = []
        self._return_mode = Mode.NORMAL
        self._return_focus: QWidget | None = None
        self.setObjectName("commandPalette")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.input = QLineEdit()
        self.input.setPlaceholderText("Command…  (Enter runs, Escape closes)")
        self.input.textChanged.connect(self.refresh)
        self.input.installEventFilter(self)
        self.list = QTreeWidget()
        self.list.setColumnCount(3)
        self.list.setHeaderLabels(["Command", "Keys", "What it does"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.itemActivated.connect(lambda _item, _col: self.accept())
        self.list.itemClicked.connect(lambda _item, _col: self.accept())
        self.empty = QLabel("No command matches.")
        self.empty.hide()
        layout.addWidget(self.input)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        self.hide()
        if modes is not None:
            modes.left.connect(self._mode_left)

    def register_commands(self) -> None:
        """Add the `palette` command to the registry."""
        self.registry.register(
            "palette", self.open, "Open the command palette", modes=("normal", "visual")
        )

    # -- content --------------------------------------------------------------
    def _mode_commands(self) -> list[Command]:
        mode = self._return_mode.value
        commands = [c for c in self.registry.commands() if c.name != "palette"]
        fitting = [c for c in commands if mode in c.modes]
        return fitting or commands

    def shown_commands(self) -> list[str]:
        """Names in the list, top first."""
        return [self.list.topLevelItem(i).text(0) for i in range(self.list.topLevelItemCount())]

    def refresh(self) -> None:
        """Rebuild the list for the text typed so far."""
        self.list.clear()
        mode = self._return_mode.value
        for command in rank_commands(self._mode_commands(), self.input.text(), self.recent):
            keys = keys_for(self.keymap, command.name, mode) or keys_for(self.keymap, command.name)
            item = QTreeWidgetItem([command.name, "  ".join(keys), command.help])
            item.setData(0, Qt.ItemDataRole.UserRole, command.name)
            self.list.addTopLevelItem(item)
        count = self.list.topLevelItemCount()
        self.empty.setVisible(count == 0)
        if count:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        for column in (0, 1):
            self.list.resizeColumnToContents(column)

    # -- opening and closing --------------------------------------------------
    def open(self) -> None:
        """Show the palette over the window with an empty query and the keyboard in it."""
        if self.isVisible():
            self.input.setFocus()
            return
        self._return_focus = self.window().focusWidget() if self.parentWidget() else None
        if self.modes is not None:
            self._return_mode = self.modes.mode
            self.modes.enter(Mode.COMMAND)
        self.input.blockSignals(True)
        self.input.clear()
        self.input.blockSignals(False)
        self.refresh()
        parent = self.parentWidget()
        if parent is not None:
            width = min(720, max(320, parent.width() - 80))
            self.setGeometry((parent.width() - width) // 2, 40, width, min(420, parent.height()))
        self.show()
        self.raise_()
        self.input.setFocus(Qt.FocusReason.PopupFocusReason)

    def close_palette(self) -> None:
        """Hide, give the keyboard back and return to the mode it was opened from."""
        if not self.isVisible():
            return
        self.hide()
        if self.modes is not None and self.modes.mode is Mode.COMMAND:
            self.modes.enter(self._return_mode)
        if self._return_focus is not None:
            self._return_focus.setFocus()
        self._return_focus = None

    def _mode_left(self, mode: str) -> None:
        if mode == Mode.COMMAND.value and self.isVisible():
            self.hide()
            if self._return_focus is not None:
                self._return_focus.setFocus()

    def accept(self) -> bool:
        """Run the highlighted command (or the line as typed when it has arguments)."""
        typed = self.input.text().split()
        item = self.list.currentItem()
        if len(typed) > 1 and self.registry.get(typed[0]) is not None:
            line, name = self.input.text().strip(), typed[0]
        elif item is not None:
            name = item.data(0, Qt.ItemDataRole.UserRole)
            line = name
        else:
            return False
        self.close_palette()
        ok = self.registry.run(line)
        if ok:
            self.recent = [name, *(n for n in self.recent if n != name)][:RECENT_LIMIT]
        return ok

    # -- keys -----------------------------------------------------------------
    def _move(self, step: int) -> None:
        count = self.list.topLevelItemCount()
        if not count:
            return
        row = self.list.indexOfTopLevelItem(self.list.currentItem())
        row = max(0, min(count - 1, row + step))
        self.list.setCurrentItem(self.list.topLevelItem(row))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is not self.input or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Escape:
            self.close_palette()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
        elif key == Qt.Key.Key_Down or key == Qt.Key.Key_Tab or (ctrl and key == Qt.Key.Key_N):
            self._move(1)
        elif key == Qt.Key.Key_Up or key == Qt.Key.Key_Backtab or (ctrl and key == Qt.Key.Key_P):
            self._move(-1)
        elif key == Qt.Key.Key_PageDown:
            self._move(10)
        elif key == Qt.Key.Key_PageUp:
            self._move(-10)
        else:
            return False
        return True
