"""The persistent, incremental index of a corpus in the store's SQLite file.

For each file of a corpus folder the index records size, mtime and SHA-256 (`index_files`).
Everything derived from a file's bytes is keyed by its hash: the reading text with passages,
sentences and entity candidates (`doc_cache`, one row per kind), and the search shadow text of
every passage (`index_passages` + the FTS5 table `index_fts`).

`refresh_index` brings the index up to date: files whose path, size and mtime are unchanged are
not read; a changed file whose content the index already knows is not processed again; new and
changed files are processed in worker processes (ICU objects live per process); deleted files
drop out. Results are written in short transactions, one file at a time never half, so an
interrupted run (Ctrl+C, a killed process, a GUI cancel) leaves a consistent index that the
next run continues.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import sys
import threading
import time
from array import array
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

import icu

from reader import __version__
from reader.corpus.formats import format_of
from reader.corpus.loading import (
    MAX_FILE_BYTES,
    LoadError,
    document_id,
    inside_root,
    list_corpus,
    load_document,
)
from reader.corpus.model import Corpus, Document, Link, Passage, Skipped
from reader.corpus.passages import passage_sentences
from reader.corpus.search import (
    Hit,
    Query,
    Shadow,
    count_in_shadow,
    document_shadows,
    find_in_shadow,
    is_cluster_boundary,
    is_unspaced,
    parse_query,
)
from reader.paths import resource
from reader.store.db import StoreError, transaction

#: Version of the processing; bump it when a change of the corpus code (reading text, passages,
#: sentences, search words, entity candidates) changes what the index stores.
PIPELINE = 3

KIND_DOCUMENT = "index.document"
KIND_SENTENCES = "index.sentences"
KIND_CANDIDATES = "index.candidates"
KINDS = (KIND_DOCUMENT, KIND_SENTENCES, KIND_CANDIDATES)
KIND_DIRTY = "index-dirty"  # a refresh wrote and has not collected garbage yet
KIND_MIXED = "index-mixed"  # several folders, or files with the same content

CHUNK_FILES = 8  # files per worker task
INLINE_MAX_FILES = 24  # fewer files to process than this: no worker processes
COMMIT_SECONDS = 1.0  # longest time results wait in memory before they are committed
COMMIT_FILES = 400

ProgressFn = Callable[["IndexProgress"], None]


# --- data ----------------------------------------------------------------------------------


@dataclass(slots=True)
class IndexProgress:
    """How far a refresh is: files and bytes to process, done so far, elapsed seconds."""

    done: int
    total: int
    bytes_done: int
    bytes_total: int
    elapsed: float
    path: str = ""

    @property
    def mb_per_s(self) -> float:
        return self.bytes_done / 1e6 / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, estimated from the bytes rate; None before anything is done."""
        if not self.bytes_done or self.elapsed <= 0:
            return None
        return (self.bytes_total - self.bytes_done) * self.elapsed / self.bytes_done


@dataclass(slots=True)
class IndexReport:
    """What one refresh did."""

    root: str
    files: int = 0  # files found in the folder
    unchanged: int = 0  # same path, size and mtime: not read
    reused: int = 0  # read, but the content was already indexed
    processed: int = 0  # processed now
    deleted: int = 0  # gone from the folder, dropped from the index
    errors: int = 0  # could not be read as text (listed as skipped)
    bytes_processed: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "files": self.files,
            "unchanged": self.unchanged,
            "reused": self.reused,
            "processed": self.processed,
            "deleted": self.deleted,
            "errors": self.errors,
            "bytes_processed": self.bytes_processed,
            "seconds": round(self.seconds, 3),
            "cancelled": self.cancelled,
        }


@dataclass(slots=True)
class _FileState:
    size: int
    mtime_ns: int
    sha256: str
    format: str
    pipeline: int
    error: str | None


@dataclass(slots=True)
class _Todo:
    rel: str
    size: int
    format: str


