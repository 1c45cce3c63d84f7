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

from reader.store.anchoring import find_anchor
from reader.store.db import StoreError, connect, resolve_path, transaction
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


_COLUMNS = (
    'id, document, sha256, start, "end", quote, prefix, suffix, note, color, status, '
    "created, modified, deleted"
)
# what a known id takes from the incoming row (used by every insert of an annotation)
UPSERT = (
    "ON CONFLICT(id) DO UPDATE SET document = excluded.document, sha256 = excluded.sha256,"
    ' start = excluded.start, "end" = excluded."end", quote = excluded.quote,'
    " prefix = excluded.prefix, suffix = excluded.suffix, note = excluded.note,"
    " color = excluded.color, status = excluded.status, created = excluded.created,"
    " modified = excluded.modified, deleted = excluded.deleted"
)


def row_of(ann: Annotation) -> tuple:
    """An annotation's values in the order of `_COLUMNS`."""
    return (
        ann.id, ann.document, ann.sha256, ann.start, ann.end, ann.quote, ann.prefix, ann.suffix,
        ann.note, ann.color, ann.status, ann.created, ann.modified, ann.deleted,
    )  # fmt: skip


class Store:
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
            f"INSERT INTO annotations({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            + UPSERT,
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

    def merge(
        self, incoming: Iterable[Annotation], restore_deleted: bool = False
    ) -> MergeResult:
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

    # entity links -----------------------------------------------------------------------------

    def set_entity_link(self, key_a: str, key_b: str, action: str = "link") -> EntityLink:
        """Record that two entity keys are the same (`link`) or not (`unlink`)."""
        if action not in ("link", "unlink"):
            raise AnnotationError("action must be 'link' or 'unlink'")
        if not key_a or not key_b or key_a == key_b:
            raise AnnotationError("an entity link needs two different, non-empty keys")
        a, b = sorted((key_a, key_b))
        stamp = now_iso()
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO entity_links(key_a, key_b, action, modified) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key_a, key_b) DO UPDATE SET action = excluded.action, "
                "modified = excluded.modified",
                (a, b, action, stamp),
            )
        self._notify(Change("entity_link", action, (a, b)))
        return EntityLink(a, b, action, stamp)

    def link_entities(self, key_a: str, key_b: str) -> EntityLink:
        return self.set_entity_link(key_a, key_b, "link")

    def unlink_entities(self, key_a: str, key_b: str) -> EntityLink:
        return self.set_entity_link(key_a, key_b, "unlink")

    def forget_entity_link(self, key_a: str, key_b: str) -> EntityLink | None:
        """Remove the user's decision about two keys (undo); returns what was there."""
        a, b = sorted((key_a, key_b))
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT key_a, key_b, action, modified FROM entity_links "
                "WHERE key_a = ? AND key_b = ?",
                (a, b),
            ).fetchone()
            self.conn.execute("DELETE FROM entity_links WHERE key_a = ? AND key_b = ?", (a, b))
        if row:
            self._notify(Change("entity_link", "forgotten", (a, b)))
        return EntityLink(*row) if row else None

    def entity_links(self) -> list[EntityLink]:
        rows = self.conn.execute(
            "SELECT key_a, key_b, action, modified FROM entity_links ORDER BY key_a, key_b"
        )
        return [EntityLink(*r) for r in rows]

    # topic edits ------------------------------------------------------------------------------

    def _add_topic_edit(
        self, kind: str, topic: str, document: str | None, value: str | None
    ) -> TopicEdit:
        if not topic or (kind != "move" and not value):
            raise AnnotationError(f"a topic {kind} needs a topic and a value")
        stamp = now_iso()
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO topic_edits(kind, document, topic, value, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (kind, document, topic, value, stamp),
            )
            edit = TopicEdit(int(cur.lastrowid or 0), kind, topic, document, value, stamp)
        self._notify(Change("topic_edit", kind, (str(edit.id),)))
        return edit

    def move_document(self, document: str, topic: str) -> TopicEdit:
        """The user put `document` (corpus-relative path) in `topic`."""
        return self._add_topic_edit("move", topic, check_document_path(document), None)

    def rename_topic(self, topic: str, label: str) -> TopicEdit:
        return self._add_topic_edit("rename", topic, None, label)

    def merge_topics(self, topic: str, into: str) -> TopicEdit:
        """The user merged `topic` into `into`."""
        return self._add_topic_edit("merge", topic, None, into)

    def topic_edits(self) -> list[TopicEdit]:
        """All topic edits in the order they were made (apply them in this order)."""
        rows = self.conn.execute(
            "SELECT id, kind, topic, document, value, created FROM topic_edits ORDER BY id"
        )
        return [TopicEdit(*r) for r in rows]

    def remove_topic_edit(self, edit_id: int) -> None:
        """Undo one topic edit."""
        with transaction(self.conn):
            self.conn.execute("DELETE FROM topic_edits WHERE id = ?", (edit_id,))
        self._notify(Change("topic_edit", "removed", (str(edit_id),)))

    # caches keyed by document hash ------------------------------------------------------------

    def cache_get(self, sha256: str, kind: str, version: int = 1) -> bytes | None:
        """Cached derived data for a document version, or None (also when the version differs)."""
        row = self.conn.execute(
            "SELECT CAST(data AS BLOB) FROM doc_cache "
            "WHERE sha256 = ? AND kind = ? AND version = ?",
            (sha256, kind, version),
        ).fetchone()
        return bytes(row[0]) if row else None

    def cache_put(self, sha256: str, kind: str, data: bytes, version: int = 1) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO doc_cache(sha256, kind, version, data, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (sha256, kind, version, data, now_iso()),
            )

    def cache_drop(self, keep: Iterable[str] | None = None) -> int:
        """Drop cached data of document versions not in `keep` (all when None); return rows."""
        with transaction(self.conn):
            if keep is None:
                cur = self.conn.execute("DELETE FROM doc_cache")
            else:
                self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep_hashes(sha256 TEXT)")
                self.conn.execute("DELETE FROM keep_hashes")
                self.conn.executemany("INSERT INTO keep_hashes VALUES (?)", [(h,) for h in keep])
                cur = self.conn.execute(
                    "DELETE FROM doc_cache WHERE sha256 NOT IN (SELECT sha256 FROM keep_hashes)"
                )
        return cur.rowcount


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


def _from_row(r: Sequence[Any], tags: tuple[str, ...]) -> Annotation:
    """An Annotation from a row of `_COLUMNS`."""
    return Annotation(
        id=r[0],
        document=r[1],
        sha256=r[2],
        start=r[3],
        end=r[4],
        quote=r[5],
        prefix=r[6],
        suffix=r[7],
        note=r[8],
        color=r[9],
        status=r[10],
        created=r[11],
        modified=r[12],
        deleted=r[13],
        tags=tags,
    )
