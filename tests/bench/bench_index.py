"""Cold-index benchmark against the FTS5 floor, in one run. Prints, never asserts.

    uv run --extra test python tests/bench/bench_index.py                 # 2,000 documents
    uv run --extra test python tests/bench/bench_index.py --docs 500 --workers 1 2

On a corpus of generated vi/km/pt documents (tests/bench/gen_corpus.py) it prints:
- the FTS5 floor: every file read and decoded, and the same passages the index makes ingested
  into a bare FTS5 table (`unicode61`, one transaction, one process) — what any SQLite indexer
  pays at least;
- `corpus-reader index --no-entities` and the full cold index (`--no-analysis`: both phases,
  every document's options; subprocesses with their worker processes, default worker count)
  as multiples of that floor (targets <= 4x and <= 8x), then the index's last step (the
  shared entities and topics it stores) on its own;
- the warm index of the unchanged corpus as a fraction of cold (target <= 0.1x);
- peak memory of the index process tree (target < 1 GB);
- the store's size against the text it indexes (UTF-8 bytes of the reading texts; target <= 3x);
- the least Python work phase 1 cannot leave out (`python_floor`: loading every file and one
  ICU word pass over its passages, in one process), spread over the cores, as a multiple of
  the floor: what `index --no-entities` cannot go below in Python;
- `index --no-entities` and the full cold index with 1, 2, ... worker processes
  (`--phase1-only`: the floor and phase 1 only).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import icu

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import gen_corpus  # noqa: E402
from bench_scale import compile_modules, machine  # noqa: E402
from bench_scale import run_index as run_index_wall  # noqa: E402

from reader.corpus.loading import find_files, load_document  # noqa: E402


def passage_texts(root: Path) -> tuple[list[list[str]], int]:
    """The passages of every document as the loader makes them, and the reading texts' bytes."""
    docs, size = [], 0
    for path in find_files(root):
        doc = load_document(path, root)
        size += len(doc.text.encode("utf-8"))
        docs.append([doc.text[p.start : p.end] for p in doc.passages])
    return docs, size


