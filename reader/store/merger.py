"""An import merged into the store: each annotation added, replacing or kept by age."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.store.records import Annotation, MergeResult, parse_time

if TYPE_CHECKING:
    from reader.store.annotations import Store


class Merger:
    """Adds imported annotations inside `Store.merging`'s transaction (see `Store.merge`)."""

    def __init__(self, store: Store, restore_deleted: bool = False) -> None:
        self.store = store
        self.restore_deleted = restore_deleted
        self.result = MergeResult()
        self._documents: set[str] = set()

    def add(self, ann: Annotation) -> None:
        self.add_checked(ann.validated())

    def add_checked(self, ann: Annotation) -> None:
        """`add` for an annotation `Annotation.validated` returned."""
        conn = self.store.conn
        if ann.document not in self._documents:
            # the next re-anchoring of this document looks at every annotation again
            conn.execute("UPDATE documents SET length = NULL WHERE path = ?", (ann.document,))
            self._documents.add(ann.document)
        row = conn.execute(
            "SELECT modified, deleted FROM annotations WHERE id = ?", (ann.id,)
        ).fetchone()
        deleted_here = row is not None and row[1] is not None and ann.deleted is None
        if row is None:
            self.store._write(ann)
            self.result.added.append(ann.id)
        elif deleted_here and self.restore_deleted:
            self.store._write(ann)
            self.result.restored.append(ann.id)
        elif parse_time(ann.modified) > parse_time(row[0]):
            self.store._write(ann)
            self.result.updated.append(ann.id)
        else:
            self.result.unchanged.append(ann.id)
            if deleted_here:
                self.result.deleted_here.append(ann.id)
