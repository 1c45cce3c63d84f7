"""The pieces of a stored analysis that are read when used, not when it is opened: each
document's candidates (`RowCandidates`), an entity's mentions (`DerivedOccurrences`), the shared
entities one at a time (`StoredEntityIndex`) and the topics before the user's edits with their
key weights (`StoredBaseTopics`). A corpus of 100,000 documents has millions of mentions and
hundreds of thousands of entities; a window shows a few documents.

Each is pickled without what it decoded: the callables that read its rows (module-level
objects, e.g. `reader.store.analysis_store.StoredRow`) read them again where it lands.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from sys import intern
from typing import Any

import orjson

from reader.corpus.entities import Candidate, Entity, EntityIndex, Occurrence, entity_id
from reader.corpus.entity_rows import StoredEntity, entity_fields, unzip
from reader.corpus.key_counts import raw_candidates
from reader.corpus.topics import BaseTopics, Topic

Fetch = Callable[[str], "bytes | None"]  # a row of the stored analysis by name, None: gone
_DAMAGED = (ValueError, TypeError, IndexError, KeyError, AttributeError, zlib.error)


class RowCandidates(Mapping[str, list[Candidate]]):
    """Every document's candidates, each list decoded from its stored row when first asked
    for (a corpus of 100,000 documents holds millions; a window looks at a few documents).

    `rows(doc_id)` gives a document's row (bytes from `candidate_row`, or None: none stored);
    `order` is the documents' order. Pickled without what it decoded: the `rows` callable
    (a module-level object) reads them again where it lands.
    """

    def __init__(self, order: Sequence[str], rows: Any) -> None:
        self._order = list(order)
        self._known = frozenset(self._order)
        self._rows = rows
        self._done: dict[str, list[Candidate]] = {}
        self._at: dict[str, int] | None = None

    def __getitem__(self, doc_id: str) -> list[Candidate]:
        found = self._done.get(doc_id)
        if found is None:
            if doc_id not in self._known:
                raise KeyError(doc_id)
            found = decode_candidates(self._rows(doc_id))
            self._done[doc_id] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def _fresh(self, doc_id: str) -> list[Candidate]:
        """A document's candidates, decoded again unless decoded already (not kept)."""
        found = self._done.get(doc_id)
        return found if found is not None else decode_candidates(self._rows(doc_id))

    def _position(self) -> dict[str, int]:
        """Each document's place in the order."""
        if self._at is None:
            self._at = {d: n for n, d in enumerate(self._order)}
        return self._at

    def __reduce__(self) -> tuple:
        return (RowCandidates, (self._order, self._rows))


class DerivedOccurrences(Sequence[Occurrence]):
    """A shared entity's occurrences, made from its documents' candidates when first used
    (never stored twice: the candidates are the mentions). With `mentions` (the index's
    `_BatchedMentions`), made with those of the entities after it in one pass over their
    documents, the batch before let go."""

    __slots__ = ("_candidates", "_docs", "_json", "_key", "_mentions", "_rows")

    def __init__(
        self,
        candidates: Mapping[str, list[Candidate]],
        key: str,
        documents: list[str] | Callable[[], list[str]],
        mentions: _BatchedMentions | None = None,
    ):
        """`documents`: the entity's documents, or what gives them when first needed."""
        self._candidates, self._key, self._docs = candidates, key, documents
        self._mentions = mentions
        self._rows: list[Occurrence] | None = None
        self._json: list[tuple[Any, ...]] | None = None  # for `as_json` (`_json_of`), once

    @property
    def _documents(self) -> list[str]:
        if callable(self._docs):
            self._docs = self._docs()
        return self._docs

    def _made(self) -> list[Occurrence]:
        if self._rows is None and self._mentions is not None:
            self._mentions.fill(self)
        if self._rows is None:
            key = self._key
            self._rows = [
                Occurrence(d, c.start, c.end, c.text, c.evidence)
                for d in self._documents
                for c in self._candidates.get(d, ())
                if c.key == key
            ]
        return self._rows

    def as_json(self) -> list[dict[str, object]]:
        """`[o.to_json() for o in self]`, made from the rows without an `Occurrence` for
        each (with the entities after it, as `_made`); not kept once given."""
        if self._rows is None and self._mentions is not None:
            if self._json is None:
                self._mentions.fill(self, as_json=True)
            found, self._json = self._json, None
            if found is not None:
                return _json_of(found)
        return [o.to_json() for o in self._made()]

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self._made()[i]

    def __len__(self) -> int:
        return len(self._made())

    def __iter__(self) -> Iterator[Occurrence]:
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return f"DerivedOccurrences({self._key!r})"

    def __reduce__(self) -> tuple:
        return (DerivedOccurrences, (self._candidates, self._key, self._documents))


