"""The end of phase 2: the vocabulary and every document's options of an indexed folder
brought up to date, so that the next analysis only resolves (`prepare_entities`).

A mark per folder remembers the contents (hash, format, language of every document, in
order) for which all options were last made under this version of the facts: an unchanged
folder is not checked again document by document (at 2,000 documents that check took 0.7 s
of every warm `index`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from reader.corpus.model import Corpus, Document
from reader.store.db import StoreError, transaction
from reader.store.index.entities import _keep_options, _Options, corpus_vocabulary
from reader.store.index.model import KIND_OPTIONS, corpus_root, facts_version
from reader.store.index.read import load_indexed_corpus

KIND_PREPARED = "index.prepared"  # doc_cache row keyed by folder: the mark of `_mark`


def prepare_entities(
    conn: sqlite3.Connection, root: str | Path, batch: int = 500, workers: int | Any = 1
) -> int:
    """Bring the vocabulary and every document's options of an indexed folder up to date (the
    end of phase 2: the next analysis only resolves); returns how many options were computed,
    -1 when phase 2 is not complete. Documents are read `batch` at a time (bounded memory);
    with `workers` > 1 many options to compute are computed in that many processes
    (`workers` may be a `pool.LocalWorkers` already started, which stays open)."""
    key = corpus_root(root)
    corpus = load_indexed_corpus(conn, key, lazy=True)  # texts read only where options are made
    refs = [
        SimpleNamespace(sha256=d.sha256, format=d.format, language=d.language)
        for d in corpus.documents
    ]
    if not refs:
        return -1
    mark = _mark(refs)
    if _marked(conn, key) == mark and _options_stored(conn, key, refs):
        return 0  # the same contents as when every document's options were last made
    made = _prepare(conn, key, corpus, refs, batch, workers)
    if made >= 0:
        _keep_mark(conn, key, mark)
    return made


def _prepare(
    conn: sqlite3.Connection,
    key: str,
    corpus: Corpus,
    refs: list[SimpleNamespace],
    batch: int,
    workers: int | Any,
) -> int:
    vocab = corpus_vocabulary(conn, SimpleNamespace(root=key, documents=refs))  # type: ignore[arg-type]
    if vocab is None:
        return -1
    languages = frozenset(r.language for r in refs)
    maker = _Options(conn, vocab, languages)
    documents: Sequence[Document] = corpus.documents
    if getattr(workers, "count", workers) > 1:
        from reader.store.index.parallel_options import _pending, _prepared_in_workers

        documents = _pending(documents, maker)  # each checked once
        spread = _prepared_in_workers(conn, key, documents, languages, workers)
        if spread is not None:
            return spread
    done: set[tuple[str, str]] = set()
    computed = 0
    for d in documents:
        if (d.sha256, d.format) in done:
            continue
        done.add((d.sha256, d.format))
        if maker.of(d, build=False) is None:
            return -1
        unload = getattr(d, "unload", None)
        if unload is not None:
            unload()  # bounded memory: the text was needed for this document's options only
        if len(maker.fresh) >= batch:
            computed += len(maker.fresh)
            _keep_options(conn, maker.fresh)
            maker.fresh = []
    computed += len(maker.fresh)
    _keep_options(conn, maker.fresh)
    return computed


def _mark(refs: Sequence[SimpleNamespace]) -> bytes:
    """What the folder's options depend on: its contents in order, and the facts' version."""
    h = hashlib.sha256(f"{facts_version()}\n".encode())
    h.update("".join(f"{r.sha256}\0{r.format}\0{r.language}\n" for r in refs).encode())
    return h.digest()


def _options_stored(conn: sqlite3.Connection, key: str, refs: Sequence[SimpleNamespace]) -> bool:
    """Whether every content of the folder still has an options row of this version (one
    join; rows of contents no folder holds any more are collected)."""
    (found,) = conn.execute(
        "SELECT count(DISTINCT o.sha256 || o.kind) FROM index_files f JOIN doc_cache o "
        "ON o.sha256 = f.sha256 AND o.kind = ? || '.' || f.format AND o.version = ? "
        "WHERE f.root = ?",
        (KIND_OPTIONS, facts_version(), key),
    ).fetchone()
    return found == len({(r.sha256, r.format) for r in refs})


def _marked(conn: sqlite3.Connection, key: str) -> bytes | None:
    try:
        row = conn.execute(
            "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ?", (key, KIND_PREPARED)
        ).fetchone()
    except sqlite3.Error:
        return None
    return bytes(row[0]) if row else None


def _keep_mark(conn: sqlite3.Connection, key: str, mark: bytes) -> None:
    """Remember the mark (a store that cannot take it checks every document next time)."""
    try:
        with transaction(conn):
            conn.execute(
                "INSERT OR REPLACE INTO doc_cache (sha256, kind, version, data, created) "
                "VALUES (?, ?, 1, ?, datetime('now'))",
                (key, KIND_PREPARED, mark),
            )
    except (sqlite3.Error, StoreError):
        pass
