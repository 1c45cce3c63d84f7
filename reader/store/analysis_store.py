"""The stored analysis of a corpus: entities and topics kept in the store, read back when
nothing they depend on has changed (the documents, the user's links and edits, `topics.toml`,
the threshold and the analysis code; see `reader.corpus.analysis_cache.signature`).

The app and the CLI share it: a corpus analysed by either opens from it in the other. An
analysis is a header row (`analysis`: entities without their mentions, topics), the topics' key
weights (`analysis.idf`) and one row a document (`analysis.doc`: its candidates, keyed
`<analysis>/<document id>`), so opening reads the header and, later, the rows of the documents
shown. Nothing here raises for a damaged, full or read-only store: a miss means analysing
again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reader.corpus.analysis_cache import KIND, InMemoryRows, code_version, dump, load, signature
from reader.corpus.model import Corpus
from reader.corpus.pipeline import AnalysisParts
from reader.corpus.topics import DEFAULT_THRESHOLD
from reader.store.db import _db_path, thread_reader, transaction

KEEP = 3  # analyses kept (the newest); older ones are dropped when one is stored
KIND_IDF = f"{KIND}.idf"
KIND_DOC = f"{KIND}.doc"


def analysis_key(
    corpus: Corpus, links: Sequence[Any], edits: Sequence[Any], threshold: float
) -> str:
    """The name of one analysis in the store."""
    return signature(corpus, links, edits, threshold, code_version())


@dataclass(frozen=True, slots=True)
class StoredRow:
    """Reads rows of one stored analysis from store file `db` (picklable: a process it is sent
    to reads them itself). Called with a document id: that document's candidate row; with
    None: the topics' key weights. A row gone (the analysis was dropped since) is None."""

    db: str
    key: str

    def __call__(self, doc_id: str | None) -> bytes | None:
        if doc_id is None:
            sha, kind = self.key, KIND_IDF
        else:
            sha, kind = f"{self.key}/{doc_id}", KIND_DOC
        try:
            row = (
                thread_reader(self.db)
                .execute("SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ?", (sha, kind))
                .fetchone()
            )
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row else None


class _Weights:
    """The topics' key weights of a stored analysis, read when first asked for."""

    def __init__(self, rows: StoredRow) -> None:
        self.rows = rows

    def __call__(self) -> bytes | None:
        return self.rows(None)

    def __reduce__(self) -> tuple:
        return (_Weights, (self.rows,))


def stored_analysis(
    conn: sqlite3.Connection | None,
    corpus: Corpus,
    links: Sequence[Any],
    edits: Sequence[Any],
    threshold: float = DEFAULT_THRESHOLD,
) -> AnalysisParts | None:
    """The analysis stored for exactly these documents, links and edits (None: a miss)."""
    if conn is None:
        return None
    try:
        key = analysis_key(corpus, links, edits, threshold)
        row = conn.execute(
            "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ?", (key, KIND)
        ).fetchone()
        if row is None:
            return None
        path = _db_path(conn)
        if path is None:  # no file another connection could read: every row now
            rows = dict(
                (sha.split("/", 1)[1], bytes(data))
                for sha, data in conn.execute(
                    "SELECT sha256, data FROM doc_cache WHERE kind = ? AND sha256 > ? "
                    "AND sha256 < ?",
                    (KIND_DOC, f"{key}/", f"{key}0"),
                )
            )
            idf = conn.execute(
                "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ?", (key, KIND_IDF)
            ).fetchone()
            return load(bytes(row[0]), bytes(idf[0]) if idf else b"", InMemoryRows(rows))
        reader = StoredRow(str(path.absolute()), key)
        return load(bytes(row[0]), _Weights(reader), reader)
    except Exception:  # unreadable or damaged: analyse again
        return None


def keep_analysis(
    conn: sqlite3.Connection | None,
    corpus: Corpus,
    links: Sequence[Any],
    edits: Sequence[Any],
    parts: AnalysisParts,
    threshold: float = DEFAULT_THRESHOLD,
) -> bool:
    """Store an analysis for the next opening (the `KEEP` newest are kept); False when the
    store cannot take it (full, read-only, locked too long): the next opening analyses again."""
    if conn is None:
        return False
    try:
        key = analysis_key(corpus, links, edits, threshold)
        header, idf, rows = dump(*parts)
        with transaction(conn):
            old = [
                sha
                for (sha,) in conn.execute(
                    "SELECT sha256 FROM doc_cache WHERE kind = ? AND sha256 != ? "
                    "ORDER BY created DESC, rowid DESC LIMIT -1 OFFSET ?",
                    (KIND, key, KEEP - 1),
                )
            ]
            for gone in [*old, key]:
                _drop(conn, gone)
            conn.executemany(
                "INSERT OR REPLACE INTO doc_cache(sha256, kind, version, data, created) "
                "VALUES (?, ?, 1, ?, datetime('now'))",
                [(key, KIND, header), (key, KIND_IDF, idf)],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO doc_cache(sha256, kind, version, data, created) "
                "VALUES (?, ?, 1, ?, datetime('now'))",
                ((f"{key}/{doc_id}", KIND_DOC, row) for doc_id, row in rows),
            )
        return True
    except Exception:
        return False


def _drop(conn: sqlite3.Connection, key: str) -> None:
    """Delete one stored analysis: its header, weights and document rows."""
    conn.execute("DELETE FROM doc_cache WHERE sha256 = ? AND kind IN (?, ?)", (key, KIND, KIND_IDF))
    conn.execute(
        "DELETE FROM doc_cache WHERE kind = ? AND sha256 > ? AND sha256 < ?",
        (KIND_DOC, f"{key}/", f"{key}0"),
    )
