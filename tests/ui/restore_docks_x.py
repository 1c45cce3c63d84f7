"""Run under X (by test_restore_docks_xvfb.py): a window with the mismatches panel open saves
its layout, and a second one opens from it the way the app does (a light frame shown first,
then the rest). Prints the widths; exit 1 when a side dock took the columns' room."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    from reader.ui.app import make_app
    from reader.ui.window import DOCK_MAX_SHARE, MainWindow
    from tests.ui.helpers import seeds_analysis, sora_topic

    app = make_app()
    state = Path(tempfile.mkdtemp()) / "state.json"

    def settle() -> None:
        for _ in range(50):
            app.processEvents()

    first = MainWindow(state_path=state, restore=False)
    first.resize(1400, 900)
    first.show()
    analysis = seeds_analysis()
    first.set_analysis(analysis)
    first.open_topic(sora_topic(analysis))
    first.mismatches.dock.show()
    settle()
    first.save_state()
    first.close()
    settle()

    w = MainWindow(state_path=state, restore=True, defer=True)
    w.show()
    settle()
    w.finish_build()
    settle()
    topics, width, columns = w.topics_dock.width(), w.width(), w.centralWidget().width()
    print(f"topics dock {topics} px, window {width} px, columns {columns} px")
    return 0 if topics <= width * DOCK_MAX_SHARE and columns >= width / 2 else 1


if __name__ == "__main__":
    sys.exit(main())
