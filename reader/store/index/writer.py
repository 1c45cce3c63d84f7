"""Writing processed files into the store, and collecting what no file refers to any more."""

from __future__ import annotations

import bisect
import contextlib
import signal
import sqlite3
import threading
from collections.abc import Iterator

from reader.corpus.search import has_unspaced, inner_suffixes, is_unspaced
from reader.store.db import transaction
from reader.store.index import model
from reader.store.index.model import (
    KIND_DIRTY,
    KIND_DOCUMENT,
    KIND_FACTS,
    KIND_META,
    KIND_MIXED,
    KIND_SENTENCES,
    KINDS,
    _Result,
    unpack_words,
)

# --- writing -------------------------------------------------------------------------------


# The passages of a content are found by the first digits of its hash (an index of that
# expression, schema step 11), then by the whole hash. The index is named (SQLite's planner
# may not choose it) and the whole hash compared as `+sha256` (else SQLite puts the value in
# place of the column inside the expression, which then no longer matches the index).
_BY_SHA8 = "index_passages INDEXED BY index_passages_sha8"
_SHA8 = "substr(sha256, 1, 8)"
_OF_CONTENT = f"{_SHA8} = ? AND +sha256 = ? AND format = ?"


def _drop_content(conn: sqlite3.Connection, sha256: str, fmt: str) -> None:
    rows = [
        (i, unpack_words(words), lang)
        for i, words, lang in conn.execute(
            f"SELECT id, words, lang FROM {_BY_SHA8} WHERE {_OF_CONTENT}",
            (sha256[:8], sha256, fmt),
        )
    ]
    if rows:
        # A contentless FTS5 table forgets a row when given the values it indexed.
        conn.executemany(
            "INSERT INTO index_fts (index_fts, rowid, words, inner, lang) "
            "VALUES ('delete', ?, ?, ?, ?)",
            [(i, words, inner_words(words), lang) for i, words, lang in rows],
        )
        conn.execute(f"DELETE FROM {_BY_SHA8} WHERE {_OF_CONTENT}", (sha256[:8], sha256, fmt))
    conn.executemany(
        "DELETE FROM doc_cache WHERE sha256 = ? AND kind = ?",
        [(sha256, f"{kind}.{fmt}") for kind in KINDS if kind != KIND_FACTS],
    )
    # Facts counted in a folder's vocabulary stay until their words are taken out of it.
    conn.execute(
        "DELETE FROM doc_cache WHERE sha256 = ? AND kind = ? AND NOT EXISTS "
        "(SELECT 1 FROM entity_vocab_docs WHERE sha256 = ? AND format = ?)",
        (sha256, f"{KIND_FACTS}.{fmt}", sha256, fmt),
    )


def inner_words(words: str) -> str:
    """The `inner` column of a shadow text: inner suffixes of its unspaced-script words (the
    same as `Shadow.inner_text`, from the words alone)."""
    if not has_unspaced(words):
        return ""
    return " ".join(x for tok in words.split(" ") if is_unspaced(tok) for x in inner_suffixes(tok))


def _stored_contents(conn: sqlite3.Connection, results: list[_Result]) -> set[tuple[str, str]]:
    """The (sha256, format) of `results` that have passages or cached data in the store (on a
    cold index none: one query for the batch instead of three statements a file)."""
    shas = sorted({r.sha256 for r in results if r.error is None})
    found: set[tuple[str, str]] = set()
    for i in range(0, len(shas), 500):
        part = shas[i : i + 500]
        marks = ",".join("?" * len(part))
        found.update(
            conn.execute(
                f"SELECT DISTINCT sha256, format FROM {_BY_SHA8} WHERE {_SHA8} IN ({marks}) "
                f"AND +sha256 IN ({marks})",
                [s[:8] for s in part] + part,
            ).fetchall()
        )
        for sha, kind in conn.execute(
            f"SELECT sha256, kind FROM doc_cache WHERE sha256 IN ({marks})", part
        ):
            if kind.startswith("index."):
                found.add((sha, kind.rsplit(".", 1)[1]))
    return found


# --- rows in an order that fills pages ----------------------------------------------------

MARGIN = 64  # bytes of a page left out of the plan, for the estimate's errors


def _cell_size(row: tuple, page: int) -> int:
    """Bytes a doc_cache row (sha256, kind, version, data, created) takes in a table leaf page
    (its local part when it spills into overflow pages), estimated from its values."""
    payload = 8 + sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in row)
    max_local = page - 35
    if payload > max_local:
        min_local = (page - 12) * 32 // 255 - 23
        local = min_local + (payload - min_local) % (page - 4)
        payload = (local if local <= max_local else min_local) + 4
    return payload + 8  # sizes of payload and rowid, and the cell's pointer


