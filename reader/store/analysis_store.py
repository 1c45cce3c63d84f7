"""The stored analysis of a corpus: entities and topics kept in the store, read back when
nothing they depend on has changed (the documents, the user's links and edits, `topics.toml`,
the threshold and the analysis code; see `reader.corpus.analysis_cache.signature`).

The app and the CLI share it: a corpus analysed by either opens from it in the other. An
analysis is a header row (`analysis`: documents and topics), named parts (`analysis.part`: the
entities' order, the topics before edits, their key weights), one row a document
(`analysis.doc`: its candidates) and one a shared entity (`analysis.entity`), keyed
`<analysis>/<name>`: opening reads the header, a window then reads the rows of what it shows.
Nothing here raises for a damaged, full or read-only store: a miss means analysing again.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Sequence
from typing import Any, NamedTuple

import orjson

from reader.corpus.analysis_cache import KIND, InMemoryRows, code_version, dump, load, signature
from reader.corpus.describe_memo import described, read_described
from reader.corpus.model import Corpus
from reader.corpus.pipeline import AnalysisParts
from reader.corpus.topics import DEFAULT_THRESHOLD
from reader.store.db import _db_path, thread_reader, transaction

KEEP = 3  # analyses kept (the newest); older ones are dropped when one is stored
# From this many documents on, an analysis just stored is read back from the store (lazily)
# rather than kept whole: what made it (candidate rows, entities, key weights) is let go.
READ_BACK_DOCUMENTS = 8_000
KIND_PART = f"{KIND}.part"  # `<analysis>/<name>`: entity order, topics before edits, weights
KIND_DOC = f"{KIND}.doc"  # `<analysis>/<document id>`: the document's candidates
KIND_ENTITY = f"{KIND}.entity"  # `<analysis>/<entity id>`: one shared entity
ROW_KINDS = (KIND_PART, KIND_DOC, KIND_ENTITY)
# `<lineage>`: the newest analysis of a folder with given links under this code (the one a
# later analysis of it, after some files changed, is updated from)
KIND_LINEAGE = f"{KIND}.lineage"
STATE_PART = "resolution"  # the part holding the resolution's state (`ResolutionState`)
PAIRS_PART = "pairs"  # the part holding the topics' compared pairs (`topic_memo.PairsState`)
LABELS_PART = "labels"  # the part holding the shared entities' labels and kinds by key
DESCRIBED_PART = "described"  # the part holding the topics' descriptions (`describe_memo`)
MENTIONS_PART = "mentions"  # the shared entities' kinds and surfaces with how often, by key
COUNTS_PART = "counts"  # the part holding the documents' `KeyCounts` (`key_counts.dump_counts`)


class Previous(NamedTuple):
    """What the newest analysis of a folder kept for the next one to start from: the
    resolution's state, its candidate rows (`row`, by document id: those of the first
    resolution), the rows as stored (`final_row`), the topics' pairs and its shared
    entities' labels and kinds by key (`labels`) (None: not kept)."""

    state: Any
    row: Any
    final_row: Any
    pairs: Any
    labels: dict[str, tuple[str, str]] | None = None
    key: str | None = None  # that analysis's name
    described: dict[str, Any] | None = None  # its topics' descriptions (`describe_memo`)
    counts: Any = None  # its documents' `KeyCounts` (`key_counts.load_counts`)
    totals: Any = None  # its shared entities' kinds and surfaces, how often each, by key


_INSERT = (
    "INSERT OR REPLACE INTO doc_cache(sha256, kind, version, data, created) "
    "VALUES (?, ?, 1, ?, datetime('now'))"
)


def lineage_key(root: Any, links: Sequence[Any]) -> str:
    """The name of the line of analyses of one folder with these links under this code: an
    analysis of it can be updated from the previous one (`previous_resolution`)."""
    import hashlib
    import json

    from reader.corpus.analysis_cache import FORMAT

    h = hashlib.sha256(f"{FORMAT}\0{code_version()}\0{root}\0".encode())
    h.update(json.dumps([list(x) for x in links], ensure_ascii=False, default=str).encode())
    return h.hexdigest()


def analysis_key(
    corpus: Corpus, links: Sequence[Any], edits: Sequence[Any], threshold: float
) -> str:
    """The name of one analysis in the store."""
    return signature(corpus, links, edits, threshold, code_version())


