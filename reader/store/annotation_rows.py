"""How an annotation is kept in the `annotations` table: its columns, the row of its values,
the update a known id takes, and the annotation read back from a row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reader.store.records import Annotation

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
