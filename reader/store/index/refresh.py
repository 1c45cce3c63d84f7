"""Bringing the index of a folder up to date: what changed, processed in workers, written in
short transactions so that an interrupted run leaves a consistent index the next one continues."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from reader.corpus.loading import MAX_FILE_BYTES, list_corpus
from reader.corpus.model import Corpus
from reader.store.db import transaction
from reader.store.index import model, worker
from reader.store.index.model import (
    CHUNK_FILES,
    COMMIT_FILES,
    COMMIT_SECONDS,
    INLINE_MAX_FILES,
    KIND_DOCUMENT,
    IndexProgress,
    IndexReport,
    ProgressFn,
    _FileState,
    _Result,
    _Todo,
    corpus_root,
    file_format,
)
from reader.store.index.read import load_indexed_corpus
from reader.store.index.writer import (
    _mark_dirty,
    _record_file,
    _sigint_deferred,
    _write_result,
    collect_garbage,
)

# --- refresh -------------------------------------------------------------------------------


def forget_corpus(conn: sqlite3.Connection, root: str | os.PathLike[str]) -> None:
    """Drop a folder from the index (its derived data goes unless another folder shares it)."""
    with transaction(conn):
        conn.execute("DELETE FROM index_files WHERE root = ?", (corpus_root(root),))
    collect_garbage(conn)


def known_corpus(conn: sqlite3.Connection, root: str | os.PathLike[str]) -> bool:
    """Whether the index has seen this folder (the GUI can show it from the index at once)."""
    row = conn.execute("SELECT 1 FROM index_files WHERE root = ? LIMIT 1", (corpus_root(root),))
    return row.fetchone() is not None


def _known_files(conn: sqlite3.Connection, root: str) -> dict[str, _FileState]:
    rows = conn.execute(
        "SELECT path, size, mtime_ns, sha256, format, pipeline, error FROM index_files "
        "WHERE root = ?",
        (root,),
    )
    return {r[0]: _FileState(*r[1:]) for r in rows}


def _known_contents(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    rows = conn.execute(
        "SELECT sha256, kind FROM doc_cache WHERE kind LIKE ? AND version = ?",
        (f"{KIND_DOCUMENT}.%", model.pipeline_version()),
    )
    return {(sha, kind.rsplit(".", 1)[1]) for sha, kind in rows}


def _is_current(state: _FileState | None, size: int, mtime_ns: int) -> bool:
    return (
        state is not None
        and state.pipeline == model.pipeline_version()
        and state.size == size
        and state.mtime_ns == mtime_ns
        and mtime_ns >= 0
    )


def refresh_index(
    conn: sqlite3.Connection,
    root: str | os.PathLike[str],
    *,
    workers: int | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    entities: bool = True,
) -> IndexReport:
    """Bring the index of the corpus folder `root` up to date; see the module docstring.

    `progress` is called with an IndexProgress after each file (from the calling thread);
    setting `cancel` stops the run after the files already done are committed, and so does
    Ctrl+C (KeyboardInterrupt is re-raised once the committed state is consistent). Safe to
    run in a worker thread of the GUI with its own connection. `entities=False` skips entity
    candidates (they are then computed when needed).
    """
    started = time.monotonic()
    key = corpus_root(root)
    folder = Path(key)
    if not folder.is_dir():
        raise NotADirectoryError(f"not a folder: {root}")
    report = IndexReport(root=key)
    known = _known_files(conn, key)
    contents = _known_contents(conn)
    todo: list[_Todo] = []
    reused: list[tuple[str, int, int, str, str, str | None]] = []
    seen: set[str] = set()
    files, left_out = list_corpus(folder)
    for item in left_out:  # links out of the folder, unreadable folders: listed, never read
        seen.add(item.path)
        report.files += 1
        report.errors += 1
        state = known.get(item.path)
        if state is None or state.error != item.reason:
            reused.append((item.path, 0, -1, "", file_format(item.path), item.reason))
    for path in files:
        rel = path.relative_to(folder).as_posix()
        seen.add(rel)
        report.files += 1
        try:
            st = path.stat()
        except OSError:
            todo.append(_Todo(rel, 0, file_format(rel)))
            continue
        state = known.get(rel)
        if _is_current(state, st.st_size, st.st_mtime_ns):
            report.unchanged += 1
            if state is not None and state.error:
                report.errors += 1
            continue
        fmt = file_format(rel)
        if 0 < st.st_size <= MAX_FILE_BYTES:
            sha = worker._sha256_or_empty(path)
            if (sha, fmt) in contents:
                reused.append((rel, st.st_size, st.st_mtime_ns, sha, fmt, None))
                continue
        todo.append(_Todo(rel, st.st_size, fmt))
    gone = [rel for rel in known if rel not in seen]
    with _sigint_deferred(), transaction(conn):
        if gone or reused or todo:
            _mark_dirty(conn)
        conn.executemany(
            "DELETE FROM index_files WHERE root = ? AND path = ?", [(key, rel) for rel in gone]
        )
        for rel, size, mtime_ns, sha, fmt, error in reused:
            _record_file(conn, key, rel, size, mtime_ns, sha, fmt, error)
    report.deleted = len(gone)
    report.reused = sum(1 for r in reused if r[5] is None)
    _process_all(conn, key, todo, report, workers, progress, cancel, entities)
    if not report.cancelled and (gone or reused or todo):
        collect_garbage(conn)
    report.seconds = time.monotonic() - started
    return report


def _process_all(
    conn: sqlite3.Connection,
    root: str,
    todo: list[_Todo],
    report: IndexReport,
    workers: int | None,
    progress: ProgressFn | None,
    cancel: threading.Event | None,
    entities: bool,
) -> None:
    if not todo:
        return
    bytes_total = sum(t.size for t in todo)
    pending: list[_Result] = []
    last_commit = time.monotonic()
    clock = time.monotonic()

    def flush() -> None:
        nonlocal last_commit
        if not pending:
            return
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with _sigint_deferred(), transaction(conn):
            for r in pending:
                _write_result(conn, root, r, now)
        pending.clear()
        last_commit = time.monotonic()

    def take(results: list[_Result]) -> None:
        for r in results:
            pending.append(r)
            report.processed += 1
            report.bytes_processed += r.size
            if r.error:
                report.errors += 1
            if progress:
                progress(
                    IndexProgress(
                        report.processed,
                        len(todo),
                        report.bytes_processed,
                        bytes_total,
                        time.monotonic() - clock,
                        r.rel,
                    )
                )
        if len(pending) >= COMMIT_FILES or time.monotonic() - last_commit >= COMMIT_SECONDS:
            flush()

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    try:
        if n_workers <= 1 or len(todo) < INLINE_MAX_FILES:
            for t in todo:
                if cancelled():
                    report.cancelled = True
                    break
                take([worker.process_file(root, t.rel, entities)])
        else:
            _run_pool(root, todo, n_workers, take, cancelled, report, entities)
        flush()
    except KeyboardInterrupt:
        flush()
        raise


def _run_pool(
    root: str,
    todo: list[_Todo],
    n_workers: int,
    take: Callable[[list[_Result]], None],
    cancelled: Callable[[], bool],
    report: IndexReport,
    entities: bool,
) -> None:
    """Process `todo` in `n_workers` processes; if the pool breaks, finish in this process."""
    import multiprocessing

    # Big files first keeps both workers busy to the end.
    order = sorted(todo, key=lambda t: -t.size)
    chunks = [
        [t.rel for t in order[i : i + CHUNK_FILES]] for i in range(0, len(order), CHUNK_FILES)
    ]
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(n_workers, mp_context=context, initializer=worker._worker_init)
    running: dict[Future[list[_Result]], list[str]] = {}
    queue = iter(chunks)
    left: list[list[str]] = []

    def fill() -> None:
        for chunk in queue:
            running[pool.submit(worker._process_chunk, root, chunk, entities)] = chunk
            if len(running) >= 3 * n_workers:
                break

    try:
        fill()
        while running:
            done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            for fut in done:
                chunk = running.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    left.append(chunk)
                    continue
                take(results)
            if cancelled():
                report.cancelled = True
                return
            if left:  # e.g. workers cannot start: the caller's main module has no __main__ guard
                left.extend(running.values())
                left.extend(queue)
                running.clear()
                break
            fill()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    for chunk in left:
        for rel in chunk:
            if cancelled():
                report.cancelled = True
                return
            take([worker.process_file(root, rel, entities)])


def refresh_corpus(
    root: str | os.PathLike[str],
    db: str | os.PathLike[str] | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> IndexReport:
    """`refresh_index` on its own connection: what a GUI worker thread runs.

    `progress` is called from that thread (emit a Qt signal from it); set `cancel` to stop
    after the files already done are committed. Raises StoreError when the store is refused.
    """
    from reader.store.db import connect

    conn = connect(db)
    try:
        return refresh_index(conn, root, workers=workers, progress=progress, cancel=cancel)
    finally:
        conn.close()


def open_indexed_corpus(
    root: str | os.PathLike[str],
    db: str | os.PathLike[str] | sqlite3.Connection | None = None,
    progress: ProgressFn | None = None,
) -> Corpus:
    """The corpus of folder `root`, loaded from the index after refreshing it.

    A fresh index costs one `stat` per file; new or changed files are processed first.
    """
    from reader.store.db import connect

    conn = db if isinstance(db, sqlite3.Connection) else connect(db)
    try:
        refresh_index(conn, root, progress=progress)
        return load_indexed_corpus(conn, root)
    finally:
        if not isinstance(db, sqlite3.Connection):
            conn.close()
