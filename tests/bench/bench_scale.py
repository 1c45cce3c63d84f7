"""Scale benchmark: index, search and start-up figures on synthetic corpora. Prints, never asserts.

    uv run --extra test python tests/bench/bench_scale.py              # N = 1,000 and 10,000
    uv run --extra test python tests/bench/bench_scale.py --sizes 1000 # smaller run

For each N it generates a vi/km/pt corpus (tests/bench/gen_corpus.py) and measures:
- one bare ICU word-break pass over the files (read, decode, iterate the break iterator;
  one process) — the yardstick;
- cold `corpus-reader index` (a fresh store; a subprocess with its worker processes): time, MB/s
  and the ratio to the bare pass (target <= 3x); also without entity candidates, to show what
  the entity stage costs;
- warm `index` of the unchanged corpus (target <= 0.25x cold);
- peak memory of the index process tree (sum of RSS, sampled; target < 1 GB at 10,000);
- search latency p50/p95 over 100 queries in three scripts (target p95 < 50 ms at 10,000);
  `--search-only CORPUS STORE` measures only this, twice, on a corpus indexed before (e.g.
  100,000 documents: `gen_corpus.py DIR --docs 100000`, then `corpus-reader index DIR --db STORE`).
Then, once, launch to first painted window of the app on the seeds against a bare PySide6 window
with a label (both subprocesses, QT_QPA_PLATFORM=offscreen; target <= 1.5x), and launch to the
seeds' analysis shown in the window.

Subprocesses run as an installed app does: the app's modules are compiled once first and Python
may cache bytecode (PYTHONDONTWRITEBYTECODE is left out of their environment).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import icu

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import gen_corpus  # noqa: E402

from reader.corpus.loading import find_files  # noqa: E402
from reader.paths import seeds_dir  # noqa: E402
from reader.store.db import connect  # noqa: E402
from reader.store.index import search_index  # noqa: E402


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1e6:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, ICU {icu.ICU_VERSION}"
    )


# --- process tree memory (Linux /proc; elsewhere the figure is left out) --------------------


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(pid: int) -> float:
    kids = _children_map()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_kb(p)
        todo.extend(kids.get(p, []))
    return total / 1024


class PeakMemory:
    """Samples the RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if not Path("/proc").is_dir():
            return
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


# --- measurements --------------------------------------------------------------------------


def bare_icu_pass(root: Path) -> tuple[float, int, int]:
    """Seconds, bytes and words of one word-break pass over every file (one process)."""
    bi = icu.BreakIterator.createWordInstance(icu.Locale("und"))
    started = time.perf_counter()
    size = words = 0
    for path in find_files(root):
        data = path.read_bytes()
        size += len(data)
        bi.setText(data.decode("utf-8"))
        for _ in bi:
            if bi.getRuleStatus() >= 100:
                words += 1
    return time.perf_counter() - started, size, words


def installed_env(**extra: str) -> dict[str, str]:
    """The environment of an installed app: Python caches compiled modules as it does on a
    user's machine (some hosts set PYTHONDONTWRITEBYTECODE, which would recompile every module
    at every start)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def compile_modules() -> None:
    """Write the bytecode caches of the app's modules once, as an install does."""
    import compileall

    compileall.compile_dir(str(HERE.parent.parent / "reader"), quiet=1)


