"""Start the Qt application: fonts, theme, store, the window, and the corpus loaded in a worker."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from reader.paths import seeds_dir
from reader.ui.fonts import register_bundled_fonts
from reader.ui.state import load_state
from reader.ui.theme import apply_theme, resolve_theme

log = logging.getLogger(__name__)


def make_app(argv: list[str] | None = None, fonts: bool = True) -> QApplication:
    """The QApplication (created once), with the bundled fonts registered (unless `fonts` is
    False: `run_app` registers them after the first paint)."""
    # Fusion: palettes and stylesheets look the same on every platform. Given as an argument,
    # since setStyle() hands the style back to Python, whose wrapper takes ~15 ms to build.
    app = QApplication.instance()
    if app is None:
        app = QApplication([*(argv or sys.argv[:1]), "-style", "Fusion"])
    else:
        app.setStyle("Fusion")
    app.setApplicationName("Corpus Reader")
    app.setOrganizationName("corpus-reader")
    if fonts:
        register_bundled_fonts()
    return app  # type: ignore[return-value]


def open_store(db: str | None) -> tuple[Any, str | None]:
    """The annotation store (None and the reason when it cannot be opened)."""
    try:
        from reader.store.annotations import Store
    except ImportError as exc:
        return None, f"Notes are off: the store is not available ({exc})"
    try:
        store = Store.open_for_reading(db)
    except Exception as exc:  # refused file: say why, keep reading without notes
        return None, f"Notes are off: {exc}"
    if store.read_only:
        return store, "The store cannot be written (read-only or full disk): notes show, not save"
    return store, None


def missing_display() -> str | None:
    """Why Qt cannot open a window here (Linux without X11 or Wayland), or None."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no screen to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
        "run it under a desktop session, or headless with QT_QPA_PLATFORM=offscreen, "
        "or on a virtual screen: Xvfb :99 & DISPLAY=:99 corpus-reader"
    )


def run_app(directory: Path | None = None, db: str | None = None) -> int:
    """Open the reading window on `directory` (default: the last corpus, else the seeds)."""
    problem = missing_display()
    if problem:
        sys.stderr.write(f"corpus-reader: {problem}\n")
        return 1
    from reader.ui.window import MainWindow

    app = make_app(fonts=False)
    state = load_state()
    apply_theme(app, resolve_theme(state.theme, state.system_dark))  # checked after the paint
    window = MainWindow(defer=True)  # a light frame first: it paints at once
    if not state.geometry:
        window.resize(1400, 900)
    root = Path(directory) if directory else None
    if root is None and state.corpus and Path(state.corpus).is_dir():
        root = Path(state.corpus)
    opened: dict[str, Any] = {}

    def start() -> None:
        """After the first paint: the rest of the window, the store, then the corpus (loaded
        in the background)."""
        register_bundled_fonts()
        window.finish_build()
        store, problem = open_store(db)
        opened["store"] = store
        if store is not None:
            window.attach_store(store)
        if problem:
            window.show_error(problem)
        window.load_corpus(root or seeds_dir())

    after_first_paint(window, start)
    window.show()
    code = app.exec()
    if opened.get("store") is not None:
        opened["store"].close()
    return code


class _FirstPaint(QObject):
    """Runs a callback once, just after the first paint of a window (or after `limit_ms`)."""

    def __init__(self, window: QWidget, callback: Callable[[], None], limit_ms: int) -> None:
        super().__init__(window)
        self.window = window
        self.callback: Callable[[], None] | None = callback
        # On the window alone: an application-wide Python filter would see every event of
        # every object while the window starts, which costs more than the paint itself.
        window.installEventFilter(self)
        QTimer.singleShot(limit_ms, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.callback is not None and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self._run)  # once this paint is on the screen
        return False

    def _run(self) -> None:
        callback, self.callback = self.callback, None
        if callback is None:
            return
        self.window.removeEventFilter(self)
        callback()


def after_first_paint(window: QWidget, callback: Callable[[], None], limit_ms: int = 1000) -> None:
    """Call `callback` once the window has first been painted, so slow work never delays it."""
    _FirstPaint(window, callback, limit_ms)
