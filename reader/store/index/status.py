"""What the index knows of a folder, from the store alone (no file is looked at): whether it
has seen it, how far its two phases are; and dropping a folder from it."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass

from reader.store.db import transaction
from reader.store.index import model
from reader.store.index.model import KIND_FACTS, corpus_root
from reader.store.index.writer import collect_garbage


def forget_corpus(conn: sqlite3.Connection, root: str | os.PathLike[str]) -> None:
    """Drop a folder from the index (its derived data goes unless another folder shares it)."""
    key = corpus_root(root)
    with transaction(conn):
        conn.execute("DELETE FROM index_files WHERE root = ?", (key,))
        conn.execute("DELETE FROM entity_vocab WHERE root = ?", (key,))
        conn.execute("DELETE FROM entity_vocab_docs WHERE root = ?", (key,))
    collect_garbage(conn)


def known_corpus(conn: sqlite3.Connection, root: str | os.PathLike[str]) -> bool:
    """Whether the index has seen this folder (the GUI can show it from the index at once)."""
    row = conn.execute("SELECT 1 FROM index_files WHERE root = ? LIMIT 1", (corpus_root(root),))
    return row.fetchone() is not None


def index_status(conn: sqlite3.Connection, root: str | os.PathLike[str]) -> IndexStatus:
    """How far the index of folder `root` is, from the store alone (no file is looked at):
    what the app asks to know whether entities can be shown (`entities_complete`)."""
    key = corpus_root(root)
    files, readable = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE error IS NULL) FROM index_files WHERE root = ?",
        (key,),
    ).fetchone()
    without = conn.execute(
        "SELECT count(*) FROM index_files f WHERE f.root = ? AND f.error IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM doc_cache c WHERE c.sha256 = f.sha256 "
        "AND c.kind = ? || '.' || f.format AND c.version = ?)",
        (key, KIND_FACTS, model.facts_version()),
    ).fetchone()[0]
    return IndexStatus(files=files, documents=readable, without_entities=without)


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """Files of a folder in the index, readable documents (phase 1 done), and documents still
    without entity candidates (phase 2 left to do)."""

    files: int
    documents: int
    without_entities: int

    @property
    def entities_complete(self) -> bool:
        return self.documents > 0 and self.without_entities == 0
