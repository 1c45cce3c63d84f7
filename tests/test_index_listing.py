"""An indexed folder opens from one stored listing of its documents, and the listing never
outlives a change to the folder's files."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path

import pytest

from reader.cli import main
from reader.store.db import connect
from reader.store.index import lazy_read, load_indexed_corpus
from tests.indexed_texts import TEXTS, index_texts


@pytest.fixture
def indexed(tmp_path: Path, capsys) -> tuple[Path, str]:
    found = index_texts(tmp_path, {**TEXTS, "empty.txt": ""})
    capsys.readouterr()
    return found


def _lazy(root: Path, db: str):
    conn = connect(db)
    try:
        return load_indexed_corpus(conn, root, lazy=True)
    finally:
        conn.close()


def _listings(db: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM index_listing").fetchone()[0]
    finally:
        conn.close()


def _seen(corpus) -> tuple[list, list]:
    return [d.summary() for d in corpus.documents], [(s.path, s.reason) for s in corpus.skipped]


def test_a_second_opening_reads_the_listing_and_sees_what_the_first_saw(indexed, monkeypatch):
    root, db = indexed
    first = _lazy(root, db)
    assert _listings(db) == 1
    assert [d.path for d in first.documents] == ["a.txt", "b.md", "c.txt"]
    assert [s.path for s in first.skipped] == ["empty.txt"]

    def no_join(*_args):
        raise AssertionError("the files were listed again")

    monkeypatch.setattr(lazy_read, "_listing_from_index", no_join)
    again = _lazy(root, db)
    assert _seen(again) == _seen(first)
    assert [d.id for d in again.documents] == [d.id for d in first.documents]
    assert again.documents[1].text == first.documents[1].text  # still reads its text


def test_a_changed_file_drops_the_listing_and_the_next_opening_shows_the_change(indexed):
    root, db = indexed
    _lazy(root, db)
    (root / "d.txt").write_text("Ông Hun Sen đến Phnom Penh.\n", "utf-8")
    (root / "a.txt").unlink()
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    paths = [d.path for d in _lazy(root, db).documents]
    assert paths == ["b.md", "c.txt", "d.txt"]


def _with_head(blob: bytes, change) -> bytes:
    """The stored row with its JSON head changed by `change` (the packed columns kept)."""
    (length,) = struct.unpack_from("<I", blob)
    head = json.loads(blob[4 : 4 + length])
    changed = json.dumps(change(head)).encode()
    return struct.pack("<I", len(changed)) + changed + blob[4 + length :]


def _shorter_chars(blob: bytes) -> bytes:
    """One document's number of characters cut from the packed columns."""
    (length,) = struct.unpack_from("<I", blob)
    head = json.loads(blob[4 : 4 + length])
    at = 4 + length + sum(head["sizes"][:7])  # the columns before `chars`
    head["sizes"][7] -= 8
    changed = json.dumps(head).encode()
    rest = blob[4 + length : at] + blob[at + 8 :]
    return struct.pack("<I", len(changed)) + changed + rest


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"\x78\x9c\x03\x00",  # no columns at all
        _shorter_chars,
        lambda blob: _with_head(blob, lambda h: {**h, "tables": {**h["tables"], "script": []}}),
        lambda blob: _with_head(blob, lambda h: {**h, "count": h["count"] + 1}),
        lambda blob: blob[: len(blob) // 3],  # cut short
    ],
)
def test_a_damaged_listing_is_made_again_from_the_index(indexed, damage):
    root, db = indexed
    first = _lazy(root, db)
    conn = sqlite3.connect(db)
    with conn:
        (blob,) = conn.execute("SELECT data FROM index_listing").fetchone()
        conn.execute("UPDATE index_listing SET data = ?", (damage(bytes(blob)),))
    conn.close()
    again = _lazy(root, db)
    assert _seen(again) == _seen(first)
    assert all(isinstance(d.script, str) for d in again.documents)
    assert _listings(db) == 1  # and stored again


def test_a_listing_is_not_kept_when_the_index_changed_while_it_was_read(indexed, monkeypatch):
    root, db = indexed
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM index_listing")
    conn.close()
    made = lazy_read._listing_from_index

    def meanwhile_a_refresh(conn, key):
        listing = made(conn, key)
        other = sqlite3.connect(db)
        with other:  # another process changes the folder's files after they were listed
            other.execute("UPDATE index_files SET error = 'gone' WHERE path = 'c.txt'")
        other.close()
        return listing

    monkeypatch.setattr(lazy_read, "_listing_from_index", meanwhile_a_refresh)
    assert [d.path for d in _lazy(root, db).documents] == ["a.txt", "b.md", "c.txt"]
    assert _listings(db) == 0  # what was read is not kept as the folder's listing
    monkeypatch.setattr(lazy_read, "_listing_from_index", made)
    assert [d.path for d in _lazy(root, db).documents] == ["a.txt", "b.md"]


def test_titles_are_read_when_first_asked_for_and_damaged_ones_are_file_names(indexed):
    root, db = indexed
    first = _lazy(root, db)
    titles = [d.title for d in first.documents]
    again = _lazy(root, db)
    column, _at = again.documents[0]._titles
    assert column._texts is None, "no title read at opening"
    assert [d.title for d in again.documents] == titles
    conn = sqlite3.connect(db)
    with conn:  # the titles' part of the row damaged, the columns whole
        (blob,) = conn.execute("SELECT data FROM index_listing").fetchone()
        conn.execute("UPDATE index_listing SET data = ?", (blob[:-3] + b"xyz",))
    conn.close()
    damaged = _lazy(root, db)
    assert [d.path for d in damaged.documents] == [d.path for d in first.documents]
    assert [d.title for d in damaged.documents] == ["a", "b", "c"]


def test_titles_are_decoded_a_chunk_at_a_time_and_a_damaged_chunk_costs_only_its_own():
    from reader.corpus.chunked_texts import ChunkedTexts, TextColumn, packed_texts

    titles = [f"Tiêu đề {i} ចំណងជើង" for i in range(2500)] + ["", "[Video] 特朗普"]
    packed = packed_texts(titles)
    chunked = ChunkedTexts(packed, len(titles))
    assert chunked[2501] == "[Video] 特朗普" and len(chunked._done) == 1, "one chunk read"
    assert list(chunked) == titles
    first_chunk_end = chunked._starts[1]
    damaged = packed[: first_chunk_end - 4] + b"\x00" * 4 + packed[first_chunk_end:]
    column = TextColumn(lambda: ChunkedTexts(damaged, len(titles)), len(titles))
    assert column.of(5) is None, "its chunk damaged: none (a document's title: its file's name)"
    assert column.of(2000) == titles[2000], "the other chunks read"
    with pytest.raises(ValueError):
        ChunkedTexts(packed, len(titles) + 2000)


def test_documents_share_one_source_of_their_folder_and_the_lookups_come_made(indexed):
    """100,000 documents open without a source object each nor a later pass for `by_id`;
    a document asked for its source gets its own, which reads its text."""
    root, db = indexed
    _lazy(root, db)
    corpus = _lazy(root, db)
    folders = {id(d._src) for d in corpus.documents}
    assert len(folders) == 1 and isinstance(corpus.documents[0]._src, lazy_read.StoredFolder)
    assert len(corpus._ids) == len(corpus._paths) == len(corpus.documents)
    for doc in corpus.documents:
        assert corpus.by_id(doc.id) is doc and corpus.by_path(doc.path) is doc
        source = doc._source
        assert (source.rel, source.sha256, source.format) == (doc.path, doc.sha256, doc.format)
        assert source.load().text == doc.text
