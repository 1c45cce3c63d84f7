"""Input modes of the reader (normal, visual, insert, command) and who is in which."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, Signal


class Mode(StrEnum):
    """Where keys go: movement, selection, the note editor, or the palette."""

    NORMAL = "normal"
    VISUAL = "visual"
    INSERT = "insert"
    COMMAND = "command"


class ModeManager(QObject):
    """The current mode; emits `left(old)` then `entered(new)` on every change."""

    entered = Signal(str)
    left = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._mode = Mode.NORMAL
        self._previous = Mode.NORMAL

    @property
    def mode(self) -> Mode:
        """The mode keys are read in now."""
        return self._mode

    @property
    def previous(self) -> Mode:
        """The mode before the last change (the palette returns to it)."""
        return self._previous

    def enter(self, mode: Mode | str) -> None:
        """Switch to `mode` (a no-op when already there)."""
        mode = Mode(mode)
        if mode is self._mode:
            return
        old = self._mode
        self._previous = old
        self._mode = mode
        self.left.emit(old.value)
        self.entered.emit(mode.value)

    def leave(self) -> None:
        """Back to normal mode."""
        self.enter(Mode.NORMAL)
