"""Documents opened from the index without their texts read them when first used, and are in
every other way the documents the index holds."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest

from reader.corpus.lazy_document import LazyDocument
from reader.store.db import connect
from reader.store.index import load_indexed_corpus
from tests.indexed_texts import TEXTS, index_texts


@pytest.fixture
def indexed(tmp_path: Path, capsys) -> tuple[Path, str]:
    found = index_texts(tmp_path, TEXTS)
    capsys.readouterr()
    return found


def _forget_stored_documents(db: str) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM doc_cache WHERE kind LIKE 'index.document.%'")
    conn.close()


def _both(root: Path, db: str):
    conn = connect(db)
    try:
        return load_indexed_corpus(conn, root, lazy=True), load_indexed_corpus(conn, root)
    finally:
        conn.close()


def test_lazy_documents_answer_as_the_stored_ones_and_read_text_only_when_asked(indexed):
    lazy, full = _both(*indexed)
    assert [d.path for d in lazy.documents] == sorted(TEXTS)
    for a, b in zip(lazy.documents, full.documents, strict=True):
        assert isinstance(a, LazyDocument)
        # what a document list shows needs no text
        assert a.summary() == b.summary() and a.chars == b.chars
        assert not a.loaded
        assert a.text == b.text and a.passages == b.passages and a.links == b.links
        assert a.loaded and a.passage_text(a.passages[0]) == b.passage_text(b.passages[0])


def test_a_pickled_lazy_document_stays_lazy_and_reads_its_text_where_it_lands(indexed):
    lazy, full = _both(*indexed)
    doc = lazy.documents[1]
    assert doc.text  # read here ...
    sent = pickle.loads(pickle.dumps(doc))
    assert isinstance(sent, LazyDocument) and not sent.loaded  # ... not shipped
    assert sent.text == full.documents[1].text and sent.summary() == full.documents[1].summary()


def test_a_document_whose_stored_row_is_gone_is_read_from_its_file(indexed):
    root, db = indexed
    lazy, full = _both(root, db)
    _forget_stored_documents(db)
    assert lazy.documents[0].text == full.documents[0].text


def test_a_file_changed_since_indexing_is_said_not_shown_with_wrong_offsets(indexed):
    root, db = indexed
    lazy, _ = _both(root, db)
    _forget_stored_documents(db)
    (root / "c.txt").write_text("Something else entirely.\n", "utf-8")
    doc = lazy.by_path("c.txt")
    assert doc.text == "" and doc.passages == []
    assert any("changed since it was indexed" in w for w in doc.warnings)


def test_a_store_indexed_before_metadata_rows_gets_them_once(indexed):
    root, db = indexed
    conn = sqlite3.connect(db)
    with conn:  # as a store made before metadata rows and listings were
        conn.execute("DELETE FROM doc_cache WHERE kind LIKE 'index.meta.%'")
        conn.execute("DELETE FROM index_listing")
    conn.close()
    lazy, full = _both(root, db)
    assert [d.summary() for d in lazy.documents] == [d.summary() for d in full.documents]
    conn = sqlite3.connect(db)
    n = conn.execute("SELECT count(*) FROM doc_cache WHERE kind LIKE 'index.meta.%'").fetchone()
    conn.close()
    assert n[0] == len(TEXTS)


def test_replacing_a_field_of_a_lazy_document_keeps_the_rest(indexed):
    from dataclasses import replace

    lazy, full = _both(*indexed)
    doc = lazy.documents[0]
    shown = replace(doc, passages=doc.passages[:1])
    assert shown.text == full.documents[0].text and len(shown.passages) == 1
    assert shown.title == full.documents[0].title


def test_an_unloaded_document_reads_its_text_again_when_used(indexed):
    lazy, full = _both(*indexed)
    doc = lazy.documents[0]
    assert doc.text == full.documents[0].text and doc.loaded
    doc.unload()
    assert not doc.loaded
    assert doc.passages == full.documents[0].passages and doc.text == full.documents[0].text


def test_commands_that_read_texts_lazily_leave_no_write_ahead_log(tmp_path):
    """Texts read through their own connection: the command still leaves the store whole,
    with no `-wal` file beside it (the last connection to close checkpoints it)."""
    import subprocess
    import sys

    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in TEXTS.items():
        (root / name).write_text(text, "utf-8")
    db = tmp_path / "store.sqlite3"
    for argv in (["index", str(root), "--quiet"], ["topics", str(root)], ["search", "Hun"]):
        if argv[0] == "search":
            argv = [*argv, str(root)]
        done = subprocess.run(
            [sys.executable, "-m", "reader", *argv, "--db", str(db)], capture_output=True
        )
        assert done.returncode == 0, done.stderr
        assert not (tmp_path / "store.sqlite3-wal").exists(), argv
