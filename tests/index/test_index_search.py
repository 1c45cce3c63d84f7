"""Search over the index: languages, pages, exact and in-word matches, the quick path against
every row, compounds in unspaced scripts, the CLI's search contract."""

from __future__ import annotations

import json

import pytest

from reader.cli import main
from reader.store import index as index_mod
from reader.store.db import connect
from reader.store.index import load_indexed_corpus, open_indexed_corpus, refresh_index, search_index
from tests.index.helpers import (
    FILES,
    paths_found,
    write,
)

# --- search over the index -----------------------------------------------------------------


def test_index_search_filters_by_language_and_pages(conn, corpus_dir):
    refresh_index(conn, corpus_dir)
    assert paths_found(conn, corpus_dir, "porto") == ["pt/porto.md"]
    assert paths_found(conn, corpus_dir, "cang", language="vi") == ["vi/cang.txt"]
    assert paths_found(conn, corpus_dir, "cang", language="pt") == []
    everything = search_index(conn, corpus_dir, "cang", limit=None)
    assert everything.total == 2 == len(everything.hits)  # "Cảng" (title) and "cảng"
    page = search_index(conn, corpus_dir, "cang", limit=1, offset=1)
    assert page.total == 2
    assert [(h.start, h.end) for h in page.hits] == [(h.start, h.end) for h in everything.hits[1:2]]


def test_index_search_exact_and_in_word(conn, corpus_dir):
    refresh_index(conn, corpus_dir)
    assert search_index(conn, corpus_dir, "Đà Nẵng", exact=True).total == 2
    assert search_index(conn, corpus_dir, "đà nẵng", exact=True).total == 0
    result = search_index(conn, corpus_dir, "មេគង្គ")
    text = load_indexed_corpus(conn, corpus_dir).by_path("km/tonle.txt").text
    assert [text[h.start : h.end] for h in result.hits] == ["មេគង្គ", "មេគង្គ"]


def test_open_indexed_corpus_builds_then_reuses(corpus_dir, tmp_path):
    db = tmp_path / "s.sqlite3"
    first = open_indexed_corpus(corpus_dir, db)
    again = open_indexed_corpus(corpus_dir, db)
    assert [d.text for d in first.documents] == [d.text for d in again.documents]
    assert len(first.documents) == 3


# --- command line --------------------------------------------------------------------------


