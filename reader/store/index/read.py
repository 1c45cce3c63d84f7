"""Reading the corpus back from the index: documents, sentences, entity facts."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from reader.corpus.facts_codec import decode_facts
from reader.corpus.model import Corpus, Document, Skipped
from reader.store.db import StoreError, transaction
from reader.store.index import model
from reader.store.index.model import (
    _DAMAGED,
    KIND_DOCUMENT,
    KIND_FACTS,
    KIND_SENTENCES,
    _document_from_json,
    corpus_root,
    unpack,
)

# --- reading -------------------------------------------------------------------------------


def load_indexed_corpus(
    conn: sqlite3.Connection,
    root: str | os.PathLike[str],
    only: Collection[str] | None = None,
    *,
    lazy: bool = False,
) -> Corpus:
    """The corpus as the index knows it (no file is read; may be stale, see `refresh_index`).

    With `only`, just the documents with these corpus-relative paths; with `lazy`, documents
    that read their text from the store when first used (`reader.store.index.lazy_read`).
    """
    if lazy and only is None:
        from reader.store.index.lazy_read import load_lazy_corpus

        found = load_lazy_corpus(conn, root)
        if found is not None:
            return found
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


def _recompute(conn: sqlite3.Connection, key: str, rels: list[str], corpus: Corpus) -> None:
    """Documents whose cached data cannot be read, processed again from their files (and
    written back when the store can be written), with one warning for all of them."""
    from reader.store.index import worker  # what processes a file: not imported to read one
    from reader.store.index.writer import _sigint_deferred, _write_result

    results = [worker.process_file(key, rel) for rel in rels]
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


def stored_sentences(conn: sqlite3.Connection, doc: Document) -> list[tuple[int, int]] | None:
    """Sentence spans of `doc` from the index, or None when it has none for this version."""
    row = conn.execute(
        "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ? AND version = ?",
        (doc.sha256, f"{KIND_SENTENCES}.{doc.format}", model.pipeline_version()),
    ).fetchone()
    try:
        return [(s, e) for s, e in json.loads(unpack(row[0]))] if row else None
    except _DAMAGED:
        return None  # a cache miss: the caller computes them


def stored_facts(conn: sqlite3.Connection, doc: Document) -> dict[str, Any] | None:
    """Entity facts of `doc` from the index (`reader.corpus.entity_facts.document_facts`),
    or None when it has none for this version (phase 2 not done)."""
    row = conn.execute(
        "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ? AND version = ?",
        (doc.sha256, f"{KIND_FACTS}.{doc.format}", model.facts_version()),
    ).fetchone()
    try:
        return decode_facts(row[0]) if row else None
    except _DAMAGED:
        return None  # a cache miss: the caller computes them


def _stored_text(conn: sqlite3.Connection, sha: str, fmt: str) -> str:
    row = conn.execute(
        "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ?",
        (sha, f"{KIND_DOCUMENT}.{fmt}"),
    ).fetchone()
    try:
        return json.loads(unpack(row[0]))["text"] if row else ""
    except _DAMAGED:
        return ""
