"""Annotations in and out: W3C Web Annotation JSON-LD export and import, Markdown digest.

Export writes an `AnnotationCollection` with its first (and only) `AnnotationPage` embedded.
Each annotation's target is a `SpecificResource` whose `source` names the document by a
corpus-relative IRI, `urn:corpus-reader:doc:<path>`, with a `TextQuoteSelector` and a
`TextPositionSelector` (code points of the reading text). The document's SHA-256 and the colour
are extensions written as CURIEs of schema.org, whose prefix the Web Annotation context already
declares (`schema:sha256` on the source, `schema:color` on the annotation), so `@context` stays
the single string `http://www.w3.org/ns/anno.jsonld`.

Import reads such a file (or a page, a single annotation, or a list of them), checks all of it
first and raises `ExchangeError` naming the first problem and where it is; only then is anything
written, in one transaction. A source IRI is only ever turned into a corpus-relative path that
the reader matches against its own corpus; it is never opened, fetched or resolved as given.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from reader.store.annotations import (
    Annotation,
    MergeResult,
    Store,
)
from reader.store.json_stream import JsonStreamError, read_streamed
from reader.store.staged_import import StagedImport
from reader.store.w3c_read import (  # noqa: F401  (re-exported)
    _EXPORT_NAMESPACE,
    _MARKDOWN_SPECIAL,
    _SURROGATE,
    ANNO_CONTEXT,
    COLOR_KEY,
    SHA256_KEY,
    SOURCE_PREFIX,
    ExchangeError,
    _fail,
    _items,
    _refuse_surrogates,
    _Where,
    annotation_from_w3c,
    path_from_iri,
    source_iri,
)

# --- export ----------------------------------------------------------------------------------


def annotation_to_w3c(ann: Annotation) -> dict[str, Any]:
    """One annotation as a W3C Web Annotation (JSON-LD, compacted with the anno context)."""
    bodies: list[dict[str, Any]] = []
    if ann.note:
        bodies.append(
            {
                "type": "TextualBody",
                "value": ann.note,
                "format": "text/markdown",
                "purpose": "commenting",
            }
        )
    bodies.extend({"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in ann.tags)
    quote_selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": ann.quote}
    if ann.prefix:
        quote_selector["prefix"] = ann.prefix
    if ann.suffix:
        quote_selector["suffix"] = ann.suffix
    source: dict[str, Any] = {"id": source_iri(ann.document), "type": "Text"}
    if ann.sha256:
        source[SHA256_KEY] = ann.sha256
    item: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": f"urn:uuid:{ann.id}",
        "type": "Annotation",
        "motivation": "commenting" if ann.note else ("tagging" if ann.tags else "highlighting"),
        "created": ann.created,
        "modified": ann.modified,
    }
    if ann.color:
        item[COLOR_KEY] = ann.color
    if bodies:
        item["body"] = bodies[0] if len(bodies) == 1 else bodies
    item["target"] = {
        "type": "SpecificResource",
        "source": source,
        "selector": [
            quote_selector,
            {"type": "TextPositionSelector", "start": ann.start, "end": ann.end},
        ],
    }
    return item


def export_w3c(annotations: Sequence[Annotation], label: str = "Corpus Reader annotations") -> dict:
    """An AnnotationCollection with the first page embedded (deterministic for equal input)."""
    fingerprint = "\n".join(f"{a.id} {a.modified}" for a in annotations)
    collection_id = f"urn:uuid:{uuid.uuid5(_EXPORT_NAMESPACE, 'collection ' + fingerprint)}"
    data: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(annotations),
    }
    if annotations:
        data["first"] = {
            "id": f"urn:uuid:{uuid.uuid5(_EXPORT_NAMESPACE, 'page 0 ' + fingerprint)}",
            "type": "AnnotationPage",
            "partOf": collection_id,
            "startIndex": 0,
            "items": [annotation_to_w3c(a) for a in annotations],
        }
    return data


def export_w3c_json(store: Store) -> str:
    """The store's live annotations as W3C JSON-LD text."""
    return json.dumps(export_w3c(store.list()), ensure_ascii=False, indent=2) + "\n"


def _md_escape(text: str) -> str:
    """Plain text that Markdown shows as written (inline marks and line-start blocks)."""
    out = "".join(
        "\\" + c
        if c in _MARKDOWN_SPECIAL
        else (c.encode("unicode_escape").decode("ascii") if ord(c) < 32 and c != "\t" else c)
        for c in text
    )
    head = re.match(r"\s*(#|=|\+|-|\d+[.)])", out)
    if head:
        cut = head.end() - 1
        out = out[:cut] + "\\" + out[cut:]
    return out


