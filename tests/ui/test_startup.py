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
    assert isinstance(w.centralWidget(), QLabel)
    assert not hasattr(w, "registry")
    w.finish_build()
    w.finish_build()  # once only
    assert w.registry.get("concordance") is not None
    assert w.topics_dock is not None and w.statusBar().currentMessage() == ""
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Question)
    assert w.help_widget is not None and w.help_widget.isVisible(), "keys work once built"
