"""Corpora for commands that only read: from the index when there is a store, else from files.

The index is used (and refreshed first) when a store is named with `--db` or the default store
already exists; otherwise the files are read directly, so a reading command never creates a
store unasked (the same rule as `reader.store.user_edits.stored_user_edits`).
"""

from __future__ import annotations

import os
from pathlib import Path

from reader.corpus.loading import MAX_FILE_BYTES, LoadError, load_corpus, load_document
from reader.corpus.model import Corpus, Document
from reader.store.db import StoreError, connect, resolve_path
from reader.store.index import (
    ProgressFn,
    _is_current,
    _known_files,
    corpus_root,
    load_indexed_corpus,
    open_indexed_corpus,
)


def store_in_use(db: str | os.PathLike[str] | None) -> bool:
    """Whether the index may be used: a store named explicitly, or the default one exists."""
    return bool(db) or resolve_path(db).is_file()


def read_corpus(
    root: Path, db: str | os.PathLike[str] | None, progress: ProgressFn | None = None
) -> Corpus:
    """The corpus of folder `root`, from a refreshed index when `store_in_use(db)`.

    Raises StoreError when the store is refused; `progress` is called while the index is refreshed.
    """
    if not store_in_use(db):
        return load_corpus(root)
    try:
        corpus = open_indexed_corpus(root, db, progress=progress, lazy=True)
    except StoreError as exc:
        if exc.reason not in ("full", "readonly"):
            raise
        # the index cannot be brought up to date: the files themselves are the truth
        corpus = load_corpus(root)
        why = "the disk is full" if exc.reason == "full" else "it is read-only"
        corpus.warnings.append(
            f"{resolve_path(db)}: the store cannot be written ({why}); the files were read "
            "directly, without the index"
        )
    return corpus


def read_documents(
    paths: list[Path], root: Path, db: str | os.PathLike[str] | None
) -> list[Document]:
    """Documents of `paths` (below `root`); from the index where it has them unchanged.

    Only files the index already knows in their current state are taken from it: naming two
    files never indexes the whole folder around them. Raises LoadError for an unreadable file.
    """
    docs: dict[Path, Document] = {}
    if store_in_use(db):
        key = corpus_root(root)
        conn = connect(db)
        try:
            known = _known_files(conn, key)
            fresh = {}
            for path in paths:
                rel = path.relative_to(root).as_posix()
                try:
                    st = path.stat()
                except OSError:
                    continue
                state = known.get(rel)
                if _is_current(state, st.st_size, st.st_mtime_ns) and not state.error:
                    fresh[rel] = path
            if fresh:
                for doc in load_indexed_corpus(conn, key, only=fresh).documents:
                    docs[fresh[doc.path]] = doc
        finally:
            conn.close()
    out = []
    for path in paths:
        doc = docs.get(path)
        if doc is None:
            try:
                doc = load_document(path, root, MAX_FILE_BYTES)
            except LoadError as exc:
                raise LoadError(f"{path}: {exc}") from exc
        out.append(doc)
    return out


__all__ = ["LoadError", "read_corpus", "read_documents", "store_in_use"]
