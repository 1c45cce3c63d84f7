"""The persistent, incremental corpus index: refresh, load, search, interruption, CLI."""

from __future__ import annotations

import importlib.util
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
    open_indexed_corpus,
    refresh_index,
    search_index,
    stored_sentences,
)

BENCH = Path(__file__).parent / "bench"


def _gen_module():
    spec = importlib.util.spec_from_file_location("gen_corpus", BENCH / "gen_corpus.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


FILES = {
    "vi/cang.txt": "Cảng Đà Nẵng\n\nTrung Quốc và Việt Nam ký thỏa thuận về cảng Đà Nẵng.\n",
    "km/tonle.txt": "ទន្លេមេគង្គ\n\nទឹកទន្លេមេគង្គឡើងខ្ពស់នៅភ្នំពេញកាលពីម្សិលមិញ។\n",
    "pt/porto.md": "# O porto\n\nA China e o Vietname assinaram um acordo sobre o porto.\n",
}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root, FILES)
    return root


@pytest.fixture
def conn(tmp_path: Path):
    c = connect(tmp_path / "store.sqlite3")
    yield c
    c.close()


def paths_found(conn, root, query, **kw) -> list[str]:
    return sorted({h.path for h in search_index(conn, root, query, **kw).hits})


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def assert_consistent(db: Path) -> None:
    """Every indexed file has its reading text and passages; FTS matches the passage table."""
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        c.execute("INSERT INTO index_fts(index_fts) VALUES('integrity-check')")
    except sqlite3.OperationalError as exc:  # read-only: the FTS check needs a write handle
        assert "readonly" in str(exc)
    finally:
        c.close()
    c = sqlite3.connect(db)
    try:
        c.execute("INSERT INTO index_fts(index_fts) VALUES('integrity-check')")
        missing = c.execute(
            "SELECT f.path FROM index_files f WHERE f.error IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM doc_cache d WHERE d.sha256 = f.sha256 "
            "AND d.kind = 'index.document.' || f.format)"
        ).fetchall()
        assert missing == []
        fts = c.execute("SELECT count(*) FROM index_fts").fetchone()[0]
        passages = c.execute("SELECT count(*) FROM index_passages").fetchone()[0]
        assert fts == passages
    finally:
        c.close()


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


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    _gen_module().generate(root, 120, seed=3)
    return root


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
