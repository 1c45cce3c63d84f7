"""The end of phase 2 spread over worker processes: each document's entity options under the
corpus vocabulary, computed where the index's workers run, written here.

Options depend on the vocabulary of the whole folder, so they come after every document's
facts; but once the vocabulary is stored (`entity_vocab`), each document's options are a pure
function of its stored facts and that vocabulary. A worker reads both from the store file
itself (the vocabulary once a run) and returns the rows to store; the result is the one
`prepare_entities` makes in one process.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader.corpus.model import Document

if TYPE_CHECKING:
    from reader.store.index.entities import _Options

CHUNK = 64  # documents a worker is given at a time

_MAKERS: dict[tuple[str, str, int], Any] = {}  # in a worker: (store, folder, run) -> _Options


def options_in_workers(
    db: str,
    key: str,
    documents: Sequence[Document],
    languages: frozenset[str],
    workers: int | Any,
) -> list[tuple[str, str, bytes]] | None:
    """The option rows of `documents` (one each per content, computed where their stored
    ones no longer hold), computed in `workers` processes (a number, or a `LocalWorkers`
    whose processes are used and left open); None when a document has no facts or the
    vocabulary is not stored (phase 2 not complete: nothing to do here)."""
    from reader.store.index.pool import LocalWorkers, run_chunks

    rows: list[tuple[str, str, bytes]] = []
    missing: list[bool] = []

    def take(found: list[Any]) -> None:
        for item in found:
            if item is None:
                missing.append(True)
            else:
                rows.append(item)

    stamp = time.time_ns()  # a worker's vocabulary is read again for every run
    chunks = [
        (db, key, stamp, languages, list(documents[i : i + CHUNK]))
        for i in range(0, len(documents), CHUNK)
    ]
    pool = workers if isinstance(workers, LocalWorkers) else LocalWorkers(workers)
    try:
        run_chunks(_chunk_options, chunks, take, lambda: False, workers=pool, count=len(chunks))
    finally:
        if pool is not workers:
            pool.close()
    return None if missing else rows


def _chunk_options(
    chunk: tuple[str, str, int, frozenset[str], list[Document]],
) -> list[tuple[str, str, bytes] | None]:
    """In a worker: the option rows of one chunk of documents (None for one without facts)."""
    from reader.store.db import thread_reader
    from reader.store.index.entities import _Options

    db, key, stamp, languages, documents = chunk
    run = (db, key, stamp)
    maker = _MAKERS.get(run)
    if maker is None:  # one a run in this process: its memory of name runs goes on
        conn = thread_reader(db)
        vocab = _vocabulary(conn, key)
        if vocab is None:
            return [None]
        maker = _Options(conn, vocab, languages)
        _MAKERS.clear()
        _MAKERS[run] = maker
    maker.fresh = []
    out: list[tuple[str, str, bytes] | None] = []
    for d in documents:
        if maker.of(d, build=False) is None:
            out.append(None)
        unload = getattr(d, "unload", None)
        if unload is not None:
            unload()
    out.extend(maker.fresh)
    return out


def _vocabulary(conn: Any, key: str) -> Any:
    """The folder's stored vocabulary (None: not stored)."""
    from reader.store.index.entities import _stored_vocabulary
    from reader.store.index.model import facts_version

    return _stored_vocabulary(conn, key, facts_version())[0]


PARALLEL_MIN = 200  # options to compute before worker processes pay for their start


def _pending(documents: Sequence[Document], maker: _Options) -> list[Document]:
    """One document of each content whose stored options no longer hold (or are not there)."""
    pending, seen = [], set()
    for d in documents:
        if (d.sha256, d.format) not in seen:
            seen.add((d.sha256, d.format))
            if not maker.holds(d):
                pending.append(d)
    return pending


def _prepared_in_workers(
    conn: sqlite3.Connection,
    key: str,
    pending: Sequence[Document],
    languages: frozenset[str],
    workers: int | Any,
) -> int | None:
    """The options of `pending` documents computed in worker processes (None: too few to be
    worth it, or a store without a file); -1 when phase 2 is not complete."""
    from reader.store.db import _db_path
    from reader.store.index.entities import _keep_options

    path = _db_path(conn)
    if path is None or len(pending) < PARALLEL_MIN:
        return None
    rows = options_in_workers(str(path.absolute()), key, pending, languages, workers)
    if rows is None:
        return -1
    for i in range(0, len(rows), 500):
        _keep_options(conn, rows[i : i + 500])
    return len(rows)