class StoredRow(NamedTuple):
    """Reads one kind of row of one stored analysis from store file `db` (picklable: a process
    it is sent to reads them itself): called with a name (a document or entity id, a part's
    name), that row's data; None when it is gone (the analysis was dropped since)."""

    db: str
    key: str
    kind: str

    def __call__(self, name: str) -> bytes | None:
        try:
            row = (
                thread_reader(self.db)
                .execute(
                    "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ?",
                    (f"{self.key}/{name}", self.kind),
                )
                .fetchone()
            )
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row else None

    def many(self, names: Sequence[str]) -> dict[str, bytes]:
        """The rows of `names` found, by name, in one query (`stored_parts.rows_of`)."""
        try:
            found = (
                thread_reader(self.db)
                .execute(
                    "SELECT substr(sha256, ?), data FROM doc_cache WHERE kind = ? AND sha256 IN "
                    "(SELECT ? || value FROM json_each(?))",
                    (
                        len(self.key) + 2,
                        self.kind,
                        f"{self.key}/",
                        orjson.dumps(list(names)).decode(),
                    ),
                )
                .fetchall()
            )
        except sqlite3.Error:
            return {}
        return {name: bytes(data) for name, data in found}


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
        header = _data(conn, key, KIND)
        if header is None:
            return None
        path = _db_path(conn)
        if path is None:  # no file another connection could read: every row now
            rows: dict[str, dict[str, bytes]] = {kind: {} for kind in ROW_KINDS}
            for sha, kind, data in conn.execute(
                "SELECT sha256, kind, data FROM doc_cache WHERE sha256 > ? AND sha256 < ?",
                (f"{key}/", f"{key}0"),
            ):
                if kind in rows:
                    rows[kind][sha.split("/", 1)[1]] = bytes(data)
            part, doc, entity = (InMemoryRows(rows[k]) for k in ROW_KINDS)
            return load(header, part, doc, entity)
        db = str(path.absolute())
        part, doc, entity = (StoredRow(db, key, k) for k in ROW_KINDS)
        return load(header, part, doc, entity)
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
        copy = getattr(parts[0], "unchanged_entities", None)  # (analysis, keys) from before
        skip: set[str] = set()  # filled with the entities copied before the rows are made
        dumped = dump(*parts, skip_entities=skip)
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
            if copy is not None and copy[0] not in old and copy[0] != key:
                skip.update(_copy_entities(conn, copy[0], key, copy[1]))
            conn.executemany(  # lines whose newest analysis was dropped: nothing to start from
                "DELETE FROM doc_cache WHERE kind = ? AND data = ?",
                [(KIND_LINEAGE, gone.encode()) for gone in old],
            )
            conn.execute(_INSERT, (key, KIND, dumped.header))
            for items, kind in (
                (dumped.parts.items(), KIND_PART),
                (dumped.rows, KIND_DOC),
                (dumped.entities, KIND_ENTITY),
            ):
                conn.executemany(_INSERT, ((f"{key}/{n}", kind, data) for n, data in items))
            _keep_state(conn, corpus, links, key, parts[0], parts[2])
        return True
    except Exception:
        return False


def _keep_state(
    conn: sqlite3.Connection,
    corpus: Corpus,
    links: Sequence[Any],
    key: str,
    index: Any,
    topics: Sequence[Any],
) -> None:
    """Keep the resolution's state an index carries (`resolution_state`) with the analysis
    `key`, which becomes the one the next analysis of the folder is updated from."""
    state = getattr(index, "resolution_state", None)
    if state is None:
        return
    conn.execute(_INSERT, (f"{key}/{STATE_PART}", KIND_PART, state.dump()))
    labels = {e.key: [e.label, e.kind] for e in index.entities}
    conn.execute(_INSERT, (f"{key}/{LABELS_PART}", KIND_PART, zlib.compress(orjson.dumps(labels))))
    shas = {d.id: d.sha256 for d in corpus.documents}
    conn.execute(_INSERT, (f"{key}/{DESCRIBED_PART}", KIND_PART, described(topics, shas)))
    totals = getattr(index, "mention_totals", None)
    if totals is not None:
        data = zlib.compress(orjson.dumps(totals), 1)
        conn.execute(_INSERT, (f"{key}/{MENTIONS_PART}", KIND_PART, data))
    counted = getattr(index.candidates, "counted", None)
    if counted is not None:
        from reader.corpus.key_counts import dump_counts

        base = getattr(index, "counts_base", None)  # the counts read: chunks copied
        data = dump_counts(counted(), base)
        conn.execute(_INSERT, (f"{key}/{COUNTS_PART}", KIND_PART, data))
    memo = getattr(index, "pairs_memo", None)
    if memo is not None and memo.found is not None:
        conn.execute(_INSERT, (f"{key}/{PAIRS_PART}", KIND_PART, memo.found.dump()))
    conn.execute(_INSERT, (lineage_key(corpus.root, links), KIND_LINEAGE, key.encode()))


