"""Launched by bench_scale.py: start a window, print when it is first painted, then quit.

    python tests/bench/paint_probe.py bare            # a bare PySide6 window with a label
    python tests/bench/paint_probe.py app [DIR] [DB]  # the reading app (default: the seeds)

Prints `painted <seconds since this process started>` at the first paint event of the window,
and for the app `loaded <seconds>` once the corpus is shown (when the window reports it).

The paint is caught by an event filter on the window itself in both cases: a filter on the
whole application would see every event of every object and slow both starts down.
"""

from __future__ import annotations

import os
import sys
import time

START = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QWidget  # noqa: E402


class FirstPaint(QObject):
    """Prints the time of the first paint event of the watched window, then lets it go on."""

    def __init__(self, quit_after: bool) -> None:
        super().__init__()
        self.quit_after = quit_after
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            self.done = True
            print(f"painted {time.perf_counter() - START:.4f}", flush=True)
            if self.quit_after:
                QTimer.singleShot(0, lambda: os._exit(0))
        return False


def bare() -> None:
    app = QApplication(sys.argv[:1])
    probe = FirstPaint(quit_after=True)
    label = QLabel("Corpus Reader")
    label.installEventFilter(probe)
    label.resize(1400, 900)
    label.show()
    app.exec()


def app(directory: str | None, db: str | None) -> None:
    import reader.ui.app as app_module

    qt_app = app_module.make_app(fonts=False)  # as run_app: fonts come after the first paint
    probe = FirstPaint(quit_after=False)
    plain_after_first_paint = app_module.after_first_paint

    def watch_window(window: QWidget, callback, limit_ms: int = 1000) -> None:  # type: ignore[no-untyped-def]
        window.installEventFilter(probe)  # before the app's own filter: this paint is first
        plain_after_first_paint(window, callback, limit_ms)

    app_module.after_first_paint = watch_window

    def watch_loaded() -> None:
        for widget in qt_app.topLevelWidgets():
            loader = getattr(widget, "loader", None)
            if loader is not None and hasattr(loader, "loaded"):
                loader.loaded.connect(
                    lambda *_: QTimer.singleShot(0, lambda: finish("loaded")),
                )
                return
            if getattr(widget, "analysis", None) is not None:
                finish("loaded")
                return
        QTimer.singleShot(5, watch_loaded)

    def finish(what: str) -> None:
        print(f"{what} {time.perf_counter() - START:.4f}", flush=True)
        os._exit(0)

    QTimer.singleShot(0, watch_loaded)
    QTimer.singleShot(60_000, lambda: finish("timeout"))
    app_module.run_app(directory, db=db)


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        app(sys.argv[2] if len(sys.argv) > 2 else None, sys.argv[3] if len(sys.argv) > 3 else None)