class _BatchedMentions:
    """Makes the occurrences of the entities read so far from the one asked for on, in the
    index's order, up to `BATCH_DOCUMENTS` (document, entity) pairs, in one pass over the rows
    of their documents (read `ROWS_AT_ONCE` at a time, decoded there, not kept): printing every
    entity of 100,000 documents holds one batch of mentions at a time. `as_json`: the
    mentions as tuples `as_json` makes their JSON from (no `Occurrence` made)."""

    BATCH_DOCUMENTS = 300_000

    def __init__(self, index: StoredEntityIndex) -> None:
        self.index = index
        self.current: list[DerivedOccurrences] = []

    def fill(self, wanted: DerivedOccurrences, as_json: bool = False) -> None:
        candidates = self.index.candidates
        if not isinstance(candidates, RowCandidates):
            return  # made on their own from the candidates
        for old in self.current:
            old._rows = old._json = None
        ids = self.index.entity_ids()
        cache = self.index._cache
        start = self.index._position().get(entity_id(wanted._key))
        batch: list[DerivedOccurrences] = [wanted]
        total = len(wanted._documents)
        if start is not None:
            for i in ids[start + 1 :]:
                e = cache.get(i)
                if e is None:
                    if i in cache:
                        continue
                    break  # not read yet: the batch ends where reading stopped
                occ = e.occurrences
                if not isinstance(occ, DerivedOccurrences) or occ._rows is not None:
                    continue
                if occ._json is not None:
                    continue
                if total + len(occ._documents) > self.BATCH_DOCUMENTS:
                    break
                batch.append(occ)
                total += len(occ._documents)
        made: dict[str, list[Any]] = {o._key: [] for o in batch}
        order = candidates._position()
        docs = sorted({d for o in batch for d in o._documents if d in order}, key=order.get)
        for d, row in rows_of(candidates._rows, docs):
            done = candidates._done.get(d)
            if done is None and not _row_mentions(d, row, made, as_json):
                done = decode_candidates(row)  # not a row `candidate_row` writes
            if done is not None:
                for c in done:
                    found = made.get(c.key)
                    if found is not None:
                        if as_json:
                            found.append((d, c.start, c.end, c.text, c.evidence))
                        else:
                            found.append(Occurrence(d, c.start, c.end, c.text, c.evidence))
        for o in batch:
            if as_json:
                o._json = made[o._key]
            else:
                o._rows = made[o._key]
        self.current = batch


ROWS_AT_ONCE = 512  # rows read by one query (`rows_of`)


