"""The app opening an indexed corpus: launch to first paint and to the first topic shown, from
the index (documents without their texts, the stored analysis). Prints, never asserts.

    uv run corpus-reader index DIR --db STORE           # once (both phases)
    uv run corpus-reader topics DIR --db STORE >/dev/null  # once: the analysis is stored
    uv run python tests/bench/bench_open_index.py DIR STORE [--runs 3]

Each run is a fresh app process (tests/bench/paint_probe.py, QT_QPA_PLATFORM=offscreen, a
fresh HOME) and prints seconds since the process started until the window is first painted
and until the corpus's analysis is on screen with its first topic open (target at 100,000
documents: < 2 s), and the peak memory of the app's process tree (sampled).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scale import PeakMemory, compile_modules, installed_env, machine  # noqa: E402


def one_run(corpus: Path, store: Path) -> dict[str, float]:
    env = installed_env(QT_QPA_PLATFORM="offscreen", HOME=tempfile.mkdtemp(prefix="open-"))
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "paint_probe.py"), "app", str(corpus), str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    memory = PeakMemory(proc.pid)
    out, _ = proc.communicate(timeout=600)
    peak = memory.stop()
    found = {"wall": time.perf_counter() - started, "peak_mb": peak}
    for line in out.decode().splitlines():
        what, _, seconds = line.partition(" ")
        if what in ("painted", "loaded", "timeout"):
            found[what] = float(seconds)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    compile_modules()
    files = sum(1 for _ in os.scandir(args.corpus)) if args.corpus.is_dir() else 0
    print(f"machine: {machine()}")
    print(
        f"corpus {args.corpus} ({files} entries at the top), store {args.store} "
        f"({args.store.stat().st_size / 2**20:,.0f} MB)"
    )
    for n in range(args.runs):
        r = one_run(args.corpus, args.store)
        shown = f"{r['loaded']:.2f} s" if "loaded" in r else "not within 60 s"
        print(
            f"run {n + 1}: painted {r.get('painted', float('nan')):.2f} s, topic shown {shown}, "
            f"process wall {r['wall']:.2f} s, peak {r['peak_mb']:,.0f} MB"
        )


if __name__ == "__main__":
    main()