def previous_resolution(
    conn: sqlite3.Connection | None, corpus: Corpus, links: Sequence[Any]
) -> Previous | None:
    """What the newest analysis of this folder with these links (under this code) kept for
    the next one (`Previous`); None when there is none or it cannot be read (the resolution
    then starts over)."""
    if conn is None:
        return None
    from reader.corpus.key_counts import load_counts
    from reader.corpus.resolution_state import ResolutionState
    from reader.corpus.topic_memo import PairsState

    try:
        line = _data(conn, lineage_key(corpus.root, links), KIND_LINEAGE)
        if line is None:
            return None
        key = line.decode("ascii")
        if _data(conn, key, KIND) is None:
            return None  # that analysis was dropped (its state goes with it)
        found = _data(conn, f"{key}/{STATE_PART}", KIND_PART)
        if found is None:
            return None
        state = ResolutionState.load(found)
        rows = {
            str(doc_id): bytes(data)
            for doc_id, data in conn.execute(
                "SELECT substr(sha256, ?), data FROM doc_cache "
                "WHERE sha256 > ? AND sha256 < ? AND kind = ?",
                (len(key) + 2, f"{key}/", f"{key}0", KIND_DOC),
            )
        }
        first = {**rows, **state.rows} if state.rows else rows
        pairs = None
        found = _data(conn, f"{key}/{PAIRS_PART}", KIND_PART)
        if found is not None:
            try:
                pairs = PairsState.load(found)
            except ValueError:
                pairs = None
        told = read_described(_data(conn, f"{key}/{DESCRIBED_PART}", KIND_PART))
        counts = load_counts(_data(conn, f"{key}/{COUNTS_PART}", KIND_PART))
        totals = _totals(conn, key)
        labels = _labels(conn, key)
        return Previous(state, first.get, rows.get, pairs, labels, key, told, counts, totals)
    except Exception:  # unreadable or damaged: start over
        return None


def _labels(conn: sqlite3.Connection, key: str) -> dict[str, tuple[str, str]] | None:
    """The labels and kinds of analysis `key`'s shared entities (None: not kept, damaged)."""
    found = _data(conn, f"{key}/{LABELS_PART}", KIND_PART)
    if found is None:
        return None
    try:
        data = orjson.loads(zlib.decompress(found))
        if not all(type(v) is list and len(v) == 2 for v in data.values()):
            return None
        labels = {k: (v[0], v[1]) for k, v in data.items()}
    except (ValueError, zlib.error, AttributeError):
        return None
    if not all(type(x) is str for pair in labels.values() for x in pair):
        return None
    return labels


def _totals(conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    """The kinds and surfaces (how often each) of analysis `key`'s shared entities (None:
    not kept, damaged)."""
    found = _data(conn, f"{key}/{MENTIONS_PART}", KIND_PART)
    if found is None:
        return None
    try:
        data = orjson.loads(zlib.decompress(found))
        out = {}
        for k, (kinds, surfaces) in data.items():
            if not (type(kinds) is dict and type(surfaces) is dict):
                return None
            out[k] = (kinds, surfaces)
        counts = (
            n for kinds, surfaces in out.values() for n in (*kinds.values(), *surfaces.values())
        )
        if not all(type(n) is int and n > 0 for n in counts):
            return None
        return out
    except (ValueError, zlib.error, AttributeError, TypeError):
        return None


def _copy_entities(conn: sqlite3.Connection, source: str, key: str, keys: set[str]) -> set[str]:
    """Copy the rows of the entities with these keys from analysis `source` to analysis
    `key` (their rows are the same bytes); the ids of those copied."""
    from reader.corpus.entities import entity_id

    ids = [entity_id(k) for k in keys]
    conn.execute(
        "INSERT OR REPLACE INTO doc_cache(sha256, kind, version, data, created) "
        "SELECT ? || substr(sha256, ?), kind, version, data, datetime('now') FROM doc_cache "
        "WHERE kind = ? AND sha256 IN (SELECT ? || value FROM json_each(?))",
        (f"{key}/", len(source) + 2, KIND_ENTITY, f"{source}/", orjson.dumps(ids).decode()),
    )
    return {
        name
        for (name,) in conn.execute(
            "SELECT substr(sha256, ?) FROM doc_cache WHERE sha256 > ? AND sha256 < ? AND kind = ?",
            (len(key) + 2, f"{key}/", f"{key}0", KIND_ENTITY),
        )
    }


def _data(conn: sqlite3.Connection, sha: str, kind: str) -> bytes | None:
    """The data of one `doc_cache` row (None: no such row)."""
    row = conn.execute(
        "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ?", (sha, kind)
    ).fetchone()
    return bytes(row[0]) if row else None


def _drop(conn: sqlite3.Connection, key: str) -> None:
    """Delete one stored analysis: its header and every row of it."""
    conn.execute("DELETE FROM doc_cache WHERE sha256 = ? AND kind = ?", (key, KIND))
    marks = ",".join("?" * len(ROW_KINDS))
    conn.execute(
        f"DELETE FROM doc_cache WHERE sha256 > ? AND sha256 < ? AND kind IN ({marks})",
        (f"{key}/", f"{key}0", *ROW_KINDS),
    )


def keep_and_read_back(
    conn: sqlite3.Connection | None,
    corpus: Corpus,
    links: Sequence[Any],
    edits: Sequence[Any],
    parts: AnalysisParts,
    threshold: float = DEFAULT_THRESHOLD,
) -> AnalysisParts:
    """`keep_analysis`, then for a corpus of `READ_BACK_DOCUMENTS` or more the analysis as the
    store gives it back (read when used, as the next opening does); else, or when it could
    not be stored, `parts`."""
    if not keep_analysis(conn, corpus, links, edits, parts, threshold):
        return parts
    if len(corpus.documents) < READ_BACK_DOCUMENTS:
        return parts
    return stored_analysis(conn, corpus, links, edits, threshold) or parts
