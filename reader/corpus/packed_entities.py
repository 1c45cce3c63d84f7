"""An entity index whose candidates are held as compressed rows, one a document, and whose
entities' mentions are made from those rows a batch at a time.

The corpus-level resolution of an indexed corpus (`reader.corpus.streamed_resolution`) writes
each document's chosen candidates as the row the stored analysis keeps (`candidate_row`) as
soon as they are chosen: 100,000 documents hold about 150 MB of rows where their `Candidate`
objects took gigabytes. A document's candidates are decoded when asked for (a few are kept);
an entity is summarised by its documents and mention count, and its `Occurrence`s are made
when first used, with those of the entities after it, up to `MENTION_BATCH` mentions (a pass
over the rows makes a batch; printing every entity reads the rows a few times, never holding
every mention of the corpus).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from reader.corpus.entities import (
    Candidate,
    Entity,
    EntityIndex,
    Occurrence,
    entity_colour,
    entity_id,
)
from reader.corpus.key_counts import EMPTY, KeyCounts, counts_of, counts_of_raw, raw_candidates
from reader.corpus.stored_parts import decode_candidates

MENTION_BATCH = 1_000_000  # mentions made at once when an entity's occurrences are first used
DECODED_KEPT = 64  # documents whose decoded candidates are kept (pairs of versions, a topic)


# A document's row, its `KeyCounts` and the lists the row holds (None: not asked for, kept
# decoded, or a row `raw_candidates` refuses)
Entry = tuple["bytes | None", KeyCounts, "list[list[Any]] | None"]


class PackedCandidates(Mapping[str, list[Candidate]]):
    """Every document's candidates as compressed rows (`stored_parts.candidate_row`), each
    decoded when asked for (but those of `known`, kept decoded); `row(doc_id)` gives the row
    itself, `key_counts(doc_id)` its `KeyCounts` (kept in `counts` when given, by document,
    while its row is the same)."""

    def __init__(
        self,
        order: Sequence[str],
        rows: dict[str, bytes],
        known: dict[str, list[Candidate]] | None = None,
        counts: dict[str, Entry] | None = None,
    ) -> None:
        self._order = list(order)
        self._rows = rows
        self._known = known or {}
        self._counts = counts
        self._decoded: OrderedDict[str, list[Candidate]] = OrderedDict()

    def row(self, doc_id: str) -> bytes:
        return self._rows[doc_id]

    def key_counts(self, doc_id: str) -> KeyCounts:
        return self.entry(doc_id)[1]

    def entry(self, doc_id: str, raw: bool = False) -> Entry:
        """A document's `Entry`: its lists when its row was decoded for it, or with `raw`
        (unless it is kept decoded or damaged)."""
        row = self._rows.get(doc_id)
        cache = self._counts
        known = self._known.get(doc_id)
        if cache is not None:
            found = cache.get(doc_id)
            if found is not None and found[0] is row:
                if not raw or row is None or known is not None:
                    return found
                return row, found[1], raw_candidates(row)
        lists = None
        if known is not None:
            counts = counts_of(known)
        elif row is None:
            counts = EMPTY
        else:
            lists = raw_candidates(row)
            counts = counts_of_raw(lists) if lists is not None else counts_of(self[doc_id])
        if cache is not None:
            cache[doc_id] = (row, counts, None)  # the lists are not kept (memory)
        return row, counts, lists

    def counted(self) -> Iterator[tuple[str, bytes, KeyCounts]]:
        """The documents whose `KeyCounts` are held for their current row (with it)."""
        cache, rows = self._counts or {}, self._rows
        for doc_id in self._order:
            found = cache.get(doc_id)
            row = rows.get(doc_id)
            if found is not None and row is not None and found[0] is row:
                yield doc_id, row, found[1]

    def __getitem__(self, doc_id: str) -> list[Candidate]:
        found = self._known.get(doc_id)
        if found is not None:
            return found
        found = self._decoded.get(doc_id)
        if found is not None:
            self._decoded.move_to_end(doc_id)
            return found
        found = decode_candidates(self._rows[doc_id])
        self._decoded[doc_id] = found
        if len(self._decoded) > DECODED_KEPT:
            self._decoded.popitem(last=False)
        return found

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __reduce__(self) -> tuple:  # without the counts (made again where it is sent)
        return (PackedCandidates, (self._order, self._rows, self._known))


class LazyOccurrences(Sequence[Occurrence]):
    """A shared entity's occurrences, made by `_Mentions` when first used; its length is
    known without making them."""

    __slots__ = ("_count", "_mentions", "_rows", "documents", "key")

    def __init__(self, mentions: _Mentions, key: str, documents: list[str], count: int) -> None:
        self._mentions, self.key, self.documents, self._count = mentions, key, documents, count
        self._rows: list[Occurrence] | None = None

    def _made(self) -> list[Occurrence]:
        rows = self._rows
        if rows is None:
            self._mentions.fill(self)
            rows = self._rows
        return rows  # type: ignore[return-value]

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self._made()[i]

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Occurrence]:
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return f"LazyOccurrences({self.key!r}, {self._count})"

    def __reduce__(self) -> tuple:
        return (list, (list(self),))


class _Mentions:
    """Makes the occurrences of a batch of entities (in the index's order, from the one
    asked for) in one pass over their documents' rows; the previous batch's are let go."""

    def __init__(self, candidates: PackedCandidates, budget: int = MENTION_BATCH) -> None:
        self.candidates = candidates
        self.budget = budget
        self.entities: list[Entity] = []
        self.position: dict[str, int] = {}
        self.order: dict[str, int] = {}
        self.current: list[LazyOccurrences] = []

    def fill(self, wanted: LazyOccurrences) -> None:
        for old in self.current:
            old._rows = None
        if not self.order:
            self.order = {d: n for n, d in enumerate(self.candidates)}
        batch: list[LazyOccurrences] = []
        total = 0
        for e in self.entities[self.position[wanted.key] :]:
            occ = e.occurrences
            if not isinstance(occ, LazyOccurrences) or occ._rows is not None:
                continue
            if batch and total + len(occ) > self.budget:
                break
            batch.append(occ)
            total += len(occ)
        if wanted not in batch:  # not in the index's list (a copy): on its own
            batch = [wanted]
        made: dict[str, list[Occurrence]] = {o.key: [] for o in batch}
        docs = sorted({d for o in batch for d in o.documents}, key=self.order.__getitem__)
        known, rows = self.candidates._known, self.candidates._rows
        for d in docs:
            cands = known.get(d)
            for c in cands if cands is not None else decode_candidates(rows[d]):
                found = made.get(c.key)
                if found is not None:
                    found.append(Occurrence(d, c.start, c.end, c.text, c.evidence))
        for o in batch:
            o._rows = made[o.key]
        self.current = batch


# (key, label, kind, languages, documents, mentions): an entity without its occurrences
Summary = tuple[str, str, str, list[str], list[str], int]


class PackedEntityIndex(EntityIndex):
    """An `EntityIndex` over `PackedCandidates`, its entities' occurrences made when used."""

    def __init__(
        self, summaries: list[Summary], candidates: PackedCandidates, languages: dict[str, str]
    ) -> None:
        mentions = _Mentions(candidates)
        entities = [
            Entity(
                entity_id(key),
                key,
                label,
                kind,
                langs,
                docs,
                LazyOccurrences(mentions, key, docs, n),  # type: ignore[arg-type]
                entity_colour(key),
            )
            for key, label, kind, langs, docs, n in summaries
        ]
        mentions.entities = entities
        mentions.position = {e.key: n for n, e in enumerate(entities)}
        super().__init__(entities, candidates)  # type: ignore[arg-type]
        self._languages = languages

    def __reduce__(self) -> tuple[Any, ...]:
        summaries = [
            (e.key, e.label, e.kind, e.languages, e.documents, len(e.occurrences))
            for e in self.entities
        ]
        return (PackedEntityIndex, (summaries, self.candidates, self._languages))

    def __repr__(self) -> str:
        return f"PackedEntityIndex({len(self.candidates)} documents)"
