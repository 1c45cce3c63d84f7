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
import re
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from reader.store.anchoring import find_anchor
from reader.store.db import StoreError, connect, resolve_path, transaction

if TYPE_CHECKING:
    from reader.corpus.model import Document

CONTEXT_CHARS = 32
STATUSES = ("anchored", "moved", "orphaned")
MAX_TAG_CHARS = 100
MAX_NOTE_CHARS = 1_000_000
MAX_OFFSET = 2**31 - 1  # far beyond any reading text (files are capped at 32 MB)
_COLOR = re.compile(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{1,20}")
# The CSS (SVG 1.1) colour keywords, which the app and browsers draw.
_CSS_COLORS = """aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
    blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
    crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
    darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
    darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
    dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
    gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
    lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
    lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
    lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
    magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
    mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
    powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
    seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
    steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
    yellowgreen"""
COLOR_NAMES = frozenset(_CSS_COLORS.split())
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON can carry them; UTF-8 (and SQLite) cannot
_FIELDS = ("document", "quote", "prefix", "suffix", "note", "color")


class AnnotationError(ValueError):
    """An annotation (or a value for one) is not acceptable; the message says which field."""


# --- time and small helpers ------------------------------------------------------------------


def now_iso() -> str:
    """The current UTC time as ISO 8601 with microseconds and `Z`."""
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    """`moment` in the store's canonical form, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC)."""
    if moment.tzinfo is None:
        raise AnnotationError("time without a time zone")
    m = moment.astimezone(UTC)
    # not strftime: its %Y does not pad years before 1000 on every platform
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
        f".{m.microsecond:06d}Z"
    )


def parse_time(value: str) -> datetime:
    """Parse an ISO 8601 date-time that names its offset (or `Z`); raise AnnotationError."""
    if not isinstance(value, str) or not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})", value
    ):
        raise AnnotationError(f"not an ISO 8601 date-time with a time zone: {value!r}")
    text = re.sub(r"(\.\d{6})\d+", r"\1", value)  # Python keeps microseconds
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # e.g. 9999-12-31T23:59:59-23:59 is year 10000
        raise AnnotationError(f"not a valid date-time (or out of range): {value!r}") from exc


def canonical_time(value: str) -> str:
    """Any accepted ISO 8601 date-time rewritten in the canonical UTC form."""
    return format_time(parse_time(value))


def later_than(previous: str) -> str:
    """Now, but strictly after `previous` (clocks can step back; `modified` must grow)."""
    now = datetime.now(UTC)
    before = parse_time(previous)
    if now <= before:
        try:
            now = before + timedelta(microseconds=1)
        except OverflowError:  # the last microsecond of year 9999: nothing is later
            now = before
    return format_time(now)


def quote_context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(quote, prefix, suffix) of `text[start:end]`, with CONTEXT_CHARS of context each side."""
    return (
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


def check_document_path(path: str) -> str:
    """A corpus-relative POSIX path, or AnnotationError: never absolute, never `..`."""
    if not isinstance(path, str) or not path or len(path) > 4096:
        raise AnnotationError("document path must be a non-empty relative path")
    if "\\" in path or "\x00" in path:  # other control characters are legal in file names
        raise AnnotationError(f"document path has forbidden characters: {path!r}")
    pure = PurePosixPath(path)
    if pure.is_absolute() or re.match(r"[A-Za-z]:", path):
        raise AnnotationError(f"document path must be relative to the corpus: {path!r}")
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise AnnotationError(f"document path must not contain empty, '.' or '..' parts: {path!r}")
    return path


def check_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags trimmed, NFC, without duplicates (first kept); AnnotationError for bad ones."""
    if isinstance(tags, str):
        raise AnnotationError("tags must be a list of strings, not one string")
    seen: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            raise AnnotationError(f"a tag must be a string, not {type(tag).__name__}")
        clean = unicodedata.normalize("NFC", " ".join(tag.split()))
        if not clean:
            raise AnnotationError("a tag must not be empty")
        if len(clean) > MAX_TAG_CHARS:
            raise AnnotationError(f"a tag is longer than {MAX_TAG_CHARS} characters")
        if clean not in seen:
            seen.append(clean)
    return tuple(seen)


def check_color(color: str | None, *, known: bool = False) -> str:
    """'' (no colour), `#rgb`, `#rrggbb` or a colour name, stored lower-case.

    With `known` (what a person types), a name must be a CSS colour name (`yellow`); stored
    and imported values keep any plain name, so older notes stay readable and editable.
    """
    if color is None or color == "":
        return ""
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        raise AnnotationError(f"colour must be #rgb, #rrggbb or a colour name: {color!r}")
    if known and not color.startswith("#") and color.lower() not in COLOR_NAMES:
        raise AnnotationError(
            f"unknown colour {color!r}: use #rgb, #rrggbb or a CSS colour name such as yellow"
        )
    return color.lower()


