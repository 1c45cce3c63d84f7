"""The stored analysis of a corpus: entities and topics kept in the store, read back when
nothing they depend on has changed (the documents, the user's links and edits, `topics.toml`,
the threshold and the analysis code; see `reader.corpus.analysis_cache.signature`).

The app and the CLI share it: a corpus analysed by either opens from it in the other.
Nothing here raises for a damaged, full or read-only store: a miss means analysing again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from reader.corpus.analysis_cache import KIND, code_version, dump, load, signature
from reader.corpus.model import Corpus
from reader.corpus.pipeline import AnalysisParts
from reader.corpus.topics import DEFAULT_THRESHOLD
from reader.store.db import transaction

KEEP = 3  # analyses kept (the newest); older ones are dropped when one is stored


def analysis_key(
    corpus: Corpus, links: Sequence[Any], edits: Sequence[Any], threshold: float
) -> str:
    """The name of one analysis in the store."""
    return signature(corpus, links, edits, threshold, code_version())


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
        row = conn.execute(
            "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ?",
            (analysis_key(corpus, links, edits, threshold), KIND),
        ).fetchone()
        return load(bytes(row[0])) if row else None
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
        blob = dump(*parts)
        with transaction(conn):
            conn.execute(
                "DELETE FROM doc_cache WHERE kind = ? AND sha256 NOT IN (SELECT sha256 FROM "
                "doc_cache WHERE kind = ? ORDER BY created DESC LIMIT ?)",
                (KIND, KIND, KEEP - 1),
            )
            conn.execute(
                "INSERT OR REPLACE INTO doc_cache(sha256, kind, version, data, created) "
                "VALUES (?, ?, 1, ?, datetime('now'))",
                (analysis_key(corpus, links, edits, threshold), KIND, blob),
            )
        return True
    except Exception:
        return False
