"""Key help over the window, generated from the command registry and the keymap."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QVBoxLayout, QWidget

from reader.ui.keymap import MODES, command_name
from reader.ui.keys import key_names
from reader.ui.registry import CommandRegistry

MODE_TITLES = {
    "normal": "Normal mode — reading",
    "visual": "Visual mode — selecting",
    "insert": "Insert mode — writing a note (and any text field)",
    "command": "Command mode — the palette",
    "mismatches": "Mismatches panel — while its list has the keyboard",
    "lists": "Side panel lists (topics, entities, notes, mismatches) — while one has the keys",
}


@dataclass(frozen=True)
class HelpRow:
    """One line of the help: the keys, the command line they run, its help text."""

    keys: tuple[str, ...]
    command: str
    help: str
    known: bool


def help_rows(
    registry: CommandRegistry, keymap: dict[str, dict[str, str]]
) -> list[tuple[str, list[HelpRow]]]:
    """The help by mode, in keymap order; a last group lists commands without keys."""
    groups: list[tuple[str, list[HelpRow]]] = []
    bound: set[str] = set()
    for mode in [*MODES, *(m for m in keymap if m not in MODES)]:
        by_line: dict[str, list[str]] = {}
        for keys, line in keymap.get(mode, {}).items():
            by_line.setdefault(line, []).append(keys)
        rows = []
        for line, keys in by_line.items():
            command = registry.get(command_name(line))
            bound.add(command_name(line))
            text = command.help if command else "(no such command — check your keymap)"
            rows.append(HelpRow(tuple(keys), line, text, command is not None))
        if rows:
            groups.append((mode, rows))
    unbound = [
        HelpRow((), c.name, c.help, True) for c in registry.commands() if c.name not in bound
    ]
    if unbound:
        groups.append(("palette", unbound))
    return groups


def help_html(registry: CommandRegistry, keymap: dict[str, dict[str, str]]) -> str:
    """The help as an HTML page (plain tables; every text escaped)."""
    parts = ["<h2>Keys</h2>"]
    for mode, rows in help_rows(registry, keymap):
        title = MODE_TITLES.get(mode, "Without a key — run them from the palette (:)")
        if mode not in MODE_TITLES and mode != "palette":
            title = f"{mode} mode"
        parts.append(f"<h3>{html.escape(title)}</h3><table cellspacing='0' cellpadding='3'>")
        for row in rows:
            keys = ", ".join(f"<b>{html.escape(k)}</b>" for k in row.keys)
            note = html.escape(row.help) if row.known else f"<i>{html.escape(row.help)}</i>"
            parts.append(
                f"<tr><td width='160'>{keys}</td><td width='200'><code>"
                f"{html.escape(row.command)}</code></td><td>{note}</td></tr>"
            )
        parts.append("</table>")
    return "".join(parts)


class HelpOverlay(QFrame):
    """The keys, grouped by mode; `?`, F1, `q` or Escape close it, `j`/`k` scroll."""

    owns_keyboard = True  # the key dispatcher leaves its keys alone while it is open

    def __init__(
        self,
        registry: CommandRegistry,
        keymap: dict[str, dict[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.registry = registry
        self.keymap = keymap
        self._return_focus: QWidget | None = None
        self.setObjectName("helpOverlay")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.installEventFilter(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(QLabel("Escape, q, ? or F1 close · j/k scroll"))
        self.hide()
        if parent is not None:
            parent.installEventFilter(self)

    def register_commands(self) -> None:
        """Add the `help` command to the registry."""
        self.registry.register(
            "help", self.toggle, "Show or hide the keys", modes=("normal", "visual")
        )

    def rows(self) -> list[tuple[str, list[HelpRow]]]:
        """What the overlay lists (see `help_rows`)."""
        return help_rows(self.registry, self.keymap)

    def refresh(self) -> None:
        """Regenerate the text from the registry and keymap."""
        self.browser.setHtml(help_html(self.registry, self.keymap))

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect().adjusted(40, 30, -40, -30))

    def open(self) -> None:
        """Show the keys over the window with the keyboard in them."""
        if not self.isVisible():
            self._return_focus = self.window().focusWidget() if self.parentWidget() else None
        self.refresh()
        self._fit()
        self.show()
        self.raise_()
        self.browser.setFocus(Qt.FocusReason.PopupFocusReason)

    def close_overlay(self) -> None:
        """Hide and give the keyboard back."""
        self.hide()
        if self._return_focus is not None:
            self._return_focus.setFocus()
        self._return_focus = None

    def toggle(self) -> None:
        """Show or hide the keys."""
        if self.isVisible():
            self.close_overlay()
        else:
            self.open()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize:
            if self.isVisible():
                self._fit()
            return False
        if obj is not self.browser or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        names = key_names(event)
        bar = self.browser.verticalScrollBar()
        if {"Escape", "q", "?", "F1"} & set(names):
            self.close_overlay()
        elif {"j", "Down"} & set(names):
            bar.setValue(bar.value() + bar.singleStep())
        elif {"k", "Up"} & set(names):
            bar.setValue(bar.value() - bar.singleStep())
        elif {"Space", "PageDown", "Ctrl+D"} & set(names):
            bar.setValue(bar.value() + bar.pageStep())
        elif {"PageUp", "Ctrl+U"} & set(names):
            bar.setValue(bar.value() - bar.pageStep())
        elif {"g", "Home"} & set(names):
            bar.setValue(bar.minimum())
        elif {"G", "End"} & set(names):
            bar.setValue(bar.maximum())
        else:
            return False
        return True
