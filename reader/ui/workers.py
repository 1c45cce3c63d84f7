"""Background jobs for the window: analysis work runs in another process (or a thread), its
result comes back on the GUI thread, and a result that a newer request of the same kind has
overtaken is dropped.

Pure-Python analysis in a *thread* would hold the GIL: every call the GUI thread makes into Qt
then waits for it, and the window freezes in all but name. So CPU-heavy jobs (alignment,
re-analysis) go to one worker process shared by all windows (`process=True`); their function
and arguments must pickle.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import (
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from PySide6.QtCore import QObject, Signal

from reader.worker_process import watch_parent

log = logging.getLogger(__name__)


_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def process_pool() -> ProcessPoolExecutor:
    """The worker process of the app (started on first use; `spawn`, so it inherits no Qt
    state or threads from the GUI process)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            context = multiprocessing.get_context("spawn")
            _POOL = ProcessPoolExecutor(
                1, mp_context=context, initializer=watch_parent, initargs=(os.getpid(),)
            )
            atexit.register(shutdown_pool)
        return _POOL


def shutdown_pool() -> None:
    """Stop the worker process (at exit)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None:
            processes = list(getattr(_POOL, "_processes", {}).values())
            _POOL.shutdown(wait=False, cancel_futures=True)
            for process in processes:  # a long job must not keep the app from quitting
                with contextlib.suppress(Exception):
                    process.terminate()
            _POOL = None


class Jobs(QObject):
    """Runs functions off the GUI thread, one lane per kind (`align`, `reanalyse`, …).

    `submit(kind, fn, done)` runs `fn()` in the lane's thread and later calls `done(result)`
    on the GUI thread, unless another `submit` of the same kind came after it; an exception
    goes to `failed(kind, message)` instead.
    """

    _finished = Signal(str, int, object, object)  # kind, token, result, error
    failed = Signal(str, str)
    busy_changed = Signal(str, bool)  # kind, whether a job of that kind is running

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._tokens: dict[str, int] = {}
        self._callbacks: dict[tuple[str, int], Callable[[Any], None]] = {}
        self._running: dict[str, int] = {}
        self._finished.connect(self._deliver)

    def submit(
        self,
        kind: str,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        process: bool = False,
    ) -> int:
        """Queue `fn` in lane `kind` (in the worker process with `process`); its token (a
        newer one makes it stale)."""
        lane: Executor | None = process_pool() if process else self._lanes.get(kind)
        if lane is None:
            lane = self._lanes[kind] = ThreadPoolExecutor(1, thread_name_prefix=f"reader-{kind}")
        token = self._tokens.get(kind, 0) + 1
        self._tokens[kind] = token
        self._callbacks[(kind, token)] = done
        self._running[kind] = self._running.get(kind, 0) + 1
        if self._running[kind] == 1:
            self.busy_changed.emit(kind, True)
        try:
            future = lane.submit(fn)
        except RuntimeError:  # the pool broke (its process died): start a new one
            shutdown_pool()
            future = process_pool().submit(fn) if process else lane.submit(fn)
        future.add_done_callback(lambda f, k=kind, t=token: self._emit(k, t, f))
        return token

    def latest(self, kind: str) -> int:
        return self._tokens.get(kind, 0)

    def busy(self, kind: str) -> bool:
        return self._running.get(kind, 0) > 0

    def _emit(self, kind: str, token: int, future: Future) -> None:
        if future.cancelled():
            error: BaseException | None = CancelledError()
        else:
            error = future.exception()
        result = None if error is not None else future.result()
        with contextlib.suppress(RuntimeError):  # the window is gone
            self._finished.emit(kind, token, result, error)

    def _deliver(self, kind: str, token: int, result: Any, error: Any) -> None:
        done = self._callbacks.pop((kind, token), None)
        self._running[kind] = max(0, self._running.get(kind, 1) - 1)
        if self._running[kind] == 0:
            self.busy_changed.emit(kind, False)
        if isinstance(error, BrokenProcessPool):
            shutdown_pool()  # the next job starts a new worker process
        if token != self._tokens.get(kind) or isinstance(error, CancelledError):
            return  # overtaken by a newer request, or the app is closing
        if error is not None:
            log.info("%s job failed: %s", kind, error)
            self.failed.emit(kind, f"{type(error).__name__}: {error}")
            return
        if done is not None:
            done(result)

    def shutdown(self) -> None:
        """Stop taking work; running jobs finish on their own (their results are dropped)."""
        for kind in self._tokens:
            self._tokens[kind] += 1
        for lane in self._lanes.values():
            lane.shutdown(wait=False, cancel_futures=True)