@dataclass(slots=True)
class _Result:
    """A processed file, ready to write (built in a worker process)."""

    rel: str
    size: int
    mtime_ns: int
    sha256: str
    format: str
    error: str | None = None
    document: bytes = b""
    sentences: bytes = b""
    candidates: bytes | None = None
    language: str = ""
    shadows: list[tuple[int, int, int, str, str, bytes]] = field(default_factory=list)


@cache
def pipeline_version() -> int:
    """Fingerprint of what derived data depends on: PIPELINE, the app version, the ICU version
    and the language and alias tables. Data of another fingerprint is processed again."""
    digest = hashlib.blake2b(f"{PIPELINE}|{__version__}|{icu.ICU_VERSION}".encode(), digest_size=7)
    for folder in ("languages", "aliases"):
        for path in sorted(resource(folder).glob("*")):
            with contextlib.suppress(OSError):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return int.from_bytes(digest.digest(), "big")


def file_format(rel: str) -> str:
    """The format the loader reads a file as, from its suffix (`text` when unknown)."""
    return format_of(rel) or "text"


def corpus_root(root: str | os.PathLike[str]) -> str:
    """The key of a corpus folder in the index: its resolved absolute path."""
    return str(Path(root).expanduser().resolve())


# --- processing (runs in worker processes) -------------------------------------------------


