"""Topics by column, as the stored analysis's header keeps them: one list a field, the
documents and entities of every topic in one flat list with each topic's count, repeated
values (entity ids, origins) kept once in a table.

100,000 topics read this way in a tenth of the time a list a topic takes (the app shows the
first topic of a 100,000-document corpus sooner by a second).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

from reader.corpus.chunked_texts import TextColumn, packed_texts
from reader.corpus.topics import Topic


def topic_columns(topics: Sequence[Topic]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The topics as JSON-ready columns, and their entity ids as columns of their own (kept
    apart: an opening does not read them); `topics_from_columns` reads both back."""
    entities: dict[str, int] = {}
    origins: dict[str, int] = {}
    flat_entities: list[int] = []
    for t in topics:
        flat_entities.extend(entities.setdefault(e, len(entities)) for e in t.entities)
    columns = {
        "id": [t.id for t in topics],
        "ndocs": [len(t.documents) for t in topics],
        "docs": [d for t in topics for d in t.documents],
        "origin": [origins.setdefault(t.origin, len(origins)) for t in topics],
        "origins": list(origins),
        "renamed": [i for i, t in enumerate(topics) if t.renamed],
    }
    entity_columns = {
        "nents": [len(t.entities) for t in topics],
        "ents": flat_entities,
        "entity_ids": list(entities),
    }
    return columns, entity_columns


def topic_labels(topics: Sequence[Topic]) -> bytes:
    """The topics' labels, kept apart from their columns in chunks (`chunked_texts`): 100,000
    labels are most of what the columns would hold, and an opening shows a few of them."""
    return packed_texts([t.label for t in topics])


def topics_from_columns(
    data: dict[str, Any],
    entity_columns: Callable[[], Any],
    labels: Callable[[int], Sequence[str]],
) -> list[Topic]:
    """The topics `topic_columns` wrote; `entity_columns()` gives the second dict (read when
    a topic's entities are first asked for: only `topics --json` and edits want them; when it
    is gone or damaged no topic has entities); `labels(count)` their labels (read when the
    first is asked for; gone or damaged, a topic's label is its id). ValueError (or
    KeyError, TypeError, IndexError) when the columns are not that (a damaged or foreign
    row)."""
    ids = data["id"]
    _strings(ids, data["docs"], data["origins"])
    origin_names = data["origins"]
    documents = _split(data["docs"], data["ndocs"])
    origins = list(map(origin_names.__getitem__, data["origin"]))
    renamed = [False] * len(ids)
    for i in data["renamed"]:
        renamed[i] = True
    n = len(ids)
    if not n == len(documents) == len(origins):
        raise ValueError("topic columns of unequal lengths")
    named = [TextColumn(lambda: labels(n), n)] * n
    lazy, sources = [None] * n, [_Entities(entity_columns, n)] * n
    return list(
        map(StoredTopic, ids, lazy, documents, lazy, origins, renamed, sources, range(n), named)
    )


class _Entities:
    """Every topic's entity ids, read from their columns when one is first asked for."""

    __slots__ = ("_columns", "_lists", "_n")

    def __init__(self, columns: Callable[[], Any], n: int) -> None:
        self._columns, self._n = columns, n
        self._lists: list[list[str]] | None = None

    def of(self, at: int) -> list[str]:
        if self._lists is None:
            try:
                self._lists = self._read()
            except (ValueError, KeyError, TypeError, IndexError, AttributeError):
                self._lists = [[] for _ in range(self._n)]  # damaged: none, not an error
        return self._lists[at]

    def _read(self) -> list[list[str]]:
        data = self._columns()
        flat, counts, table = data["ents"], data["nents"], data["entity_ids"]
        _strings(table)
        if len(counts) != self._n:
            raise ValueError("entity columns for other topics")
        if flat and min(flat) < 0:
            raise ValueError("a topic's entity is not in the table")
        return _split(list(map(table.__getitem__, flat)), counts)


_ENTITIES = Topic.__dict__["entities"]  # the field's slot
_LABEL = Topic.__dict__["label"]


class StoredTopic(Topic):
    """A topic read from a stored analysis: a `Topic` in every way (equal to one with the
    same fields), its `entities` made from the stored columns when first used."""

    __slots__ = ("_at", "_labels", "_source")

    def __init__(
        self,
        id: str,
        label: str | None,
        documents: list[str],
        entities: list[str] | None = None,
        origin: str = "clusters",
        renamed: bool = False,
        source: _Entities | None = None,
        at: int = 0,
        labels: TextColumn | None = None,
    ) -> None:
        """A topic's fields; its entities (None) the `at`th of `source`, its label (None) the
        `at`th of `labels`."""
        self.id, self.documents = id, documents
        self.origin, self.renamed = origin, renamed
        self._source, self._at, self._labels = source, at, labels
        if label is not None or labels is None:
            _LABEL.__set__(self, label if label is not None else id)
        if entities is not None or source is None:
            _ENTITIES.__set__(self, entities if entities is not None else [])

    def _label(self) -> str:
        try:
            return _LABEL.__get__(self, StoredTopic)
        except AttributeError:  # not asked for yet
            found = self._labels.of(self._at) if self._labels is not None else None
            _LABEL.__set__(self, found if found is not None else self.id)
            return _LABEL.__get__(self, StoredTopic)

    label = property(_label, _LABEL.__set__)  # type: ignore[assignment]

    def _entities(self) -> list[str]:
        try:
            return _ENTITIES.__get__(self, StoredTopic)
        except AttributeError:  # not asked for yet
            found = list(self._source.of(self._at)) if self._source is not None else []
            _ENTITIES.__set__(self, found)
            return found

    entities = property(_entities, _ENTITIES.__set__)  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Topic):
            return NotImplemented
        return _fields(self) == _fields(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        """Pickled as the `Topic` it is (its entities with it)."""
        return (Topic, _fields(self))


def _fields(t: Topic) -> tuple:
    return (t.id, t.label, t.documents, t.entities, t.origin, t.renamed)


def _split(flat: list[Any], counts: list[int]) -> list[list[Any]]:
    """`flat` cut into consecutive lists of `counts` items each."""
    ends = list(accumulate(counts))
    if (ends[-1] if ends else 0) != len(flat) or any(n < 0 for n in counts):
        raise ValueError("topic column counts do not add up")
    return [flat[a:b] for a, b in zip([0, *ends], ends, strict=False)]


def _strings(*columns: list[Any]) -> None:
    for column in columns:
        if not set(map(type, column)) <= {str}:
            raise ValueError("a topic column holds something other than text")
