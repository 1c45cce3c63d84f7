"""Search of a query matching very many passages: a first page from a bounded sample, ranked,
and a total that says when it is a lower bound (the limits are lowered here so that a small
generated corpus crosses them)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.store import index as index_mod
from reader.store.db import connect
from reader.store.index import refresh_index, search_index
from reader.store.index import search as search_mod

BENCH = Path(__file__).parent / "bench"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("gen_corpus", BENCH / "gen_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(gen)
    root = tmp_path_factory.mktemp("many") / "corpus"
    gen.generate(root, 120, seed=3)
    db = root.parent / "store.sqlite3"
    conn = connect(db)
    refresh_index(conn, root, workers=1, entities=False)
    yield root, db, conn
    conn.close()


@pytest.fixture
def low_limits(monkeypatch):
    monkeypatch.setattr(search_mod, "RANK_MAX", 30)
    monkeypatch.setattr(search_mod, "COUNT_MAX", 20)


def _every_hit(conn, root, query):
    key = index_mod.corpus_root(root)
    q = search_index(conn, root, query, limit=1).query
    return index_mod._search_all_rows(conn, key, q, q.fts(), None, 0)


@pytest.mark.parametrize("query", ["nguyen", "da nang", '"cong ty"', "ភ្នំពេញ", "ba*"])
def test_first_page_of_a_very_common_query_is_real_hits_best_first(indexed, low_limits, query):
    root, _db, conn = indexed
    every = _every_hit(conn, root, query)
    page = search_index(conn, root, query, limit=10)
    assert page.matched is not None and page.matched > 30, "the query must cross the limit"
    assert page.ranked is not None and 0 < page.ranked < page.matched
    assert len(page.hits) == 10
    real = {(h.path, h.start, h.end): h.score for h in every.hits}
    assert all((h.path, h.start, h.end) in real for h in page.hits)
    scores = [h.score for h in page.hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["da nang", '"cong ty"', "ba*", "ក*"])
def test_total_of_a_very_common_query_is_a_lower_bound_said_so(indexed, low_limits, query):
    root, _db, conn = indexed
    every = _every_hit(conn, root, query)
    page = search_index(conn, root, query, limit=10)
    assert not page.total_exact
    assert 0 < page.total <= every.total
    if "*" not in query:  # whole words: each matching passage has one hit at least
        assert page.total >= page.matched


def test_one_word_total_stays_exact_however_common(indexed, low_limits):
    root, _db, conn = indexed
    page = search_index(conn, root, "nguyen", limit=10)
    assert page.total_exact and page.total == _every_hit(conn, root, "nguyen").total


def test_a_page_past_the_sample_is_ranked_among_all_passages(indexed, low_limits):
    root, _db, conn = indexed
    key = index_mod.corpus_root(root)
    deep = search_index(conn, root, "nguyen", limit=5, offset=200)
    assert deep.ranked is None
    q = deep.query
    slow = index_mod._search_all_rows(conn, key, q, q.fts(), 5, 200)
    assert [(h.path, h.start) for h in deep.hits] == [(h.path, h.start) for h in slow.hits]


def test_below_the_limits_nothing_is_sampled_or_estimated(indexed):
    root, _db, conn = indexed
    page = search_index(conn, root, '"aurea bank"', limit=10)
    assert page.ranked is None and page.total_exact
    assert page.total == _every_hit(conn, root, '"aurea bank"').total


def test_cli_shows_a_lower_bound_with_a_plus(indexed, low_limits, capsys):
    root, db, _conn = indexed
    assert main(["search", "da nang", str(root), "--db", str(db)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "+ hits" in last and "matching passages" in last
    assert main(["search", "da nang", str(root), "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_exact"] is False


def _two_pass(conn, root, query, limit=10):
    """The page as counting the matches first, then ranking the sample, gives it: its hits,
    how many passages match and how many it was ranked among."""
    key = index_mod.corpus_root(root)
    q = search_index(conn, root, query, limit=1).query
    expr = q.fts()
    matched = conn.execute("SELECT count(*) FROM index_fts WHERE index_fts MATCH ?", (expr,))
    n_matched = matched.fetchone()[0]
    hits, ranked = search_mod._page(conn, key, q, expr, limit, 0, n_matched)
    return hits, n_matched, ranked


@pytest.mark.parametrize("query", ["nguyen", "ភ្នំពេញ"])
def test_one_word_page_is_found_in_one_pass_and_is_the_two_pass_page(
    indexed, low_limits, monkeypatch, query
):
    root, _db, conn = indexed
    passes = []
    made = search_mod._one_pass_page
    monkeypatch.setattr(
        search_mod, "_one_pass_page", lambda *a: passes.append(made(*a)[1]) or made(*a)
    )
    page = search_index(conn, root, query, limit=10)
    if query == "ភ្នំពេញ":  # inside unspaced words: counted and ranked in one pass
        assert passes and passes[0] is not None, "the page came from the one pass"
    else:  # a whole word: FTS5's vocabulary counts the passages, no pass counts them
        assert not passes
    assert (page.hits, page.matched, page.ranked) == _two_pass(conn, root, query)
    assert len(page.hits) == 10 and page.total_exact
    assert page.total == _every_hit(conn, root, query).total


def test_a_vocabulary_bound_far_above_the_matches_falls_back_to_the_same_page(
    indexed, low_limits, monkeypatch
):
    root, _db, conn = indexed
    counts = search_mod._vocabulary_counts
    monkeypatch.setattr(
        search_mod, "_vocabulary_counts", lambda c, q: (counts(c, q)[0], counts(c, q)[1] * 5)
    )
    page = search_index(conn, root, "ភ្នំពេញ", limit=10)
    assert (page.hits, page.matched, page.ranked) == _two_pass(conn, root, "ភ្នំពេញ")
    assert page.matched > 30


def test_a_phrase_matching_nothing_is_an_exact_zero(indexed):
    root, _db, conn = indexed
    found = search_index(conn, root, '"nguyen nguyen nguyen"', limit=10)
    assert (found.hits, found.total, found.total_exact, found.matched) == ([], 0, True, 0)


def test_a_vocabulary_bound_a_little_above_the_matches_ranks_a_smaller_sample_in_one_pass(
    indexed, low_limits, monkeypatch
):
    root, _db, conn = indexed
    counts = search_mod._vocabulary_counts
    monkeypatch.setattr(
        search_mod,
        "_vocabulary_counts",
        lambda c, q: (counts(c, q)[0], counts(c, q)[1] * 3 // 2),
    )
    every = _every_hit(conn, root, "ភ្នំពេញ")
    page = search_index(conn, root, "ភ្នំពេញ", limit=10)
    _hits, matched, ranked = _two_pass(conn, root, "ភ្នំពេញ")
    assert page.matched == matched and page.total == every.total and page.total_exact
    assert search_mod.RANK_MAX // 2 <= page.ranked < ranked, "a smaller even sample"
    real = {(h.path, h.start, h.end): h.score for h in every.hits}
    assert len(page.hits) == 10 and all(
        real[(h.path, h.start, h.end)] == h.score for h in page.hits
    )
    scores = [h.score for h in page.hits]
    assert scores == sorted(scores, reverse=True)


def test_a_words_count_from_the_vocabulary_follows_files_deleted_and_changed(tmp_path, capsys):
    """A whole word's matching passages come from FTS5's vocabulary, not a pass over them:
    after a refresh that deletes and changes files, they are still the passages FTS5 finds."""
    from tests.indexed_texts import index_texts

    texts = {f"{n}.txt": f"Nguyen met Tran.\n\nNguyen left {n}.\n" for n in range(6)}
    root, db = index_texts(tmp_path, texts)
    (root / "0.txt").unlink()
    (root / "1.txt").write_text("Nguyen and Nguyen.\n\nNguyen again.\n\nTran.\n", "utf-8")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    conn = connect(db)
    try:
        for word in ("nguyen", "tran", "left"):
            found = search_index(conn, root, word, limit=5)
            fts = conn.execute(
                "SELECT count(*) FROM index_fts WHERE index_fts MATCH ?", (found.query.fts(),)
            ).fetchone()[0]
            assert found.matched == fts > 0, word
            assert found.total == _every_hit(conn, root, word).total
    finally:
        conn.close()