def _candidates_json(doc: Document) -> bytes | None:
    """Entity candidates of `doc` as JSON rows, or None when the entity module is missing."""
    try:
        from reader.corpus.entities import document_candidates

        found = document_candidates(doc)
    except Exception:  # entities are optional here: the analysis computes them when missing
        return None
    rows = [[c.start, c.end, c.text, c.key, c.kind] for c in found]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _document_json(doc: Document) -> bytes:
    data = {
        "title": doc.title,
        "language": doc.language,
        "script": doc.script,
        "encoding": doc.encoding,
        "warnings": doc.warnings,
        "links": [[link.start, link.end, link.href] for link in doc.links],
        "passages": [
            [p.start, p.end, p.kind, list(p.source_lines) if p.source_lines else None]
            + ([p.extra()] if p.extra() else [])
            for p in doc.passages
        ],
        "text": doc.text,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _spans_blob(spans: list[tuple[int, int]]) -> bytes:
    flat = array("i", [x for span in spans for x in span])
    return flat.tobytes()


class BlobSpans(Sequence[tuple[int, int]]):
    """The token spans of one passage, read from its blob only as far as they are used."""

    __slots__ = ("_flat",)

    def __init__(self, blob: bytes) -> None:
        self._flat = array("i")
        if len(blob) % 8 == 0:  # else damaged: no spans (its passage shows no hits), no crash
            self._flat.frombytes(blob)

    def __len__(self) -> int:
        return len(self._flat) // 2

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        return self._flat[2 * k], self._flat[2 * k + 1]


def _spans_from_blob(blob: bytes) -> list[tuple[int, int]]:
    return list(BlobSpans(blob))


def process_file(root: str, rel: str, entities: bool = True) -> _Result:
    """Read and process one file of the corpus (any error becomes a skipped-file reason)."""
    path = Path(root) / rel
    fmt = file_format(rel)
    try:
        before = path.stat()
    except OSError as exc:
        return _Result(rel, 0, -1, "", fmt, error=f"unreadable: {exc.strerror or exc}")
    try:
        doc = load_document(path, Path(root), MAX_FILE_BYTES)
    except LoadError as exc:
        readable = before.st_size <= MAX_FILE_BYTES and inside_root(path, Path(root))
        sha = _sha256_or_empty(path) if readable else ""
        return _Result(rel, before.st_size, before.st_mtime_ns, sha, fmt, error=str(exc))
    except Exception as exc:
        reason = f"could not be read: {type(exc).__name__}: {exc}"
        return _Result(rel, before.st_size, before.st_mtime_ns, "", fmt, error=reason)
    mtime_ns = before.st_mtime_ns
    with contextlib.suppress(OSError):
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            mtime_ns = -1  # changed while being read: the next run looks again
    return _derive(doc, rel, fmt, before.st_size, mtime_ns, entities)


def _sha256_or_empty(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _derive(doc: Document, rel: str, fmt: str, size: int, mtime_ns: int, entities: bool) -> _Result:
    sentences = [
        [s, e] for p in doc.passages for s, e in passage_sentences(doc.text, p, doc.language)
    ]
    shadows: list[Shadow] = document_shadows(doc)
    rows = [
        (
            sh.passage,
            doc.passages[sh.passage].start,
            doc.passages[sh.passage].end,
            sh.text,
            sh.inner_text,
            _spans_blob(sh.spans),
        )
        for sh in shadows
        if sh.tokens
    ]
    return _Result(
        rel,
        size,
        mtime_ns,
        doc.sha256,
        fmt,
        document=_document_json(doc),
        sentences=json.dumps(sentences, separators=(",", ":")).encode("ascii"),
        candidates=_candidates_json(doc) if entities else None,
        language=doc.language,
        shadows=rows,
    )


def _process_chunk(root: str, rels: list[str], entities: bool) -> list[_Result]:
    return [process_file(root, rel, entities) for rel in rels]


def _worker_init() -> None:
    # Ctrl+C goes to the whole process group: the parent decides what to do, workers go on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent that is killed cannot stop its workers: they stop when it is gone.
    import multiprocessing
    from multiprocessing.connection import wait as wait_for

    parent = multiprocessing.parent_process()
    if parent is not None:

        def watch() -> None:
            wait_for([parent.sentinel])
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()


# --- writing -------------------------------------------------------------------------------


def _drop_content(conn: sqlite3.Connection, sha256: str, fmt: str) -> None:
    conn.execute(
        "DELETE FROM index_fts WHERE rowid IN "
        "(SELECT id FROM index_passages WHERE sha256 = ? AND format = ?)",
        (sha256, fmt),
    )
    conn.execute("DELETE FROM index_passages WHERE sha256 = ? AND format = ?", (sha256, fmt))
    conn.executemany(
        "DELETE FROM doc_cache WHERE sha256 = ? AND kind = ?",
        [(sha256, f"{kind}.{fmt}") for kind in KINDS],
    )


def _write_result(conn: sqlite3.Connection, root: str, r: _Result, now: str) -> None:
    if r.error is None:
        _drop_content(conn, r.sha256, r.format)
        version = pipeline_version()
        data = [(KIND_DOCUMENT, r.document), (KIND_SENTENCES, r.sentences)]
        if r.candidates is not None:
            data.append((KIND_CANDIDATES, r.candidates))
        rows = [(r.sha256, f"{kind}.{r.format}", version, blob, now) for kind, blob in data]
        conn.executemany(
            "INSERT INTO doc_cache (sha256, kind, version, data, created) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM index_passages").fetchone()[0]
        ids = range(next_id, next_id + len(r.shadows))
        conn.executemany(
            'INSERT INTO index_passages (id, sha256, format, passage, start, "end", spans) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (i, r.sha256, r.format, p, s, e, blob)
                for i, (p, s, e, _, _, blob) in zip(ids, r.shadows, strict=True)
            ],
        )
        conn.executemany(
            "INSERT INTO index_fts (rowid, words, inner, lang) VALUES (?, ?, ?, ?)",
            [
                (i, words, inner, r.language)
                for i, (_, _, _, words, inner, _) in zip(ids, r.shadows, strict=True)
            ],
        )
    _record_file(conn, root, r.rel, r.size, r.mtime_ns, r.sha256, r.format, r.error)


def _record_file(
    conn: sqlite3.Connection,
    root: str,
    rel: str,
    size: int,
    mtime_ns: int,
    sha256: str,
    fmt: str,
    error: str | None,
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO index_files "
        "(root, path, size, mtime_ns, sha256, format, pipeline, error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (root, rel, size, mtime_ns, sha256, fmt, pipeline_version(), error),
    )


def collect_garbage(conn: sqlite3.Connection) -> int:
    """Drop derived data no indexed file refers to any more; return how many contents."""
    orphans = conn.execute(
        "SELECT DISTINCT sha256, format FROM index_passages p WHERE NOT EXISTS "
        "(SELECT 1 FROM index_files f WHERE f.sha256 = p.sha256 AND f.format = p.format)"
    ).fetchall()
    cached = conn.execute(
        "SELECT DISTINCT sha256, kind FROM doc_cache c WHERE kind LIKE 'index.%' AND NOT EXISTS "
        "(SELECT 1 FROM index_files f WHERE f.sha256 = c.sha256 "
        "AND c.kind LIKE '%.' || f.format)"
    ).fetchall()
    with transaction(conn):
        for sha, fmt in orphans:
            _drop_content(conn, sha, fmt)
        conn.executemany("DELETE FROM doc_cache WHERE sha256 = ? AND kind = ?", cached)
        conn.execute("DELETE FROM doc_cache WHERE sha256 = '' AND kind = ?", (KIND_DIRTY,))
        _mark_mixed(conn)
    return len(orphans)


def _mark_dirty(conn: sqlite3.Connection) -> None:
    """Note (inside a write) that derived data may have orphans until `collect_garbage`."""
    conn.execute(
        "INSERT OR IGNORE INTO doc_cache (sha256, kind, version, data, created) "
        "VALUES ('', ?, 0, x'', '')",
        (KIND_DIRTY,),
    )


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl+C until the block is done (main thread only), so a write is never cut."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda *a: caught.append(a))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            if callable(previous) and previous is not signal.default_int_handler:
                previous(signal.SIGINT, None)  # e.g. a command's handler that cancels the run
            else:
                raise KeyboardInterrupt


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
        (f"{KIND_DOCUMENT}.%", pipeline_version()),
    )
    return {(sha, kind.rsplit(".", 1)[1]) for sha, kind in rows}


