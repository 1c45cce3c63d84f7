"""The long soak: thousands of seeded random keys on a generated six-language corpus with big
topics, offscreen, checking after every key that the window is within the screen, the
cursor passage is on screen in the focused column and the mode and status tell the truth.
Run it before every submission:

    QT_QPA_PLATFORM=offscreen uv run python tests/bench/soak.py [--keys 3000] [--seeds 3]

Prints the keys pressed, topics visited, problems found (first ten) and the longest stall of
the event loop; exits 1 when there was any problem.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=3000, help="actions per seed")
    parser.add_argument("--seeds", type=int, default=3, help="how many seeds")
    args = parser.parse_args()

    from PySide6.QtCore import QElapsedTimer, QEvent, QTimer
    from PySide6.QtWidgets import QApplication

    from reader.store.annotations import Store
    from reader.ui.app import make_app
    from reader.ui.window import MainWindow
    from tests.ui.big_corpus import big_analysis, biggest_topic
    from tests.ui.soak import run_soak

    make_app()
    analysis = big_analysis()
    failures = 0
    for seed in range(args.seeds):
        tmp = Path(tempfile.mkdtemp(prefix="soak-"))
        store = Store(tmp / "notes.db")
        w = MainWindow(store=store, state_path=tmp / "state.json", keymap_path=tmp / "k.toml")
        w.resize(1400, 900)
        w.show()
        w.set_analysis(analysis)
        w.open_topic(biggest_topic(analysis))
        QApplication.processEvents()
        worst = [0.0]
        clock = QElapsedTimer()
        clock.start()

        def tick(clock=clock, worst=worst) -> None:
            worst[0] = max(worst[0], clock.restart() - 10)

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        timer.start()

        def settle(w=w) -> None:
            deadline = time.monotonic() + 20
            while (
                w.jobs.busy("align") or w.jobs.busy("reanalyse")
            ) and time.monotonic() < deadline:
                QApplication.processEvents()
                time.sleep(0.01)

        widgets_before = len(QApplication.allWidgets())
        started = time.perf_counter()
        report = run_soak(w, keys=args.keys, seed=1000 + seed, settle=settle)
        timer.stop()
        seconds = time.perf_counter() - started
        print(
            f"seed {seed}: {report.keys} actions in {seconds:.0f} s, "
            f"{len(report.topics_seen)} topics visited, {len(report.problems)} problems, "
            f"longest event-loop stall {worst[0]:.0f} ms (topic switches included); "
            f"widgets {widgets_before} at the start, {len(QApplication.allWidgets())} at the end"
        )
        slowest = sorted(report.timings, reverse=True)[:5]
        print("    slowest actions:", ", ".join(f"{a} {t * 1000:.0f} ms" for t, a in slowest))
        for problem in report.problems[:10]:
            print("   ", problem)
        failures += len(report.problems)
        w.close()
        w.deleteLater()  # else the next seed's theme toggles re-polish this window's widgets too
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        store.close()
    print("soak:", "passed" if not failures else f"{failures} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
