"""The one path for writes: run a change, record its undo, announce what changed.

Every write of the window (notes, tags, entity links, topic edits) is an operation: `run` does
it through the store, pushes one undo step and emits `changed(ChangeSet)`; undo and redo emit
the same change set, so each view refreshes only what the set names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from reader.ui.registry import CommandError

ANNOTATIONS = "annotations"
ENTITY_LINKS = "entity_links"
TOPICS = "topics"
ALIGNMENT_LINKS = "alignment_links"  # the reader's passage links (reader.ui.alignment_view)


@dataclass(frozen=True)
class ChangeSet:
    """What an operation changed: a kind and the ids it touched (empty: all of that kind)."""

    kind: str
    ids: tuple[str, ...] = ()
    detail: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    undone: bool = False  # announced by an undo (the change ran backwards)


class _Step(QUndoCommand):
    """An undo step whose first redo was already done by `Operations.run`."""

    def __init__(self, text: str, ops: Operations, redo, undo, change: ChangeSet) -> None:
        super().__init__(text)
        self._ops, self._redo, self._undo, self._change = ops, redo, undo, change
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._ops._replay(self.text(), self._redo, self._change, undo=False)

    def undo(self) -> None:
        self._ops._replay(self.text(), self._undo, self._change, undo=True)


class Operations(QObject):
    """Runs writes with undo and announces each change set."""

    changed = Signal(object)  # ChangeSet
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = QUndoStack(self)

    def run(
        self,
        text: str,
        do: Callable[[], None],
        undo: Callable[[], None],
        change: ChangeSet,
    ) -> None:
        """Do a change now; an error becomes a `CommandError` and nothing is recorded."""
        try:
            do()
        except CommandError:
            raise
        except Exception as exc:
            raise CommandError(f"Could not {text}: {exc}") from exc
        self.stack.push(_Step(text, self, do, undo, change))
        self.changed.emit(change)

    def _replay(self, text: str, func: Callable[[], None], change: ChangeSet, undo: bool) -> None:
        try:
            func()
        except Exception as exc:
            self.failed.emit(f"Could not {'undo' if undo else 'redo'} {text}: {exc}")
        self.changed.emit(replace(change, undone=undo))

    def undo(self) -> str:
        """Undo the last step; its text."""
        if not self.stack.canUndo():
            raise CommandError("Nothing to undo")
        text = self.stack.undoText()
        self.stack.undo()
        return text

    def redo(self) -> str:
        """Redo the last undone step; its text."""
        if not self.stack.canRedo():
            raise CommandError("Nothing to redo")
        text = self.stack.redoText()
        self.stack.redo()
        return text
