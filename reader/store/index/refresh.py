"""Bringing the index of a folder up to date: what changed, processed in workers, written in
short transactions so that an interrupted run leaves a consistent index the next one continues."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.corpus.loading import MAX_FILE_BYTES, corpus_entries, inside_root
from reader.corpus.model import Corpus
from reader.store.db import transaction
from reader.store.index import model
from reader.store.index.model import (
    CHUNK_FILES,
    COMMIT_FILES,
    COMMIT_SECONDS,
    KIND_DOCUMENT,
    KIND_FACTS,
    IndexProgress,
    IndexReport,
    ProgressFn,
    _FileState,
    _Result,
    _Todo,
    corpus_root,
    file_format,
)
from reader.store.index.pool import LocalWorkers, default_workers, run_chunks
from reader.store.index.read import load_indexed_corpus
from reader.store.index.writer import (
    _mark_dirty,
    _record_file,
    _sigint_deferred,
    _write_facts,
    _write_results,
    collect_garbage,
)

if TYPE_CHECKING:
    from concurrent.futures import Executor

# `worker` (what processes a file: passages, search words, languages) and the process pool's
# modules are imported when a file is to be processed: a refresh that finds the folder as
# indexed never needs them (about 20 ms of imports).

# --- refresh -------------------------------------------------------------------------------


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
    workers: int | LocalWorkers | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    entities: bool = True,
    phase: int | None = None,
    cluster: str | Executor | None = None,
) -> IndexReport:
    """Bring the index of the corpus folder `root` up to date; see the package docstring.

    Two phases: phase 1 makes the corpus readable and searchable (reading texts, passages,
    sentences, search words); phase 2 adds entity candidates to the documents that lack them.
    `phase=1` or `entities=False` runs only phase 1, `phase=2` only phase 2 (on what phase 1
    indexed); by default phase 1, then phase 2. Both are resumable: what is committed stays.

    `progress` is called with an IndexProgress after each file (from the calling thread);
    setting `cancel` stops the run after the files already done are committed, and so does
    Ctrl+C (KeyboardInterrupt is re-raised once the committed state is consistent). Safe to
    run in a worker thread of the GUI with its own connection. `cluster` (a Dask scheduler
    address, or any `concurrent.futures.Executor`) runs the per-document work there, the files
    shipped as bytes; the store is written here, the same as a local run.
    """
    started = time.monotonic()
    key = corpus_root(root)
    if not Path(key).is_dir():
        raise NotADirectoryError(f"not a folder: {root}")
    report = IndexReport(root=key)
    local = (  # worker processes given by the caller stay for its next step (the options)
        workers
        if isinstance(workers, LocalWorkers)
        else LocalWorkers(workers if workers is not None else default_workers())
    )
    pending = None
    with _executor(cluster) as executor:
        run = _Run(conn, key, report, local, progress, cancel, executor)
        try:
            if phase != 2:
                _phase1(run)
            if entities and phase != 1 and not report.cancelled:
                pending = _phase2(run)
        finally:
            if local is not workers:
                local.close()
    report.entities_pending = len(_pending_facts(conn, key)) if pending is None else pending
    report.seconds = time.monotonic() - started
    return report


@contextlib.contextmanager
def _executor(cluster: str | Executor | None) -> Iterator[Executor | None]:
    """The executor of a cluster address (a Dask client's, closed afterwards), or as given."""
    if cluster is None:
        yield None
        return
    from concurrent.futures import Executor

    if isinstance(cluster, Executor):
        yield cluster
        return
    from reader.store.index.cluster import dask_executor

    with dask_executor(cluster) as executor:
        yield executor


@dataclass
class _Run:
    """What both phases of one refresh share."""

    conn: sqlite3.Connection
    key: str
    report: IndexReport
    workers: LocalWorkers
    progress: ProgressFn | None
    cancel: threading.Event | None
    executor: Executor | None

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()


def _phase1(run: _Run) -> None:
    """Texts, passages, sentences and search words of new and changed files."""
    conn, key, report = run.conn, run.key, run.report
    folder = Path(key)
    known = _known_files(conn, key)
    contents: set[tuple[str, str]] | None = None  # read when a file is not current
    todo: list[_Todo] = []
    reused: list[tuple[str, int, int, str, str, str | None]] = []
    seen: set[str] = set()
    files, left_out = corpus_entries(folder)
    for item in left_out:  # links out of the folder, unreadable folders: listed, never read
        seen.add(item.path)
        report.files += 1
        report.errors += 1
        state = known.get(item.path)
        if state is None or state.error != item.reason:
            reused.append((item.path, 0, -1, "", file_format(item.path), item.reason))
    for rel, path in files:
        seen.add(rel)
        report.files += 1
        try:
            st = os.stat(path)
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
        if contents is None:
            contents = _known_contents(conn)
        if contents and 0 < st.st_size <= MAX_FILE_BYTES:  # nothing known: nothing to reuse
            sha = _content_hash(Path(path))
            if (sha, fmt) in contents:
                reused.append((rel, st.st_size, st.st_mtime_ns, sha, fmt, None))
                continue
        todo.append(_Todo(rel, st.st_size, fmt))
    gone = [rel for rel in known if rel not in seen]
    if gone or reused or todo:  # nothing changed: no write transaction
        with _sigint_deferred(), transaction(conn):
            _mark_dirty(conn)
            conn.executemany(
                "DELETE FROM index_files WHERE root = ? AND path = ?",
                [(key, rel) for rel in gone],
            )
            for rel, size, mtime_ns, sha, fmt, error in reused:
                _record_file(conn, key, rel, size, mtime_ns, sha, fmt, error)
    report.deleted = len(gone)
    report.reused = sum(1 for r in reused if r[5] is None)
    _process_all(run, todo)
    if not report.cancelled and (gone or reused or todo):
        collect_garbage(conn)


class _Batches:
    """Results waiting to be written: committed every COMMIT_FILES or COMMIT_SECONDS."""

    def __init__(self, write: Callable[[list[Any], str], None]) -> None:
        self.write = write
        self.pending: list[Any] = []
        self.last = time.monotonic()

    def add(self, items: list[Any]) -> None:
        self.pending += items
        if len(self.pending) >= COMMIT_FILES or time.monotonic() - self.last >= COMMIT_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            self.write(self.pending, now)
            self.pending = []
        self.last = time.monotonic()


def _content_hash(path: Path) -> str:
    from reader.store.index import worker

    return worker._sha256_or_empty(path)


def _process_all(run: _Run, todo: list[_Todo]) -> None:
    if not todo:
        return
    from reader.store.index import worker

    report, conn = run.report, run.conn
    bytes_total = sum(t.size for t in todo)
    clock = time.monotonic()

    def write(results: list[_Result], now: str) -> None:
        with _sigint_deferred(), transaction(conn):
            _write_results(conn, run.key, results, now)

    batches = _Batches(write)

    def take(results: list[_Result]) -> None:
        for r in results:
            report.processed += 1
            report.bytes_processed += r.size
            if r.error:
                report.errors += 1
            if run.progress:
                elapsed = time.monotonic() - clock
                run.progress(
                    IndexProgress(
                        report.processed,
                        len(todo),
                        report.bytes_processed,
                        bytes_total,
                        elapsed,
                        r.rel,
                    )
                )
        batches.add(results)

    # Big files first keeps every worker busy to the end.
    order = sorted(todo, key=lambda t: -t.size)
    rels = [t.rel for t in order]
    chunks = [rels[i : i + CHUNK_FILES] for i in range(0, len(rels), CHUNK_FILES)]
    try:
        if run.executor is not None:
            done = run_chunks(
                worker.process_shipped,
                _shipped(run.key, chunks, take),
                take,
                run.cancelled,
                executor=run.executor,
            )
        else:
            done = run_chunks(
                partial(worker._process_chunk, run.key, entities=False),
                chunks,
                take,
                run.cancelled,
                workers=run.workers,
                count=len(chunks),
            )
        report.cancelled = not done
        batches.flush()
    except KeyboardInterrupt:
        batches.flush()
        raise


def _shipped(
    key: str, chunks: list[list[str]], take: Callable[[list[_Result]], None]
) -> Iterator[list[tuple[str, bytes, int]]]:
    """Chunks of (path, bytes, mtime_ns) to send to a cluster, read as they are sent; a file
    too large or unreadable is processed here (it gets its reason without being shipped)."""
    from reader.store.index import worker

    for chunk in chunks:
        items = []
        for rel in chunk:
            path = Path(key) / rel
            try:
                st = path.stat()
                if st.st_size > MAX_FILE_BYTES or not inside_root(path, Path(key)):
                    raise OSError
                data = path.read_bytes()
                after = path.stat()
            except OSError:
                take([worker.process_file(key, rel, False)])
                continue
            same = (after.st_size, after.st_mtime_ns) == (st.st_size, st.st_mtime_ns)
            items.append((rel, data, st.st_mtime_ns if same else -1))
        if items:
            yield items


def _pending_facts(conn: sqlite3.Connection, key: str) -> list[tuple[str, str, str, int]]:
    """(path, sha256, format, size) of each content of folder `key` without current entity
    candidates (one path per content)."""
    return conn.execute(
        "SELECT min(f.path), f.sha256, f.format, max(f.size) FROM index_files f "
        "WHERE f.root = ? AND f.error IS NULL AND NOT EXISTS (SELECT 1 FROM doc_cache c "
        "WHERE c.sha256 = f.sha256 AND c.kind = ? || '.' || f.format AND c.version = ?) "
        "GROUP BY f.sha256, f.format ORDER BY 1",
        (key, KIND_FACTS, model.facts_version()),
    ).fetchall()


def _phase2(run: _Run) -> int | None:
    """Entity candidates of the indexed documents that lack them; 0 when none lacked them
    (None: how many still lack them is to be counted)."""
    conn, report = run.conn, run.report
    todo = _pending_facts(conn, run.key)
    if not todo:
        return 0
    from reader.store.index import worker

    total = len(todo)
    bytes_total = sum(size for *_, size in todo)
    sizes = {(sha, fmt): (rel, size) for rel, sha, fmt, size in todo}
    clock = time.monotonic()
    done_bytes = 0

    def write(rows: list[tuple[str, str, bytes | None]], now: str) -> None:
        with _sigint_deferred(), transaction(conn):
            _write_facts(conn, rows, now)

    batches = _Batches(write)

    def take(rows: list[tuple[str, str, bytes | None]]) -> None:
        nonlocal done_bytes
        for sha, fmt, _ in rows:
            report.entities_processed += 1
            rel, size = sizes.get((sha, fmt), ("", 0))
            done_bytes += size
            if run.progress:
                run.progress(
                    IndexProgress(
                        report.entities_processed,
                        total,
                        done_bytes,
                        bytes_total,
                        time.monotonic() - clock,
                        rel,
                        phase=2,
                    )
                )
        batches.add(rows)

    def chunks() -> Iterator[list[tuple[str, str, str, bytes]]]:
        for i in range(0, total, CHUNK_FILES):
            items = []
            for rel, sha, fmt, _ in todo[i : i + CHUNK_FILES]:
                row = conn.execute(
                    "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ?",
                    (sha, f"{KIND_DOCUMENT}.{fmt}"),
                ).fetchone()
                if row is not None:
                    items.append((rel, sha, fmt, row[0]))
            if items:
                yield items

    try:
        done = run_chunks(
            worker.facts_chunk,
            chunks(),
            take,
            run.cancelled,
            workers=run.workers,
            count=(total + CHUNK_FILES - 1) // CHUNK_FILES,
            executor=run.executor,
        )
        report.cancelled = not done
        batches.flush()
    except KeyboardInterrupt:
        batches.flush()
        raise
    return None


def refresh_corpus(
    root: str | os.PathLike[str],
    db: str | os.PathLike[str] | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    workers: int | None = None,
    phase: int | None = None,
) -> IndexReport:
    """`refresh_index` on its own connection: what a GUI worker thread runs.

    `progress` is called from that thread (emit a Qt signal from it); set `cancel` to stop
    after the files already done are committed. `phase=1` makes the corpus readable and
    searchable only, `phase=2` then adds entity candidates (see `refresh_index`). Raises
    StoreError when the store is refused.
    """
    from reader.store.db import connect

    conn = connect(db)
    try:
        return refresh_index(
            conn, root, workers=workers, progress=progress, cancel=cancel, phase=phase
        )
    finally:
        conn.close()


def open_indexed_corpus(
    root: str | os.PathLike[str],
    db: str | os.PathLike[str] | sqlite3.Connection | None = None,
    progress: ProgressFn | None = None,
    *,
    lazy: bool = False,
) -> Corpus:
    """The corpus of folder `root`, loaded from the index after refreshing it (with `lazy`,
    documents read their texts when first used).

    A fresh index costs one `stat` per file; new or changed files are processed first.
    """
    from reader.store.db import connect

    conn = db if isinstance(db, sqlite3.Connection) else connect(db)
    try:
        refresh_index(conn, root, progress=progress)
        return load_indexed_corpus(conn, root, lazy=lazy)
    finally:
        if not isinstance(db, sqlite3.Connection):
            conn.close()
