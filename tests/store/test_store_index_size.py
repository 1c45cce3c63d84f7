"""What the index stores in fewer bytes (issue 13, store size) reads back exactly: entity
options in their binary form (format 5), rows of earlier formats, and the passages of one
content found by the first digits of its hash."""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pytest

from reader.corpus.candidates import Option
from reader.corpus.search import document_shadows
from reader.store.db import connect
from reader.store.index import load_indexed_corpus, refresh_index
from reader.store.index.entities import (
    _DAMAGED,
    _Options,
    corpus_vocabulary,
    facts_blob,
)
from reader.store.index.model import _Result, pack_passage
from reader.store.index.options_codec import StoredOptions, _json_row, options_row
from reader.store.index.prepare import prepare_entities
from reader.store.index.writer import _drop_content, _write_results

DATA = Path(__file__).parent.parent / "data"

# Options that use every way a field is stored: a key made from the text and one that is not
# (a number), surface keys equal to the key or not, parts and parents near and far, evidence,
# flags, texts that are slices of an option before and texts met twice.
OPTIONS = [
    Option(0, 11, "carla lopes", "person_org", "carla lopes", False, ("carla", "lopes")),
    Option(0, 5, "carla", "person_org", "carla", True, (), True, "carla lopes"),
    Option(6, 11, "lopes", "person_org", "lopes", True, (), True, "carla lopes"),
    Option(20, 29, "num:2021000", "number", "num:2021000", False),
    Option(30, 39, "region:KH", "place", "campuchia", False, (), False, "", "variant"),
    Option(40, 45, "carla", "person_org", "lopes", False, (), False, "", "transliteration"),
    *[Option(50 + 3 * i, 52 + 3 * i, f"x{i}", "other", f"x{i}", False) for i in range(10)],
    Option(90, 93, "zzz", "person_org", "zzz", False, ("carla lopes", "x0")),
    Option(96, 101, "vania", "person_org", "vania", True, (), True, "carla lopes"),
    Option(96, 101, "vania", "date", "vania", False),
]
TEXTS = [
    "Carla Lopes",
    "Carla",
    "Lopes",
    "2.021 mil",
    "Campuchia",
    "Carla",
    *[f"X{i}" for i in range(10)],
    "zzz",
    "Vânia",
    "Vânia",
]
ANSWERS = {"o0": ["carla", "lopes", "vânia"], "m1": ["carla"], "p0": ["carla lopes"]}


def test_options_read_back_with_every_field_they_were_stored_with() -> None:
    stored = StoredOptions(options_row("pt", "pt,vi", ANSWERS, OPTIONS, TEXTS))
    assert (stored.language, stored.gaz, stored.answers) == ("pt", "pt,vi", ANSWERS)
    assert stored.unpacked() == (OPTIONS, TEXTS)
    empty = StoredOptions(options_row("km", "", {}, [], []))
    assert (empty.language, empty.answers, empty.unpacked()) == ("km", {}, ([], []))


def test_the_binary_form_reads_back_as_computed_and_is_smaller_than_json(tmp_path) -> None:
    """On a real corpus every document's options, stored and read back as computed."""
    root = tmp_path / "corpus"
    shutil.copytree(DATA / "topics" / "tuned", root)
    conn = connect(tmp_path / "s.sqlite3")
    refresh_index(conn, root, workers=1)
    corpus = load_indexed_corpus(conn, root)
    vocab = corpus_vocabulary(conn, corpus)
    assert vocab is not None
    maker = _Options(conn, vocab, frozenset(d.language for d in corpus.documents))
    binary = json_size = 0
    for d in corpus.documents:
        found = maker.of(d)
        assert found is not None
        blob = maker.fresh[-1][2]
        stored = StoredOptions(blob)
        assert stored.unpacked() == found
        assert stored.language == d.language and stored.gaz == maker.gaz_name
        binary += len(blob)
        json_size += len(_json_row(stored.language, stored.gaz, stored.answers, *found))
    assert binary < json_size * 0.8  # 0.74 when written
    conn.close()


