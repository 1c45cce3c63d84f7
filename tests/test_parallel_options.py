"""The end of phase 2 in worker processes: every document's entity options computed there are
the ones one process computes, byte for byte, and the analysis reads them as its own."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main
from reader.store.db import connect
from reader.store.index import entities as index_entities
from reader.store.index import parallel_options, pool
from reader.store.index.prepare import prepare_entities

TUNED = Path(__file__).parent / "data" / "topics" / "tuned"


def _options(db: str) -> dict[str, bytes]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT sha256 || kind, data FROM doc_cache WHERE kind LIKE 'index.options.%'"
        ).fetchall()
    finally:
        conn.close()
    return {k: bytes(v) for k, v in rows}


@pytest.fixture
def indexed(tmp_path: Path, capsys) -> tuple[Path, str]:
    root = tmp_path / "corpus"
    shutil.copytree(TUNED, root)
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet", "--workers", "1"]) == 0
    capsys.readouterr()
    return root, db


def test_options_made_in_workers_are_the_ones_one_process_makes(indexed, monkeypatch, capsys):
    root, db = indexed
    alone = _options(db)
    assert len(alone) > 20
    assert main(["entities", str(root), "--json", "--db", db]) == 0
    entities = capsys.readouterr().out
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM doc_cache WHERE kind LIKE 'index.options.%'")
        conn.execute("DELETE FROM doc_cache WHERE kind LIKE 'analysis%'")
    conn.close()
    monkeypatch.setattr(parallel_options, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel_options, "CHUNK", 5)
    monkeypatch.setattr(pool, "INLINE_MAX_CHUNKS", 0)
    started = []
    executor = pool.LocalWorkers.executor
    monkeypatch.setattr(
        pool.LocalWorkers, "executor", lambda self: started.append(1) or executor(self)
    )
    conn = connect(db)
    try:
        assert prepare_entities(conn, root, workers=2) == len(alone)
    finally:
        conn.close()
    assert started, "worker processes made them"
    assert _options(db) == alone
    monkeypatch.setattr(
        index_entities, "document_options", lambda *_a: pytest.fail("options made again")
    )
    assert main(["entities", str(root), "--json", "--db", db]) == 0
    assert capsys.readouterr().out == entities


def test_nothing_to_make_starts_no_worker(indexed, monkeypatch):
    root, db = indexed
    monkeypatch.setattr(parallel_options, "PARALLEL_MIN", 1)
    monkeypatch.setattr(
        parallel_options, "options_in_workers", lambda *_a: pytest.fail("workers started")
    )
    conn = connect(db)
    try:
        assert prepare_entities(conn, root, workers=2) == 0
    finally:
        conn.close()
