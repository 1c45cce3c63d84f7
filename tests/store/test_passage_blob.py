"""A passage's search words and their spans are stored as one blob (issue 13, phase 1, session
9): they read back exactly, rows stored in the earlier two-blob form are still searched, and a
damaged blob costs its passage's hits, not the search."""

from __future__ import annotations

import zlib
from array import array
from itertools import chain
from operator import sub

import pytest

from reader.corpus.loading import document_from_bytes
from reader.corpus.search import document_shadows
from reader.store.db import connect
from reader.store.index import refresh_index, search_index
from reader.store.index.model import pack_passage, unpack_passage, unpack_words

TEXTS = {
    "vi": "Trung Quốc và Đà Nẵng ký thỏa thuận.\n\nÔng Lê nói: “Rất tốt”.",
    "km": "នៅថ្ងៃទី១៥ ខែវិច្ឆិកា ឆ្នាំ២០២៩ គណៈប្រតិភូបានទៅទស្សនាទន្លេមេគង្គ។",
    # Words whose search key is longer or shorter than the word (ß, a ligature), astral
    # characters before words, a gap of more than 255 characters and a very long word.
    "mixed": "Straße ﬁsh 😀😀 wörd " + "-" * 300 + " end " + "x" * 400 + " Ǆemal",
    "zh": "阿南·西素在上海会见了戴维·奥卡福，双方讨论了与中国的贸易。",
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_words_and_spans_read_back_from_one_blob(name: str) -> None:
    doc = document_from_bytes(f"{name}.txt", TEXTS[name].encode())
    shadows = [sh for sh in document_shadows(doc) if sh.tokens]
    assert shadows
    for sh in shadows:
        blob = pack_passage(sh.tokens, sh.spans)
        words, spans = unpack_passage(blob)
        assert words == sh.text
        assert list(spans) == sh.spans
        assert unpack_words(blob) == sh.text  # what deleting the row from FTS5 gives back


def _old_rows(tokens: list[str], spans: list[tuple[int, int]]) -> tuple[bytes, bytes]:
    """(words, spans) columns as written before session 9: two raw-deflate blobs."""
    flat = list(chain.from_iterable(spans))
    deltas = list(map(sub, flat, [0, *flat]))
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    words = packer.compress(" ".join(tokens).encode()) + packer.flush()
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = array("H", deltas).tobytes()
    return words, b"H" + packer.compress(raw) + packer.flush()


def test_rows_stored_in_the_earlier_form_are_searched_alike(tmp_path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    conn = connect(tmp_path / "s.sqlite3")
    refresh_index(conn, folder, workers=1, entities=False)
    queries = ["trung quoc", "Đà Nẵng", "strasse", "fish", "វិច្ឆិកា", "មេគង្គ", "上海", "end", "ǆemal"]
    before = {q: search_index(conn, folder, q).hits for q in queries}
    exact_before = {q: search_index(conn, folder, q, exact=True).hits for q in queries}
    assert all(before.values()) and any(exact_before.values())
    rows = conn.execute("SELECT id, words FROM index_passages").fetchall()
    with conn:
        for rowid, blob in rows:
            words, spans = unpack_passage(blob)
            old_words, old_spans = _old_rows(words.split(" "), list(spans))
            conn.execute(
                "UPDATE index_passages SET words = ?, spans = ? WHERE id = ?",
                (old_words, old_spans, rowid),
            )
    assert conn.execute("SELECT count(*) FROM index_passages WHERE spans = x''").fetchone() == (0,)
    assert {q: search_index(conn, folder, q).hits for q in queries} == before
    assert {q: search_index(conn, folder, q, exact=True).hits for q in queries} == exact_before


def test_a_damaged_passage_blob_loses_its_hits_only(tmp_path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("The ferry leaves at noon.\n", encoding="utf-8")
    (folder / "b.txt").write_text("The ferry comes back at night.\n", encoding="utf-8")
    conn = connect(tmp_path / "s.sqlite3")
    refresh_index(conn, folder, workers=1, entities=False)
    assert {h.path for h in search_index(conn, folder, "ferry").hits} == {"a.txt", "b.txt"}
    (sha,) = conn.execute("SELECT sha256 FROM index_files WHERE path = 'b.txt'").fetchone()
    rowid, blob = conn.execute(
        "SELECT id, words FROM index_passages WHERE sha256 = ?", (sha,)
    ).fetchone()
    data = zlib.decompress(blob, -15)
    words, _, tail = data.partition(b"\0")
    broken = zlib.compress(words + b"\0" + tail[:-1], 6, -15)  # one number short
    with conn:
        conn.execute("UPDATE index_passages SET words = ? WHERE id = ?", (broken, rowid))
    assert [h.path for h in search_index(conn, folder, "ferry").hits] == ["a.txt"]


def test_spans_decode_to_the_offsets_they_were_made_from() -> None:
    tokens = ["ab", "cde", "f"]
    spans = [(1000, 1002), (1003, 1006), (1300, 1301)]
    words, got = unpack_passage(pack_passage(tokens, spans))
    assert (words, list(got)) == ("ab cde f", spans)
    longer = ["abc", "cde", "f"]  # a key longer than its word: every offset is kept
    words, got = unpack_passage(pack_passage(longer, spans))
    assert (words, list(got)) == ("abc cde f", spans)
