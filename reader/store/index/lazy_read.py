"""A corpus from the index without its texts: `LazyDocument`s that read their text from the
store when first used (a 100,000-document folder opens in a fraction of a second and a few
tens of MB; a column reads the documents it shows).

Each document's title, language, script and sizes come from its `index.meta` row (written
in phase 1). A store indexed before those rows existed gets them on first use, from the
stored documents, once.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import NamedTuple

from reader.corpus.lazy_document import LazyDocument
from reader.corpus.model import Corpus, Document, Skipped
from reader.store.db import StoreError, _db_path, thread_reader, transaction
from reader.store.index.model import (
    _DAMAGED,
    KIND_DOCUMENT,
    KIND_META,
    _document_from_json,
    _meta_json,
    corpus_root,
    document_id,
)


class StoredContent(NamedTuple):
    """A document's stored form in the index of store `db` (picklable `DocumentSource`).

    When the store no longer holds it (the index was refreshed and the content left), the file
    is read again; if the file changed since, ValueError says so.
    """

    db: str
    root: str
    rel: str
    sha256: str
    format: str

    def load(self) -> Document:
        row = None
        try:
            row = (
                thread_reader(self.db)
                .execute(
                    "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ?",
                    (self.sha256, f"{KIND_DOCUMENT}.{self.format}"),
                )
                .fetchone()
            )
        except sqlite3.Error:
            row = None
        abs_path = Path(self.root) / self.rel
        if row is not None:
            try:
                return _document_from_json(self.rel, self.sha256, self.format, row[0], abs_path)
            except _DAMAGED:
                pass
        from reader.store.index.worker import process_file

        r = process_file(self.root, self.rel, entities=False)
        if r.error:
            raise ValueError(r.error)
        if r.sha256 != self.sha256:
            raise ValueError("the file changed since it was indexed; open the folder again")
        return _document_from_json(self.rel, r.sha256, r.format, r.document, abs_path)


def load_lazy_corpus(conn: sqlite3.Connection, root: str | os.PathLike[str]) -> Corpus | None:
    """The corpus as the index knows it, documents as `LazyDocument`s reading from the store
    file `conn` has open (None for a store without a file: load it whole)."""
    key = corpus_root(root)
    path = _db_path(conn)
    if path is None:
        return None
    db_path = str(path.absolute())
    corpus = Corpus(root=Path(key))
    rows = conn.execute(
        "SELECT f.path, f.sha256, f.format, f.error, CAST(m.data AS BLOB) FROM index_files f "
        "LEFT JOIN doc_cache m ON m.sha256 = f.sha256 AND m.kind = ? || '.' || f.format "
        "WHERE f.root = ? ORDER BY f.path",
        (KIND_META, key),
    ).fetchall()
    missing: list[tuple[str, str, str]] = []
    metas: dict[tuple[str, str], list] = {}
    plain: list[tuple[tuple[str, str], bytes]] = []  # decoded together, in one parse
    for rel, sha, fmt, error, meta in rows:
        if error is not None:
            continue
        if meta is not None and meta[:1] == b"[":
            plain.append(((sha, fmt), meta))
        else:  # not written yet (an index made before these rows), or not JSON: made again
            missing.append((rel, sha, fmt))
    if plain:
        try:
            decoded = json.loads(b"[" + b",".join(m for _, m in plain) + b"]")
            metas.update(zip((c for c, _ in plain), decoded, strict=True))
        except (ValueError, TypeError):
            return None  # a damaged row: the whole load recomputes (and says so)
    if missing:
        filled = _fill_metas(conn, missing)
        if filled is None:
            return None  # damaged rows: the whole load recomputes them (and says so)
        metas.update(filled)
    for rel, sha, fmt, error, _meta in rows:
        data = metas.get((sha, fmt)) if error is None else None
        if data is None:
            corpus.skipped.append(Skipped(rel, error or "not indexed yet"))
            continue
        title, language, script, encoding, chars, count = data
        corpus.documents.append(
            LazyDocument(
                id=document_id(rel),
                path=rel,
                title=title,
                language=language,
                script=script,
                sha256=sha,
                chars=chars,
                passage_count=count,
                source=StoredContent(db_path, key, rel, sha, fmt),
                format=fmt,
                encoding=encoding,
            )
        )
    return corpus


def _fill_metas(
    conn: sqlite3.Connection, missing: list[tuple[str, str, str]]
) -> dict[tuple[str, str], list] | None:
    """Metadata of documents indexed before `index.meta` rows existed, from their stored
    documents; written back when the store can be written (once). None when a stored document
    is damaged."""
    out: dict[tuple[str, str], list] = {}
    rows: list[tuple[str, str, bytes]] = []
    for rel, sha, fmt in missing:
        if (sha, fmt) in out:
            continue
        row = conn.execute(
            "SELECT CAST(data AS BLOB), version FROM doc_cache WHERE sha256 = ? AND kind = ?",
            (sha, f"{KIND_DOCUMENT}.{fmt}"),
        ).fetchone()
        if row is None:
            continue  # not indexed yet: skipped
        try:
            doc = _document_from_json(rel, sha, fmt, row[0], None)
        except _DAMAGED:
            return None
        blob = _meta_json(doc)
        out[(sha, fmt)] = json.loads(blob)
        rows.append((sha, f"{KIND_META}.{fmt}", row[1], blob))
    try:
        with transaction(conn):
            conn.executemany(
                "INSERT OR REPLACE INTO doc_cache (sha256, kind, version, data, created) "
                "VALUES (?, ?, ?, ?, datetime('now'))",
                rows,
            )
    except (sqlite3.Error, StoreError):
        pass  # read-only or busy: the next opening fills them again
    return out
