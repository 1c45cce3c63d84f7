"""Load and analyse a corpus off the GUI thread, with progress and cancel."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from reader.ui.analysis import Analysis, Cancelled, load_and_analyse


class CorpusLoader(QThread):
    """Runs `load_and_analyse` in a thread; emits `loaded(analysis)` or `failed(message)`."""

    progress = Signal(int, int, str)
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(
        self, root: Path, links: list[Any], edits: list[Any], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.root = root
        self.links = links
        self.edits = edits
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            analysis: Analysis = load_and_analyse(
                self.root,
                self.links,
                self.edits,
                progress=lambda done, total, what: self.progress.emit(done, total, what),
                cancelled=self._cancel.is_set,
            )
        except Cancelled:
            self.failed.emit(f"Loading of {self.root} cancelled")
            return
        except (OSError, ValueError) as exc:
            self.failed.emit(f"Cannot open {self.root}: {exc}")
            return
        except Exception as exc:  # shown in the window, never a traceback
            self.failed.emit(f"Cannot open {self.root}: {type(exc).__name__}: {exc}")
            return
        self.loaded.emit(analysis)