def _is_current(state: _FileState | None, size: int, mtime_ns: int) -> bool:
    return (
        state is not None
        and state.pipeline == pipeline_version()
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
            sha = _sha256_or_empty(path)
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
                take([process_file(root, t.rel, entities)])
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
    pool = ProcessPoolExecutor(n_workers, mp_context=context, initializer=_worker_init)
    running: dict[Future[list[_Result]], list[str]] = {}
    queue = iter(chunks)
    left: list[list[str]] = []

    def fill() -> None:
        for chunk in queue:
            running[pool.submit(_process_chunk, root, chunk, entities)] = chunk
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
            take([process_file(root, rel, entities)])


# --- reading -------------------------------------------------------------------------------


def load_indexed_corpus(
    conn: sqlite3.Connection,
    root: str | os.PathLike[str],
    only: Collection[str] | None = None,
) -> Corpus:
    """The corpus as the index knows it (no file is read; may be stale, see `refresh_index`).

    With `only`, just the documents with these corpus-relative paths.
    """
    key = corpus_root(root)
    corpus = Corpus(root=Path(key))
    sql = (
        "SELECT f.path, f.sha256, f.format, f.error, CAST(c.data AS BLOB) "
        "FROM index_files f "
        "LEFT JOIN doc_cache c ON c.sha256 = f.sha256 AND c.kind = ? || '.' || f.format "
        "WHERE f.root = ?"
    )
    if only is None:
        rows = conn.execute(sql + " ORDER BY f.path", (KIND_DOCUMENT, key)).fetchall()
    else:
        wanted = sorted(only)
        rows = []
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            marks = ",".join("?" * len(part))
            rows += conn.execute(
                sql + f" AND f.path IN ({marks})", (KIND_DOCUMENT, key, *part)
            ).fetchall()
        rows.sort()
    damaged: list[str] = []
    for rel, sha, fmt, error, data in rows:
        if error is not None or data is None:
            corpus.skipped.append(Skipped(rel, error or "not indexed yet"))
            continue
        try:
            corpus.documents.append(_document_from_json(rel, sha, fmt, data, Path(key) / rel))
        except _DAMAGED:
            damaged.append(rel)
    if damaged:
        _recompute(conn, key, damaged, corpus)
    return corpus


# A cache row that cannot be read (damaged on disk, written by a broken version): a cache miss.
_DAMAGED = (ValueError, KeyError, TypeError, IndexError, AttributeError)


def _recompute(conn: sqlite3.Connection, key: str, rels: list[str], corpus: Corpus) -> None:
    """Documents whose cached data cannot be read, processed again from their files (and
    written back when the store can be written), with one warning for all of them."""
    results = [process_file(key, rel) for rel in rels]
    for r in results:
        if r.error:
            corpus.skipped.append(Skipped(r.rel, r.error))
        else:
            doc = _document_from_json(r.rel, r.sha256, r.format, r.document, Path(key) / r.rel)
            corpus.documents.append(doc)
    corpus.documents.sort(key=lambda d: d.path)
    corpus.skipped.sort(key=lambda s: s.path)
    saved = "recomputed"
    try:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with _sigint_deferred(), transaction(conn):
            for r in results:
                _write_result(conn, key, r, now)
        saved += " and saved again"
    except (StoreError, sqlite3.Error):
        saved += " (the store could not be written; they are recomputed next time too)"
    corpus.warnings.append(
        f"the index had {len(rels)} damaged cache row(s) (first: {rels[0]}); {saved}"
    )


def _document_from_json(rel: str, sha: str, fmt: str, data: bytes, abs_path: Path) -> Document:
    d = json.loads(data)
    passages = [
        Passage(i, s, e, kind, tuple(lines) if lines else None, *_passage_extra(rest))
        for i, (s, e, kind, lines, *rest) in enumerate(d["passages"])
    ]
    return Document(
        id=document_id(rel),
        path=rel,
        title=d["title"],
        language=d["language"],
        script=d["script"],
        sha256=sha,
        text=d["text"],
        passages=passages,
        format=fmt,
        encoding=d["encoding"],
        warnings=list(d["warnings"]),
        links=[Link(s, e, href) for s, e, href in d["links"]],
        abs_path=abs_path,
    )


def _passage_extra(rest: list[Any]) -> tuple[str | None, int | None, tuple[float, float] | None]:
    """`chapter`, `page` and `time` of a stored passage (absent for most formats)."""
    extra = rest[0] if rest else {}
    time = extra.get("time")
    return extra.get("chapter"), extra.get("page"), (time[0], time[1]) if time else None


def stored_sentences(conn: sqlite3.Connection, doc: Document) -> list[tuple[int, int]] | None:
    """Sentence spans of `doc` from the index, or None when it has none for this version."""
    row = conn.execute(
        "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ? AND version = ?",
        (doc.sha256, f"{KIND_SENTENCES}.{doc.format}", pipeline_version()),
    ).fetchone()
    try:
        return [(s, e) for s, e in json.loads(row[0])] if row else None
    except _DAMAGED:
        return None  # a cache miss: the caller computes them


def stored_candidates(conn: sqlite3.Connection, doc: Document) -> list[list[Any]] | None:
    """Entity candidates of `doc` from the index as `[start, end, text, key, kind]` rows."""
    row = conn.execute(
        "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ? AND version = ?",
        (doc.sha256, f"{KIND_CANDIDATES}.{doc.format}", pipeline_version()),
    ).fetchone()
    try:
        return json.loads(row[0]) if row else None
    except _DAMAGED:
        return None  # a cache miss: the caller computes them


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


# --- search --------------------------------------------------------------------------------


@dataclass(slots=True)
class SearchResult:
    """Hits in rank order (a page of them) and how many hits there are in all."""

    hits: list[Hit]
    total: int
    query: Query


def search_index(
    conn: sqlite3.Connection,
    root: str | os.PathLike[str],
    query: str | Query,
    *,
    language: str | None = None,
    exact: bool = False,
    limit: int | None = 100,
    offset: int = 0,
) -> SearchResult:
    """Search the indexed corpus `root`; passages ranked by BM25, hits in reading order within.

    Raises reader.corpus.search.QueryError for an empty query.
    """
    q = query if isinstance(query, Query) else parse_query(query, language or "", exact)
    key = corpus_root(root)
    expr = q.fts()
    if language:
        expr += ' AND lang : "' + language.replace('"', '""') + '"'
    if q.exact or not _plain_corpus(conn, key):
        return _search_all_rows(conn, key, q, expr, limit, offset)
    hits = _page(conn, key, q, expr, limit, offset)
    total = None if language else _vocabulary_total(conn, q)
    if total is None:
        total = _instance_total(conn, q, expr)
    if total is None:
        total = 0
        for rowid, words in conn.execute(
            "SELECT rowid, words FROM index_fts WHERE index_fts MATCH ?", (expr,)
        ):
            total += count_in_shadow(q, words, partial(_spans_of, conn, rowid))
    return SearchResult(hits, total, q)


def _spans_fit(blob: bytes, words: str) -> bool:
    """Whether a passage's span blob has one (start, end) pair per shadow word."""
    return len(blob) == 8 * (words.count(" ") + 1 if words else 0)


def _spans_of(conn: sqlite3.Connection, passage_id: int) -> BlobSpans:
    row = conn.execute(
        "SELECT CAST(spans AS BLOB) FROM index_passages WHERE id = ?", (passage_id,)
    ).fetchone()
    return BlobSpans(row[0] if row else b"")


def _plain_corpus(conn: sqlite3.Connection, key: str) -> bool:
    """Whether every passage in the FTS table is this folder's, once: one folder indexed, no
    leftovers of an interrupted refresh, no two files with the same content (markers kept by
    `collect_garbage`)."""
    marked = conn.execute(
        "SELECT 1 FROM doc_cache WHERE sha256 = '' AND kind IN (?, ?) LIMIT 1",
        (KIND_DIRTY, KIND_MIXED),
    ).fetchone()
    if marked:
        return False
    return conn.execute("SELECT root FROM index_files LIMIT 1").fetchone() == (key,)


def _mark_mixed(conn: sqlite3.Connection) -> None:
    """Keep the marker of a store whose FTS rows are not one folder's, once each."""
    conn.execute("DELETE FROM doc_cache WHERE sha256 = '' AND kind = ?", (KIND_MIXED,))
    roots = conn.execute("SELECT DISTINCT root FROM index_files LIMIT 2").fetchall()
    twice = conn.execute(
        "SELECT 1 FROM index_files WHERE error IS NULL "
        "GROUP BY sha256, format HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if len(roots) > 1 or twice:
        conn.execute(
            "INSERT INTO doc_cache (sha256, kind, version, data, created) "
            "VALUES ('', ?, 0, x'', '')",
            (KIND_MIXED,),
        )


def _page(
    conn: sqlite3.Connection, key: str, q: Query, expr: str, limit: int | None, offset: int
) -> list[Hit]:
    """The hits `offset` to `offset + limit`: the best rows first (ties by path and passage)."""
    stop = None if limit is None else offset + limit
    want = None if stop is None else stop + 10
    while True:
        sql = "SELECT rowid, bm25(index_fts, 1.0, 0.5, 0.0) AS score FROM index_fts "
        sql += "WHERE index_fts MATCH ? ORDER BY score"
        ranked = conn.execute(sql + (f" LIMIT {want}" if want else ""), (expr,)).fetchall()
        rows: list[tuple[float, str, int, list[Hit]]] = []
        seen = 0
        boundary = None
        complete = want is None or len(ranked) < want
        for rowid, score in ranked:
            if boundary is not None and score != boundary:
                complete = True
                break
            row = conn.execute(
                "SELECT f.path, p.passage, CAST(p.spans AS BLOB), x.words, x.lang "
                "FROM index_passages p "
                "JOIN index_fts x ON x.rowid = p.id "
                "JOIN index_files f ON f.sha256 = p.sha256 AND f.format = p.format "
                "WHERE p.id = ? AND f.root = ?",
                (rowid, key),
            ).fetchone()
            if row is None:
                continue
            path, passage, blob, words, lang = row
            if not _spans_fit(blob, words):
                continue  # a damaged row: its passage shows no hits rather than a crash
            found = find_in_shadow(q, words, BlobSpans(blob))
            hits = [Hit(document_id(path), path, lang, passage, s, e, -score) for s, e in found]
            rows.append((score, path, passage, hits))
            seen += len(hits)
            if stop is not None and seen >= stop and boundary is None:
                boundary = score  # rows tied with this one may still sort before it
        if complete:
            rows.sort(key=lambda r: r[:3])
            ordered = [h for r in rows for h in r[3]]
            return ordered[offset:stop]
        assert want is not None
        want *= 4


def _vocabulary_total(conn: sqlite3.Connection, q: Query) -> int | None:
    """Hits of a one-word query counted from FTS5's vocabulary (None: cannot).

    For a word of an unspaced script, the places inside longer words count too: every indexed
    word (or inner suffix, which starts at a letter cluster) that starts with the query and goes
    on at a letter cluster is one distinct vocabulary term, checked once, whatever its count.
    """
    if len(q.terms) != 1:
        return None
    term = q.terms[0]
    if len(term.tokens) != 1 or term.prefix:
        return None
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_vocab_col "
            "USING fts5vocab(main, 'index_fts', 'col')"
        )
    except sqlite3.Error:
        return None
    token = term.tokens[0]
    if not term.inside_words:
        row = conn.execute(
            "SELECT cnt FROM temp.index_vocab_col WHERE term = ? AND col = 'words'", (token,)
        ).fetchone()
        return row[0] if row else 0
    total = 0
    for found, _col, count in conn.execute(
        "SELECT term, col, cnt FROM temp.index_vocab_col WHERE term >= ? AND term < ? "
        "AND col IN ('words', 'inner')",
        (token, token + "\U0010ffff"),
    ):
        if not found.startswith(token):
            continue
        if found == token:
            total += count  # the whole word, or the end of a longer word (inner)
        elif is_cluster_boundary(found, len(token)):
            total += count  # the start of a longer word, or inside one (inner)
    return total


def _instance_total(conn: sqlite3.Connection, q: Query, expr: str) -> int | None:
    """Hits of a query of several plain words counted in SQLite (None: cannot).

    Each occurrence of a query word in a matching passage is a hit, and different query words
    side by side make one (as `count_in_shadow` counts them): FTS5's instance vocabulary has
    every occurrence with its position, so the passages' text need not come back to Python.
    """
    terms = q.terms
    if len(terms) < 2 or any(
        len(t.tokens) != 1 or t.prefix or t.inside_words or is_unspaced(t.tokens[0]) for t in terms
    ):
        return None
    tokens = sorted({t.tokens[0] for t in terms})
    if len(tokens) != len(terms):
        return None  # a word asked for twice: `count_in_shadow` decides
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_vocab_instance "
            "USING fts5vocab(main, 'index_fts', 'instance')"
        )
    except sqlite3.Error:
        return None
    marks = ",".join("?" * len(tokens))
    try:
        row = conn.execute(
            "WITH matched AS (SELECT rowid AS id FROM index_fts WHERE index_fts MATCH ?), "
            "found AS MATERIALIZED (SELECT doc, offset, term FROM temp.index_vocab_instance "
            f"WHERE term IN ({marks}) AND col = 'words' AND doc IN (SELECT id FROM matched)) "
            "SELECT (SELECT count(*) FROM found) - (SELECT count(*) FROM found a JOIN found b "
            "ON b.doc = a.doc AND b.offset = a.offset + 1 AND b.term <> a.term)",
            (expr, *tokens),
        ).fetchone()
    except sqlite3.Error:  # e.g. an SQLite older than 3.35 (no MATERIALIZED)
        return None
    return int(row[0]) if row and row[0] is not None else None