def packed_order(conn: sqlite3.Connection, rows: list[tuple]) -> list[tuple]:
    """Rows of one insert into doc_cache in an order that fills the table's pages.

    SQLite puts a row with a larger rowid than any on the last page when it fits there and
    else starts a new page: rows of 1.5 to 2 KB one after another leave a quarter of each
    page empty. Here the largest rows are placed first, each in the planned page it fits
    best (best fit decreasing), and written page after page (2,000 generated documents: 13 %
    less doc_cache). The order of rows has no other effect.
    """
    if len(rows) < 3:
        return rows
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    room = page - 8 - MARGIN
    sized = sorted(((_cell_size(r, page), i) for i, r in enumerate(rows)), reverse=True)
    pages: list[list[int]] = []
    free: list[tuple[int, int]] = []  # (bytes left, page), ascending
    for size, i in sized:
        at = bisect.bisect_left(free, (size, -1))
        if at == len(free):
            pages.append([i])
            left, number = room - size, len(pages) - 1
        else:
            left, number = free.pop(at)
            pages[number].append(i)
            left -= size
        if left > 0:
            bisect.insort(free, (left, number))
    return [rows[i] for planned in pages for i in planned]


def _write_result(conn: sqlite3.Connection, root: str, r: _Result, now: str) -> None:
    _write_results(conn, root, [r], now)


def _write_results(conn: sqlite3.Connection, root: str, results: list[_Result], now: str) -> None:
    """Write processed files (inside the caller's transaction), each statement once for all."""
    version = model.pipeline_version()
    cache_rows: list[tuple[str, str, int, bytes, str]] = []
    passage_rows: list[tuple] = []
    fts_rows: list[tuple[int, str, str, str]] = []
    next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM index_passages").fetchone()[0]
    written: set[tuple[str, str]] = set()
    stored = _stored_contents(conn, results)
    for r in results:
        if r.error is not None or (r.sha256, r.format) in written:
            continue  # an error, or the same content as a file before it
        written.add((r.sha256, r.format))
        if (r.sha256, r.format) in stored:
            _drop_content(conn, r.sha256, r.format)
        data = [(KIND_DOCUMENT, r.document), (KIND_SENTENCES, r.sentences)]
        if r.meta:
            data.append((KIND_META, r.meta))
        cache_rows += [(r.sha256, f"{kind}.{r.format}", version, blob, now) for kind, blob in data]
        if r.facts is not None:
            cache_rows.append(
                (r.sha256, f"{KIND_FACTS}.{r.format}", model.facts_version(), r.facts, now)
            )
        for p, s, e, words, inner, packed in r.shadows:  # `spans` empty: they are in `packed`
            passage_rows.append((next_id, r.sha256, r.format, p, s, e, r.language, packed, b""))
            fts_rows.append((next_id, words, inner, r.language))
            next_id += 1
    conn.executemany(
        "INSERT OR REPLACE INTO doc_cache (sha256, kind, version, data, created) "
        "VALUES (?, ?, ?, ?, ?)",
        packed_order(conn, cache_rows),
    )
    conn.executemany(
        'INSERT INTO index_passages (id, sha256, format, passage, start, "end", lang, words, '
        "spans) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        passage_rows,
    )
    conn.executemany(
        "INSERT INTO index_fts (rowid, words, inner, lang) VALUES (?, ?, ?, ?)", fts_rows
    )
    conn.executemany(
        "INSERT OR REPLACE INTO index_files "
        "(root, path, size, mtime_ns, sha256, format, pipeline, error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(root, r.rel, r.size, r.mtime_ns, r.sha256, r.format, version, r.error) for r in results],
    )


def _write_facts(
    conn: sqlite3.Connection, rows: list[tuple[str, str, bytes | None]], now: str
) -> None:
    """Store phase 2 (entity facts) of documents already in the index."""
    version = model.facts_version()
    conn.executemany(
        "INSERT OR REPLACE INTO doc_cache (sha256, kind, version, data, created) "
        "VALUES (?, ?, ?, ?, ?)",
        packed_order(
            conn,
            [
                (sha, f"{KIND_FACTS}.{fmt}", version, blob, now)
                for sha, fmt, blob in rows
                if blob is not None
            ],
        ),
    )


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
        (root, rel, size, mtime_ns, sha256, fmt, model.pipeline_version(), error),
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
        "AND c.kind LIKE '%.' || f.format) AND NOT (c.kind LIKE ? || '.%' AND EXISTS "
        "(SELECT 1 FROM entity_vocab_docs v WHERE v.sha256 = c.sha256 "
        "AND c.kind = ? || '.' || v.format))",
        (KIND_FACTS, KIND_FACTS),
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
