"""Full-text search in the index: FTS5 ranks passages, the shadow texts place the hits."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from functools import partial

from reader.corpus.loading import document_id
from reader.corpus.search import (
    Hit,
    Query,
    count_in_shadow,
    find_in_shadow,
    is_cluster_boundary,
    is_unspaced,
    parse_query,
)
from reader.store.index.model import (
    KIND_DIRTY,
    KIND_MIXED,
    BlobSpans,
    corpus_root,
    unpack_words,
)
from reader.store.index.read import _stored_text

# --- search --------------------------------------------------------------------------------


@dataclass(slots=True)
class SearchResult:
    """Hits in rank order (a page of them) and how many hits there are in all."""

    hits: list[Hit]
    total: int
    query: Query


def search_index(
    conn: sqlite3.Connection,
    root: str | os.PathLike[str],
    query: str | Query,
    *,
    language: str | None = None,
    exact: bool = False,
    limit: int | None = 100,
    offset: int = 0,
) -> SearchResult:
    """Search the indexed corpus `root`; passages ranked by BM25, hits in reading order within.

    Raises reader.corpus.search.QueryError for an empty query.
    """
    q = query if isinstance(query, Query) else parse_query(query, language or "", exact)
    key = corpus_root(root)
    expr = q.fts()
    if language:
        expr += ' AND lang : "' + language.replace('"', '""') + '"'
    if q.exact or not _plain_corpus(conn, key):
        return _search_all_rows(conn, key, q, expr, limit, offset)
    hits = _page(conn, key, q, expr, limit, offset)
    total = None if language else _vocabulary_total(conn, q)
    if total is None:
        total = _instance_total(conn, q, expr)
    if total is None:
        total = 0
        for rowid, words in conn.execute(
            "SELECT p.id, p.words FROM index_fts x JOIN index_passages p ON p.id = x.rowid "
            "WHERE index_fts MATCH ?",
            (expr,),
        ):
            total += count_in_shadow(q, unpack_words(words), partial(_spans_of, conn, rowid))
    return SearchResult(hits, total, q)


def _spans_fit(spans: BlobSpans, words: str) -> bool:
    """Whether a passage's spans have one (start, end) pair per shadow word."""
    return spans.fits(words)


def _spans_of(conn: sqlite3.Connection, passage_id: int) -> BlobSpans:
    row = conn.execute(
        "SELECT CAST(spans AS BLOB) FROM index_passages WHERE id = ?", (passage_id,)
    ).fetchone()
    return BlobSpans(row[0] if row else b"")


def _plain_corpus(conn: sqlite3.Connection, key: str) -> bool:
    """Whether every passage in the FTS table is this folder's, once: one folder indexed, no
    leftovers of an interrupted refresh, no two files with the same content (markers kept by
    `collect_garbage`)."""
    marked = conn.execute(
        "SELECT 1 FROM doc_cache WHERE sha256 = '' AND kind IN (?, ?) LIMIT 1",
        (KIND_DIRTY, KIND_MIXED),
    ).fetchone()
    if marked:
        return False
    return conn.execute("SELECT root FROM index_files LIMIT 1").fetchone() == (key,)


def _page(
    conn: sqlite3.Connection, key: str, q: Query, expr: str, limit: int | None, offset: int
) -> list[Hit]:
    """The hits `offset` to `offset + limit`: the best rows first (ties by path and passage)."""
    stop = None if limit is None else offset + limit
    want = None if stop is None else stop + 10
    while True:
        sql = "SELECT rowid, bm25(index_fts, 1.0, 0.5, 0.0) AS score FROM index_fts "
        sql += "WHERE index_fts MATCH ? ORDER BY score"
        ranked = conn.execute(sql + (f" LIMIT {want}" if want else ""), (expr,)).fetchall()
        rows: list[tuple[float, str, int, list[Hit]]] = []
        seen = 0
        boundary = None
        complete = want is None or len(ranked) < want
        for rowid, score in ranked:
            if boundary is not None and score != boundary:
                complete = True
                break
            row = conn.execute(
                "SELECT f.path, p.passage, CAST(p.spans AS BLOB), p.words, p.lang "
                "FROM index_passages p "
                "JOIN index_files f ON f.sha256 = p.sha256 AND f.format = p.format "
                "WHERE p.id = ? AND f.root = ?",
                (rowid, key),
            ).fetchone()
            if row is None:
                continue
            path, passage, blob, words, lang = row
            words = unpack_words(words)
            spans = BlobSpans(blob)
            if not _spans_fit(spans, words):
                continue  # a damaged row: its passage shows no hits rather than a crash
            found = find_in_shadow(q, words, spans)
            hits = [Hit(document_id(path), path, lang, passage, s, e, -score) for s, e in found]
            rows.append((score, path, passage, hits))
            seen += len(hits)
            if stop is not None and seen >= stop and boundary is None:
                boundary = score  # rows tied with this one may still sort before it
        if complete:
            rows.sort(key=lambda r: r[:3])
            ordered = [h for r in rows for h in r[3]]
            return ordered[offset:stop]
        assert want is not None
        want *= 4


