"""Running per-document work: in this process, in local worker processes, or on a Dask cluster.

The work is a list of chunks and a function of one chunk (a pure function: a file's path or
bytes in, what the index stores out). Results come back to the calling thread, which writes
them; nothing here touches the store.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when work is run: a command with nothing to index never is
    import multiprocessing
    from concurrent.futures import Executor, Future, ProcessPoolExecutor

INLINE_MAX_CHUNKS = 3  # this few chunks: no worker processes (starting them costs ~0.5 s)
IN_FLIGHT = 8  # chunks queued per worker, so none waits while the parent writes a batch


def default_workers() -> int:
    """Worker processes when none is asked for: one per core (`bench_index.py` measures 1, 2
    and 4 on two cores; see the README's "Index" figures)."""
    return os.cpu_count() or 1


class LocalWorkers:
    """Worker processes started on first use and kept for every phase of one refresh (starting
    them costs about half a second each), shut down by `close`."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pool: ProcessPoolExecutor | None = None
        self.broken = False

    def executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            from reader.store.index import worker  # before a fork: the workers have it

            self._pool = ProcessPoolExecutor(
                self.count, mp_context=start_context(), initializer=worker._worker_init
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def start_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: forked when this process runs one thread (the command
    line), so that they start in milliseconds with every module already imported (a spawned
    worker is a new interpreter that imports them again: 0.2-0.5 s before its first document,
    while the command waits); spawned when other threads run (the app), since a child forked
    while another thread holds a lock can hang."""
    import multiprocessing

    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run_chunks(
    fn: Callable[[Any], list[Any]],
    chunks: Iterable[Any],
    take: Callable[[list[Any]], None],
    cancelled: Callable[[], bool],
    *,
    workers: int | LocalWorkers = 1,
    count: int | None = None,
    executor: Executor | None = None,
) -> bool:
    """Call `fn(chunk)` for each chunk and hand each result list to `take` as it arrives.

    With `executor` (e.g. a Dask client's) the chunks run there; else in local worker processes
    (`workers`: how many, or ones already started), or here when there is one worker or `count`
    (the number of chunks, when known) is small. Returns False when `cancelled()` stopped the
    run (what was taken stays taken).
    """
    local = workers if isinstance(workers, LocalWorkers) else LocalWorkers(workers)
    if executor is None and (
        local.count <= 1 or local.broken or (count is not None and count <= INLINE_MAX_CHUNKS)
    ):
        for chunk in chunks:
            if cancelled():
                return False
            take(fn(chunk))
        return True
    if executor is not None:
        return _run_on(executor, fn, iter(chunks), take, cancelled, 4 * IN_FLIGHT)
    left: list[Any] = []
    try:
        done = _run_on(
            local.executor(), fn, iter(chunks), take, cancelled, IN_FLIGHT * local.count, left
        )
    finally:
        if local is not workers or left:
            local.broken = bool(left)
            local.close()
    if not done:
        return False
    for chunk in left:  # e.g. workers cannot start: the caller's main module has no __main__ guard
        if cancelled():
            return False
        take(fn(chunk))
    return True


def _run_on(
    executor: Executor,
    fn: Callable[[Any], list[Any]],
    queue: Any,
    take: Callable[[list[Any]], None],
    cancelled: Callable[[], bool],
    in_flight: int,
    left: list[Any] | None = None,
) -> bool:
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    running: dict[Future[list[Any]], Any] = {}

    def fill() -> None:
        for chunk in queue:
            running[executor.submit(fn, chunk)] = chunk
            if len(running) >= in_flight:
                break

    fill()
    while running:
        done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
        broken = False
        for fut in done:
            chunk = running.pop(fut)
            try:
                results = fut.result()
            except BrokenProcessPool:
                if left is None:
                    raise
                left.append(chunk)
                broken = True
                continue
            take(results)
        if cancelled():
            for fut in running:
                fut.cancel()
            return False
        if broken and left is not None:
            left.extend(running.values())
            left.extend(queue)
            running.clear()
            return True
        fill()
    return True
