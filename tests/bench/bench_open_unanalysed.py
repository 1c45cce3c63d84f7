"""Opening a large corpus that has no stored analysis: how soon its documents can be read, how
soon topics and highlights land, and whether the window answers keys meanwhile.

    uv run python tests/bench/gen_corpus.py --docs 3000 /tmp/g3k
    DISPLAY=:104 uv run python tests/bench/bench_open_unanalysed.py /tmp/g3k [--shots DIR]

(QT_QPA_PLATFORM=offscreen works too.) A fresh store in a temporary folder, so nothing is
stored. Prints: seconds until the documents are shown, until the analysis lands, the longest
event-loop stall (a 10 ms timer) while the analysis runs, and the latency of `j` (next passage)
presses made meanwhile; `--shots` saves a screenshot of each stage.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--shots", type=Path, help="folder for screenshots")
    parser.add_argument(
        "--second",
        action="store_true",
        help="open it with the seeds already shown (the whole load then runs in a child process)",
    )
    args = parser.parse_args()

    from bench_gui import Watchdog, pump
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from reader.load_jobs import is_provisional
    from reader.store.annotations import Store
    from reader.ui.app import make_app
    from reader.ui.window import MainWindow

    app = make_app()
    tmp = Path(tempfile.mkdtemp(prefix="open-unanalysed-"))
    store = Store(tmp / "store.db")
    w = MainWindow(store=store, state_path=tmp / "state.json", keymap_path=tmp / "keymap.toml")
    w.resize(1400, 900)
    w.show()
    pump(0.5)
    if args.second:
        from reader.corpus.loading import load_corpus
        from reader.corpus.pipeline import analyse
        from reader.paths import seeds_dir

        w.set_analysis(analyse(load_corpus(seeds_dir())))
        pump(0.5)
    root = args.corpus.resolve()

    def shot(name: str) -> None:
        if args.shots:
            args.shots.mkdir(parents=True, exist_ok=True)
            w.grab().save(str(args.shots / f"{name}.png"))

    dog = Watchdog()
    stalls: list[tuple[float, float]] = []  # (seconds since the load began, stall in ms)
    tick = dog._tick

    def logged_tick() -> None:
        before = dog.worst
        dog.worst = 0.0
        tick()
        if dog.worst > 100:
            stalls.append((time.perf_counter() - start, dog.worst))
        dog.worst = max(before, dog.worst)

    dog.timer.timeout.disconnect()
    dog.timer.timeout.connect(logged_tick)
    start = time.perf_counter()
    w.load_corpus(root)
    while (w.analysis is None or w.analysis.corpus.root != root) and w.loader is not None:
        pump(0.01)
    shown = time.perf_counter() - start
    provisional = is_provisional(w.analysis)
    print(
        f"documents shown after {shown:.1f} s ({len(w.analysis.corpus.documents)} documents,"
        f" provisional: {provisional})"
    )
    print(f"status: {w.message_label.text_shown()!r}; progress: {w.status.progress.format()!r}")
    shot("1-provisional")
    dog.reset()
    presses: list[float] = []
    w.focus_columns()
    while is_provisional(w.analysis) and w.loader is not None:
        t = time.perf_counter()
        QTest.keyClick(w.focusWidget() or w, Qt.Key.Key_J)
        presses.append((time.perf_counter() - t) * 1000)
        pump(0.25)
    landed = time.perf_counter() - start
    stall = dog.worst
    place = (w.area.column.doc.title, w.area.view.current) if w.area.columns else None
    pump(0.5)
    shot("2-analysed")
    print(
        f"analysis landed after {landed:.1f} s; entities {len(w.analysis.entities)}, "
        f"topics {len(w.analysis.topics)}; reading {place}"
    )
    if presses:
        print(
            f"while analysing: {len(presses)} `j` presses, median {statistics.median(presses):.0f}"
            f" ms, max {max(presses):.0f} ms; longest event-loop stall {stall:.0f} ms"
        )
    late = [f"{t:.1f}s:{ms:.0f}ms" for t, ms in stalls if t > shown]
    print(f"stalls over 100 ms after the documents were shown: {', '.join(late) or 'none'}")
    w.loading.stop(5000)
    w.close()
    store.close()
    app.quit()


if __name__ == "__main__":
    main()
