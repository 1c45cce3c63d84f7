"""Load and analyse a corpus, and refresh its index, in a child process with progress and
cancel.

The work is pure Python; run in a thread of the GUI process it would hold the GIL and every
call the window makes into Qt would wait for it (the window would freeze in all but name).
So each job runs in a `spawn`ed process (`reader.load_jobs`, no Qt) and a thin QThread here
waits on its pipe — waiting releases the GIL — and turns its messages into signals.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class _ProcessJob(QThread):
    """Runs `reader.load_jobs.<target>(conn, cancel, *args)` in a child process; its
    ("progress", done, total, text) messages become `progress`, its last message is the
    result or ("error", text)."""

    progress = Signal(int, int, str)

    def __init__(self, target: str, args: tuple[Any, ...], parent: QObject | None) -> None:
        super().__init__(parent)
        self._target = target
        self._args = args
        context = multiprocessing.get_context("spawn")
        self._cancel = context.Event()
        self._context = context
        self._process: Any = None
        self.in_process = True

    def cancel(self) -> None:
        self._cancel.set()

    def kill(self) -> None:
        """Stop the child now (its pipe then closes and `run` ends)."""
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()

    def _on_corpus(self, corpus: Any, from_index: bool) -> None:
        """The job read the documents and now analyses them (see `CorpusLoader`)."""

    def _run_here(self) -> tuple[str, Any]:
        """The same job in this thread (no process to start: quicker when the window has
        nothing else to do yet)."""
        from reader import load_jobs

        job = self

        class _Conn:
            last: tuple[str, Any] = ("error", "no answer")

            def send(self, message: tuple) -> None:
                if message[0] == "progress":
                    job.progress.emit(*message[1:])
                elif message[0] == "corpus":
                    job._on_corpus(*message[1:])
                else:
                    _Conn.last = (message[0], message[1])

            def close(self) -> None:
                pass

        load_jobs.run(self._target, _Conn(), self._cancel, *self._args, watch=False)
        return _Conn.last

    def _run_child(self) -> tuple[str, Any]:
        from reader import load_jobs

        if self._cancel.is_set():
            return "cancelled", None
        if not self.in_process:
            return self._run_here()
        parent_end, child_end = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=load_jobs.run,
            args=(self._target, child_end, self._cancel, *self._args),
            daemon=False,
        )
        self._process = process
        process.start()
        child_end.close()
        try:
            while True:
                try:
                    message = parent_end.recv()
                except EOFError:
                    return "error", "the loading process ended without an answer"
                if message[0] == "progress":
                    self.progress.emit(*message[1:])
                    continue
                if message[0] == "corpus":
                    self._on_corpus(*message[1:])
                    continue
                return message[0], message[1]
        finally:
            parent_end.close()
            process.join(5)
            if process.is_alive():
                process.terminate()


class CorpusLoader(_ProcessJob):
    """Loads and analyses a corpus; emits `loaded(analysis)` or `failed(message)`.

    With `db` (the store's file) a corpus folder the index knows is read from the index;
    `from_index` then says so. Unknown folders, or a store without an index, read the files.
    When the analysis takes a while (see `reader.load_jobs`) it first emits `shown(analysis)`,
    a provisional analysis to read meanwhile; the analysis itself then always runs in a child
    process (a first load reads the files in this thread, then hands the corpus over).
    """

    loaded = Signal(object)
    failed = Signal(str)
    shown = Signal(object)
    analyse_in_process = True  # False only in tests (a monkeypatched analysis in this thread)

    def __init__(
        self,
        root: Path,
        links: list[Any],
        edits: list[Any],
        parent: QObject | None = None,
        db: Path | None = None,
        in_process: bool = True,
    ) -> None:
        # In this thread only the documents are read: a slow analysis goes to a child process.
        load_args = (str(root), links, edits, str(db) if db else None, in_process)
        super().__init__("load", load_args, parent)
        self.in_process = in_process  # False: in this thread (nothing shown yet to keep live)
        self.root = root
        self.from_index = False
        self._cancelled = False
        self._links, self._edits = links, edits
        self._db = str(db) if db else None
        self._corpus: Any = None
        self._shown_analysis: Any = None
        self.provisional = False  # a provisional analysis was emitted
        self.waiting_for_index = False  # entities and topics come once the index has them
        self.too_big = ""  # why entities and topics cannot be found on this machine now

    def _on_corpus(self, corpus: Any, from_index: bool) -> None:
        from reader.load_jobs import provisional_analysis

        self._corpus = corpus
        self.from_index = from_index
        self.provisional = True
        self._shown_analysis = provisional_analysis(corpus)
        self.shown.emit(self._shown_analysis)

    def cancel(self) -> None:
        """Stop at once: loading only reads, so nothing is lost."""
        super().cancel()
        self._cancelled = True
        self.kill()

    def run(self) -> None:
        from reader.load_jobs import TOO_BIG, WAIT_FOR_INDEX

        kind, value = self._run_child()
        if kind == "ok" and value[1] == WAIT_FOR_INDEX and self._corpus is not None:
            self.waiting_for_index = True
            self.loaded.emit(self._shown_analysis)
            return
        if kind == "ok" and isinstance(value[1], tuple) and value[1][0] == TOO_BIG:
            self.too_big = value[1][1]
            self.loaded.emit(self._shown_analysis)
            return
        if kind == "ok" and value[1] is None and self._corpus is not None:
            # The documents are on screen: analyse them in a child process (the window is live).
            self._target = "analyse"
            self._args = (self._corpus, self._links, self._edits, self._db, value[2])
            self.in_process = self.analyse_in_process
            kind, value = self._run_child()
        what = "Finding entities and topics" if self.provisional else "Loading"
        if self._cancelled or kind == "cancelled":
            self.failed.emit(f"{what} of {self.root} cancelled")
        elif kind == "error":
            self.failed.emit(f"Cannot open {self.root}: {value}")
        else:
            from reader.corpus.pipeline import from_parts

            corpus, parts, from_index = value
            self.from_index = from_index
            self.loaded.emit(from_parts(corpus if corpus is not None else self._corpus, parts))


class IndexRefresher(_ProcessJob):
    """Brings the index of a corpus folder up to date in the background.

    Emits `progress(done, total, text)` while files are processed, then `refreshed(report)`
    (an IndexReport, `cancelled` set when the user stopped it) or `failed(message)`.
    """

    refreshed = Signal(object)
    failed = Signal(str)

    def __init__(self, root: Path, db: Path, parent: QObject | None = None) -> None:
        super().__init__("index", (str(root), str(db)), parent)
        self.root = root

    def run(self) -> None:
        kind, value = self._run_child()
        if kind == "error":
            self.failed.emit(f"Indexing {self.root} failed: {value}")
        elif kind == "cancelled" or value is None:
            from reader.store.index import IndexReport

            self.refreshed.emit(IndexReport(root=str(self.root), cancelled=True))
        else:
            self.refreshed.emit(value)