def export_markdown(annotations: Iterable[Annotation], title: str = "Annotations") -> str:
    """A readable digest grouped by document: each quote as a block quote, then the note."""
    ordered = sorted(annotations, key=lambda a: (a.document, a.start, a.end, a.created))
    return "\n".join(markdown_lines(ordered, title)).rstrip("\n") + "\n"


def markdown_lines(annotations: Iterable[Annotation], title: str = "Annotations") -> Iterator[str]:
    """The lines of `export_markdown`, for annotations already in document and span order."""
    yield from (f"# {title}", "")
    document = None
    for ann in annotations:
        if ann.document != document:
            document = ann.document
            yield from (f"## {_md_escape(document)}", "")
        quoted = [("> " + _md_escape(line)).rstrip() for line in ann.quote.split("\n")]
        yield from (*quoted, "")
        if ann.note.strip():
            yield from (ann.note.strip(), "")
        facts = [f"characters {ann.start}–{ann.end}"]
        if ann.status != "anchored":
            facts.append(ann.status)
        if ann.tags:
            facts.append("tags: " + ", ".join(_md_escape(t) for t in ann.tags))
        if ann.color:
            facts.append(f"colour {ann.color}")
        facts.append(ann.modified[:10])
        yield from ("*" + " · ".join(facts) + "*", "")
    if document is None:
        yield from ("No annotations.", "")


def _stream_path(head: Any) -> str | None:
    """Where the annotations of a file of this shape are (see `json_stream.STREAMED`)."""
    if isinstance(head, list):
        return ""
    types = head.get("type") if isinstance(head, dict) else None
    types = types if isinstance(types, list) else [types]
    if "AnnotationPage" in types:
        return "items"
    if "AnnotationCollection" in types:
        return "first.items"
    return None


def read_import(fh: BinaryIO, add: Callable[[Annotation], None]) -> int:
    """Read a W3C file, calling `add` with each annotation as soon as it is checked; return
    how many. ExchangeError at the first problem (the caller undoes what `add` did)."""
    seen: dict[str, int] = {}
    streamed: set[str] = set()

    def take(item: Any, where: _Where) -> None:
        ann = annotation_from_w3c(item, where)
        if ann.id in seen:
            raise _fail(where / "id", f"the same id as annotation number {seen[ann.id] + 1}")
        seen[ann.id] = len(seen)
        add(ann)

    def on_item(item: Any, path: str, index: int) -> None:
        streamed.add(path)
        take(item, _Where(path) / index)

    try:
        head = read_streamed(fh, on_item, _no_constant)
    except JsonStreamError as exc:
        raise ExchangeError(str(exc)) from None
    _refuse_surrogates({k: v for k, v in head.items() if k not in ("first", "items")}
                       if isinstance(head, dict) else [], _Where(""))  # fmt: skip
    items = _items(head)
    for path in sorted(streamed - {_stream_path(head)}):
        raise _fail(_Where(path), "annotations are only read from the items of a page")
    for item, where in items:
        take(item, where)
    return len(seen)


def parse_import(data: bytes | str) -> list[Annotation]:
    """Every annotation of an import file, all validated; ExchangeError at the first problem."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    result: list[Annotation] = []
    read_import(io.BytesIO(raw), result.append)
    return result


def _no_constant(name: str) -> None:
    raise ExchangeError(f"not valid JSON: {name}")


def import_stream(store: Store, fh: BinaryIO, restore_deleted: bool = False) -> MergeResult:
    """Merge the annotations of a W3C file into the store: all of them, or (at the first
    problem) none. They are checked and set aside as they are read, then merged in one short
    transaction, so a big file does not keep other programs from writing meanwhile."""
    staged = StagedImport(store, restore_deleted)
    try:
        read_import(fh, staged.add)
        return staged.commit()
    except BaseException:
        staged.discard()
        raise


def import_w3c(store: Store, data: bytes | str, restore_deleted: bool = False) -> MergeResult:
    """Validate all of `data` and merge it into the store in one transaction (with
    `restore_deleted`, notes deleted here come back: see `Store.merge`)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return import_stream(store, io.BytesIO(raw), restore_deleted=restore_deleted)


def import_file(store: Store, path: Path, restore_deleted: bool = False) -> MergeResult:
    """Import a file of any size (it is read as a stream, one annotation at a time)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        with fh:
            return import_stream(store, fh, restore_deleted=restore_deleted)
    except ExchangeError as exc:
        raise ExchangeError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot read: {exc.strerror or exc}") from None