def test_cli_index_and_search_json_contract(corpus_dir, tmp_path, capsys):
    db = str(tmp_path / "cli.sqlite3")
    assert main(["index", str(corpus_dir), "--db", db, "--json", "--quiet"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["processed"] == 3 and report["files"] == 3
    assert main(["search", "trung quoc", str(corpus_dir), "--db", db, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"hits", "total"}
    assert out["total"] == 1
    [hit] = out["hits"]
    assert {"doc", "start", "end", "snippet"} <= set(hit)
    text = (corpus_dir / "vi/cang.txt").read_text("utf-8")
    assert text[hit["start"] : hit["end"]] == "Trung Quốc"
    assert "Trung Quốc" in hit["snippet"]
    assert main(["search", "Trung Quoc", str(corpus_dir), "--db", db, "--json", "--exact"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0


def test_cli_search_refuses_an_empty_query(corpus_dir, tmp_path, capsys):
    code = main(["search", "  !! ", str(corpus_dir), "--db", str(tmp_path / "s.db"), "--json"])
    assert code == 2
    assert "nothing to search for" in capsys.readouterr().err


def test_cli_search_lang_takes_bcp47_tags_with_fallback(corpus_dir, tmp_path, capsys):
    args = ["search", "trung quoc", str(corpus_dir), "--db", str(tmp_path / "l.db"), "--json"]
    assert main([*args, "--lang", "vi"]) == 0
    plain = json.loads(capsys.readouterr().out)["total"]
    assert plain == 1
    for tag in ("vi-VN", "vi_VN", "VI-Latn-VN"):
        assert main([*args, "--lang", tag]) == 0
        assert json.loads(capsys.readouterr().out)["total"] == plain, tag
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--lang", "zz"])
    assert exit_.value.code == 2
    assert "unknown language: 'zz'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "query", ["nguyen", "ភ្នំពេញ", "lisboa porto", '"aurea bank"', "sa*", "មេគង្គ", "2024"]
)
def test_quick_search_path_agrees_with_looking_at_every_row(generated, tmp_path, query):
    conn = connect(tmp_path / "q.sqlite3")
    try:
        refresh_index(conn, generated, workers=1, entities=False)
        key = index_mod.corpus_root(generated)
        assert index_mod._plain_corpus(conn, key)
        for limit, offset in ((20, 0), (7, 5), (None, 0)):
            quick = search_index(conn, generated, query, limit=limit, offset=offset)
            q = quick.query
            slow = index_mod._search_all_rows(conn, key, q, q.fts(), limit, offset)
            assert quick.total == slow.total
            assert [(h.path, h.start, h.end) for h in quick.hits] == [
                (h.path, h.start, h.end) for h in slow.hits
            ]
    finally:
        conn.close()


def test_two_files_with_the_same_content_both_give_hits(conn, tmp_path):
    root = tmp_path / "dups"
    write(root, {"a.txt": FILES["vi/cang.txt"], "b/copy.txt": FILES["vi/cang.txt"]})
    refresh_index(conn, root)
    result = search_index(conn, root, "da nang", limit=None)
    assert result.total == 4 == len(result.hits)
    assert sorted({h.path for h in result.hits}) == ["a.txt", "b/copy.txt"]
    (root / "b/copy.txt").unlink()
    refresh_index(conn, root)
    assert search_index(conn, root, "da nang").total == 2
    assert index_mod._plain_corpus(conn, index_mod.corpus_root(root))


def test_word_inside_a_compound_is_found_when_the_store_holds_two_folders(tmp_path, capsys):
    # a second indexed folder (or two identical files) sends search down the every-row path
    thai = "ประเทศไทยมีกรุงเทพมหานครเป็นเมืองหลวง\n"  # ICU keeps ประเทศไทย, กรุงเทพมหานคร whole
    db = str(tmp_path / "two.sqlite3")
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "th.txt").write_text(thai + name, encoding="utf-8")
        assert main(["index", str(folder), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    for word in ("ไทย", "มหานคร"):
        assert main(["search", word, str(tmp_path / "one"), "--db", db, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["total"] == 1 and [h["text"] for h in data["hits"]] == [word]


def test_total_counts_a_word_at_the_start_of_a_compound(tmp_path, capsys):
    folder = tmp_path / "th"
    folder.mkdir()
    (folder / "th.txt").write_text("ประเทศไทยมีกรุงเทพมหานครเป็นเมืองหลวง\n", encoding="utf-8")
    db = str(tmp_path / "one.sqlite3")
    assert main(["search", "กรุงเทพ", str(folder), "--db", db, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [h["text"] for h in data["hits"]] == ["กรุงเทพ"] and data["total"] == 1


@pytest.mark.parametrize(
    "query", ["hà nội", "nội hà", "hà nội hà", "ha noi sai", "sai gon", "noi hai"]
)
def test_words_side_by_side_are_counted_as_the_passages_show_them(conn, tmp_path, query):
    root = tmp_path / "side"
    write(
        root,
        {
            "a.txt": "Hà Nội Hà Nội. Nội Hà Nội, hà hà nội nội.\n\nSài Gòn, Hà Nội và Nội Bài.\n",
            "b.txt": "Nội Bài gần Hà Nội. Sài Gòn xa Hà Nội.\n\nHà Nội Sài Gòn Hà Nội.\n",
        },
    )
    refresh_index(conn, root)
    key = index_mod.corpus_root(root)
    quick = search_index(conn, root, query, limit=None)
    q = quick.query
    slow = index_mod._search_all_rows(conn, key, q, q.fts(), None, 0)
    assert quick.total == slow.total == len(slow.hits)
