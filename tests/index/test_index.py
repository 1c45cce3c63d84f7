"""The persistent, incremental corpus index: refresh, load, interruption, CLI (search:
`test_index_search.py`)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reader.cli import main
from reader.corpus.loading import load_corpus
from reader.corpus.search import FTS_TOKENIZER
from reader.store import index as index_mod
from reader.store.db import connect
from reader.store.index import (
    load_indexed_corpus,
    refresh_index,
    search_index,
    stored_sentences,
)
from tests.index.helpers import (
    FILES,
    _gen_module,
    assert_consistent,
    bump_mtime,
    paths_found,
    write,
)

# --- schema --------------------------------------------------------------------------------


def test_the_migration_creates_the_index_tables_with_the_search_tokenizer(conn):
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'index_fts'").fetchone()[0]
    assert FTS_TOKENIZER in sql
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"index_files", "index_passages", "index_fts", "doc_cache"} <= tables


# --- incremental refresh -------------------------------------------------------------------


def test_first_refresh_indexes_everything_and_loads_like_the_files(conn, corpus_dir):
    report = refresh_index(conn, corpus_dir)
    assert (report.files, report.processed, report.unchanged) == (3, 3, 0)
    indexed = load_indexed_corpus(conn, corpus_dir)
    loaded = load_corpus(corpus_dir)
    assert [d.path for d in indexed.documents] == [d.path for d in loaded.documents]
    for a, b in zip(indexed.documents, loaded.documents, strict=True):
        assert (a.id, a.text, a.title, a.language, a.script, a.sha256, a.format) == (
            b.id,
            b.text,
            b.title,
            b.language,
            b.script,
            b.sha256,
            b.format,
        )
        assert a.passages == b.passages
        assert stored_sentences(conn, a)


def test_unchanged_files_are_not_read_again(conn, corpus_dir, monkeypatch):
    refresh_index(conn, corpus_dir)
    processed = []
    real = index_mod.worker.process_file
    monkeypatch.setattr(
        index_mod.worker,
        "process_file",
        lambda root, rel, e=True: processed.append(rel) or real(root, rel, e),
    )
    report = refresh_index(conn, corpus_dir)
    assert (report.unchanged, report.processed, processed) == (3, 0, [])


def test_changed_file_is_reprocessed_and_old_words_disappear(conn, corpus_dir):
    refresh_index(conn, corpus_dir)
    assert paths_found(conn, corpus_dir, "da nang") == ["vi/cang.txt"]
    (corpus_dir / "vi/cang.txt").write_text("Cảng Hải Phòng\n\nTàu mới cập cảng.\n", "utf-8")
    bump_mtime(corpus_dir / "vi/cang.txt")
    report = refresh_index(conn, corpus_dir)
    assert (report.processed, report.unchanged) == (1, 2)
    assert paths_found(conn, corpus_dir, "da nang") == []
    assert paths_found(conn, corpus_dir, "hai phong") == ["vi/cang.txt"]


def test_touched_file_with_same_content_is_not_processed(conn, corpus_dir):
    refresh_index(conn, corpus_dir)
    bump_mtime(corpus_dir / "pt/porto.md")
    report = refresh_index(conn, corpus_dir)
    assert (report.processed, report.reused, report.unchanged) == (0, 1, 2)
    assert refresh_index(conn, corpus_dir).unchanged == 3


def test_deleted_file_drops_out_with_its_derived_data(conn, corpus_dir):
    refresh_index(conn, corpus_dir)
    sha = load_indexed_corpus(conn, corpus_dir).by_path("km/tonle.txt").sha256
    (corpus_dir / "km/tonle.txt").unlink()
    report = refresh_index(conn, corpus_dir)
    assert report.deleted == 1
    assert paths_found(conn, corpus_dir, "មេគង្គ") == []
    assert [d.path for d in load_indexed_corpus(conn, corpus_dir).documents] == [
        "pt/porto.md",
        "vi/cang.txt",
    ]
    for table in ("doc_cache", "index_passages"):
        left = conn.execute(f"SELECT count(*) FROM {table} WHERE sha256 = ?", (sha,)).fetchone()
        assert left[0] == 0, table
    assert conn.execute("SELECT count(*) FROM index_passages").fetchone()[0] > 0


def test_renamed_file_keeps_its_content_without_processing(conn, corpus_dir):
    refresh_index(conn, corpus_dir)
    (corpus_dir / "km/tonle.txt").rename(corpus_dir / "km/mekong.txt")
    report = refresh_index(conn, corpus_dir)
    assert (report.deleted, report.reused, report.processed) == (1, 1, 0)
    assert paths_found(conn, corpus_dir, "មេគង្គ") == ["km/mekong.txt"]


def test_bad_files_are_listed_as_skipped_and_not_retried_until_changed(conn, corpus_dir):
    write(corpus_dir, {"bad.txt": b"\x00\x01\x02binary\xff\xfe" * 50, "empty.md": b""})
    refresh_index(conn, corpus_dir)
    corpus = load_indexed_corpus(conn, corpus_dir)
    assert sorted(s.path for s in corpus.skipped) == ["bad.txt", "empty.md"]
    assert {s.path: s.reason for s in corpus.skipped} == {
        s.path: s.reason for s in load_corpus(corpus_dir).skipped
    }
    report = refresh_index(conn, corpus_dir)
    assert (report.processed, report.errors) == (0, 2)
    write(corpus_dir, {"empty.md": "Now it has words in it.\n"})
    bump_mtime(corpus_dir / "empty.md")
    assert refresh_index(conn, corpus_dir).processed == 1
    assert paths_found(conn, corpus_dir, "words") == ["empty.md"]


def test_new_processing_code_redoes_the_derived_data(conn, corpus_dir, monkeypatch):
    refresh_index(conn, corpus_dir)
    monkeypatch.setattr(index_mod.model, "pipeline_version", lambda: 12345)
    assert refresh_index(conn, corpus_dir).processed == 3


def test_two_folders_share_one_store_without_mixing(conn, corpus_dir, tmp_path):
    other = tmp_path / "other"
    write(other, {"same.txt": FILES["vi/cang.txt"], "x.txt": "Porto de Da Nang, outra vez.\n"})
    refresh_index(conn, corpus_dir)
    report = refresh_index(conn, other)
    assert (report.reused, report.processed) == (1, 1)  # same bytes as vi/cang.txt: reused
    assert paths_found(conn, other, "da nang") == ["same.txt", "x.txt"]
    assert paths_found(conn, corpus_dir, "da nang") == ["vi/cang.txt"]


# --- workers, cancel, interruption ----------------------------------------------------------


def test_worker_processes_give_the_same_index_as_one_process(generated, tmp_path):
    one = connect(tmp_path / "one.sqlite3")
    two = connect(tmp_path / "two.sqlite3")
    try:
        refresh_index(one, generated, workers=1, entities=False)
        report = refresh_index(two, generated, workers=2, entities=False)
        assert report.processed == 120
        for query in ("nguyen", "lisboa", "ភ្នំពេញ", '"aurea bank"'):
            a = search_index(one, generated, query, limit=None)
            b = search_index(two, generated, query, limit=None)
            assert a.total == b.total > 0
            assert [(h.path, h.start, h.end) for h in a.hits] == [
                (h.path, h.start, h.end) for h in b.hits
            ]
    finally:
        one.close()
        two.close()


def test_cancel_keeps_what_was_done_and_the_next_run_finishes(generated, tmp_path):
    db = tmp_path / "store.sqlite3"
    conn = connect(db)
    cancel = threading.Event()

    def progress(p):
        if p.done >= 30:
            cancel.set()

    first = refresh_index(
        conn, generated, workers=1, progress=progress, cancel=cancel, entities=False
    )
    assert first.cancelled and 30 <= first.processed < 120
    assert_consistent(db)
    assert len(load_indexed_corpus(conn, generated).documents) == first.processed
    second = refresh_index(conn, generated, workers=1, entities=False)
    assert second.unchanged == first.processed
    assert second.processed == 120 - first.processed
    assert len(load_indexed_corpus(conn, generated).documents) == 120
    conn.close()


def _index_process(root: Path, db: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "reader", "index", str(root), "--db", str(db), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _wait_for_rows(db: Path, proc: subprocess.Popen, at_least: int) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
                n = c.execute("SELECT count(*) FROM index_files").fetchone()[0]
                c.close()
                if n >= at_least:
                    return n
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    _, err = proc.communicate()
    raise AssertionError(f"the index process ended before it could be interrupted: {err!r}")


@pytest.fixture(scope="module")
def generated_large(tmp_path_factory) -> Path:
    """Enough files that the first commit (after a second) comes well before the end."""
    root = tmp_path_factory.mktemp("generated_large")
    _gen_module().generate(root, 400, seed=5)
    return root


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_index_process_leaves_a_consistent_index_that_resumes(
    generated_large, tmp_path, how, monkeypatch
):
    generated = generated_large
    db = tmp_path / "store.sqlite3"
    proc = _index_process(generated, db)
    _wait_for_rows(db, proc, 10)
    proc.send_signal(how)
    _, err = proc.communicate(timeout=60)
    if how == signal.SIGINT:
        assert proc.returncode == 130, err.decode()
        assert b"run again to continue" in err
    assert_consistent(db)
    conn = connect(db)
    # Resume as the same code version as the interrupted process (sources may change meanwhile).
    version = conn.execute("SELECT pipeline FROM index_files LIMIT 1").fetchone()[0]
    monkeypatch.setattr(index_mod.model, "pipeline_version", lambda: version)
    try:
        done = len(load_indexed_corpus(conn, generated).documents)
        assert 10 <= done <= 400  # on a loaded machine the signal may land after the last file
        report = refresh_index(conn, generated, workers=2, entities=False)
        assert report.unchanged == done and report.processed == 400 - done
        fresh = connect(tmp_path / "fresh.sqlite3")
        refresh_index(fresh, generated, workers=1, entities=False)
        for query in ("tran", "porto", "កំពត"):
            a = search_index(conn, generated, query, limit=None)
            b = search_index(fresh, generated, query, limit=None)
            assert (a.total, [h.path for h in a.hits]) == (b.total, [h.path for h in b.hits])
        fresh.close()
    finally:
        conn.close()
    assert_consistent(db)


# --- command line --------------------------------------------------------------------------


def test_cli_index_reports_progress_on_stderr(corpus_dir, tmp_path, capsys):
    assert main(["index", str(corpus_dir), "--db", str(tmp_path / "p.sqlite3")]) == 0
    captured = capsys.readouterr()
    # a small corpus is done before a rate means anything: no "0.0 MB/s", no wild ETA
    assert "indexing 3/3 files" in captured.err and "/s" not in captured.err
    assert "3 processed" in captured.out and "0.0 MB/s" not in captured.out


def test_progress_shows_a_rate_and_eta_only_once_they_mean_something():
    import io

    from reader.commands.progress import StderrProgress
    from reader.store.index import IndexProgress

    out = io.StringIO()
    show = StderrProgress(out)
    show.interval = 0  # every call prints (a pipe otherwise gets a line every 5 s)
    show(IndexProgress(1, 100, 2_000, 10_000_000, 0.01))
    show(IndexProgress(50, 100, 5_000_000, 10_000_000, 2.5))
    show(IndexProgress(60, 100, 5_100_000, 60_000_000, 200.0))
    first, second, third = out.getvalue().splitlines()
    assert first == "indexing 1/100 files"
    assert second == "indexing 50/100 files  2.0 MB/s  ETA 0:03"
    assert third.startswith("indexing 60/100 files  26 kB/s  ETA ")


def test_a_step_without_a_count_shows_the_time_gone_by_on_a_terminal():
    import io

    from reader.commands.progress import ElapsedLine

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen, pipe = Terminal(), io.StringIO()
    with ElapsedLine("finding topics", screen, interval=0.01):
        time.sleep(0.1)
    with ElapsedLine("finding topics", pipe, interval=0.01):
        time.sleep(0.05)
    assert screen.getvalue().count("\rcorpus-reader: finding topics… 0:00") >= 2
    assert screen.getvalue().endswith("\n") and "\n" not in screen.getvalue()[:-1]
    assert pipe.getvalue() == "corpus-reader: finding topics…\n", "a pipe gets one line"


def test_refresh_corpus_runs_in_a_worker_thread_with_progress(corpus_dir, tmp_path):
    from reader.store.index import refresh_corpus

    seen: list[tuple[int, int]] = []
    result: list = []
    thread = threading.Thread(
        target=lambda: result.append(
            refresh_corpus(
                corpus_dir,
                tmp_path / "t.sqlite3",
                progress=lambda p: seen.append((p.done, p.total)),
            )
        )
    )
    thread.start()
    thread.join(60)
    assert result and result[0].processed == 3
    assert seen[-1] == (3, 3)


def test_interrupted_index_json_says_cancelled(generated_large, tmp_path):
    db = tmp_path / "store.sqlite3"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", "index", str(generated_large), "--db", str(db),
         "--workers", "2", "--json", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    _wait_for_rows(db, proc, 10)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    report = json.loads(out)
    if report["processed"] < 400:  # on a loaded machine the signal may land after the last file
        assert proc.returncode == 130 and report["cancelled"] is True, err.decode()
        assert b"run again to continue" in err
