"""The two-phase index (readable first, entities after, both resumable) and indexing elsewhere:
files shipped as bytes to an executor, and a Dask cluster when the `cluster` extra is there."""

from __future__ import annotations

import json
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from reader.cli import main
from reader.corpus.entity_facts import document_facts
from reader.corpus.loading import load_document
from reader.store.db import connect
from reader.store.index import (
    index_status,
    load_indexed_corpus,
    refresh_index,
    search_index,
    stored_facts,
    stored_sentences,
)
from reader.store.index.cluster import ClusterError, check_workers
from tests.index.helpers import write

FILES = {
    "vi/cang.txt": "Cảng Đà Nẵng\n\nTrung Quốc và Việt Nam ký thỏa thuận về cảng Đà Nẵng.\n",
    "vi/hue.txt": "Huế\n\nÔng Nguyễn Văn An đến Huế ngày 16 tháng 2 với 1.677 người.\n",
    "km/tonle.txt": "ទន្លេមេគង្គ\n\nទឹកទន្លេមេគង្គឡើងខ្ពស់នៅភ្នំពេញកាលពីម្សិលមិញ។\n",
    "pt/porto.md": "# O porto\n\nA China e o Vietname assinaram um acordo sobre o porto.\n",
    "pt/lisboa.txt": "Lisboa\n\nA Nexora abriu em Lisboa a 16 de fevereiro com 1,677 pessoas.\n",
    "broken.txt": b"\xff\xfe\x00",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root, FILES)
    return root


def snapshot(db: Path, root: Path) -> dict:
    """Everything a user sees of an index: documents, sentences, candidates, skipped files,
    search hits in three scripts."""
    conn = connect(db)
    try:
        corpus = load_indexed_corpus(conn, root)
        docs = {
            d.path: (d.text, d.title, d.language, d.passages, stored_sentences(conn, d))
            for d in corpus.documents
        }
        candidates = {d.path: stored_facts(conn, d) for d in corpus.documents}
        skipped = [(s.path, s.reason) for s in corpus.skipped]
        hits = {
            q: [(h.path, h.start, h.end) for h in search_index(conn, root, q, limit=None).hits]
            for q in ("da nang", "មេគង្គ", "porto", "1677", "lisboa")
        }
    finally:
        conn.close()
    return {"docs": docs, "candidates": candidates, "skipped": skipped, "hits": hits}


def test_phase_one_makes_the_corpus_readable_and_searchable_before_entities(corpus, tmp_path):
    db = tmp_path / "s.sqlite3"
    conn = connect(db)
    report = refresh_index(conn, corpus, phase=1)
    assert report.entities_pending == 5 and report.entities_processed == 0
    status = index_status(conn, corpus)
    assert (status.files, status.documents, status.without_entities) == (6, 5, 5)
    assert not status.entities_complete
    corpus_now = load_indexed_corpus(conn, corpus)
    assert len(corpus_now.documents) == 5
    assert [h.path for h in search_index(conn, corpus, "da nang").hits] == ["vi/cang.txt"] * 2
    assert all(stored_facts(conn, d) is None for d in corpus_now.documents)

    report = refresh_index(conn, corpus, phase=2)
    assert (report.processed, report.entities_processed, report.entities_pending) == (0, 5, 0)
    assert index_status(conn, corpus).entities_complete
    for doc in load_indexed_corpus(conn, corpus).documents:
        fresh = load_document(corpus / doc.path, corpus)
        expected = json.loads(json.dumps(document_facts(fresh)))
        assert stored_facts(conn, doc) == expected
    conn.close()


def test_an_interrupted_phase_two_continues_and_ends_as_a_whole_run(corpus, tmp_path, monkeypatch):
    from reader.store.index import refresh

    monkeypatch.setattr(refresh, "CHUNK_FILES", 1)  # cancel is seen between chunks
    db = tmp_path / "s.sqlite3"
    conn = connect(db)
    refresh_index(conn, corpus, phase=1)
    cancel = threading.Event()

    def progress(p) -> None:
        if p.phase == 2 and p.done == 2:
            cancel.set()

    report = refresh_index(conn, corpus, progress=progress, cancel=cancel, workers=1)
    assert report.cancelled and 0 < report.entities_pending < 5
    left = report.entities_pending
    assert not index_status(conn, corpus).entities_complete
    report = refresh_index(conn, corpus, workers=1)
    assert (report.processed, report.entities_processed, report.entities_pending) == (0, left, 0)
    assert index_status(conn, corpus).entities_complete
    conn.close()
    whole = tmp_path / "whole.sqlite3"
    c = connect(whole)
    refresh_index(c, corpus, workers=1)
    c.close()
    assert snapshot(db, corpus) == snapshot(whole, corpus)


def test_cli_index_phase_one_then_two(corpus, tmp_path, capsys):
    db = str(tmp_path / "c.sqlite3")
    assert main(["index", str(corpus), "--db", db, "--phase", "1", "--json", "--quiet"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["processed"], first["entities_pending"]) == (6, 5)
    assert main(["index", str(corpus), "--db", db, "--phase", "2", "--json", "--quiet"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["processed"], second["entities_processed"], second["entities_pending"]) == (
        0,
        5,
        0,
    )


def test_files_shipped_as_bytes_to_an_executor_index_as_a_local_run(corpus, tmp_path):
    local, shipped = tmp_path / "local.sqlite3", tmp_path / "shipped.sqlite3"
    c = connect(local)
    refresh_index(c, corpus, workers=1)
    c.close()
    c = connect(shipped)
    with ThreadPoolExecutor(2) as executor:
        report = refresh_index(c, corpus, cluster=executor)
    c.close()
    assert (report.processed, report.errors, report.entities_pending) == (6, 1, 0)
    assert snapshot(shipped, corpus) == snapshot(local, corpus)


def test_workers_of_another_version_are_refused():
    class Client:
        def run(self, fn):
            return {"tcp://10.0.0.2:4000": fn(), "tcp://10.0.0.3:4000": -1}

    with pytest.raises(ClusterError, match=r"1 worker\(s\) run another version"):
        check_workers(Client())


def test_index_on_a_local_dask_cluster_is_identical_to_a_local_run(corpus, tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    local, remote = tmp_path / "local.sqlite3", tmp_path / "remote.sqlite3"
    c = connect(local)
    refresh_index(c, corpus, workers=1)
    c.close()
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        argv = ["index", str(corpus), "--db", str(remote), "--cluster", cluster.scheduler_address]
        assert main([*argv, "--json", "--quiet"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["processed"], report["entities_pending"]) == (6, 0)
    assert snapshot(remote, corpus) == snapshot(local, corpus)
    integrity = sqlite3.connect(remote)
    integrity.execute("INSERT INTO index_fts(index_fts) VALUES('integrity-check')")
    integrity.close()


def test_hits_far_into_a_long_passage_keep_their_offsets(tmp_path):
    """Word offsets are stored as differences; past 65,535 they take the wider form."""
    root = tmp_path / "long"
    root.mkdir()
    text = "Mekong " + "x" * 70_000 + " Lisboa fim\n"
    (root / "long.txt").write_text(text, encoding="utf-8")
    conn = connect(tmp_path / "l.sqlite3")
    refresh_index(conn, root, phase=1)
    hits = search_index(conn, root, "lisboa").hits
    conn.close()
    start = text.index("Lisboa")
    assert [(h.start, h.end) for h in hits] == [(start, start + 6)]
