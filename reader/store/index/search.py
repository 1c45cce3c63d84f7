"""Full-text search in the index: FTS5 ranks passages, the shadow texts place the hits."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from functools import partial
from operator import itemgetter

from reader.corpus.loading import document_id
from reader.corpus.search import (
    Hit,
    Query,
    count_in_shadow,
    find_in_shadow,
    is_cluster_boundary,
    parse_query,
)
from reader.store.index.model import (
    KIND_DIRTY,
    KIND_MIXED,
    BlobSpans,
    corpus_root,
    unpack_passage,
    unpack_words,
)
from reader.store.index.read import _stored_text

# --- search --------------------------------------------------------------------------------


#: Matching passages ranked exactly; above this (a common word of a big corpus) a first page
#: is the best of an even sample of about this many (BM25 costs 1-10 us a passage, the more
#: the bigger the store: at 100,000 documents its row sizes are no longer in the page cache).
RANK_MAX = 1000
#: Matching passages whose hits are counted one by one; above this the total is a lower bound.
COUNT_MAX = 1000
#: The page cache of a connection that searches (KiB; SQLite's default is 2,000): a query
#: reads its terms' lists of matches several times (counting, ranking, weighing each term),
#: and at 100,000 documents those of a common name outgrow 2 MB (p95 53-54 -> 45-52 ms).
SEARCH_CACHE_KIB = 65536


@dataclass(slots=True)
class SearchResult:
    """Hits in rank order (a page of them) and how many hits there are in all.

    For a query that matches very many passages (more than `RANK_MAX` or `COUNT_MAX`) a first
    page is the best of an even sample of the matching passages (`ranked` of `matched`) and
    `total` may be a lower bound (`total_exact` False: show it as "1,234+").
    """

    hits: list[Hit]
    total: int
    query: Query
    total_exact: bool = True
    matched: int | None = None  # passages that match (None: not counted)
    ranked: int | None = None  # about how many passages the page was ranked among (None: all)


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
    conn.execute(f"PRAGMA cache_size = -{SEARCH_CACHE_KIB}")
    expr = q.fts()
    if language:
        expr += ' AND lang : "' + language.replace('"', '""') + '"'
    if q.exact or not _plain_corpus(conn, key):
        return _search_all_rows(conn, key, q, expr, limit, offset)
    counted = None if language else _vocabulary_counts(conn, q)
    stop = None if limit is None else offset + limit
    n_matched = None
    if counted is not None and not q.terms[0].inside_words:
        n_matched = counted[1]  # the passages holding the word: FTS5's count, no pass needed
    elif counted is not None and stop is not None and counted[1] > RANK_MAX:
        stride = _stride(counted[1])
        n_matched, page = _one_pass_page(conn, key, q, expr, stop, stride)
        if page is not None:
            ranked = max(1, n_matched // stride)
            return SearchResult(page[offset:stop], counted[0], q, True, n_matched, ranked)
    if n_matched is None:
        matched = conn.execute("SELECT count(*) FROM index_fts WHERE index_fts MATCH ?", (expr,))
        n_matched = int(matched.fetchone()[0])
    if n_matched == 0:  # nothing to rank or count (a phrase of common words: no more passes)
        return SearchResult([], 0, q, True, 0, None)
    hits, ranked = _page(conn, key, q, expr, limit, offset, n_matched)
    total, total_exact = _total(conn, q, expr, counted, n_matched)
    return SearchResult(hits, total, q, total_exact, n_matched, ranked)


def _stride(matched: int) -> int:
    """Every how many matching passages (by a hash of their id) one is ranked for a first
    page, when more than `RANK_MAX` match."""
    return -(-matched // RANK_MAX)


def _one_pass_page(
    conn: sqlite3.Connection, key: str, q: Query, expr: str, stop: int, stride: int
) -> tuple[int, list[Hit] | None]:
    """How many passages match, and the first `stop` hits ranked among the sample `_page`
    would take, in one pass of FTS5 over the matches (counting them and scoring the sample
    together: each pass over 60,000 matches costs 10-15 ms at 100,000 documents).

    `stride` comes from an upper bound of the matches (FTS5's vocabulary), so the sample may
    be smaller than the one the true count gives: the page is None when it is under half of
    `RANK_MAX` (the bound was far off: ranked again with the true count's stride), when no
    sample is due (`RANK_MAX` passages or fewer: all are ranked), or when the sample cannot
    fill the page. The scores travel as text of 17 digits, which gives the same floats back.
    """
    row = conn.execute(
        "SELECT count(*), group_concat(x, ' ') FROM (SELECT CASE WHEN "
        f"(rowid * 2654435761) % {stride} = 0 THEN rowid || ' ' || "
        "printf('%!.17g', bm25(index_fts, 1.0, 0.5, 0.0)) END AS x "
        "FROM index_fts WHERE index_fts MATCH ? LIMIT -1)",  # LIMIT: not flattened
        (expr,),
    ).fetchone()
    matched, sampled = int(row[0]), (row[1] or "").split()
    if matched <= RANK_MAX or matched // stride < RANK_MAX // 2:
        return matched, None
    scored = zip(map(int, sampled[::2]), map(float, sampled[1::2]), strict=True)
    hits, _ = _hits_of(conn, key, q, sorted(scored, key=itemgetter(1)), stop)
    return matched, hits if len(hits) >= stop else None


def _total(
    conn: sqlite3.Connection,
    q: Query,
    expr: str,
    counted: tuple[int, int] | None,
    matched: int,
) -> tuple[int, bool]:
    """Hits in all `matched` passages, and whether that is exact (else a lower bound).

    One word: from FTS5's vocabulary (`counted`). Up to `COUNT_MAX` matching passages: counted
    in each. More: a query of whole words and phrases has one hit at least in each matching
    passage, so `matched` is a lower bound; other queries (prefixes, words inside unspaced
    words, where a matching passage may hold no hit) count the first `COUNT_MAX` passages.
    """
    if counted is not None:
        return counted[0], True
    whole_words = not any(t.prefix or t.inside_words for t in q.terms)
    if matched > COUNT_MAX and whole_words:
        return matched, False
    total = 0
    for rowid, packed in conn.execute(
        "SELECT p.id, p.words FROM index_fts x JOIN index_passages p ON p.id = x.rowid "
        "WHERE index_fts MATCH ? LIMIT ?",
        (expr, COUNT_MAX),
    ):
        total += count_in_shadow(q, unpack_words(packed), partial(_spans_of, conn, rowid))
    return total, matched <= COUNT_MAX


def _spans_fit(spans: BlobSpans, words: str) -> bool:
    """Whether a passage's spans have one (start, end) pair per shadow word."""
    return spans.fits(words)


def _spans_of(conn: sqlite3.Connection, passage_id: int) -> BlobSpans:
    row = conn.execute(
        "SELECT words, CAST(spans AS BLOB) FROM index_passages WHERE id = ?", (passage_id,)
    ).fetchone()
    return unpack_passage(*row)[1] if row else BlobSpans(b"")


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
    conn: sqlite3.Connection,
    key: str,
    q: Query,
    expr: str,
    limit: int | None,
    offset: int,
    matched: int,
) -> tuple[list[Hit], int | None]:
    """The hits `offset` to `offset + limit`, best rows first (ties by path and passage), and
    how many passages they were ranked among when not all `matched` ones.

    A first page of a query matching more than `RANK_MAX` passages is ranked among an even
    sample of about `RANK_MAX` of them (rows picked by a hash of their id); all are ranked
    when the sample does not fill the page.
    """
    stop = None if limit is None else offset + limit
    if stop is not None and matched > RANK_MAX:
        stride = _stride(matched)
        sample = f" AND (rowid * 2654435761) % {stride} = 0"
        # All sampled rows' scores in one query: no second query when scores tie.
        hits = _ranked(conn, key, q, expr, stop, sample, None)
        if len(hits) >= stop:
            return hits[offset:stop], max(1, matched // stride)
    if stop is None:
        return _all_ranked(conn, key, q, expr)[offset:], None
    hits = _ranked(conn, key, q, expr, stop, "", stop + 10)
    return hits[offset:stop], None


def _all_ranked(conn: sqlite3.Connection, key: str, q: Query, expr: str) -> list[Hit]:
    """Every hit, best rows first (ties by path and passage), from one query (no page: a
    statement a row would cost more than the hits)."""
    rows = conn.execute(
        "SELECT f.path, p.passage, CAST(p.spans AS BLOB), p.words, p.lang, "
        "bm25(index_fts, 1.0, 0.5, 0.0) AS score "
        "FROM index_fts x JOIN index_passages p ON p.id = x.rowid "
        "JOIN index_files f ON f.sha256 = p.sha256 AND f.format = p.format AND f.root = ? "
        "WHERE index_fts MATCH ? ORDER BY score, f.path, p.passage",
        (key, expr),
    )
    hits: list[Hit] = []
    ids: dict[str, str] = {}
    for path, passage, blob, packed, lang, score in rows:
        words, spans = unpack_passage(packed, blob)
        if not _spans_fit(spans, words):
            continue  # a damaged row: its passage shows no hits rather than a crash
        doc = ids.get(path) or ids.setdefault(path, document_id(path))
        hits += [
            Hit(doc, path, lang, passage, s, e, -score) for s, e in find_in_shadow(q, words, spans)
        ]
    return hits


def _ranked(
    conn: sqlite3.Connection,
    key: str,
    q: Query,
    expr: str,
    stop: int | None,
    where: str,
    want: int | None,
) -> list[Hit]:
    """The first `stop` hits (or more) of the best rows matching `expr` (and `where`), asking
    SQLite for the best `want` rows first (all when None), more when they are not enough."""
    while True:
        sql = "SELECT rowid, bm25(index_fts, 1.0, 0.5, 0.0) AS score FROM index_fts "
        sql += f"WHERE index_fts MATCH ?{where} ORDER BY score"
        ranked = conn.execute(sql + (f" LIMIT {want}" if want else ""), (expr,)).fetchall()
        hits, complete = _hits_of(conn, key, q, ranked, stop)
        if complete or want is None or len(ranked) < want:
            return hits
        want *= 4


def _hits_of(
    conn: sqlite3.Connection,
    key: str,
    q: Query,
    ranked: list[tuple[int, float]],
    stop: int | None,
) -> tuple[list[Hit], bool]:
    """The hits of the best rows of `ranked` (rowid, score; best first) until `stop` hits and
    every row tied with the last one, sorted by score, path and passage; and whether a row
    scored worse was reached (else more rows may tie or belong before the end)."""
    rows: list[tuple[float, str, int, list[Hit]]] = []
    seen = 0
    boundary = None
    complete = False
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
        path, passage, blob, packed, lang = row
        words, spans = unpack_passage(packed, blob)
        if not _spans_fit(spans, words):
            continue  # a damaged row: its passage shows no hits rather than a crash
        found = find_in_shadow(q, words, spans)
        hits = [Hit(document_id(path), path, lang, passage, s, e, -score) for s, e in found]
        rows.append((score, path, passage, hits))
        seen += len(hits)
        if stop is not None and seen >= stop and boundary is None:
            boundary = score  # rows tied with this one may still sort before it
    rows.sort(key=lambda r: r[:3])
    return [h for r in rows for h in r[3]], complete


def _vocabulary_counts(conn: sqlite3.Connection, q: Query) -> tuple[int, int] | None:
    """Hits of a one-word query counted from FTS5's vocabulary, and at most how many passages
    match it (None: cannot).

    For a word of an unspaced script, the places inside longer words count too: every indexed
    word (or inner suffix, which starts at a letter cluster) that starts with the query and goes
    on at a letter cluster is one distinct vocabulary term, checked once, whatever its count.
    The passages are at most those of every term the query matches, each counted once a term
    (for a whole word, exactly those holding it: the word is one term).
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
            "SELECT cnt, doc FROM temp.index_vocab_col WHERE term = ? AND col = 'words'",
            (token,),
        ).fetchone()
        return (row[0], row[1]) if row else (0, 0)
    total = passages = 0
    for found, _col, count, docs in conn.execute(
        "SELECT term, col, cnt, doc FROM temp.index_vocab_col WHERE term >= ? AND term < ? "
        "AND col IN ('words', 'inner')",
        (token, token + "\U0010ffff"),
    ):
        if not found.startswith(token):
            continue
        passages += docs  # `words : "X"*` and `inner : "X"*` match every such term
        if found == token:
            total += count  # the whole word, or the end of a longer word (inner)
        elif is_cluster_boundary(found, len(token)):
            total += count  # the start of a longer word, or inside one (inner)
    return total, passages


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
        words, spans = unpack_passage(packed, blob)
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
