"""Mismatches in the window on a topic of 24 documents: the GUI thread and the event loop while
the comparison runs in the worker process, and how long until the outlines are on screen.

    QT_QPA_PLATFORM=offscreen uv run python tests/bench/bench_mismatches.py [--docs N]

Generates (unless --corpus) the stories corpus of bench_gui.py (six languages, topics of 6 and
24 versions) and prints, for `M` (outlines on) in the 24-document topic, the panel
(Ctrl+Shift+M), `gm`, a dismissal and its undo, and switching topics with and without them:
the ms the command holds the GUI thread and the longest stall of a 10 ms timer while it and
its background work run (target: no stall over 100 ms); and the seconds from `M` to the
comparison arriving. Also: comparing every pair of the topic (what `compare --topic` does)
against the tree edges the app compares.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from bench_gui import Watchdog, corpus_root, idle, pump  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="an existing corpus (else one is generated)")
    parser.add_argument("--docs", type=int, default=120)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from reader.compare_jobs import compare_linked
    from reader.corpus.compare_topic import compare_topic
    from reader.corpus.loading import load_corpus
    from reader.corpus.pipeline import analyse
    from reader.store.annotations import Store
    from reader.ui.app import make_app
    from reader.ui.window import MainWindow

    make_app()
    tmp = Path(tempfile.mkdtemp(prefix="bench-mismatch-"))
    root = corpus_root(args.corpus, tmp, args.docs)
    analysis = analyse(load_corpus(root))
    big = max(range(len(analysis.topics)), key=lambda i: len(analysis.topics[i].documents))
    ids = analysis.topics[big].documents
    print(f"topic of {len(ids)} documents")

    docs = [analysis.corpus.by_id(i) for i in ids]
    alignment = analysis.alignment(ids)
    sub = analysis.sub_index(ids)
    started = time.perf_counter()
    tree = compare_linked(docs, sub, alignment)
    tree_s = time.perf_counter() - started
    started = time.perf_counter()
    every = compare_topic(docs, sub, alignment)
    every_s = time.perf_counter() - started
    print(
        f"compare the {len(tree.pairs)} tree pairs: {tree_s:.2f} s; "
        f"all {len(every.pairs)} pairs (compare --topic): {every_s:.2f} s (one process)"
    )

    store = Store(tmp / "store.db")
    w = MainWindow(store=store, state_path=tmp / "state.json", restore=False)
    w.resize(1400, 900)
    w.show()
    w.set_analysis(analysis)
    idle(w)
    w.open_topic(big)
    idle(w)
    pump(0.5)
    dog = Watchdog()
    view = w.mismatches

    def run(label: str, line: str, until=None) -> None:
        idle(w)
        while w.jobs.busy("compare"):
            pump(0.05)
        dog.reset()
        started = time.perf_counter()
        w.registry.run(line)
        QApplication.processEvents()
        ms = (time.perf_counter() - started) * 1000
        end = time.perf_counter() + 60
        while until is not None and not until() and time.perf_counter() < end:
            QApplication.processEvents()
            time.sleep(0.002)
        arrived = time.perf_counter() - started
        pump(0.3)
        extra = f", ready after {arrived:.2f} s" if until is not None else ""
        print(f"{label:<28} GUI {ms:6.1f} ms   worst stall {dog.worst:6.1f} ms{extra}")

    run("] without mismatches", "topic-next")
    run("[ without mismatches", "topic-prev")
    run("Ctrl+t without mismatches", "theme-toggle")  # each way: the first differs a lot
    run("Ctrl+t again", "theme-toggle")
    run("M (outlines on)", "mismatch-marks", lambda: view.result is not None)
    print(f"  {len(view.visible())} mismatches shown")
    run("Ctrl+Shift+M (panel)", "focus-mismatches")
    run("gm", "mismatch-next")
    run("gm", "mismatch-next")
    key = view.current
    if key:
        run("dismiss", "mismatch-dismiss")
        run("u (undo the dismissal)", "undo")
    run("Ctrl+t with outlines and panel", "theme-toggle")
    run("Ctrl+t again", "theme-toggle")
    run("] with outlines and panel", "topic-next")
    run("[ (24 documents again)", "topic-prev", lambda: view.result is not None)
    w.close()
    store.close()


if __name__ == "__main__":
    main()
