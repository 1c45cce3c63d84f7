"""Export and import of a big store through the command line: time and peak memory.

    uv run --extra test python tests/bench/bench_exchange.py [--notes 200000]

Fills a fresh store with --notes annotations (notes of a few hundred characters in several
scripts, two tags, spread over 500 documents), then runs `corpus-reader export` to a file and
`corpus-reader import` of that file into an empty store, each in its own process, and prints
the wall time, the file size, each process's peak resident memory (ru_maxrss) and how long the
import held the store's write lock (the final merge of the staged annotations).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from reader.store.annotations import Annotation, Store, now_iso

_POOL = "river ferry bridge council budget thủ tướng Hà Nội ព្រះរាជាណាចក្រ កម្ពុជា governo Lisboa"
WORDS = [*_POOL.split(" "), "ponte", "1.677", "million", "dollars", "Phnom", "Penh", "boats"]
CHILD = """
import resource, sys, time
from reader.cli import main
from reader.store import staged_import
commit = staged_import.StagedImport.commit
def timed(self):  # how long the store's write lock is held by an import
    started = time.perf_counter()
    try:
        return commit(self)
    finally:
        sys.stderr.write(f"lock_s {time.perf_counter() - started:.1f}\\n")
staged_import.StagedImport.commit = timed
rc = main(sys.argv[1:])
sys.stderr.write(f"maxrss_kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n")
sys.exit(rc)
"""


def fill(store: Store, n: int, rng: random.Random) -> None:
    stamp = now_iso()

    def notes():
        for i in range(n):
            quote = " ".join(rng.choices(WORDS, k=6))
            note = " ".join(rng.choices(WORDS, k=rng.randint(20, 80)))
            start = rng.randint(0, 100_000)
            yield Annotation(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                document=f"docs/{i % 500:03d}.txt",
                sha256=f"{i % 500:064x}",
                start=start,
                end=start + len(quote),
                quote=quote,
                prefix=" ".join(rng.choices(WORDS, k=3))[-32:],
                suffix=" ".join(rng.choices(WORDS, k=3))[:32],
                note=note,
                tags=("bench", f"t{i % 37}"),
                color="yellow" if i % 3 else "",
                created=stamp,
                modified=stamp,
            )

    store.merge(notes())


def cli(*argv: str) -> tuple[float, int, str]:
    """Seconds, peak memory in MB and the write-lock seconds of one command in its process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, env=os.environ
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed: {done.stderr.strip()}")
    lines = done.stderr.splitlines()
    rss = [line for line in lines if line.startswith("maxrss_kb")][-1]
    lock = [line.split()[1] for line in lines if line.startswith("lock_s")]
    return seconds, int(rss.split()[1]) // 1024, (lock or ["-"])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, other, out = Path(tmp, "a.sqlite3"), Path(tmp, "b.sqlite3"), Path(tmp, "x.json")
        started = time.perf_counter()
        with Store(db) as store:
            fill(store, args.notes, random.Random(15))
        print(f"fill {args.notes} notes: {time.perf_counter() - started:.1f} s")
        seconds, mb, _ = cli("export", "--db", str(db), "-o", str(out))
        size = out.stat().st_size / 1e6
        print(f"export: {seconds:.1f} s, {size:.0f} MB file, peak memory {mb} MB")
        seconds, mb, lock = cli("import", str(out), "--db", str(other))
        print(f"import: {seconds:.1f} s, peak memory {mb} MB, store write-locked {lock} s")
        with Store(other) as store:
            count = store.conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
        print(f"imported back: {count} of {args.notes}")


if __name__ == "__main__":
    main()
