"""Look and the rest: zoom, theme, Escape, links, panels, opening a corpus, quitting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.ui.commands import CommandError, command
from reader.ui.commands.notes import close_editor
from reader.ui.commands.selection import leave_visual
from reader.ui.modes import Mode

if TYPE_CHECKING:
    from reader.ui.window import MainWindow

ZOOM_STEP = 1.0
ZOOM_LIMITS = (-6.0, 24.0)
ALL_MODES = ("normal", "visual", "insert", "command")


def set_zoom(w: MainWindow, zoom: float) -> None:
    zoom = max(ZOOM_LIMITS[0], min(ZOOM_LIMITS[1], zoom))
    if zoom == w.zoom:
        raise CommandError(f"Reading size is already {12 + zoom:g} pt (the limit)")
    w.apply_zoom(zoom)
    w.show_message(f"Reading size {12 + zoom:g} pt")


@command()
def zoom_in(w: MainWindow, steps: int = 1, count: int = 1) -> None:
    """Larger text (:zoom-in 2 goes two steps)"""
    set_zoom(w, w.zoom + ZOOM_STEP * max(1, steps) * max(1, count))


@command()
def zoom_out(w: MainWindow, steps: int = 1, count: int = 1) -> None:
    """Smaller text"""
    set_zoom(w, w.zoom - ZOOM_STEP * max(1, steps) * max(1, count))


@command()
def zoom_reset(w: MainWindow) -> None:
    """Normal text size"""
    if w.zoom != 0.0:
        set_zoom(w, 0.0)


@command()
def theme_toggle(w: MainWindow) -> None:
    """Switch between light and dark"""
    w.apply_theme_choice("light" if w.theme.dark else "dark")
    w.show_message(f"{w.theme.name.capitalize()} theme (:theme system follows the desktop)")


@command()
def theme(w: MainWindow, choice: str = "system") -> None:
    """Choose the theme: light, dark or system"""
    w.apply_theme_choice(choice)


@command(modes=ALL_MODES)
def escape(w: MainWindow) -> None:
    """Cancel: close the editor (asks first if the note changed), leave visual mode, close
    the concordance, clear hits and highlights"""
    mode = w.modes.mode
    if mode == Mode.INSERT:
        if w.note_editor.is_dirty() and not w.note_editor.discard_armed:
            w.note_editor.discard_armed = True
            w.show_message("The note has changes: Esc again discards them, Ctrl+Return saves")
            return
        close_editor(w)
        w.show_message("Note discarded")
        return
    if mode == Mode.VISUAL:
        leave_visual(w)
        return
    if mode == Mode.COMMAND:
        if w.chooser.isVisible():
            w.chooser.close_chooser()
        if w.search_bar.isVisible() and not w.session.hits:
            w.search_bar.hide()
        if w.palette_widget is not None and w.palette_widget.isVisible():
            w.palette_widget.close_palette()
        w.modes.leave()
        w.focus_columns()
        return
    if w.help_widget is not None and w.help_widget.isVisible():
        w.help_widget.hide()
        w.focus_columns()
        return
    if w.session.link_source is not None:
        w.session.link_source = None
        w.show_message("Linking cancelled")
        return
    from reader.ui.commands.alignment import cancel_mark

    if cancel_mark(w):
        return
    if w.concordance_dock is not None and w.concordance_dock.isVisible():
        w.concordance_dock.hide()
        w.focus_columns()
        return
    if w.session.hits or w.search_bar.isVisible():
        w.search_bar.hide()
        w.session.set_hits([])
        return
    if w.session.focus_entity is not None:
        w.session.set_entity_focus(None, None)
        return
    if w.area.columns:
        w.area.view.clear_mouse_selection()
    w.focus_columns()


@command()
def quit(w: MainWindow) -> None:
    """Quit (the state is saved)"""
    w.close()


@command()
def open_link(w: MainWindow) -> None:
    """Open a link of the cursor passage (asks first, http(s) only)"""
    view = w.area.view
    links = view.links_in_passage(view.current)
    if not links:
        raise CommandError("No link in this passage")
    if len(links) == 1:
        confirm_open_link(w, links[0])
        return
    w.choose("Open which link?", [(h, h) for h in links], lambda h: confirm_open_link(w, h))


@command()
def focus_annotations(w: MainWindow) -> None:
    """Go to the annotations panel (Enter jumps to a note)"""
    w.annotations_dock.show()
    w.annotations_dock.raise_()
    w.annotations_panel.focus_list()


@command()
def open_corpus(w: MainWindow, path: str = "") -> None:
    """Open another corpus folder"""
    from PySide6.QtWidgets import QFileDialog

    if not path:
        path = QFileDialog.getExistingDirectory(w, "Open a corpus folder")
        if not path:
            return
    root = Path(path).expanduser()
    if not root.is_dir():
        raise CommandError(f"Not a folder: {path}")
    w.load_corpus(root)


@command()
def cancel_loading(w: MainWindow) -> None:
    """Stop loading or indexing the corpus"""
    if w.loader is None and w.indexer is None:
        raise CommandError("Nothing is loading")
    w.cancel_loading()


def confirm_open_link(w: MainWindow, href: str) -> None:
    """Open a link only after showing its address, and only http(s)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    url = QUrl(href)
    if url.scheme().lower() not in ("http", "https"):
        w.show_error(f"Not opened: only http(s) links open ({href[:80]})")
        return
    answer = QMessageBox.question(
        w, "Open link", f"Open this address in your browser?\n\n{url.toString()}"
    )
    if answer == QMessageBox.StandardButton.Yes:
        QDesktopServices.openUrl(url)


@command()
def list_down(w: MainWindow, count: int = 1) -> None:
    """Next row of the side panel list that has the keyboard (topics, entities, notes)"""
    from reader.ui.panel_tree import step_list

    if not step_list(w.focusWidget(), max(1, count)):
        raise CommandError("No panel list has the keyboard (t, Ctrl+e, Ctrl+a give it one)")


@command()
def list_up(w: MainWindow, count: int = 1) -> None:
    """Previous row of the side panel list that has the keyboard"""
    from reader.ui.panel_tree import step_list

    if not step_list(w.focusWidget(), -max(1, count)):
        raise CommandError("No panel list has the keyboard (t, Ctrl+e, Ctrl+a give it one)")