def check_uuid(value: str) -> str:
    """A UUID in canonical lower-case form (a `urn:uuid:` prefix is accepted)."""
    if not isinstance(value, str):
        raise AnnotationError("id must be a string")
    raw = value[9:] if value.lower().startswith("urn:uuid:") else value
    try:
        parsed = uuid.UUID(raw)
    except ValueError as exc:
        raise AnnotationError(f"id is not a UUID: {value!r}") from exc
    if str(parsed) != raw.lower():
        raise AnnotationError(f"id is not a UUID in canonical form: {value!r}")
    return str(parsed)


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotation. Offsets are code points of the document's reading text."""

    id: str
    document: str
    sha256: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    tags: tuple[str, ...] = ()
    color: str = ""
    status: str = "anchored"
    created: str = ""
    modified: str = ""
    deleted: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape (see README, `annotations --json`)."""
        return {
            "id": self.id,
            "document": self.document,
            "sha256": self.sha256,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "note": self.note,
            "tags": list(self.tags),
            "color": self.color,
            "status": self.status,
            "created": self.created,
            "modified": self.modified,
        }

    def validated(self) -> Annotation:
        """This annotation with canonical values; AnnotationError naming the first bad field."""
        for name in ("document", "sha256", "quote", "prefix", "suffix", "note", "status"):
            if not isinstance(getattr(self, name), str):
                raise AnnotationError(f"{name} must be a string")
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise AnnotationError(f"{name} must be a non-negative integer")
            if value > MAX_OFFSET:
                raise AnnotationError(f"{name} is too large ({value})")
        for name in ("document", "quote", "prefix", "suffix", "note", "color", *self.tags):
            value = getattr(self, name, name)
            if isinstance(value, str) and _SURROGATE.search(value):
                raise AnnotationError(
                    f"{name if name in _FIELDS else 'a tag'} has a lone surrogate"
                )
        if self.end < self.start:
            raise AnnotationError(f"end ({self.end}) is before start ({self.start})")
        if self.end - self.start != len(self.quote):
            raise AnnotationError(
                f"quote has {len(self.quote)} characters but the span has {self.end - self.start}"
            )
        if self.sha256 and not _SHA256.fullmatch(self.sha256):
            raise AnnotationError("sha256 must be 64 lower-case hex digits (or empty: unknown)")
        if self.status not in STATUSES:
            raise AnnotationError(f"status must be one of {', '.join(STATUSES)}")
        if len(self.note) > MAX_NOTE_CHARS:
            raise AnnotationError(f"note is longer than {MAX_NOTE_CHARS} characters")
        if len(self.prefix) > CONTEXT_CHARS or len(self.suffix) > CONTEXT_CHARS:
            raise AnnotationError(f"prefix and suffix hold at most {CONTEXT_CHARS} characters")
        created = canonical_time(self.created)
        modified = canonical_time(self.modified)
        deleted = canonical_time(self.deleted) if self.deleted is not None else None
        return replace(
            self,
            id=check_uuid(self.id),
            document=check_document_path(self.document),
            tags=check_tags(self.tags),
            color=check_color(self.color),
            created=created,
            modified=modified,
            deleted=deleted,
        )


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A document the store has seen: its corpus-relative path and last known version."""

    path: str
    sha256: str
    length: int | None
    location: str | None
    seen: str


@dataclass(frozen=True, slots=True)
class EntityLink:
    """The user's decision that two entity keys are (`link`) or are not (`unlink`) the same."""

    key_a: str
    key_b: str
    action: str
    modified: str


@dataclass(frozen=True, slots=True)
class TopicEdit:
    """One user edit of the topics, applied in `id` order.

    `move`: `document` goes to `topic`; `rename`: `topic` gets the label `value`;
    `merge`: `topic` is merged into topic `value`.
    """

    id: int
    kind: str
    topic: str
    document: str | None
    value: str | None
    created: str


@dataclass(frozen=True, slots=True)
class Change:
    """What a write changed, for views to refresh only that."""

    kind: str  # "annotation", "document", "entity_link", "topic_edit", "cache"
    action: str  # "added", "updated", "deleted", "restored", "reanchored", "imported", ...
    ids: tuple[str, ...] = ()


@dataclass(slots=True)
class MergeResult:
    """What `Store.merge` did with a batch of incoming annotations."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # ours was as new or newer
    deleted_here: list[str] = field(default_factory=list)  # deleted here after the file was made
    restored: list[str] = field(default_factory=list)  # deleted here, brought back on request

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted_here": self.deleted_here,
            "restored": self.restored,
        }

    def summary(self) -> str:
        """One line for people: what the import did."""
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated"]
        if self.restored:
            parts.append(f"{len(self.restored)} deleted notes restored")
        if self.deleted_here:
            parts.append(
                f"{len(self.deleted_here)} not restored (deleted here after the file was "
                "written; import again with restore to bring them back)"
            )
        kept = len(self.unchanged) - len(self.deleted_here)
        if kept:
            parts.append(f"{kept} unchanged")
        return ", ".join(parts)


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