def fts5_floor(root: Path, docs: list[list[str]], db: Path) -> tuple[float, float]:
    """Wall and CPU seconds to read and decode every file and put its passages into a bare
    FTS5 table."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    cpu = time.process_time()
    for path in find_files(root):
        path.read_bytes().decode("utf-8")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(words, tokenize = 'unicode61')")
    with conn:
        conn.executemany(
            "INSERT INTO t (words) VALUES (?)", ((p,) for passages in docs for p in passages)
        )
    conn.close()
    return time.perf_counter() - started, time.process_time() - cpu


def python_floor(root: Path, docs: list[list[str]]) -> tuple[float, float]:
    """CPU seconds, in one process, of the least Python work phase 1 cannot leave out: every
    file loaded as the index loads it (read, decoded, its format read, passages, language),
    then one ICU word-break pass over every passage with each word case-folded (the search
    words). Nothing is stored, no sentences, no worker processes."""
    cpu = time.process_time()
    for path in find_files(root):
        load_document(path, root)
    loading = time.process_time() - cpu
    breaker = icu.BreakIterator.createWordInstance(icu.Locale.getRoot())
    cpu = time.process_time()
    for passages in docs:
        for text in passages:
            breaker.setText(text)
            start, spans = 0, []
            for end in breaker:
                if breaker.getRuleStatus() >= 100:  # a word, not spaces or punctuation
                    spans.append((start, end))
                start = end
            [text[a:b].casefold() for a, b in spans]
    return loading, time.process_time() - cpu


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_index(root: Path, db: Path, *extra: str) -> tuple[float, float, float]:
    """Wall seconds, peak tree memory (MB) and CPU seconds (the process and its workers) of one
    `corpus-reader index` subprocess. CPU time is steadier than wall time on a shared machine."""
    before = children_cpu()
    wall, peak = run_index_wall(root, db, *extra)
    return wall, peak, children_cpu() - before


def fresh(db: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def store_bytes(db: Path) -> int:
    """Size of the store after a checkpoint (the WAL folded in)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--keep", type=Path, help="work folder to keep (the corpus is reused)")
    parser.add_argument(
        "--phase1-only", action="store_true", help="only the floor and `index --no-entities`"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}", flush=True)
    compile_modules()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-index-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        root = workdir / f"corpus{args.docs}"
        if not root.is_dir():
            gen_corpus.generate(root, args.docs)
        docs, text_bytes = passage_texts(root)
        files = sum(p.stat().st_size for p in find_files(root))
        n_passages = sum(len(d) for d in docs)
        print(
            f"corpus: {args.docs} files, {files / 1e6:.1f} MB of files, "
            f"{text_bytes / 1e6:.1f} MB of reading text, {n_passages} passages"
        )
        fts5_floor(root, docs, workdir / "floor.sqlite3")  # once to warm the page cache
        floor, floor_cpu = min(fts5_floor(root, docs, workdir / "floor.sqlite3") for _ in range(2))
        print(
            "FTS5 floor (read + bare unicode61 FTS5 of the same passages): "
            f"{floor:.2f} s wall, {floor_cpu:.2f} s CPU"
        )

        loading, words = python_floor(root, docs)
        cores = os.cpu_count() or 1
        least = (loading + words) / cores + floor
        print(
            f"least Python work (one process): loading {loading:.2f} s + ICU word pass "
            f"{words:.2f} s CPU; spread over {cores} cores, plus the floor's FTS5 writes: "
            f"{least:.2f} s = {least / floor:.1f}x floor"
        )

        def line(what: str, wall: float, mem: float, cpu: float, target: str = "") -> None:
            print(
                f"{what}: {wall:.2f} s = {wall / floor:.1f}x floor{target}; "
                f"CPU {cpu:.1f} s = {cpu / floor_cpu:.1f}x the floor's CPU; peak {mem:.0f} MB",
                flush=True,
            )

        lean_s, lean_mem, lean_cpu = run_index(
            root, fresh(workdir / "lean.sqlite3"), "--no-entities"
        )
        line("index --no-entities", lean_s, lean_mem, lean_cpu, " (target <= 4x)")
        for n in args.workers:
            s, mem, cpu = run_index(
                root, fresh(workdir / f"lean{n}.sqlite3"), "--no-entities", "--workers", str(n)
            )
            line(f"index --no-entities, {n} worker(s)", s, mem, cpu)
        if args.phase1_only:
            print(f"load average at the end {os.getloadavg()[0]:.1f}")
            return
        db = fresh(workdir / "full.sqlite3")
        cold_s, cold_mem, cold_cpu = run_index(root, db, "--no-analysis")
        line(
            "full cold index (--no-analysis)",
            cold_s,
            cold_mem,
            cold_cpu,
            " (target <= 8x; memory < 1024 MB)",
        )
        size = store_bytes(db)
        step_s, step_mem, step_cpu = run_index(root, db)
        line("then index's last step (shared entities and topics)", step_s, step_mem, step_cpu)
        warm_s, _, _ = run_index(root, db)
        print(f"warm index: {warm_s:.2f} s = {warm_s / cold_s:.3f}x cold (target <= 0.1x)")
        analysed = store_bytes(db)
        lean_size = store_bytes(workdir / "lean.sqlite3")
        print(
            f"store: {size / 1e6:.1f} MB = {size / text_bytes:.1f}x the reading text "
            f"(target <= 3x); without entities {lean_size / 1e6:.1f} MB = "
            f"{lean_size / text_bytes:.1f}x; with the stored analysis {analysed / 1e6:.1f} MB "
            f"= {analysed / text_bytes:.1f}x",
            flush=True,
        )
        for n in args.workers:
            fresh_db = fresh(workdir / f"w{n}.sqlite3")
            s, mem, cpu = run_index(root, fresh_db, "--workers", str(n), "--no-analysis")
            line(f"full cold index (--no-analysis), {n} worker(s)", s, mem, cpu)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
