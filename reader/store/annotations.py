"""Annotations and the user's other edits, kept in the store; every write is one transaction.

`Store` is the one object the CLI and the GUI use. Each method that writes commits before it
returns (or changes nothing and raises `StoreError`), then tells the subscribers what changed.
Deleting leaves a tombstone, so an import or an undo can tell a deleted annotation from an
unknown one; `delete` returns the annotation as it was and `put` writes any earlier state back,
which is all an undo stack needs.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.store.annotation_rows import (
    _COLUMNS,
    UPSERT,
    _from_row,
    row_of,
)
from reader.store.db import StoreError, connect, resolve_path, transaction
from reader.store.edit_tables import UserEdits
from reader.store.merger import Merger
from reader.store.reanchor import Reanchoring
from reader.store.records import (  # noqa: F401  (re-exported: the store's public names)
    _SHA256,
    COLOR_NAMES,
    CONTEXT_CHARS,
    MAX_NOTE_CHARS,
    MAX_OFFSET,
    MAX_TAG_CHARS,
    STATUSES,
    Annotation,
    AnnotationError,
    Change,
    DocumentRecord,
    EntityLink,
    MergeResult,
    TopicEdit,
    canonical_time,
    check_color,
    check_document_path,
    check_tags,
    check_uuid,
    format_time,
    later_than,
    now_iso,
    parse_time,
    quote_context,
)

if TYPE_CHECKING:
    from reader.corpus.model import Document

# --- the store -------------------------------------------------------------------------------


class Store(Reanchoring, UserEdits):
    """The annotation store on one SQLite file. Not thread-safe: one Store per thread."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        check: str | None = None,
        read_only: bool = False,
    ):
        self.path: Path = resolve_path(path)
        mode = "ro" if read_only else "rwc"
        self.conn: sqlite3.Connection = connect(self.path, check=check, mode=mode)
        self.read_only = read_only
        self._listeners: list[Callable[[Change], None]] = []

    @classmethod
    def open_for_reading(cls, path: str | os.PathLike[str] | None = None) -> Store:
        """The store, opened read-only when it exists but cannot be written (a read-only
        file or folder, a full disk): then `read_only` is True and `reanchor` saves nothing."""
        try:
            return cls(path)
        except StoreError as exc:
            if exc.reason not in ("full", "readonly") or not resolve_path(path).is_file():
                raise
        return cls(path, read_only=True)

    # lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (SQLite checkpoints the WAL when the last one closes)."""
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def subscribe(self, callback: Callable[[Change], None]) -> Callable[[], None]:
        """Call `callback(change)` after each committed write; returns an unsubscribe function."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def _notify(self, change: Change) -> None:
        for callback in list(self._listeners):
            callback(change)

    # documents --------------------------------------------------------------------------------

    # A documents row holds the version (hash and reading-text length) that the document's
    # annotations were last re-anchored against: only `reanchor` moves it forward, so orphans
    # are looked for once per version of a text, and again whenever the text changes.

    def _record_document(
        self,
        path: str,
        sha256: str,
        length: int | None,
        location: str | os.PathLike[str] | None = None,
        *,
        version: bool = True,
    ) -> None:
        """Insert or update a documents row; `version=False` keeps a known row's version."""
        check_document_path(path)
        if not _SHA256.fullmatch(sha256):
            raise AnnotationError("sha256 must be 64 lower-case hex digits")
        loc = str(Path(location).absolute()) if location is not None else None
        keep = "" if version else "documents."
        self.conn.execute(
            "INSERT INTO documents(path, sha256, length, location, seen) VALUES (?, ?, ?, ?, ?) "
            f"ON CONFLICT(path) DO UPDATE SET sha256 = {keep or 'excluded.'}sha256, "
            f"length = {keep or 'excluded.'}length, "
            "location = coalesce(excluded.location, documents.location), seen = excluded.seen",
            (path, sha256, length, loc, now_iso()),
        )

    def _ensure_document(self, path: str, sha256: str) -> None:
        """A documents row for an annotation whose document was never opened here (import)."""
        self.conn.execute(
            "INSERT OR IGNORE INTO documents(path, sha256, length, location, seen) "
            "VALUES (?, ?, NULL, NULL, ?)",
            (path, sha256, now_iso()),
        )

    def document(self, path: str) -> DocumentRecord | None:
        row = self.conn.execute(
            "SELECT path, sha256, length, location, seen FROM documents WHERE path = ?", (path,)
        ).fetchone()
        return DocumentRecord(*row) if row else None

    def documents(self) -> list[DocumentRecord]:
        rows = self.conn.execute(
            "SELECT path, sha256, length, location, seen FROM documents ORDER BY path"
        )
        return [DocumentRecord(*row) for row in rows]

    # reading annotations ----------------------------------------------------------------------

    def _tags_of(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {i: [] for i in ids}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(
                f"SELECT annotation, tag FROM annotation_tags WHERE annotation IN ({marks}) "
                "ORDER BY annotation, position",
                part,
            )
            for annotation, tag in rows:
                found[annotation].append(tag)
        return {k: tuple(v) for k, v in found.items()}

    def _rows(self, where: str = "", params: Sequence[Any] = ()) -> list[Annotation]:
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations {where} "
            'ORDER BY document, start, "end", created, id',
            params,
        ).fetchall()
        tags = self._tags_of([r[0] for r in rows])
        return [_from_row(r, tags[r[0]]) for r in rows]

    def get(self, annotation_id: str, *, include_deleted: bool = False) -> Annotation | None:
        """The annotation with this id (tombstones only with include_deleted), or None."""
        try:
            key = check_uuid(annotation_id)
        except AnnotationError:
            return None
        rows = self._rows("WHERE id = ?", (key,))
        if not rows or (rows[0].deleted and not include_deleted):
            return None
        return rows[0]

    def list(
        self,
        document: str | None = None,
        *,
        tag: str | None = None,
        status: str | None = None,
        include_deleted: bool = False,
    ) -> list[Annotation]:
        """Annotations in document and position order, optionally filtered."""
        clauses, params = [], []
        if not include_deleted:
            clauses.append("deleted IS NULL")
        if document is not None:
            clauses.append("document = ?")
            params.append(document)
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if tag is not None:
            clauses.append("id IN (SELECT annotation FROM annotation_tags WHERE tag = ?)")
            params.append(tag)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._rows(where, params)

    def iter_annotations(self, batch: int = 2000) -> Iterator[Annotation]:
        """Every live annotation in `list()` order, read `batch` rows at a time (exports of
        any size keep only a batch in memory)."""
        cursor = self.conn.execute(
            f"SELECT {_COLUMNS} FROM annotations WHERE deleted IS NULL "
            'ORDER BY document, start, "end", created, id'
        )
        while rows := cursor.fetchmany(batch):
            tags = self._tags_of([r[0] for r in rows])
            for r in rows:
                yield _from_row(r, tags[r[0]])

    def tags(self) -> list[tuple[str, int]]:
        """Every tag in use by a live annotation, with its count, most used first."""
        rows = self.conn.execute(
            "SELECT tag, count(*) FROM annotation_tags JOIN annotations ON annotations.id = "
            "annotation_tags.annotation WHERE annotations.deleted IS NULL "
            "GROUP BY tag ORDER BY count(*) DESC, tag"
        )
        return [(tag, count) for tag, count in rows]

    # writing annotations ----------------------------------------------------------------------

    def _write(self, ann: Annotation) -> None:
        """Insert or replace one annotation row and its tags (inside a transaction)."""
        self._ensure_document(ann.document, ann.sha256)
        self.conn.execute(
            f"INSERT INTO annotations({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) " + UPSERT,
            row_of(ann),
        )
        self.conn.execute("DELETE FROM annotation_tags WHERE annotation = ?", (ann.id,))
        self.conn.executemany(
            "INSERT INTO annotation_tags(annotation, tag, position) VALUES (?, ?, ?)",
            [(ann.id, tag, i) for i, tag in enumerate(ann.tags)],
        )

    def add(
        self,
        document: str,
        sha256: str,
        start: int,
        end: int,
        quote: str,
        prefix: str = "",
        suffix: str = "",
        *,
        note: str = "",
        tags: Iterable[str] = (),
        color: str = "",
        annotation_id: str | None = None,
    ) -> Annotation:
        """Add an annotation from its raw parts; the caller vouches that the quote is right."""
        ann = _new_annotation(
            document, sha256, start, end, quote, prefix, suffix, note, tags, color, annotation_id
        )
        with transaction(self.conn):
            if self.conn.execute("SELECT 1 FROM annotations WHERE id = ?", (ann.id,)).fetchone():
                raise AnnotationError(f"an annotation with id {ann.id} already exists")
            self._write(ann)
        self._notify(Change("annotation", "added", (ann.id,)))
        return ann

    def annotate(
        self,
        doc: Document,
        start: int,
        end: int,
        *,
        note: str = "",
        tags: Iterable[str] = (),
        color: str = "",
        location: str | os.PathLike[str] | None = None,
    ) -> Annotation:
        """Annotate `doc.text[start:end]`; records the document's version in the same write."""
        if not (0 <= start < end <= len(doc.text)):
            raise AnnotationError(
                f"span {start}-{end} is not a non-empty range inside the text (0-{len(doc.text)})"
            )
        quote, prefix, suffix = quote_context(doc.text, start, end)
        ann = _new_annotation(
            doc.path, doc.sha256, start, end, quote, prefix, suffix, note, tags, color
        )
        with transaction(self.conn):
            self._record_document(doc.path, doc.sha256, len(doc.text), location, version=False)
            self._write(ann)
        self._notify(Change("annotation", "added", (ann.id,)))
        return ann

    def _current(self, annotation_id: str, *, include_deleted: bool = False) -> Annotation:
        ann = self.get(annotation_id, include_deleted=include_deleted)
        if ann is None:
            raise AnnotationError(f"no annotation with id {annotation_id}")
        return ann

    def update(
        self,
        annotation_id: str,
        *,
        note: str | None = None,
        tags: Iterable[str] | None = None,
        color: str | None = None,
    ) -> Annotation:
        """Change the note, tags or colour (None leaves a field as it is)."""
        with transaction(self.conn):
            old = self._current(annotation_id)
            new = replace(
                old,
                note=old.note if note is None else note,
                tags=old.tags if tags is None else tuple(tags),
                color=old.color if color is None else color,
                modified=later_than(old.modified),
            ).validated()
            self._write(new)
        self._notify(Change("annotation", "updated", (new.id,)))
        return new

    def reattach(self, annotation_id: str, doc: Document, start: int, end: int) -> Annotation:
        """Put an annotation (typically an orphaned one) on `doc.text[start:end]` by hand."""
        if not (0 <= start < end <= len(doc.text)):
            raise AnnotationError(f"span {start}-{end} is not inside the text")
        quote, prefix, suffix = quote_context(doc.text, start, end)
        with transaction(self.conn):
            old = self._current(annotation_id)
            new = replace(
                old,
                document=doc.path,
                sha256=doc.sha256,
                start=start,
                end=end,
                quote=quote,
                prefix=prefix,
                suffix=suffix,
                status="anchored",
                modified=later_than(old.modified),
            ).validated()
            self._record_document(doc.path, doc.sha256, len(doc.text), version=False)
            self._write(new)
        self._notify(Change("annotation", "updated", (new.id,)))
        return new

    def delete(self, annotation_id: str) -> Annotation:
        """Delete (leave a tombstone); returns the annotation as it was, for undo."""
        with transaction(self.conn):
            old = self._current(annotation_id)
            stamp = later_than(old.modified)
            self._write(replace(old, deleted=stamp, modified=stamp))
        self._notify(Change("annotation", "deleted", (old.id,)))
        return old

    def restore(self, annotation_id: str) -> Annotation:
        """Undo a delete: the tombstone becomes a live annotation again."""
        with transaction(self.conn):
            old = self._current(annotation_id, include_deleted=True)
            if old.deleted is None:
                return old
            new = replace(old, deleted=None, modified=later_than(old.modified))
            self._write(new)
        self._notify(Change("annotation", "restored", (new.id,)))
        return new

    def put(self, ann: Annotation) -> Annotation:
        """Write this exact state of an annotation (undo/redo); `modified` is set to now."""
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT modified FROM annotations WHERE id = ?", (ann.id,)
            ).fetchone()
            stamp = later_than(row[0]) if row else now_iso()
            new = replace(ann, modified=stamp, deleted=stamp if ann.deleted else None).validated()
            self._write(new)
        self._notify(Change("annotation", "updated", (new.id,)))
        return new

    def merge(self, incoming: Iterable[Annotation], restore_deleted: bool = False) -> MergeResult:
        """Import annotations in one transaction: new ids are added, known ids are replaced
        only when the incoming `modified` is newer. Tombstones count as known: a note deleted
        here after the file was written stays deleted (listed in `deleted_here`) unless
        `restore_deleted`, which brings back every deleted note the file holds (a backup)."""
        with self.merging(restore_deleted) as merger:
            for ann in incoming:
                merger.add(ann)
        return merger.result

    @contextlib.contextmanager
    def merging(self, restore_deleted: bool = False) -> Iterator[Merger]:
        """One import transaction: `add` each annotation (as `merge` treats it) as it comes;
        an exception inside the block undoes them all."""
        merger = Merger(self, restore_deleted)
        with transaction(self.conn):
            yield merger
        result = merger.result
        changed = (*result.added, *result.updated, *result.restored)
        if changed:
            self._notify(Change("annotation", "imported", changed))


__all__ = [
    "CONTEXT_CHARS",
    "Annotation",
    "AnnotationError",
    "Change",
    "DocumentRecord",
    "EntityLink",
    "MergeResult",
    "Store",
    "StoreError",
    "TopicEdit",
    "quote_context",
]


def _new_annotation(
    document: str,
    sha256: str,
    start: int,
    end: int,
    quote: str,
    prefix: str,
    suffix: str,
    note: str,
    tags: Iterable[str],
    color: str,
    annotation_id: str | None = None,
) -> Annotation:
    """A new, validated, anchored annotation stamped now."""
    stamp = now_iso()
    return Annotation(
        id=annotation_id or str(uuid.uuid4()),
        document=document,
        sha256=sha256,
        start=start,
        end=end,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        note=note,
        tags=tuple(tags),
        color=color or "",
        status="anchored",
        created=stamp,
        modified=stamp,
    ).validated()
