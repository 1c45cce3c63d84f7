"""Turn key presses into commands: counts (`3j`), chains (`gg`), modes, physical keys.

Single keys are matched by what they type; when a key types a non-ASCII character
(a Khmer letter, a Vietnamese `ơ` or `ê`), it also matches the key at the same place
on a US keyboard, read from the platform's layout-independent code: the X11/Wayland
keycode (evdev + 8), the Windows set-1 scan code, or the macOS virtual key code.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from reader.ui.keymap import Keymap, KeymapError, load_keymap, parse_keyseq
from reader.ui.modes import Mode, ModeManager
from reader.ui.panel_tree import LIST_SECTION
from reader.ui.registry import CommandRegistry

if TYPE_CHECKING:
    from reader.ui.help_overlay import HelpOverlay
    from reader.ui.palette import CommandPalette

# US QWERTY main block: (evdev keycode, unshifted, shifted). Evdev codes are the PC
# set-1 scan codes, so the same numbers serve Windows; X11 and Wayland add 8.
_US_KEYS = [
    (41, "`", "~"), (2, "1", "!"), (3, "2", "@"), (4, "3", "#"), (5, "4", "$"),
    (6, "5", "%"), (7, "6", "^"), (8, "7", "&"), (9, "8", "*"), (10, "9", "("),
    (11, "0", ")"), (12, "-", "_"), (13, "=", "+"),
    (16, "q", "Q"), (17, "w", "W"), (18, "e", "E"), (19, "r", "R"), (20, "t", "T"),
    (21, "y", "Y"), (22, "u", "U"), (23, "i", "I"), (24, "o", "O"), (25, "p", "P"),
    (26, "[", "{"), (27, "]", "}"), (43, "\\", "|"),
    (30, "a", "A"), (31, "s", "S"), (32, "d", "D"), (33, "f", "F"), (34, "g", "G"),
    (35, "h", "H"), (36, "j", "J"), (37, "k", "K"), (38, "l", "L"), (39, ";", ":"),
    (40, "'", '"'),
    (44, "z", "Z"), (45, "x", "X"), (46, "c", "C"), (47, "v", "V"), (48, "b", "B"),
    (49, "n", "N"), (50, "m", "M"), (51, ",", "<"), (52, ".", ">"), (53, "/", "?"),
]  # fmt: skip
# macOS kVK_ANSI_* virtual key codes (Carbon Events.h), layout independent.
_MAC_KEYS = {
    0x32: "`", 0x12: "1", 0x13: "2", 0x14: "3", 0x15: "4", 0x17: "5", 0x16: "6",
    0x1A: "7", 0x1C: "8", 0x19: "9", 0x1D: "0", 0x1B: "-", 0x18: "=",
    0x0C: "q", 0x0D: "w", 0x0E: "e", 0x0F: "r", 0x11: "t", 0x10: "y", 0x20: "u",
    0x22: "i", 0x1F: "o", 0x23: "p", 0x21: "[", 0x1E: "]", 0x2A: "\\",
    0x00: "a", 0x01: "s", 0x02: "d", 0x03: "f", 0x05: "g", 0x04: "h", 0x26: "j",
    0x28: "k", 0x25: "l", 0x29: ";", 0x27: "'",
    0x06: "z", 0x07: "x", 0x08: "c", 0x09: "v", 0x0B: "b", 0x2D: "n", 0x2E: "m",
    0x2B: ",", 0x2F: ".", 0x2C: "/",
}  # fmt: skip
_SHIFTED = {low: high for _code, low, high in _US_KEYS}
PHYSICAL_TABLES: dict[str, dict[int, tuple[str, str]]] = {
    "xkb": {code + 8: (low, high) for code, low, high in _US_KEYS},
    "windows": {code: (low, high) for code, low, high in _US_KEYS},
    "mac": {code: (low, _SHIFTED[low]) for code, low in _MAC_KEYS.items()},
}

_SPECIAL = {
    Qt.Key.Key_Escape: "Escape",
    Qt.Key.Key_Return: "Return",
    Qt.Key.Key_Enter: "Return",
    Qt.Key.Key_Tab: "Tab",
    Qt.Key.Key_Backtab: "Tab",
    Qt.Key.Key_Backspace: "Backspace",
    Qt.Key.Key_Delete: "Delete",
    Qt.Key.Key_Insert: "Insert",
    Qt.Key.Key_Home: "Home",
    Qt.Key.Key_End: "End",
    Qt.Key.Key_PageUp: "PageUp",
    Qt.Key.Key_PageDown: "PageDown",
    Qt.Key.Key_Up: "Up",
    Qt.Key.Key_Down: "Down",
    Qt.Key.Key_Left: "Left",
    Qt.Key.Key_Right: "Right",
    Qt.Key.Key_Space: "Space",
    Qt.Key.Key_Pause: "Pause",
    Qt.Key.Key_Print: "Print",
    Qt.Key.Key_Menu: "Menu",
}
_SPECIAL_BY_INT = {int(k): v for k, v in _SPECIAL.items()} | {
    int(Qt.Key.Key_F1) + i: f"F{i + 1}" for i in range(35)
}
_IGNORED = {
    int(k)
    for k in (
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_ScrollLock,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_Hyper_L,
        Qt.Key.Key_Hyper_R,
        Qt.Key.Key_Mode_switch,
        Qt.Key.Key_Multi_key,
        Qt.Key.Key_unknown,
    )
}
_DEAD_KEYS = range(int(Qt.Key.Key_Dead_Grave), int(Qt.Key.Key_Dead_Grave) + 0x60)
_MOD = Qt.KeyboardModifier


def physical_layout(platform: str | None = None) -> str:
    """Which physical-key table fits the running Qt platform (`xkb`, `windows`, `mac`)."""
    name = platform or (QGuiApplication.platformName() if QGuiApplication.instance() else "")
    if name in ("xcb", "wayland", "eglfs", "linuxfb", "vnc") or name.startswith("wayland"):
        return "xkb"
    if name == "cocoa":
        return "mac"
    if name == "windows":
        return "windows"
    if sys.platform == "darwin":
        return "mac"
    if sys.platform.startswith("win"):
        return "windows"
    return "xkb"


def physical_char(event: QKeyEvent, layout: str) -> str | None:
    """The US-keyboard character at the place of the pressed key, or None."""
    table = PHYSICAL_TABLES.get(layout, {})
    code = event.nativeVirtualKey() if layout == "mac" else event.nativeScanCode()
    if not code and layout != "mac":
        return None
    pair = table.get(int(code))
    if pair is None:
        return None
    return pair[1] if event.modifiers() & _MOD.ShiftModifier else pair[0]


_CHORD_MODS = (
    ("Ctrl", _MOD.ControlModifier),
    ("Alt", _MOD.AltModifier),
    ("Meta", _MOD.MetaModifier),
)


def _chord(mods: Qt.KeyboardModifier, key: str) -> str:
    """`Ctrl+Shift+P` style name of a key pressed with Ctrl/Alt/Meta."""
    names = [name for name, flag in _CHORD_MODS if mods & flag]
    if key.lower() != key.upper():  # letters: upper case, Shift explicit
        if mods & _MOD.ShiftModifier:
            names.append("Shift")
        key = key.upper()
    return "+".join([*names, key])


def key_names(event: QKeyEvent, layout: str | None = None) -> list[str]:
    """Names a key press may match in a keymap, best first (`[]` for a bare modifier).

    A key typing an ASCII character gives that character (`j`, `G`, `?`). One typing
    anything else gives its character, then the US character at its physical place,
    then (for digits of other scripts) the ASCII digit. Named keys and Ctrl/Alt/Meta
    chords give `Escape`, `Ctrl+Return`, `Ctrl+D`, `Ctrl+Shift+P`.
    """
    key = int(event.key())
    if key in _IGNORED or key in _DEAD_KEYS:
        return []
    layout = layout or physical_layout()
    mods = event.modifiers()
    text = event.text()
    char = text if len(text) == 1 and text.isprintable() else None
    named = _SPECIAL_BY_INT.get(key) or ("Space" if char == " " else None)
    if named:
        prefix = [name for name, flag in _CHORD_MODS if mods & flag]
        if mods & _MOD.ShiftModifier:
            prefix.append("Shift")
        if key == int(Qt.Key.Key_Backtab) and "Shift" not in prefix:
            prefix.append("Shift")
        return ["+".join([*prefix, named])]
    chord = bool(mods & (_MOD.ControlModifier | _MOD.AltModifier | _MOD.MetaModifier))
    both = _MOD.ControlModifier | _MOD.AltModifier
    if chord and (mods & both) == both and char and not char.isspace():
        chord = False  # Windows reports AltGr as Ctrl+Alt: keep what it typed
    names: list[str] = []
    if chord:
        if 0x21 <= key < 0x110000 and chr(key).isprintable():
            names.append(_chord(mods, chr(key)))
        if not names or not names[0].isascii():
            phys = physical_char(event, layout)
            if phys:
                names.append(_chord(mods, phys))
        return names
    if char is None and 0x21 <= key <= 0x7E:
        letter = chr(key)
        char = letter.upper() if mods & _MOD.ShiftModifier else letter.lower()
    elif char and char.isascii() and char.islower() and mods & _MOD.ShiftModifier:
        char = char.upper()  # QTest sends Shift+G as "g" with Shift
    if char is not None:
        names.append(char)
    if char is None or not char.isascii():
        phys = physical_char(event, layout)
        if phys and phys not in names:
            names.append(phys)
        digit = unicodedata.decimal(char, None) if char else None
        if digit is not None and str(digit) not in names:
            names.append(str(digit))
    return names


def is_text_input(widget: QWidget | None) -> bool:
    """True for widgets the user types into (line edits, editable text areas, spin boxes)."""
    if widget is None:
        return False
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return not getattr(widget, "isReadOnly", lambda: False)()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return widget.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)


def panel_section(widget: QWidget | None) -> str | None:
    """The keymap section of the panel `widget` is in (its or a parent's `keymap_section`)."""
    while widget is not None:
        section = getattr(widget, "keymap_section", None)
        if section:
            return str(section)
        widget = widget.parentWidget()
    return None


def _panel_sections(panel: str | None) -> tuple[str, ...]:
    """The keymap sections a panel's list reads, in order: its own, then every list's."""
    return (str(panel), LIST_SECTION) if panel and panel != LIST_SECTION else (LIST_SECTION,)


def _owned_by_overlay(widget: QWidget | None) -> bool:
    """True inside a visible widget that reads its own keys (palette, help)."""
    while widget is not None:
        if getattr(widget, "owns_keyboard", False) and widget.isVisible():
            return True
        widget = widget.parentWidget()
    return False


class KeyDispatcher(QObject):
    """Reads key presses in the current mode and runs the bound commands.

    Normal and visual mode take counts and chains; a chain waits (no timeout) until it
    completes, Escape clears it, and a key that does not continue it starts afresh.
    Insert and command mode, and any text field, take only the single keys bound in
    `[insert]` / `[command]`; every other key goes to the widget. In normal mode a widget
    with a `keymap_section` (a panel's list) has the single keys of that section first.
    """

    pending_changed = Signal(str)

    def __init__(
        self,
        registry: CommandRegistry,
        modes: ModeManager,
        keymap: dict[str, dict[str, str]],
        parent: QObject | None = None,
        *,
        layout: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.registry = registry
        self.modes = modes
        self.layout = layout
        self._root: QWidget | None = None
        self._pending: tuple[str, ...] = ()
        self._count = ""
        self._declined: tuple[object, ...] | None = None
        self._declined_at: QWidget | None = None
        self.set_keymap(keymap)
        modes.entered.connect(lambda _mode: self.clear())

    # -- bindings -------------------------------------------------------------
    def set_keymap(self, keymap: dict[str, dict[str, str]]) -> None:
        """Use `keymap` from now on (keys that cannot be read are skipped)."""
        self.keymap = keymap
        self._bindings: dict[str, dict[tuple[str, ...], str]] = {}
        self._prefixes: dict[str, set[tuple[str, ...]]] = {}
        for mode, section in keymap.items():
            bindings: dict[tuple[str, ...], str] = {}
            for keys, line in section.items():
                try:
                    bindings[parse_keyseq(keys)] = line
                except KeymapError:
                    continue
            self._bindings[mode] = bindings
            self._prefixes[mode] = {seq[:i] for seq in bindings for i in range(1, len(seq))}
        self.clear()

    @property
    def pending(self) -> str:
        """What has been typed towards a command: the count and the chain so far."""
        return self._count + "".join(self._pending)

    def clear(self) -> None:
        """Forget the count and the chain."""
        if self._pending or self._count:
            self._pending = ()
            self._count = ""
            self.pending_changed.emit("")

    def _set(self, pending: tuple[str, ...], count: str) -> None:
        self._pending, self._count = pending, count
        self.pending_changed.emit(self.pending)

    # -- dispatching ----------------------------------------------------------
    def feed(self, event: QKeyEvent, typing: bool = False, panel: str | None = None) -> bool:
        """Handle one key press; True when it was used. `typing`: a text field has focus;
        `panel`: the keymap section of the focused panel."""
        if event.type() != QEvent.Type.KeyPress:
            return False
        names = key_names(event, self.layout)
        if not names:
            return False
        mode = self.modes.mode
        if mode in (Mode.INSERT, Mode.COMMAND) or typing:
            section = mode.value if mode in (Mode.INSERT, Mode.COMMAND) else Mode.INSERT.value
            return self._single(section, names)
        if self._panel_first(mode, panel) and any(
            self._single(section, names) for section in _panel_sections(panel)
        ):
            return True
        return self._sequence(mode.value, names)

    def _panel_first(self, mode: Mode, panel: str | None) -> bool:
        return bool(panel) and mode is Mode.NORMAL and not (self._pending or self._count)

    def _single(self, mode: str, names: list[str]) -> bool:
        bindings = self._bindings.get(mode, {})
        for name in names:
            line = bindings.get((name,))
            if line is not None:
                self.clear()
                self.registry.run(line)
                return True
        return False

    def _sequence(self, mode: str, names: list[str], retry: bool = True) -> bool:
        bindings = self._bindings.get(mode, {})
        prefixes = self._prefixes.get(mode, set())
        if (self._pending or self._count) and names[0] == "Escape":
            self.clear()
            return True
        for name in names:
            seq = (*self._pending, name)
            if seq in prefixes:
                self._set(seq, self._count)
                return True
            line = bindings.get(seq)
            if line is not None:
                count = int(self._count) if self._count else None
                self.clear()
                self.registry.run(line, count)
                return True
            digit = len(name) == 1 and name in "0123456789"
            if digit and not self._pending and (name != "0" or self._count):
                self._set((), self._count + name)
                return True
        if self._pending and retry:
            self.clear()
            return self._sequence(mode, names, retry=False)
        self.clear()
        return False

    def wants(self, event: QKeyEvent, typing: bool = False, panel: str | None = None) -> bool:
        """Whether `feed` would use this key (without changing any state)."""
        names = key_names(event, self.layout)
        if not names:
            return False
        mode = self.modes.mode
        if self._panel_first(mode, panel):
            for section in _panel_sections(panel):
                bindings = self._bindings.get(section, {})
                if any((n,) in bindings for n in names):
                    return True
        if mode in (Mode.INSERT, Mode.COMMAND) or typing:
            section = mode.value if mode in (Mode.INSERT, Mode.COMMAND) else Mode.INSERT.value
            bindings = self._bindings.get(section, {})
            return any((n,) in bindings for n in names)
        if self._pending or self._count:
            return True
        bindings = self._bindings.get(mode.value, {})
        prefixes = self._prefixes.get(mode.value, set())
        return any(
            (n,) in bindings or (n,) in prefixes or (len(n) == 1 and n in "123456789")
            for n in names
        )

    # -- installing on a window -----------------------------------------------
    def install(self, widget: QWidget) -> None:
        """Read the keys of `widget`'s window and its children (an application event filter)."""
        self._root = widget
        widget.destroyed.connect(self.uninstall)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def uninstall(self, *_args: object) -> None:
        """Stop reading keys."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._root = None

    def _in_root(self, widget: QWidget) -> bool:
        root = self._root
        return root is not None and (widget is root or root.isAncestorOf(widget))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent):
            # every event of the application comes here: `isinstance` costs a tenth of
            # `type()` (the events are wrapped by their class; key presses and shortcut
            # overrides are QKeyEvents)
            return False
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if not isinstance(obj, QWidget) or not self._in_root(obj):
            return False
        if _owned_by_overlay(obj):
            return False
        assert isinstance(event, QKeyEvent)
        signature = (
            kind,
            int(event.key()),
            event.text(),
            event.nativeScanCode(),
            event.timestamp(),
        )
        declined_at = self._declined_at
        if (
            signature == self._declined
            and declined_at is not None
            and obj is not declined_at
            and obj.isAncestorOf(declined_at)
        ):
            return False  # the same press travelling up to a parent: already judged
        typing = is_text_input(obj)
        panel = panel_section(obj)
        if kind == QEvent.Type.ShortcutOverride:
            used = self.wants(event, typing, panel)
            if used:
                event.accept()  # deliver it as a key press, not as a QAction shortcut
        else:
            used = self.feed(event, typing, panel)
        if used:
            self._declined, self._declined_at = None, None
            return kind == QEvent.Type.KeyPress
        self._declined, self._declined_at = signature, obj
        return False


@dataclass
class Keyboard:
    """The keyboard machinery of one window, as set up by `install_keyboard`."""

    dispatcher: KeyDispatcher
    palette: CommandPalette
    help: HelpOverlay
    keymap: Keymap
    errors: list[str] = field(default_factory=list)


def install_keyboard(
    window: QWidget,
    registry: CommandRegistry,
    modes: ModeManager,
    keymap: Keymap | None = None,
) -> Keyboard:
    """Load the keymap, add the palette and help overlay (commands `palette`, `help`)
    and start reading the window's keys. `errors` lists keymap problems to show."""
    from reader.ui.help_overlay import HelpOverlay
    from reader.ui.palette import CommandPalette

    keymap = keymap if keymap is not None else load_keymap()
    palette = CommandPalette(registry, keymap, window, modes=modes)
    overlay = HelpOverlay(registry, keymap, window)
    palette.register_commands()
    overlay.register_commands()
    dispatcher = KeyDispatcher(registry, modes, keymap, window)
    dispatcher.install(window)
    errors = list(getattr(keymap, "errors", []))
    return Keyboard(dispatcher, palette, overlay, keymap, errors)
