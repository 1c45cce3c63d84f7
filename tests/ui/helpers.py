"""Shared helpers of the window tests: a shown window on the seeds, key presses, clean-up."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from reader.corpus.loading import load_corpus
from reader.corpus.pipeline import Analysis, analyse
from reader.paths import seeds_dir
from reader.ui.fonts import register_bundled_fonts
from reader.ui.window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

open_windows: list[MainWindow] = []  # deleted after each test by tests/ui/conftest.py


def dispose(w: MainWindow) -> None:
    """Delete a test's window now, so later tests do not pay for it."""
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@cache
def seeds_analysis() -> Analysis:
    """The seeds' analysis, computed once for all window tests."""
    return analyse(load_corpus(seeds_dir()))


def sora_topic(analysis: Analysis) -> int:
    """Index of the topic holding the Khmer seed (the Sora story)."""
    km = next(d for d in analysis.corpus.documents if d.path.startswith("003"))
    topic = analysis.topic_of(km.id)
    assert topic is not None
    return analysis.topics.index(topic)


def settle(qtbot, w: MainWindow) -> None:
    """Wait until background work (alignment, re-analysis) has landed in the window."""
    qtbot.waitUntil(
        lambda: not w.jobs.busy("align") and not w.jobs.busy("reanalyse"), timeout=20000
    )
    QApplication.processEvents()


def empty_window(qtbot, tmp_path, store=None, restore=False, size=(1400, 900)) -> MainWindow:
    """A shown window with no corpus yet (its first load reads in the loader's thread);
    deleted when the test ends."""
    w = MainWindow(
        store=store,
        state_path=tmp_path / "state.json",
        keymap_path=tmp_path / "keymap.toml",
        restore=restore,
    )
    open_windows.append(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


def make_window(qtbot, tmp_path, store=None, analysis=None, restore=False) -> MainWindow:
    """A shown window on the seeds (or `analysis`); deleted when the test ends."""
    register_bundled_fonts()
    w = empty_window(qtbot, tmp_path, store, restore)
    w.set_analysis(analysis or seeds_analysis())
    QApplication.processEvents()
    settle(qtbot, w)
    return w


def focus_doc(qtbot, w: MainWindow, prefix: str) -> None:
    """Move the column focus with h/l until the document starting with `prefix` has it."""
    press(qtbot, w, "hhhh")
    for _ in range(len(w.area.columns)):
        if w.area.column.doc.path.startswith(prefix):
            return
        press(qtbot, w, "l")
    raise AssertionError(prefix)


def press(qtbot, w: MainWindow, keys: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Type keys at whatever has the keyboard in the window."""
    for key in keys:
        qtbot.keyClick(w.focusWidget() or w, key, modifier)
