"""What the window remembers between runs (layout, positions, size), and putting it back
within the screen."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.ui.window import MainWindow


def save_window_state(w: MainWindow) -> None:
    """Write the reading state and the window's geometry (errors go to the status bar)."""
    from reader.ui.state import save_state

    w._remember_positions()
    key = w.session.topic_key()
    if w.area.columns and key and not w.session.single_doc:
        w.state.order[key] = w.area.ids()
        w.state.hidden[key] = sorted(w.area.hidden)
        w.state.sizes[key] = w.area.splitter.sizes()
    w.state.zoom = w.zoom
    w.state.sync = w.area.sync
    w.state.search_scope = w.session.search_scope
    w.state.geometry = base64.b64encode(bytes(w.saveGeometry().data())).decode("ascii")
    w.state.window_state = base64.b64encode(bytes(w.saveState().data())).decode("ascii")
    try:
        save_state(w.state, w.state_path)
    except OSError as exc:
        w.show_error(f"Could not save the window state: {exc}")


def restore_window_state(w: MainWindow) -> None:
    """Put back the saved size and docks, corrected to fit the current screen."""
    from PySide6.QtCore import QByteArray, QTimer

    try:
        if w.state.geometry:
            w.restoreGeometry(QByteArray(base64.b64decode(w.state.geometry)))
        if w.state.window_state:
            w.restoreState(QByteArray(base64.b64decode(w.state.window_state)))
    except ValueError:
        pass
    w.area.sync = w.state.sync
    w.note_dock.hide()
    w.fit_to_screen()
    w.keep_docks_in_bounds()
    # Qt lays the restored docks out later (a side dock could then take nearly the whole
    # width, the columns left with a sliver): bound them again once that is done
    QTimer.singleShot(0, w.keep_docks_in_bounds)