def _search_all_rows(
    conn: sqlite3.Connection, key: str, q: Query, expr: str, limit: int | None, offset: int
) -> SearchResult:
    """Search looking at every matching row (exact mode, several folders, leftovers)."""
    rows = conn.execute(
        "SELECT f.path, p.sha256, p.format, p.passage, CAST(p.spans AS BLOB), x.words, x.lang, "
        "bm25(index_fts, 1.0, 0.5, 0.0) AS score "
        "FROM index_fts x JOIN index_passages p ON p.id = x.rowid "
        "JOIN index_files f ON f.sha256 = p.sha256 AND f.format = p.format AND f.root = ? "
        "WHERE index_fts MATCH ? AND f.error IS NULL ORDER BY score, f.path, p.passage",
        (key, expr),
    )
    hits: list[Hit] = []
    total = 0
    stop = None if limit is None else offset + limit
    texts: dict[tuple[str, str], str] = {}
    for path, sha, fmt, passage, blob, words, lang, score in rows:
        if not _spans_fit(blob, words):
            continue  # a damaged row: its passage shows no hits rather than a crash
        text = None
        if q.exact:
            text = texts.get((sha, fmt))
            if text is None:
                text = texts[(sha, fmt)] = _stored_text(conn, sha, fmt)
        spans = partial(BlobSpans, blob)
        n = count_in_shadow(q, words, spans, text)
        if n and total + n > offset and (stop is None or total < stop):
            for i, (s, e) in enumerate(find_in_shadow(q, words, spans, text)):
                if offset <= total + i and (stop is None or total + i < stop):
                    hits.append(Hit(document_id(path), path, lang, passage, s, e, -score))
        total += n
    return SearchResult(hits, total, q)


