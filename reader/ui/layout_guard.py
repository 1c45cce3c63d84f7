"""Keep the window within the screen and its side panels within sane widths."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from reader.ui.window import MainWindow


NO_LIMIT = (1 << 24) - 1  # Qt's QWIDGETSIZE_MAX (PySide6 does not export it)


def available(window: QMainWindow) -> QRect | None:
    """The available area of the screen the window is on (or the primary screen)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def fit_window(window: QMainWindow) -> None:
    """Cap the window at the available screen and move it back on screen if it is off."""
    area = available(window)
    if area is None or area.width() <= 0 or area.height() <= 0:
        return
    if window.isFullScreen():  # the whole screen, the panels' room too: no cap
        window.setMaximumSize(NO_LIMIT, NO_LIMIT)
        return
    if window.maximumWidth() != area.width() or window.maximumHeight() != area.height():
        window.setMaximumSize(area.width(), area.height())
    if window.isMaximized():
        return
    geo = window.frameGeometry()
    width = min(window.width(), area.width())
    height = min(window.height(), area.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
        geo = window.frameGeometry()
    x = min(max(geo.x(), area.x()), area.right() - geo.width() + 1)
    y = min(max(geo.y(), area.y()), area.bottom() - geo.height() + 1)
    if (x, y) != (geo.x(), geo.y()):
        window.move(max(area.x(), x), max(area.y(), y))


def bound_docks(window: MainWindow, share: float) -> None:
    """Side docks wider than `share` of the window go back to the usual width."""
    from PySide6.QtCore import Qt

    limit = int(window.width() * share)
    for dock in (
        window.topics_dock,
        window.entities_dock,
        window.annotations_dock,
        window.note_dock,
    ):
        if dock.isVisible() and not dock.isFloating() and dock.width() > limit:
            window.resizeDocks([dock], [min(limit, 380)], Qt.Orientation.Horizontal)


def tab_with_bottom_docks(window: QMainWindow, dock) -> None:
    """Make `dock` (just added at the bottom) a tab beside the other bottom panel (mismatches,
    concordance) rather than a strip split off its width, too narrow to read."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget

    bottom = Qt.DockWidgetArea.BottomDockWidgetArea
    for other in window.findChildren(QDockWidget):
        if other is not dock and not other.isFloating() and window.dockWidgetArea(other) == bottom:
            window.tabifyDockWidget(other, dock)
            return
