"""Exports of any size written as a stream: the same text as `exchange.export_w3c_json` and
`exchange.export_markdown`, with only a batch of annotations in memory at a time."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from reader.store.annotations import Annotation, Store
from reader.store.exchange import (
    _EXPORT_NAMESPACE,
    ANNO_CONTEXT,
    annotation_to_w3c,
    markdown_lines,
)

_HOLE = "\x00items\x00"


def _uuid5(prefix: str, pieces: Iterable[str]) -> str:
    """`uuid.uuid5(_EXPORT_NAMESPACE, prefix + "\\n".join(pieces))`, without the whole string."""
    digest = hashlib.sha1(_EXPORT_NAMESPACE.bytes + prefix.encode("utf-8"))
    for i, piece in enumerate(pieces):
        digest.update((("\n" if i else "") + piece).encode("utf-8"))
    return str(uuid.UUID(bytes=digest.digest()[:16], version=5))


def write_w3c(store: Store, out: TextIO, label: str = "Corpus Reader annotations") -> int:
    """Write the store's live annotations as W3C JSON-LD to `out`; return how many."""
    with store._read_snapshot():  # the ids, the count and the items agree
        keys = [
            f"{i} {m}"
            for i, m in store.conn.execute(
                "SELECT id, modified FROM annotations WHERE deleted IS NULL "
                'ORDER BY document, start, "end", created, id'
            )
        ]
        collection_id = f"urn:uuid:{_uuid5('collection ', keys)}"
        data: dict[str, Any] = {
            "@context": ANNO_CONTEXT,
            "id": collection_id,
            "type": "AnnotationCollection",
            "label": label,
            "total": len(keys),
        }
        if keys:
            data["first"] = {
                "id": f"urn:uuid:{_uuid5('page 0 ', keys)}",
                "type": "AnnotationPage",
                "partOf": collection_id,
                "startIndex": 0,
                "items": [_HOLE],
            }
        del keys
        head, _, tail = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").partition(
            json.dumps(_HOLE)
        )
        if not tail:
            out.write(head)
            return 0
        out.write(head.rstrip(" "))
        count = 0
        for ann in store.iter_annotations():
            item = json.dumps(annotation_to_w3c(ann), ensure_ascii=False, indent=2)
            out.write((",\n" if count else "") + "      " + item.replace("\n", "\n      "))
            count += 1
        out.write(tail)
    return count


def write_markdown(annotations: Iterable[Annotation], out: TextIO) -> None:
    """Write the Markdown digest of `annotations` (in `Store.list()` order) to `out`."""
    for line in _joined(markdown_lines(annotations)):
        out.write(line)


def _joined(lines: Iterator[str]) -> Iterator[str]:
    """`"\\n".join(lines).rstrip("\\n") + "\\n"`, piece by piece."""
    blank = 0
    first = True
    for line in lines:
        if not line:
            blank += 1
            continue
        yield ("" if first else "\n") + "\n" * blank + line
        blank = 0
        first = False
    yield "\n"