def rows_of(rows: Any, names: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
    """(name, `rows(name)`) for each name in order, read `ROWS_AT_ONCE` at a time when `rows`
    can (`rows.many(names)`: the rows found, by name)."""
    many = getattr(rows, "many", None)
    if many is None:
        for name in names:
            yield name, rows(name)
        return
    for at in range(0, len(names), ROWS_AT_ONCE):
        chunk = names[at : at + ROWS_AT_ONCE]
        found = many(chunk)
        for name in chunk:
            yield name, found.get(name)


_ENTITIES = EntityIndex.__dict__["entities"]


class StoredEntityIndex(EntityIndex):
    """An `EntityIndex` whose shared entities are read one at a time (`by_id`, `by_key`), and
    all of them only when `entities` is asked for. `entity_rows(id)` gives an entity's row,
    `fetch("order")` the ids in the index's order."""

    __slots__ = ("_at", "_cache", "_entity_rows", "_fetch", "_ids", "_mentions")

    def __init__(
        self,
        candidates: Mapping[str, list[Candidate]],
        entity_rows: Fetch,
        fetch: Fetch,
        languages: Mapping[str, str],
    ) -> None:
        self.candidates = candidates  # type: ignore[assignment]
        self._languages, self._by_key = languages, {}
        self._entity_rows, self._fetch = entity_rows, fetch
        self._cache: dict[str, Entity | None] = {}
        self._ids: list[str] | None = None
        self._at: dict[str, int] | None = None
        self._mentions = _BatchedMentions(self)
        _ENTITIES.__set__(self, None)

    def _all(self) -> list[Entity]:
        found = _ENTITIES.__get__(self, StoredEntityIndex)
        if found is None:
            ids = self.entity_ids()
            cache = self._cache
            for i, row in rows_of(self._entity_rows, [i for i in ids if i not in cache]):
                self._read(i, row)
            found = [e for i in ids if (e := cache[i]) is not None]
            _ENTITIES.__set__(self, found)
        return found

    entities = property(_all, lambda self, v: _ENTITIES.__set__(self, v))  # type: ignore[assignment]

    def entity_ids(self) -> list[str]:
        """Every shared entity's id, in the index's order (most documents first)."""
        if self._ids is None:
            try:
                self._ids = [str(i) for i in unzip(self._fetch("order"))]
            except _DAMAGED:
                self._ids = []
        return self._ids

    def _position(self) -> dict[str, int]:
        """Each shared entity's place in the order."""
        if self._at is None:
            self._at = {e: n for n, e in enumerate(self.entity_ids())}
        return self._at

    def by_id(self, entity_id: str) -> Entity | None:
        if entity_id in self._cache:
            return self._cache[entity_id]
        return self._read(entity_id, self._entity_rows(entity_id))

    def _read(self, entity_id: str, row: bytes | None) -> Entity | None:
        """The entity of its row (None: no row, or damaged), kept in `_cache`."""
        found = None
        try:
            key, label, kind, langs, docs, colour = entity_fields(row)
            order = getattr(self.candidates, "_order", None)
            if isinstance(docs, tuple):
                if order is None:
                    raise ValueError("document positions without the documents' order")
                found = StoredEntity(entity_id, key, label, kind, langs, colour, docs, order)
            else:
                found = Entity(entity_id, key, label, kind, langs, docs, [], colour)
            found.occurrences = DerivedOccurrences(
                self.candidates,
                key,
                (lambda e=found: e.documents) if isinstance(docs, tuple) else docs,
                self._mentions,
            )  # type: ignore[assignment]
        except _DAMAGED:  # not shared (no row), or damaged: no entity
            found = None
        self._cache[entity_id] = found
        return found

    def entities_by_id(self) -> Mapping[str, Entity]:
        return _EntitiesById(self)

    def by_key(self, key: str) -> Entity | None:
        found = self.by_id(entity_id(key))
        return found if found is not None and found.key == key else None

    def __reduce__(self) -> tuple:
        return (
            StoredEntityIndex,
            (self.candidates, self._entity_rows, self._fetch, self._languages),
        )

    def __repr__(self) -> str:
        return f"StoredEntityIndex({len(self.candidates)} documents)"


class _EntitiesById(Mapping[str, Entity]):
    """The shared entities of a stored index by id, each read when asked for."""

    def __init__(self, index: StoredEntityIndex) -> None:
        self.index = index

    def __getitem__(self, entity_id: str) -> Entity:
        found = self.index.by_id(entity_id)
        if found is None:
            raise KeyError(entity_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.entity_ids())

    def __len__(self) -> int:
        return len(self.index.entity_ids())


_BASE = {name: BaseTopics.__dict__[name] for name in ("topics", "warnings", "idf")}


class StoredBaseTopics(BaseTopics):
    """The topics before the user's edits and their key weights, read when first used (only
    an edit replays them)."""

    __slots__ = ("_fetch", "_read")

    def __init__(self, fetch: Fetch) -> None:
        self._fetch, self._read = fetch, False

    def _get(self, name: str) -> Any:
        if not self._read:
            try:
                topics, warnings = unzip(self._fetch("base"))
                topics = [topic_from(t) for t in topics]
                warnings = [str(w) for w in warnings]
            except _DAMAGED:
                topics, warnings = [], []
            try:
                idf = {str(k): float(v) for k, v in unzip(self._fetch("idf")).items()}
            except _DAMAGED:
                idf = {}
            for field, value in (("topics", topics), ("warnings", warnings), ("idf", idf)):
                _BASE[field].__set__(self, value)
            self._read = True
        return _BASE[name].__get__(self, StoredBaseTopics)

    topics = property(lambda self: self._get("topics"))  # type: ignore[assignment]
    warnings = property(lambda self: self._get("warnings"))  # type: ignore[assignment]
    idf = property(lambda self: self._get("idf"))  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (StoredBaseTopics, (self._fetch,))

    def __repr__(self) -> str:
        return "StoredBaseTopics()"


def topic_row(t: Topic) -> list[Any]:
    return [t.id, t.label, t.documents, t.entities, t.origin, t.renamed]


def topic_from(x: list[Any]) -> Topic:
    return Topic(str(x[0]), str(x[1]), list(x[2]), list(x[3]), str(x[4]), bool(x[5]))


def candidate_row(candidates: Sequence[Candidate]) -> bytes:
    """One document's candidates as the stored analysis keeps them (compressed JSON)."""
    rows = [_candidate_row(c) for c in candidates]
    return zlib.compress(json.dumps(rows, ensure_ascii=False).encode("utf-8"), 3)


def decode_candidates(row: bytes | None) -> list[Candidate]:
    """The candidates of a stored row (none for a missing or damaged one)."""
    if not row:
        return []
    try:
        # Keys and kinds held once however many documents name them.
        return [
            Candidate(
                int(c[0]),
                int(c[1]),
                str(c[2]),
                intern(str(c[3])),
                intern(str(c[4])),
                _evidence(c, 5),
            )
            for c in orjson.loads(zlib.decompress(row))
        ]
    except (ValueError, TypeError, IndexError, zlib.error, UnicodeDecodeError):
        return []


def _row_mentions(
    doc_id: str, row: bytes | None, made: Mapping[str, list[Any]], as_json: bool
) -> bool:
    """Add to `made` (lists by key) the mentions in a stored candidate row of its keys, as
    `Occurrence`s or (`as_json`) tuples (`_json_of`), without a `Candidate` for every one
    (a tuple is the size of an `Occurrence`, a third of a dict of its JSON). False,
    adding none, when the row is not what `candidate_row` writes (read it with
    `decode_candidates`, which says what it holds); a missing row has none."""
    if not row:
        return True
    raw = raw_candidates(row)
    if raw is None:
        return False
    get = made.get
    try:
        if as_json:  # tuples (document, start, end, text[, evidence]): `_json_of`
            for c in raw:
                found = get(c[3])
                if found is not None:
                    found.append(
                        (doc_id, c[0], c[1], c[2], c[5])
                        if len(c) > 5 and c[5]
                        else (doc_id, c[0], c[1], c[2])
                    )
        else:
            for c in raw:
                found = get(c[3])
                if found is not None:
                    found.append(Occurrence(doc_id, c[0], c[1], c[2], c[5] if len(c) > 5 else ""))
    except TypeError:  # a key that is not text: take back what this row added
        for found in made.values():
            while found and (found[-1][0] if as_json else found[-1].doc) == doc_id:
                found.pop()
        return False
    return True


def _json_of(mentions: list[tuple[Any, ...]]) -> list[dict[str, object]]:
    """`Occurrence.to_json` of mentions kept as tuples (document, start, end, text and
    maybe evidence)."""
    return [
        {"doc": c[0], "start": c[1], "end": c[2], "text": c[3], "evidence": c[4]}
        if len(c) > 4 and c[4]
        else {"doc": c[0], "start": c[1], "end": c[2], "text": c[3]}
        for c in mentions
    ]


def _evidence(row: list[Any], at: int) -> str:
    """The evidence stored at `row[at]`, when there is one (rows without it have none)."""
    return str(row[at]) if len(row) > at else ""


def _candidate_row(c: Candidate) -> list[Any]:
    row: list[Any] = [c.start, c.end, c.text, c.key, c.kind]
    if c.evidence:
        row.append(c.evidence)
    return row