def _vocabulary_total(conn: sqlite3.Connection, q: Query) -> int | None:
    """Hits of a one-word query counted from FTS5's vocabulary (None: cannot).

    For a word of an unspaced script, the places inside longer words count too: every indexed
    word (or inner suffix, which starts at a letter cluster) that starts with the query and goes
    on at a letter cluster is one distinct vocabulary term, checked once, whatever its count.
    """
    if len(q.terms) != 1:
        return None
    term = q.terms[0]
    if len(term.tokens) != 1 or term.prefix:
        return None
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_vocab_col "
            "USING fts5vocab(main, 'index_fts', 'col')"
        )
    except sqlite3.Error:
        return None
    token = term.tokens[0]
    if not term.inside_words:
        row = conn.execute(
            "SELECT cnt FROM temp.index_vocab_col WHERE term = ? AND col = 'words'", (token,)
        ).fetchone()
        return row[0] if row else 0
    total = 0
    for found, _col, count in conn.execute(
        "SELECT term, col, cnt FROM temp.index_vocab_col WHERE term >= ? AND term < ? "
        "AND col IN ('words', 'inner')",
        (token, token + "\U0010ffff"),
    ):
        if not found.startswith(token):
            continue
        if found == token:
            total += count  # the whole word, or the end of a longer word (inner)
        elif is_cluster_boundary(found, len(token)):
            total += count  # the start of a longer word, or inside one (inner)
    return total


def _instance_total(conn: sqlite3.Connection, q: Query, expr: str) -> int | None:
    """Hits of a query of several plain words counted in SQLite (None: cannot).

    Each occurrence of a query word in a matching passage is a hit, and different query words
    side by side make one (as `count_in_shadow` counts them): FTS5's instance vocabulary has
    every occurrence with its position, so the passages' text need not come back to Python.
    """
    terms = q.terms
    if len(terms) < 2 or any(
        len(t.tokens) != 1 or t.prefix or t.inside_words or is_unspaced(t.tokens[0]) for t in terms
    ):
        return None
    tokens = sorted({t.tokens[0] for t in terms})
    if len(tokens) != len(terms):
        return None  # a word asked for twice: `count_in_shadow` decides
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_vocab_instance "
            "USING fts5vocab(main, 'index_fts', 'instance')"
        )
    except sqlite3.Error:
        return None
    marks = ",".join("?" * len(tokens))
    try:
        row = conn.execute(
            "WITH matched AS (SELECT rowid AS id FROM index_fts WHERE index_fts MATCH ?), "
            "found AS MATERIALIZED (SELECT doc, offset, term FROM temp.index_vocab_instance "
            f"WHERE term IN ({marks}) AND col = 'words' AND doc IN (SELECT id FROM matched)) "
            "SELECT (SELECT count(*) FROM found) - (SELECT count(*) FROM found a JOIN found b "
            "ON b.doc = a.doc AND b.offset = a.offset + 1 AND b.term <> a.term)",
            (expr, *tokens),
        ).fetchone()
    except sqlite3.Error:  # e.g. an SQLite older than 3.35 (no MATERIALIZED)
        return None
    return int(row[0]) if row and row[0] is not None else None


def _search_all_rows(
    conn: sqlite3.Connection, key: str, q: Query, expr: str, limit: int | None, offset: int
) -> SearchResult:
    """Search looking at every matching row (exact mode, several folders, leftovers)."""
    rows = conn.execute(
        "SELECT f.path, p.sha256, p.format, p.passage, CAST(p.spans AS BLOB), p.words, p.lang, "
        "bm25(index_fts, 1.0, 0.5, 0.0) AS score "
        "FROM index_fts x JOIN index_passages p ON p.id = x.rowid "
        "JOIN index_files f ON f.sha256 = p.sha256 AND f.format = p.format AND f.root = ? "
        "WHERE index_fts MATCH ? AND f.error IS NULL ORDER BY score, f.path, p.passage",
        (key, expr),
    )
    hits: list[Hit] = []
    total = 0
    stop = None if limit is None else offset + limit
    texts: dict[tuple[str, str], str] = {}
    for path, sha, fmt, passage, blob, packed, lang, score in rows:
        words = unpack_words(packed)
        spans = BlobSpans(blob)
        if not _spans_fit(spans, words):
            continue  # a damaged row: its passage shows no hits rather than a crash
        text = None
        if q.exact:
            text = texts.get((sha, fmt))
            if text is None:
                text = texts[(sha, fmt)] = _stored_text(conn, sha, fmt)
        n = count_in_shadow(q, words, spans, text)
        if n and total + n > offset and (stop is None or total < stop):
            for i, (s, e) in enumerate(find_in_shadow(q, words, spans, text)):
                if offset <= total + i and (stop is None or total + i < stop):
                    hits.append(Hit(document_id(path), path, lang, passage, s, e, -score))
        total += n
    return SearchResult(hits, total, q)
