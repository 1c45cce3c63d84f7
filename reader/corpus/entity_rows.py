"""A shared entity's row in the stored analysis: its fields compressed, its documents apart as
their places in the analysis's document order (`entity_row`), decoded only when asked for
(`StoredEntity`): the first topic of a 100,000-document corpus names entities found in 60,000
documents each, and showing it reads none of those lists.
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from array import array
from collections.abc import Mapping
from sys import intern
from typing import Any

import orjson

from reader.corpus.entities import Entity


def unzip(blob: bytes | None) -> Any:
    """The JSON of a compressed row (ValueError for none)."""
    if not blob:
        raise ValueError("no row")
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def zipped(data: Any) -> bytes:
    """`data` as compressed JSON (written by orjson: the analysis's parts are written at
    each update, the corpus's key weights alone being 80,000 numbers at 5,000 documents)."""
    return zlib.compress(orjson.dumps(data), 3)


_PLACES = b"\x01"  # an entity row with its documents apart (zlib's rows begin with "x")
_META = struct.Struct("<I")  # the length of an entity row's compressed fields
_LITTLE = sys.byteorder == "little"


def entity_row(e: Entity, position: Mapping[str, int] | None = None) -> bytes:
    """One shared entity as the stored analysis keeps it (its mentions are its documents').

    With `position` (each document's place in the analysis's order) its documents are kept
    apart from its fields, as those places (4-byte integers, compressed): an entity found in
    60,000 documents is read without them, and they are decoded only when asked for."""
    fields = [e.key, e.label, e.kind, e.languages, len(e.documents), e.colour]
    places = [position.get(d) for d in e.documents] if position is not None else [None]
    if None in places:  # a document outside the order (or none given): the list itself
        return zipped([*fields[:4], e.documents, e.colour])
    packed = array("I", places)
    if not _LITTLE:
        packed.byteswap()
    head = zipped(fields)
    return _PLACES + _META.pack(len(head)) + head + zlib.compress(packed.tobytes(), 6)


def entity_fields(row: bytes | None) -> tuple[str, str, str, list[str], Any, int]:
    """An entity row's key, label, kind, languages, documents (a list, or the compressed
    places of `entity_row`) and colour; ValueError (or another of `_DAMAGED`) when damaged."""
    if not row:
        raise ValueError("no row")
    if row[:1] == _PLACES:
        (length,) = _META.unpack_from(row, 1)
        start = 1 + _META.size
        key, label, kind, langs, count, colour = unzip(row[start : start + length])
        docs: Any = (row[start + length :], int(count))
    else:  # the fields with the documents' list
        key, label, kind, langs, docs, colour = unzip(row)
        if not set(map(type, docs)) <= {str}:
            raise ValueError("a document id that is not text")
        docs = list(map(intern, docs))  # ids held once for all entities
    langs = [str(x) for x in langs]
    return str(key), str(label), str(kind), langs, docs, int(colour)


class StoredEntity(Entity):
    """A shared entity read from a stored analysis: an `Entity` in every way, its documents
    decoded from their places when first asked for (none when damaged)."""

    __slots__ = ("_order", "_places")

    def __init__(
        self,
        id: str,
        key: str,
        label: str,
        kind: str,
        languages: list[str],
        colour: int,
        places: tuple[bytes, int],
        order: list[str],
    ) -> None:
        self.id, self.key, self.label, self.kind = id, key, label, kind
        self.languages, self.colour, self.occurrences = languages, colour, []
        self._places, self._order = places, order

    def _documents(self) -> list[str]:
        try:
            return _DOCUMENTS.__get__(self, StoredEntity)
        except AttributeError:  # not asked for yet
            found = _decode_places(*self._places, self._order)
            _DOCUMENTS.__set__(self, found)
            return found

    documents = property(_documents, lambda self, v: _DOCUMENTS.__set__(self, v))  # type: ignore[assignment]

    def document_count(self) -> int:
        """How many documents share it: the count stored beside its places until they are
        decoded (a topic's entities are sorted by it, 0.17 s for 100,000 documents)."""
        try:
            return len(_DOCUMENTS.__get__(self, StoredEntity))
        except AttributeError:
            return self._places[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entity):
            return NotImplemented
        return _entity_fields_of(self) == _entity_fields_of(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        """Pickled as the `Entity` it is."""
        return (Entity, _entity_fields_of(self))


_DOCUMENTS = Entity.__dict__["documents"]  # the field's slot
_ENTITY_FIELDS = ("id", "key", "label", "kind", "languages", "documents", "occurrences", "colour")


def _entity_fields_of(e: Entity) -> tuple:
    return tuple(getattr(e, f) for f in _ENTITY_FIELDS)


def _decode_places(blob: bytes, count: int, order: list[str]) -> list[str]:
    """The documents at the places `entity_row` packed ([] when damaged)."""
    try:
        places = array("I")
        places.frombytes(zlib.decompress(blob))
        if not _LITTLE:
            places.byteswap()
        if len(places) != count or (count and max(places) >= len(order)):
            return []
        return list(map(order.__getitem__, places))
    except (ValueError, zlib.error):
        return []
