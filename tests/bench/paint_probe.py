"""Launched by bench_scale.py: start a window, print when it is first painted, then quit.

    python tests/bench/paint_probe.py bare            # a bare PySide6 window with a label
    python tests/bench/paint_probe.py app [DIR] [DB]  # the reading app (default: the seeds)

Prints `painted <seconds since this process started>` at the first paint event of a window,
and for the app `loaded <seconds>` once the corpus is shown (when the window reports it).
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
    """Prints the time of the first paint event of any widget, then lets the app go on."""

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
    app.installEventFilter(probe)
    label = QLabel("Corpus Reader")
    label.resize(1400, 900)
    label.show()
    app.exec()


def app(directory: str | None, db: str | None) -> None:
    from reader.ui.app import make_app, run_app

    qt_app = make_app(fonts=False)  # as run_app: fonts are registered after the first paint
    probe = FirstPaint(quit_after=False)
    qt_app.installEventFilter(probe)

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
    run_app(directory, db=db)


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        app(sys.argv[2] if len(sys.argv) > 2 else None, sys.argv[3] if len(sys.argv) > 3 else None)
