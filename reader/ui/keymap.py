"""Key bindings as data: bundled defaults plus the user's overrides, and key-name parsing.

A keymap is `{mode: {keys: "command args"}}`. Keys are written as a character (`j`, `G`,
`?`), a chain of characters (`gg`), a named key (`Escape`, `F1`), modifiers joined with
`+` (`Ctrl+d`, `Ctrl+Shift+P`), or a space-separated chain of those (`Ctrl+x k`).
This module has no Qt in it: the dispatcher turns key events into the same names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from reader.paths import resource
from reader.ui.state import config_dir

MODES = ("normal", "visual", "insert", "command")
# Panel sections: single keys read only while that panel's list has the keyboard (in normal
# mode, with no count or chain pending), before the normal bindings.
# `lists` serves every side panel's list (topics, entities, annotations, mismatches), after
# the panel's own section.
PANELS = ("mismatches", "lists")
SECTIONS = MODES + PANELS
MODIFIERS = ("Ctrl", "Alt", "Meta", "Shift")
_MODIFIER_ALIASES = {
    "ctrl": "Ctrl",
    "control": "Ctrl",
    "cmd": "Ctrl",  # Qt maps the macOS Command key to Ctrl
    "command": "Ctrl",
    "alt": "Alt",
    "option": "Alt",
    "opt": "Alt",
    "meta": "Meta",
    "super": "Meta",
    "win": "Meta",
    "shift": "Shift",
}
NAMED_KEYS = [
    *("Escape", "Return", "Tab", "Backspace", "Delete", "Insert", "Home", "End"),
    *("PageUp", "PageDown", "Up", "Down", "Left", "Right", "Space", "Pause", "Print", "Menu"),
    *(f"F{i}" for i in range(1, 36)),
]
_NAME_ALIASES = {name.lower(): name for name in NAMED_KEYS} | {
    "esc": "Escape",
    "enter": "Return",
    "ret": "Return",
    "del": "Delete",
    "ins": "Insert",
    "pgup": "PageUp",
    "pgdown": "PageDown",
    "pgdn": "PageDown",
    "bs": "Backspace",
}


class KeymapError(ValueError):
    """A key or keymap file that cannot be read; the message says where and why."""


class Keymap(dict[str, dict[str, str]]):
    """`{mode: {keys: "command args"}}` plus the problems met while loading it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.errors: list[str] = []


def _named(word: str) -> str | None:
    """Canonical name of a named key (`esc` → `Escape`), or None."""
    if len(word) < 2:
        return None
    return _NAME_ALIASES.get(word.lower())


def normalize_key(token: str) -> str:
    """Canonical name of one key press: `ctrl+shift+p` → `Ctrl+Shift+P`, `Shift+g` → `G`.

    Letters with Ctrl/Alt/Meta are upper case (as Qt writes them) and Shift is explicit;
    without those modifiers a letter's case is its Shift. Symbols carry their Shift in
    the character itself (`?`, `}`), so `Shift+` on a symbol is refused.
    """
    if not token:
        raise KeymapError("empty key")
    mods: set[str] = set()
    rest = token
    while "+" in rest[1:]:
        head, tail = rest.split("+", 1)
        mod = _MODIFIER_ALIASES.get(head.lower())
        if mod is None or not tail:
            break
        mods.add(mod)
        rest = tail
    name = _named(rest)
    if name is None and len(rest) != 1:
        raise KeymapError(f"unknown key {rest!r} in {token!r}")
    if name is not None:
        key = name
    elif rest.lower() != rest.upper():  # a letter with case
        if mods & {"Ctrl", "Alt", "Meta"}:
            key = rest.upper()
        else:
            key = rest.upper() if ("Shift" in mods or rest.isupper()) else rest.lower()
            mods.discard("Shift")
    else:
        if "Shift" in mods:
            raise KeymapError(f"write the shifted symbol itself instead of {token!r}")
        key = rest
        if key == " ":
            key = "Space"
    return "+".join([m for m in MODIFIERS if m in mods] + [key])


def parse_keyseq(text: str) -> tuple[str, ...]:
    """The key presses of a binding: `gg` → (`g`, `g`); `Ctrl+d` → (`Ctrl+D`,).

    A word is a named key only when it starts with a capital (`Esc`, `F1`); `esc` is
    the chain e, s, c.
    """
    if text == " ":
        return ("Space",)
    text = text.strip()
    if not text:
        raise KeymapError("empty key")
    if any(ch.isspace() for ch in text):
        return tuple(normalize_key(tok) for tok in text.split())
    head = text[1:].split("+", 1)[0] if "+" in text[1:] else ""
    if (text[0].isupper() and _named(text)) or (text[0] + head).lower() in _MODIFIER_ALIASES:
        return (normalize_key(text),)
    return tuple(normalize_key(ch) for ch in text)


