"""Load and analyse a corpus off the GUI thread, with progress and cancel; refresh its index.

`CorpusLoader` shows a corpus the store's index knows at once (no file is read), otherwise it
reads the files. `IndexRefresher` then brings the index up to date in the background
(`reader.store.index.refresh_corpus`, worker processes); the window reloads when files changed.
The store and analysis modules are imported in the threads, not when the window starts.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class CorpusLoader(QThread):
    """Runs the loading and analysis in a thread; emits `loaded(analysis)` or `failed(message)`.

    With `db` (the store's file) a corpus folder the index knows is read from the index;
    `from_index` then says so. Unknown folders, or a store without an index, read the files.
    """

    progress = Signal(int, int, str)
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        root: Path,
        links: list[Any],
        edits: list[Any],
        parent: QObject | None = None,
        db: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.root = root
        self.links = links
        self.edits = edits
        self.db = db
        self.from_index = False
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        from reader.corpus.pipeline import Cancelled

        try:
            analysis = self._load()
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

    def _progress(self, done: int, total: int, what: str) -> None:
        self.progress.emit(done, total, what)

    def _load(self) -> Any:
        from reader.corpus.pipeline import analyse_with_progress, load_and_analyse

        corpus = self._indexed_corpus() if self.db is not None else None
        if corpus is None:
            return load_and_analyse(
                self.root,
                self.links,
                self.edits,
                progress=self._progress,
                cancelled=self._cancel.is_set,
            )
        self.from_index = True
        return analyse_with_progress(
            corpus, self.links, self.edits, self._progress, self._cancel.is_set
        )

    def _indexed_corpus(self) -> Any:
        """The corpus from the index when it knows this folder (None: read the files)."""
        try:
            from reader.store.db import connect
            from reader.store.index import known_corpus, load_indexed_corpus

            conn = connect(self.db)
        except Exception:  # no usable index: the files are the truth
            return None
        try:
            if not known_corpus(conn, self.root):
                return None
            corpus = load_indexed_corpus(conn, self.root)
            return corpus if corpus.documents else None
        except Exception:
            return None
        finally:
            conn.close()


class IndexRefresher(QThread):
    """Brings the index of a corpus folder up to date in the background.

    Emits `progress(done, total, text)` while files are processed, then `refreshed(report)`
    (an IndexReport, `cancelled` set when the user stopped it) or `failed(message)`.
    """

    progress = Signal(int, int, str)
    refreshed = Signal(object)
    failed = Signal(str)

    def __init__(self, root: Path, db: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.db = db
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            from reader.store.index import IndexProgress, refresh_corpus

            def on_progress(p: IndexProgress) -> None:
                self.progress.emit(p.done, p.total, f"indexing {p.mb_per_s:.1f} MB/s")

            report = refresh_corpus(self.root, self.db, progress=on_progress, cancel=self._cancel)
        except Exception as exc:  # shown in the status bar, never a traceback
            self.failed.emit(f"Indexing {self.root} failed: {type(exc).__name__}: {exc}")
            return
        self.refreshed.emit(report)