def run_index(root: Path, db: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds and peak tree memory (MB) of one `corpus-reader index` subprocess."""
    cmd = [sys.executable, "-m", "reader", "index", str(root), "--db", str(db), "--quiet"]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=installed_env()
    )
    memory = PeakMemory(proc.pid)
    _out, err = proc.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"index failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, peak


def queries(n: int = 100) -> list[str]:
    """n queries in three scripts: single words and names, some two-word phrases."""
    words = gen_corpus.query_words()
    out: list[str] = []
    langs = ["vi", "km", "pt"]
    i = 0
    while len(out) < n:
        lang = langs[i % 3]
        pool = words[lang]
        w = pool[(i // 3) % len(pool)]
        out.append(f'"{w} {pool[(i // 3 + 1) % len(pool)]}"' if i % 10 == 9 else w)
        i += 1
    return out


def search_latency(
    root: Path, db: Path, read_only: bool = False
) -> tuple[float, float, float, int, int, int]:
    """p50, p95 and max ms over `queries()`, hits per query (lower bounds where the total is
    one), and how many queries were ranked among a sample / had a lower-bound total."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True) if read_only else connect(db)
    try:
        qs = queries()
        search_index(conn, root, qs[0], limit=20)  # warm the page cache once
        times, hits, sampled, bounded = [], 0, 0, 0
        for q in qs:
            started = time.perf_counter()
            result = search_index(conn, root, q, limit=20)
            times.append((time.perf_counter() - started) * 1000)
            hits += result.total
            sampled += result.ranked is not None
            bounded += not result.total_exact
    finally:
        conn.close()
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    return statistics.median(times), p95, max(times), hits // len(times), sampled, bounded


def print_search_latency(root: Path, db: Path, read_only: bool = False) -> None:
    p50, p95, worst, avg_hits, sampled, bounded = search_latency(root, db, read_only)
    print(
        f"  search, {len(queries())} queries (vi/km/pt, limit 20): p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, max {worst:.1f} ms (target p95 < 50 ms); {avg_hits} hits per "
        f"query on average; {sampled} first pages ranked among a sample of the matching "
        f"passages, {bounded} totals given as a lower bound",
        flush=True,
    )


def startup(runs: int = 5) -> dict[str, float]:
    """Median seconds from launch to first paint (bare window, app) and to the corpus shown."""
    env = installed_env(QT_QPA_PLATFORM="offscreen")
    probe = str(HERE / "paint_probe.py")
    results: dict[str, list[float]] = {"bare": [], "app": [], "app_loaded": []}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "store.sqlite3")
        env["XDG_CONFIG_HOME"] = env["XDG_DATA_HOME"] = tmp  # no saved window state
        for n in range(runs + 1):
            for kind, args in (("bare", ["bare"]), ("app", ["app", str(seeds_dir()), db])):
                started = time.perf_counter()
                proc = subprocess.Popen(
                    [sys.executable, probe, *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=env,
                    text=True,
                )
                assert proc.stdout is not None
                for line in proc.stdout:
                    what = line.split()[0]
                    elapsed = time.perf_counter() - started
                    if n == 0:
                        continue  # first round warms the file cache
                    if what == "painted":
                        results[kind].append(elapsed)
                    elif what == "loaded":
                        results["app_loaded"].append(elapsed)
                proc.wait()
    return {k: statistics.median(v) for k, v in results.items() if v}


def bench_size(n: int, workdir: Path) -> None:
    root = workdir / f"corpus{n}"
    if not root.is_dir():
        started = time.perf_counter()
        gen_corpus.generate(root, n)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    bare_icu_pass(root)  # once to bring the files into the page cache, as the index finds them
    bare_s, size, words = bare_icu_pass(root)
    mb = size / 1e6
    print(f"  corpus: {n} files, {mb:.1f} MB, {words} words")
    print(f"  bare ICU word-break pass: {bare_s:.2f} s ({mb / bare_s:.1f} MB/s)", flush=True)

    db = workdir / f"store{n}.sqlite3"
    lean_db = workdir / f"lean{n}.sqlite3"
    for old in (db, lean_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{old}{suffix}").unlink(missing_ok=True)
    cold_s, cold_mem = run_index(root, db)
    print(
        f"  cold index: {cold_s:.2f} s ({mb / cold_s:.2f} MB/s) = {cold_s / bare_s:.1f}x bare "
        f"(target <= 3x); peak memory {cold_mem:.0f} MB (target < 1024 MB)",
        flush=True,
    )
    warm_s, _ = run_index(root, db)
    print(f"  warm index: {warm_s:.2f} s = {warm_s / cold_s:.3f}x cold (target <= 0.25x)")
    print_search_latency(root, db)
    lean_s, _ = run_index(root, lean_db, "--no-entities")
    print(
        f"  cold index without entity candidates: {lean_s:.2f} s ({mb / lean_s:.2f} MB/s) "
        f"= {lean_s / bare_s:.1f}x bare",
        flush=True,
    )
    print(f"  store file: {db.stat().st_size / 1e6:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, help="work folder to keep (corpora are reused)")
    parser.add_argument("--no-startup", action="store_true", help="skip the GUI start-up figures")
    parser.add_argument(
        "--search-only",
        nargs=2,
        type=Path,
        metavar=("CORPUS", "STORE"),
        help="only the search latency on an indexed corpus (the store is only read)",
    )
    args = parser.parse_args()
    if args.search_only:
        root, db = args.search_only
        print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}", flush=True)
        print(f"search in {root} ({db})")
        for _ in range(2):
            print_search_latency(root, db, read_only=True)
        return
    print(f"machine: {machine()}", flush=True)
    compile_modules()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for n in args.sizes:
            print(f"N = {n:,}", flush=True)
            bench_size(n, workdir)
        if not args.no_startup:
            s = startup()
            print("start-up on the seeds (median of 5, offscreen):")
            print(f"  bare PySide6 window with a label: first paint {s['bare']:.2f} s")
            print(
                f"  corpus-reader: first paint {s['app']:.2f} s = {s['app'] / s['bare']:.2f}x "
                f"bare (target <= 1.5x)"
            )
            if "app_loaded" in s:
                print(f"  corpus-reader: seeds analysed and shown {s['app_loaded']:.2f} s")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