def format_keyseq(keys: Iterable[str]) -> str:
    """Text of a key chain: plain characters run together (`gg`), others space-separated."""
    keys = list(keys)
    if all(len(k) == 1 for k in keys):
        return "".join(keys)
    return " ".join(keys)


def default_keymap_path() -> Path:
    """The bundled default bindings (resources/keymap.toml)."""
    return resource("keymap.toml")


def user_keymap_path() -> Path:
    """The user's overrides: keymap.toml in the corpus-reader config directory."""
    return config_dir() / "keymap.toml"


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise KeymapError(f"{path}: not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise KeymapError(f"{path}: not UTF-8 text ({exc})") from None
    except OSError as exc:
        raise KeymapError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _layer(
    table: dict[str, dict[tuple[str, ...], tuple[str, str]]],
    data: dict[str, object],
    source: Path,
    errors: list[str],
) -> None:
    """Put the bindings of one file over `table`, collecting the entries it cannot use."""
    for mode, section in data.items():
        if mode not in SECTIONS:
            errors.append(f"{source}: unknown mode [{mode}] (modes: {', '.join(SECTIONS)})")
            continue
        if not isinstance(section, dict):
            errors.append(f'{source}: [{mode}] must be a table of key = "command"')
            continue
        for keys, value in section.items():
            if not isinstance(value, str):
                errors.append(f'{source}: [{mode}] {keys!r} must be a "command" string')
                continue
            try:
                seq = parse_keyseq(keys)
            except KeymapError as exc:
                errors.append(f"{source}: [{mode}] {keys!r}: {exc}")
                continue
            if value.strip():
                table[mode][seq] = (keys, value.strip())
            else:
                table[mode].pop(seq, None)


def _conflicts(table: dict[str, dict[tuple[str, ...], tuple[str, str]]]) -> list[str]:
    """Keys that are also the start of a longer chain (they would never run)."""
    out = []
    for mode, bindings in table.items():
        for seq, (keys, _cmd) in bindings.items():
            longer = [
                k for s, (k, _c) in bindings.items() if len(s) > len(seq) and s[: len(seq)] == seq
            ]
            if longer:
                out.append(
                    f"[{mode}] {keys!r} never runs: it starts {', '.join(map(repr, longer))}"
                )
    return out


def load_keymap(user_path: Path | None = None) -> Keymap:
    """Default bindings with the user's file layered on top (None: `user_keymap_path()`).

    A user file that cannot be read is ignored as a whole; entries that cannot be used
    (unknown mode, bad key) are skipped. Either way the problems are listed in
    `keymap.errors` for the window to show, and loading never raises for user input.
    """
    table: dict[str, dict[tuple[str, ...], tuple[str, str]]] = {m: {} for m in SECTIONS}
    errors: list[str] = []
    defaults = default_keymap_path()
    _layer(table, _read_toml(defaults), defaults, errors)
    if errors:  # the bundled file is ours: a mistake there is a bug
        raise KeymapError("; ".join(errors))
    path = user_keymap_path() if user_path is None else Path(user_path)
    if path.is_file():
        try:
            data = _read_toml(path)
        except KeymapError as exc:
            errors.append(f"{exc} — using the default keys")
        else:
            _layer(table, data, path, errors)
    elif path.exists():
        errors.append(f"{path}: not a file — using the default keys")
    errors.extend(_conflicts(table))
    keymap = Keymap({m: dict(table[m].values()) for m in SECTIONS})
    keymap.errors = errors
    return keymap


def command_name(line: str) -> str:
    """The command of a binding's value: `"zoom-in 2"` → `zoom-in`."""
    words = line.split()
    return words[0] if words else ""


def keys_for(keymap: dict[str, dict[str, str]], command: str, mode: str | None = None) -> list[str]:
    """Keys bound to `command` (normal mode first), for the palette, help and menus."""
    modes = (
        [mode]
        if mode
        else [m for m in MODES if m in keymap] + [m for m in keymap if m not in MODES]
    )
    out: list[str] = []
    for m in modes:
        for keys, line in keymap.get(m, {}).items():
            if command_name(line) == command and keys not in out:
                out.append(keys)
    return out


def check_keymap(keymap: dict[str, dict[str, str]], commands: Iterable[str]) -> list[str]:
    """One message per binding whose command is not among `commands`."""
    known = set(commands)
    return [
        f"[{mode}] {keys!r}: unknown command {command_name(line)!r}"
        for mode, bindings in keymap.items()
        for keys, line in bindings.items()
        if command_name(line) not in known
    ]
