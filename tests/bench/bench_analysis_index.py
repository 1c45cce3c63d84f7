"""`topics` and `entities` from the index against the FTS5 floor, in one run. Prints, never asserts.

    uv run --extra test python tests/bench/bench_analysis_index.py               # 5,000 documents
    uv run --extra test python tests/bench/bench_analysis_index.py --docs 1000 --six
    uv run --extra test python tests/bench/bench_analysis_index.py --corpus /work/corpus-100k \\
        --db /tmp/idx100k.sqlite3 --no-memory            # an existing folder (indexed into --db)

On a generated corpus (tests/bench/gen_corpus.py: vi/km/pt news, or with `--six` six-script
stories, `--topic-sizes 6,12`) it prints:
- the FTS5 floor of the corpus (as bench_index.py: files read and decoded, the same passages
  put into a bare unicode61 FTS5 table);
- the cold full index (`corpus-reader index`: phase 1, phase 2 facts, every document's options,
  the shared entities and topics it stores);
- `topics --json` and `entities --json` after it (reading what `index` stored);
- `topics --json` and `entities --json` from the index (subprocesses; the stored analysis of
  an earlier command is deleted first, so each computes entities and topics from the index):
  wall seconds, multiple of the floor (target <= 2x), peak memory (target < 400 MB);
- one file changed (a sentence added), then `topics` again (it refreshes that file and
  updates the previous analysis: only documents whose options or keys' standing changed
  choose again, only pairs near the change are compared again; target <= 2x the floor);
- unless `--no-memory`: `topics` from the files in memory (the path without the index), and
  whether its JSON equals the JSON from the index.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import gen_corpus  # noqa: E402
from bench_index import fts5_floor, passage_texts  # noqa: E402
from bench_scale import PeakMemory, compile_modules, installed_env, machine  # noqa: E402

from reader.corpus.loading import find_files  # noqa: E402


def command(argv: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Wall seconds, peak tree memory (MB) and stdout of one `corpus-reader` subprocess."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reader", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=installed_env(**env),
    )
    memory = PeakMemory(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    peak = memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, peak, out


def forget_analysis(db: Path) -> None:
    """Drop stored analyses (headers, rows, resolution states and their lineage), so the next
    command finds entities and topics again from the index alone."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM doc_cache WHERE kind = 'analysis' OR kind LIKE 'analysis.%'")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--six", action="store_true", help="six-script stories (6,12 versions)")
    parser.add_argument("--corpus", type=Path, help="an existing folder instead of generating")
    parser.add_argument("--db", type=Path, help="store to use (kept); default: a fresh one")
    parser.add_argument("--keep", type=Path, help="work folder to keep (the corpus is reused)")
    parser.add_argument("--no-memory", action="store_true", help="skip the in-memory `topics`")
    parser.add_argument("--no-floor", action="store_true", help="skip the FTS5 floor")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}", flush=True)
    compile_modules()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="bench-analysis-index-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.corpus:
        root = args.corpus
    else:
        root = workdir / f"{'six' if args.six else 'corpus'}{args.docs}"
        if not root.is_dir():
            if args.six:
                sys.path.insert(0, str(HERE))
                import gen_stories

                gen_stories.generate_stories(root, args.docs, [6, 12], 7)
            else:
                gen_corpus.generate(root, args.docs)
    files = list(find_files(root))
    print(
        f"corpus: {root}, {len(files)} files, {sum(p.stat().st_size for p in files) / 1e6:.1f} MB"
    )
    floor = 0.0
    if not args.no_floor:
        docs, _ = passage_texts(root)
        fts5_floor(root, docs, workdir / "floor.sqlite3")
        floor = min(fts5_floor(root, docs, workdir / "floor.sqlite3")[0] for _ in range(2))
        del docs
        print(f"FTS5 floor: {floor:.2f} s", flush=True)

    def ratio(seconds: float) -> str:
        return f" = {seconds / floor:.1f}x the floor" if floor else ""

    db = args.db or workdir / "store.sqlite3"
    env = {"CORPUS_READER_DB": str(workdir / "no-default-store.sqlite3")}
    wall, peak, _ = command(["index", str(root), "--db", str(db), "--quiet"], env)
    print(f"index (both phases, options, analysis): {wall:.1f} s, peak {peak:.0f} MB", flush=True)
    for name in ("topics", "entities"):
        wall, peak, _ = command([name, str(root), "--json", "--db", str(db)], env)
        print(
            f"{name} after index (what it stored): {wall:.1f} s{ratio(wall)}, peak {peak:.0f} MB",
            flush=True,
        )
    found = {}
    for name in ("topics", "entities"):
        forget_analysis(db)
        wall, peak, out = command([name, str(root), "--json", "--db", str(db)], env)
        found[name] = out
        print(f"{name} from the index: {wall:.1f} s{ratio(wall)}, peak {peak:.0f} MB", flush=True)
    # one file changes: a sentence naming people of other documents
    first = files[len(files) // 2]
    text = first.read_text(encoding="utf-8")
    first.write_text(text + "\n\nNexora Quantum và Lisbon.\n", encoding="utf-8")
    try:
        wall, peak, _ = command(["topics", str(root), "--json", "--db", str(db)], env)
        print(
            f"topics after one file changed: {wall:.1f} s{ratio(wall)}, peak {peak:.0f} MB",
            flush=True,
        )
    finally:
        first.write_text(text, encoding="utf-8")
    if not args.no_memory:
        wall, peak, out = command(["topics", str(root), "--json"], env)
        print(f"topics in memory (no store): {wall:.1f} s{ratio(wall)}, peak {peak:.0f} MB")
        forget_analysis(db)
        _, _, again = command(["topics", str(root), "--json", "--db", str(db)], env)
        same = json.loads(out) == json.loads(again)
        print(f"topics JSON from the index equals the in-memory JSON: {same}")


if __name__ == "__main__":
    main()
