"""Columns and docks: hide, show, order, widths, sync, and putting the layout right."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.commands import CommandError, command

if TYPE_CHECKING:
    from reader.ui.window import MainWindow

WIDTH_STEP = 80


@command()
def column_hide(w: MainWindow) -> None:
    """Hide the current column (X shows all)"""
    column = w.area.column
    w.area.hide_column(column)
    w.show_message(f"Hid {column.doc.title[:40]} — X shows all columns")


@command()
def columns_show_all(w: MainWindow) -> None:
    """Show all hidden columns"""
    w.area.show_all()


@command()
def column_move_left(w: MainWindow) -> None:
    """Move the current column one place left"""
    _move(w, -1)


@command()
def column_move_right(w: MainWindow) -> None:
    """Move the current column one place right"""
    _move(w, 1)


def _move(w: MainWindow, step: int) -> None:
    """Move the current column, or say why it cannot go further (a key that does nothing
    silently looks broken)."""
    columns = w.area.columns
    if not columns:
        raise CommandError("No columns: open a topic first")
    n = columns.index(w.area.column)
    if not 0 <= n + step < len(columns):
        raise CommandError(f"Already the {'first' if step < 0 else 'last'} column")
    w.area.move_column(w.area.column, step)


@command()
def column_wider(w: MainWindow, count: int = 1) -> None:
    """Make the current column wider"""
    w.area.resize_column(WIDTH_STEP * max(1, count))


@command()
def column_narrower(w: MainWindow, count: int = 1) -> None:
    """Make the current column narrower"""
    w.area.resize_column(-WIDTH_STEP * max(1, count))


@command()
def toggle_sync(w: MainWindow) -> None:
    """Scroll columns in step along the alignment (on/off)"""
    w.area.sync = not w.area.sync
    w.state.sync = w.area.sync
    w.area.after_move()
    w.show_message("Columns follow the alignment" if w.area.sync else "Columns scroll freely")


@command()
def layout_reset(w: MainWindow) -> None:
    """Put the window right: within the screen, panels at their usual size, equal columns"""
    w.reset_layout()
    w.show_message("Layout reset")


@command()
def fullscreen(w: MainWindow) -> None:
    """Full screen on or off"""
    from reader.ui.layout_guard import NO_LIMIT

    if w.isFullScreen():
        w.showNormal()
        w.fit_to_screen()
        w.show_message("Full screen off")
        return
    w.setMaximumSize(NO_LIMIT, NO_LIMIT)  # it was capped at the area beside the panels
    w.showFullScreen()
    w.show_message("Full screen: F11 leaves it")
