"""What the versions disagree on: outlines, stepping, the panel, dismissing, hiding a kind.

The work is done by the window's `MismatchView` (`reader.ui.mismatches`); a command asked
before the comparison has arrived runs when it arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.ui.commands import CommandError, command

if TYPE_CHECKING:
    from reader.ui.mismatches import MismatchView
    from reader.ui.window import MainWindow


def _view(w: MainWindow) -> MismatchView:
    view = getattr(w, "mismatches", None)
    if view is None:
        raise CommandError("Mismatches are not available in this window")
    return view


def _when_compared(w: MainWindow, action, what: str) -> None:
    view = _view(w)
    if len(w.area.ids()) < 2 or w.session.single_doc:
        raise CommandError("Open a topic with two or more versions to compare them")
    if view.result is None:
        w.show_message(f"Comparing the versions… ({what} when done)", 4000)
    view.ensure(action)


@command()
def mismatch_marks(w: MainWindow) -> None:
    """Outline the numbers, dates and names the versions disagree on (on/off)"""
    view = _view(w)
    if not view.toggle_marks():
        w.show_message("Mismatch outlines off")
    elif view.result is None and len(w.area.ids()) > 1 and not w.session.single_doc:
        w.show_message("Mismatch outlines on — comparing the versions…", 4000)
    else:
        w.show_message("Mismatch outlines on — gm / gM step through them")


@command()
def mismatch_next(w: MainWindow, count: int = 1) -> None:
    """Next mismatch in this column (the other version's column follows)"""
    view = _view(w)
    _when_compared(w, lambda: [view.step(1) for _ in range(max(1, count))], "stepping")


@command()
def mismatch_prev(w: MainWindow, count: int = 1) -> None:
    """Previous mismatch in this column (the other version's column follows)"""
    view = _view(w)
    _when_compared(w, lambda: [view.step(-1) for _ in range(max(1, count))], "stepping")


@command()
def focus_mismatches(w: MainWindow) -> None:
    """Go to the mismatches panel (strips and list; Enter jumps, d dismisses)"""
    _view(w).focus_panel()


@command()
def mismatch_dismiss(w: MainWindow) -> None:
    """Dismiss the mismatch chosen in the panel, or the one last jumped to (u undoes)"""
    view = _view(w)
    in_list = w.focusWidget() is view.panel.tree  # also while the window is not active
    key = view.panel.current_key() if in_list else view.current
    key = key or view.panel.current_key()
    if key is None:
        raise CommandError("Choose a mismatch first (gm, or the panel: Ctrl+Shift+M)")
    view.dismiss(key)


@command()
def mismatch_hide(w: MainWindow, kind: str) -> None:
    """Hide every mismatch of a kind: number, date or name (stored; u undoes)"""
    _view(w).set_kind_hidden(kind, True)


@command()
def mismatch_show(w: MainWindow, kind: str) -> None:
    """Show the mismatches of a hidden kind again: number, date or name"""
    _view(w).set_kind_hidden(kind, False)