def test_rows_of_earlier_formats_are_read_and_damaged_ones_are_a_miss() -> None:
    old = StoredOptions(_json_row("pt", "pt,vi", ANSWERS, OPTIONS, TEXTS))
    assert (old.language, old.answers, old.unpacked()) == ("pt", ANSWERS, (OPTIONS, TEXTS))
    unknown = {"format": 9, "language": "pt", "gaz": "", "answers": {}}
    with pytest.raises(_DAMAGED):
        StoredOptions(facts_blob(unknown))
    row = options_row("pt", "pt,vi", ANSWERS, OPTIONS, TEXTS)
    draft = b"O" + zlib.compress(b"\x00" * 40)  # a binary row of no known format
    for bad in [draft, row[:-3], row[:2], row[:1], row[:2] + b"\x00" + row[3:]]:
        with pytest.raises(_DAMAGED):
            StoredOptions(bad).unpacked()
    # columns that do not fit each other (deflated again, so deflate does not see it)
    raw = bytearray(zlib.decompress(row[2:]))
    raw[1] += 1  # the count of the first column
    with pytest.raises(_DAMAGED):
        StoredOptions(row[:2] + zlib.compress(bytes(raw))).unpacked()


def test_a_text_holding_the_table_separator_is_stored_as_json_and_read_back() -> None:
    texts = ["Carla\x00Lopes", *TEXTS[1:]]
    row = options_row("pt", "pt", ANSWERS, OPTIONS, texts)
    assert json.loads(zlib.decompress(row, -15))["format"] == 4
    assert StoredOptions(row).unpacked() == (OPTIONS, texts)


def test_dropping_a_content_keeps_one_whose_hash_starts_alike(tmp_path) -> None:
    """Passages are found by the first 8 digits of their content's hash, then the whole."""
    from reader.corpus.loading import document_from_bytes

    conn = connect(tmp_path / "s.sqlite3")
    shas = ["abcd1234" + "0" * 56, "abcd1234" + "1" * 56]
    results = []
    for sha, word in zip(shas, ["ferry", "harbour"], strict=True):
        doc = document_from_bytes("a.txt", f"The {word} leaves at noon.\n".encode())
        rows = [
            (sh.passage, 0, len(doc.text), sh.text, "", pack_passage(sh.tokens, sh.spans))
            for sh in document_shadows(doc)
        ]
        results.append(_Result(f"{word}.txt", 1, 1, sha, "text", language="en", shadows=rows))
    with conn:
        _write_results(conn, "/c", results, "now")
    with conn:
        _drop_content(conn, shas[0], "text")

    def found(word: str) -> list[str]:
        return [
            r[0]
            for r in conn.execute(
                "SELECT p.sha256 FROM index_fts x JOIN index_passages p ON p.id = x.rowid "
                "WHERE index_fts MATCH ?",
                (word,),
            )
        ]

    assert found("ferry") == [] and found("harbour") == [shas[1]]
    left = conn.execute("SELECT DISTINCT sha256 FROM index_passages").fetchall()
    assert left == [(shas[1],)]
    conn.close()


def test_a_prepared_index_stores_options_in_the_binary_form(tmp_path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(DATA / "topics" / "tuned", root)
    conn = connect(tmp_path / "s.sqlite3")
    refresh_index(conn, root, workers=1)
    assert prepare_entities(conn, root) > 0
    rows = conn.execute("SELECT data FROM doc_cache WHERE kind LIKE 'index.options.%'").fetchall()
    assert rows and all(bytes(r[0])[:2] == b"O\x05" for r in rows)
    conn.close()


def test_cache_rows_written_in_packed_order_take_fewer_pages(tmp_path) -> None:
    """Rows of 2.1 KB one after another leave half of each page empty; in packed order the
    1.1 KB rows of the same insert fill those halves. Every row is written, once."""
    import random

    from reader.store.index.writer import packed_order

    rng = random.Random(7)
    rows = [
        (f"{i:064x}", "index.x.text", 1, rng.randbytes(2100 if i % 2 else 1100), "")
        for i in range(400)
    ]
    rows.sort(key=lambda r: -len(r[3]))  # all the large rows first: the worst order
    pages = {}
    for order in ("given", "packed"):
        conn = connect(tmp_path / f"{order}.sqlite3")
        written = packed_order(conn, rows) if order == "packed" else rows
        assert sorted(written) == sorted(rows)
        with conn:
            conn.executemany("INSERT INTO doc_cache VALUES (?, ?, ?, ?, ?)", written)
        pages[order] = conn.execute(
            "SELECT count(*) FROM dbstat WHERE name = 'doc_cache' AND pagetype = 'leaf'"
        ).fetchone()[0]
        conn.close()
    assert pages["packed"] < pages["given"] * 0.8
