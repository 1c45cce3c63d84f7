"""What the window remembers between runs: corpus, topic, positions, layout, theme, zoom.

Kept as JSON in the user config folder (`CORPUS_READER_STATE` overrides the file). A broken
or unreadable file is ignored (the defaults are used) and never overwritten until a clean save.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

STATE_ENV = "CORPUS_READER_STATE"


def default_state_path() -> Path:
    """The state file: `$CORPUS_READER_STATE`, else <config dir>/corpus-reader/state.json."""
    env = os.environ.get(STATE_ENV)
    if env:
        return Path(env).expanduser()
    return config_dir() / "state.json"


def config_dir() -> Path:
    """The corpus-reader config directory (platformdirs' user_config_dir).

    On Linux and the BSDs it is worked out here from XDG_CONFIG_HOME, as platformdirs does:
    importing platformdirs costs tens of milliseconds before the window can first paint.
    """
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        base = os.environ.get("XDG_CONFIG_HOME", "").strip()
        return Path(base or os.path.expanduser("~/.config")) / "corpus-reader"
    from platformdirs import user_config_dir

    return Path(user_config_dir("corpus-reader"))


@dataclass
class ReaderState:
    """Everything restored on the next start."""

    corpus: str | None = None
    topic: str | None = None
    document: str | None = None  # id of the focused document
    positions: dict[str, int] = field(default_factory=dict)  # doc id -> passage index
    order: dict[str, list[str]] = field(default_factory=dict)  # topic id -> doc ids in order
    hidden: dict[str, list[str]] = field(default_factory=dict)  # topic id -> hidden doc ids
    sizes: dict[str, list[int]] = field(default_factory=dict)  # topic id -> column widths
    theme: str = "system"
    system_dark: bool = False  # the desktop's colour scheme last seen (first frame of "system")
    zoom: float = 0.0  # points added to the base reading size
    sync: bool = True
    search_scope: str = "topic"
    notes_folder: str = ""  # folder of the last notes export or import: the dialogs start there
    geometry: str = ""  # QMainWindow.saveGeometry, base64
    window_state: str = ""  # QMainWindow.saveState, base64

    @classmethod
    def from_json(cls, data: Any) -> ReaderState:
        """Build from parsed JSON, keeping only fields of the right type."""
        state = cls()
        if not isinstance(data, dict):
            return state
        defaults = asdict(state)
        for f in fields(cls):
            value = data.get(f.name)
            default = defaults[f.name]
            if value is None:
                continue
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, float):
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                value = float(value) if ok else value
            elif isinstance(default, dict):
                ok = isinstance(value, dict)
            else:
                ok = isinstance(value, str)
            if ok:
                setattr(state, f.name, value)
        return state


def load_state(path: Path | None = None) -> ReaderState:
    """The saved state, or the defaults when the file is missing or unreadable."""
    path = path or default_state_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ReaderState()
    return ReaderState.from_json(data)


def save_state(state: ReaderState, path: Path | None = None) -> None:
    """Write the state atomically (a temporary file renamed over the old one)."""
    path = path or default_state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(asdict(state), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