def _stored_text(conn: sqlite3.Connection, sha: str, fmt: str) -> str:
    row = conn.execute(
        "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ?",
        (sha, f"{KIND_DOCUMENT}.{fmt}"),
    ).fetchone()
    try:
        return json.loads(row[0])["text"] if row else ""
    except _DAMAGED:
        return ""


# --- command-line progress -----------------------------------------------------------------


MIN_RATE_SECONDS = 2.0  # progress shows a rate and an ETA only after this long


class StderrProgress:
    """Prints `count/total, MB/s, ETA` on stderr, on one updated line when it is a terminal."""

    def __init__(self, stream: Any = None, interval: float = 0.5) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if self.tty else max(interval, 5.0)
        self._last = 0.0
        self._shown = False

    def __call__(self, p: IndexProgress) -> None:
        now = time.monotonic()
        if p.done < p.total and now - self._last < self.interval:
            return
        self._last = now
        line = f"indexing {p.done}/{p.total} files"
        if p.elapsed >= MIN_RATE_SECONDS and p.bytes_done:  # a rate of a moment means nothing
            rate = p.mb_per_s
            line += f"  {rate:.1f} MB/s" if rate >= 1 else f"  {rate * 1000:.0f} kB/s"
            if p.eta is not None and p.done < p.total:
                line += f"  ETA {_clock(p.eta)}"
        if self.tty:
            self.stream.write("\r" + line.ljust(60))
        else:
            self.stream.write(line + "\n")
        self._shown = True
        self.stream.flush()

    def finish(self) -> None:
        if self._shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"
