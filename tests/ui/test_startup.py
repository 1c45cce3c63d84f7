"""Start-up stays light: the first paint needs no heavy module, the rest follows after it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from reader.ui.state import config_dir
from reader.ui.window import MainWindow

HEAVY = ("markdown_it", "icu", "reader.store.db", "reader.corpus.loading", "platformdirs")


def test_the_window_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, reader.ui.app, reader.ui.window\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.split() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG rules are for Linux")
@pytest.mark.parametrize("xdg", [None, "/tmp/xdg-config", "  ", "/tmp/trailing/"])
def test_config_dir_is_where_platformdirs_puts_it(monkeypatch, xdg) -> None:
    from platformdirs import user_config_dir

    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    assert str(config_dir()) == user_config_dir("corpus-reader")


def test_a_deferred_window_paints_a_frame_then_builds_the_rest(qtbot, tmp_path) -> None:
    w = MainWindow(defer=True, state_path=tmp_path / "state.json", keymap_path=tmp_path / "k.toml")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    labels = [label.text() for label in w.centralWidget().findChildren(QLabel)]
    assert labels == ["Loading…"]
    assert not hasattr(w, "registry")
    w.finish_build()
    w.finish_build()  # once only
    assert w.registry.get("concordance") is not None
    assert w.topics_dock is not None and w.statusBar().currentMessage() == ""
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Question)
    assert w.help_widget is not None and w.help_widget.isVisible(), "keys work once built"


def test_the_first_frame_builds_no_costly_python_wrappers(tmp_path) -> None:
    """Qt's enum namespace, the style and the status bar each cost PySide 15-45 ms to wrap
    on first use: the first frame does without them (they come after it is painted)."""
    code = f"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["CORPUS_READER_STATE"] = {str(tmp_path / "state.json")!r}
import PySide6.QtCore as core, PySide6.QtWidgets as widgets
from reader.ui.app import make_app, after_first_paint
from reader.ui.state import load_state
from reader.ui.theme import apply_theme, resolve_theme
from reader.ui.window import MainWindow
app = make_app(fonts=False)
state = load_state()
apply_theme(app, resolve_theme(state.theme, state.system_dark))
window = MainWindow(defer=True)
def painted():
    built = [n for n in ("Qt", "QStyle", "QStatusBar") if n in {{**vars(core), **vars(widgets)}}]
    print("built before the paint:", " ".join(built) or "nothing")
    window.finish_build()
    app.setStyleSheet("")  # the style itself, not the stylesheet's proxy of it
    print("style after:", app.style().name())
    os._exit(0)
after_first_paint(window, painted, limit_ms=20_000)
window.show()
app.exec()
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "built before the paint: nothing" in proc.stdout
    assert "style after: fusion" in proc.stdout


def test_system_theme_starts_as_last_seen_then_follows_the_desktop(qtbot, tmp_path) -> None:
    from reader.ui.state import ReaderState, load_state, save_state
    from reader.ui.theme import system_prefers_dark

    path = tmp_path / "state.json"
    desktop_dark = system_prefers_dark()
    save_state(ReaderState(theme="system", system_dark=not desktop_dark), path)
    w = MainWindow(defer=True, state_path=path, keymap_path=tmp_path / "k.toml")
    qtbot.addWidget(w)
    assert w.theme.dark is not desktop_dark  # the first frame: the scheme seen last time
    w.finish_build()
    assert w.theme.dark is desktop_dark  # then the desktop's own
    w.save_state()
    assert load_state(path).system_dark is desktop_dark  # remembered for the next start
