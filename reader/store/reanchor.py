"""Re-anchoring: finding a document's annotations again in its current text.

A mixin of `Store` (reader/store/annotations.py) using its connection, reads and writes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.store.anchoring import find_anchor
from reader.store.db import transaction
from reader.store.records import Annotation, Change, DocumentRecord, quote_context

if TYPE_CHECKING:
    from reader.corpus.model import Document


class Reanchoring:
    """`Store.reanchor` and what it needs."""

    conn: sqlite3.Connection
    read_only: bool
    _notify: Callable[[Change], None]

    # `document`, `list` and `_record_document` are the Store's own (reader/store/annotations.py)

    # re-anchoring -----------------------------------------------------------------------------

    def reanchor(
        self, doc: Document, *, location: str | os.PathLike[str] | None = None
    ) -> list[Annotation]:
        """Find this document's annotations in its current text; store and return the changed.

        An annotation whose version and quote still hold is left alone. Otherwise it is found
        again (`anchored` at the same place, `moved` elsewhere) or marked `orphaned`, keeping
        its old quote, context and version so a later text (or the user) can place it again.
        Orphans are not searched again in a text they were already searched in.

        Only positions, quote, context, version and status are written, in one transaction
        that reads each annotation again: a note edited or a delete committed meanwhile by
        another process is kept (a tombstone is never brought back), and an annotation whose
        anchor changed meanwhile is decided again from its current state. On a read-only
        store the changes are returned but not saved.
        """
        with self._read_snapshot():
            record = self.document(doc.path)
            planned = {
                a.id: (_anchor_state(a), _reanchored(doc, record, a))
                for a in self.list(document=doc.path)
            }
        changed = [new for _, new in planned.values() if new is not None]
        searched = (
            record is not None and record.sha256 == doc.sha256 and (record.length == len(doc.text))
        )
        location_known = location is None or (
            record is not None and record.location == str(Path(location).absolute())
        )
        if self.read_only or not (changed or not searched or not location_known):
            return changed
        changed = []
        with transaction(self.conn):
            current = self.document(doc.path)
            for ann in self.list(document=doc.path):
                plan = planned.get(ann.id)
                if plan is not None and plan[0] == _anchor_state(ann) and current == record:
                    new = plan[1]
                else:  # added or re-anchored meanwhile: decide from what is stored now
                    new = _reanchored(doc, current, ann)
                if new is None:
                    continue
                new = replace(
                    ann, **{k: getattr(new, k) for k in _ANCHOR_FIELDS}
                )  # the note, tags, colour and times stay as stored now
                self.conn.execute(
                    'UPDATE annotations SET sha256 = ?, start = ?, "end" = ?, quote = ?, '
                    "prefix = ?, suffix = ?, status = ? WHERE id = ? AND deleted IS NULL",
                    (*_anchor_state(new), new.id),
                )
                changed.append(new)
            self._record_document(doc.path, doc.sha256, len(doc.text), location)
        if changed:
            self._notify(Change("annotation", "reanchored", tuple(a.id for a in changed)))
        return changed

    @contextlib.contextmanager
    def _read_snapshot(self) -> Iterator[None]:
        """Reads inside see one consistent state of the store (a deferred transaction)."""
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("COMMIT")


_ANCHOR_FIELDS = ("sha256", "start", "end", "quote", "prefix", "suffix", "status")


def _anchor_state(ann: Annotation) -> tuple[Any, ...]:
    """The fields re-anchoring reads and writes, in `_ANCHOR_FIELDS` order."""
    return tuple(getattr(ann, k) for k in _ANCHOR_FIELDS)


def _reanchored(doc: Document, record: DocumentRecord | None, ann: Annotation) -> Annotation | None:
    """`ann` placed in `doc`'s current text, or None when it stays as it is.

    `record` is the document's stored row: when it already holds this version, an orphan was
    searched for in this text before and is not searched again.
    """
    text = doc.text
    holds = ann.end <= len(text) and text[ann.start : ann.end] == ann.quote
    if ann.sha256 == doc.sha256 and holds:
        # an orphan whose text came back as it was is anchored again
        return replace(ann, status="anchored") if ann.status == "orphaned" else None
    searched = record is not None and record.sha256 == doc.sha256 and record.length == len(text)
    if ann.status == "orphaned" and searched:
        return None
    old_length = record.length if record and record.sha256 == ann.sha256 else None
    anchor = find_anchor(text, ann.quote, ann.prefix, ann.suffix, ann.start, old_length)
    if anchor is None:
        new = replace(ann, status="orphaned")
    else:
        quote, prefix, suffix = quote_context(text, anchor.start, anchor.end)
        same = anchor.start == ann.start and anchor.end == ann.end and quote == ann.quote
        new = replace(
            ann,
            sha256=doc.sha256,
            start=anchor.start,
            end=anchor.end,
            quote=quote,
            prefix=prefix,
            suffix=suffix,
            status="anchored" if same and ann.status != "moved" else "moved",
        )
    return None if new == ann else new
