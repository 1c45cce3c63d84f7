"""Opening a corpus from the window: load and analyse in a worker thread with progress and
Cancel, then refresh the store's index in the background and show the corpus again if files
changed. A load that a newer one replaced is dropped."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from reader.corpus.pipeline import Analysis
    from reader.ui.window import MainWindow


COMING = "Finding entities and topics… read any document meanwhile"
THROUGH_INDEX = (
    "Entities and topics come once the index has read every document (phase 2)… "
    "read any document meanwhile"
)


WARM_UP_AFTER_MS = 500  # the worker process starts this long after a corpus lands


class Loading(QObject):
    """The window's corpus loader and index refresher."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.w = window
        self.loader: Any = None
        self.indexer: Any = None
        self._waiting = False  # the shown corpus waits for the index's entities and topics
        self._warmed = False  # the worker process started (`_warm_up`)
        window.status.cancel_button.clicked.connect(self.cancel)

    def _db(self) -> Path | None:
        """The store's file, which holds the corpus index (None without a store on disk)."""
        path = getattr(self.w.store, "path", None)
        return Path(path) if path is not None and str(path) != ":memory:" else None

    def load(self, root: Path, refresh: bool = True) -> None:
        """Load and analyse `root` in a worker; the window stays responsive."""
        from reader.store.user_edits import entity_link_records, topic_edit_records
        from reader.ui.loader import CorpusLoader

        w = self.w
        if self.loader is not None:
            self.loader.cancel()
        self._stop_indexing()
        w.index_fresh = False
        store = w.store
        links = entity_link_records(store.entity_links()) if store is not None else []
        edits = topic_edit_records(store.topic_edits()) if store is not None else []
        # With nothing shown yet, a thread starts sooner than a process; with a corpus on
        # screen, a process keeps the window answering while it works.
        shown = w.session.analysis is not None
        loader = CorpusLoader(root, links, edits, w, db=self._db(), in_process=shown)
        loader.progress.connect(self._progress)
        loader.shown.connect(lambda analysis, ld=loader: self._shown(analysis, ld))
        loader.loaded.connect(lambda analysis, ld=loader: self._loaded(analysis, ld, refresh))
        loader.failed.connect(lambda message, ld=loader: self._failed(message, ld))
        self.loader = loader
        self._busy(True)
        analysis = w.session.analysis
        if analysis is None or analysis.corpus.root != root:
            w.empty.setText(f"Loading {root}…")
        w.show_message(f"Loading {root}…", 0)
        loader.start()

    def _busy(self, busy: bool, fmt: str = "") -> None:
        status = self.w.status
        status.progress.setVisible(busy)
        status.cancel_button.setVisible(busy)
        if busy:
            status.progress.setRange(0, 0)
            status.progress.setFormat(fmt)

    def _progress(self, done: int, total: int, what: str) -> None:
        progress = self.w.status.progress
        if what.startswith("finding ") and done >= total:  # a stage without a count: busy
            progress.setRange(0, 0)
            progress.setFormat(f"{what} {done}/{total}")
            progress.setToolTip(f"{COMING} ({what}, {total} documents)")
            return
        progress.setRange(0, max(total, 1))
        progress.setValue(done)
        progress.setFormat(f"{done}/{total} {what.removeprefix('finding ')[:20]}")

    def _shown(self, analysis: Analysis, loader: Any) -> None:
        """The documents are read, their entities and topics are coming: show them to read."""
        from reader.load_jobs import is_provisional

        if loader is not self.loader:
            return
        w = self.w
        old = w.session.analysis
        same = old is not None and old.corpus.root == analysis.corpus.root
        if same and not is_provisional(old):
            return  # the full analysis on screen stays until the new one lands
        w.set_analysis(analysis, keep_view=same)
        w.show_message(COMING, 0)

    def _loaded(self, analysis: Analysis, loader: Any, refresh: bool) -> None:
        if loader is not self.loader:
            return  # replaced by a newer load
        w = self.w
        self.loader = None
        self._busy(False)
        w.show_message("")
        same = (
            w.session.analysis is not None
            and w.session.analysis.corpus.root == analysis.corpus.root
        )
        if analysis is not w.session.analysis:  # (a load waiting for the index shows it once)
            w.set_analysis(analysis, keep_view=same)
        self._warm_up()
        for warning in analysis.warnings[:1]:
            w.show_message(warning, 8000)
        self._waiting = loader.waiting_for_index
        if self._waiting:
            w.show_message(THROUGH_INDEX, 0)
            refresh = True
        if loader.too_big:
            w.show_message(loader.too_big, 0)
        db = self._db()
        if db is not None and refresh:
            self._start_indexing(analysis.corpus.root, db, loader.from_index)
        elif db is not None:
            w.index_fresh = True

    def _warm_up(self) -> None:
        """Start the worker process that alignments and re-analyses run in, its modules
        imported, a moment after the corpus is on screen: started while it loads, it took
        0.1-0.2 s from the load of 100,000 documents (the spawn and the pool's threads in this
        process), and started at once it would hold back the corpus's first paint."""
        if self._warmed:
            return
        self._warmed = True
        from PySide6.QtCore import QTimer

        QTimer.singleShot(WARM_UP_AFTER_MS, self, self._start_worker)

    def _start_worker(self) -> None:
        from reader.corpus.pipeline import warm_up

        self.w.jobs.submit("warm-up", warm_up, lambda _ready: None, process=True)

    def _start_indexing(self, root: Path, db: Path, from_index: bool) -> None:
        from reader.ui.loader import IndexRefresher

        indexer = IndexRefresher(Path(root), db, self.w)
        indexer.progress.connect(self._progress)
        indexer.refreshed.connect(lambda report, ix=indexer: self._indexed(report, ix, from_index))
        indexer.failed.connect(self._index_failed)
        self.indexer = indexer
        self._busy(True, "indexing")
        indexer.start()

    def _indexed(self, report: Any, indexer: Any, from_index: bool) -> None:
        if indexer is not self.indexer:
            return
        w = self.w
        self.indexer = None
        self._busy(False)
        if report.cancelled:
            w.show_message("Indexing cancelled; the next start continues it", 8000)
            return
        w.index_fresh = True
        changed = report.processed + report.reused + report.deleted
        if self._waiting and w.session.analysis is not None:
            self._waiting = False
            self.load(w.session.analysis.corpus.root, refresh=False)  # now from the index
            return
        if not changed:
            return
        w.show_message(
            f"Index updated: {report.processed + report.reused} new or changed, "
            f"{report.deleted} removed",
            8000,
        )
        if from_index and w.session.analysis is not None:
            self.load(w.session.analysis.corpus.root, refresh=False)

    def _index_failed(self, message: str) -> None:
        self.indexer = None
        self._busy(False)
        self.w.show_error(message)

    def _stop_indexing(self) -> None:
        if self.indexer is not None:
            self.indexer.cancel()
            self.indexer = None

    def _failed(self, message: str, loader: Any) -> None:
        if loader is not self.loader:
            return
        self.loader = None
        self._busy(False)
        if loader.provisional and self.w.session.analysis is not None:
            # The documents stay readable; the next opening analyses them again.
            self.w.show_message(f"{message}; the documents stay readable", 10_000)
            return
        self.w.empty.setText(message)
        self.w.show_error(message)

    def cancel(self) -> None:
        if self.loader is not None:
            self.loader.cancel()
        if self.indexer is not None:
            self.indexer.cancel()

    def stop(self, wait_ms: int) -> None:
        """Cancel and wait for the threads (the window is closing)."""
        for worker in (self.loader, self.indexer):
            if worker is not None:
                worker.cancel()
                if not worker.wait(wait_ms):
                    worker.kill()  # a child process stops at once; a thread at its next check
                    worker.wait(30_000)
