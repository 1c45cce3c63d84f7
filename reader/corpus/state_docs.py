"""The documents' states of a kept resolution (`resolution_sums.DocState`, by document id),
read only where an update needs them.

A state read from bytes (`state_codec`) holds about 2.4 million strings for 5,000
documents; making every document's `DocState` took longer than anything else of an update
after one file changed, which reads a handful of them. `StoredDocs` keeps each chunk's
numbers (indices into the state's table of strings) and makes a chunk's states when one of
them is asked for; what an update asks of all documents it answers from the numbers: which
documents hold one of some strings in a field (`docs_where`), the documents counting each
string of a field (`field_counts`), a document's language and fingerprint.

`Changed` is the state of the next analysis: the states of the documents that changed over
those read (`unchanged` tells `state_codec` which chunks it may copy); `PlainDocs` answers
the same questions of states held in a dict (scanning them).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Any, NamedTuple

from reader.corpus.resolution_sums import DocState

# The numbers of a document in a chunk: these eight fields in turn (`state_codec`)
FIELDS = ("keys", "parted", "parts", "counted", "first", "mine", "chosen", "asked")
_AT = {name: n for n, name in enumerate(FIELDS)}
Test = Callable[[str], bool]


def _strings_of(s: DocState, field: str) -> tuple[str, ...]:
    return getattr(s, field)


class _Delegated:
    """`__iter__`, `__len__` and `__contains__` of the mapping `self.docs`."""

    docs: Any

    def __iter__(self) -> Iterator[str]:
        return iter(self.docs)

    def __len__(self) -> int:
        return len(self.docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.docs


class _Listed:
    """`__iter__`, `__len__` and `__contains__` of the documents `self.ids` (in their order),
    `self.members` the same as a set."""

    ids: list[str]
    members: set[str]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.members


class PlainDocs(_Delegated, Mapping[str, DocState]):
    """States held in a dict, with the questions `StoredDocs` answers (by scanning)."""

    def __init__(self, docs: Mapping[str, DocState]) -> None:
        self.docs = docs

    def __getitem__(self, doc_id: str) -> DocState:
        return self.docs[doc_id]

    def language(self, doc_id: str) -> str | None:
        s = self.docs.get(doc_id)
        return None if s is None else s.language

    def fingerprint(self, doc_id: str) -> str | None:
        s = self.docs.get(doc_id)
        return None if s is None else s.fingerprint

    def key_total(self) -> int:
        return sum(len(s.keys) for s in self.docs.values())

    def docs_where(self, field: str, test: Test) -> set[str]:
        return {d for d, s in self.docs.items() if any(map(test, _strings_of(s, field)))}

    def field_counts(self, field: str) -> Counter[str]:
        counts: Counter[str] = Counter()
        for s in self.docs.values():
            counts.update(_strings_of(s, field))
        return counts


def view(docs: Mapping[str, DocState]) -> Any:
    """`docs` with the questions of `StoredDocs` (itself when it answers them)."""
    return docs if hasattr(docs, "docs_where") else PlainDocs(docs)


class StoredDocs(Mapping[str, DocState]):
    """The documents' states of a state read from bytes (see the module docstring):
    `meta[n]` = [id, language, fingerprint, again, the eight fields' lengths];
    `numbers[k]`: chunk k's numbers; `make(k)`: chunk k's states and questions."""

    def __init__(
        self,
        strings: list[str],
        meta: list[list[Any]],
        numbers: list[array],
        chunk: int,
        make: Callable[[int], tuple[dict[str, DocState], dict[str, tuple[str, ...]]]],
    ) -> None:
        self.strings, self.meta, self.numbers, self.chunk = strings, meta, numbers, chunk
        self._make = make
        self.place = {str(m[0]): n for n, m in enumerate(meta)}
        self.made: dict[int, tuple[dict[str, DocState], dict[str, tuple[str, ...]]]] = {}
        self._counts: dict[str, Counter[str]] = {}
        self._field_spans: dict[int, list[tuple[int, int, int]]] = {}

    def _chunk_of(self, doc_id: str) -> tuple[dict[str, DocState], dict[str, tuple[str, ...]]]:
        k = self.place[doc_id] // self.chunk
        found = self.made.get(k)
        if found is None:
            found = self.made[k] = self._make(k)
        return found

    def __getitem__(self, doc_id: str) -> DocState:
        if doc_id not in self.place:
            raise KeyError(doc_id)
        return self._chunk_of(doc_id)[0][doc_id]

    def asked(self, doc_id: str) -> tuple[str, ...] | None:
        """The questions of `doc_id`'s options (None: not a document of this state)."""
        if doc_id not in self.place:
            return None
        return self._chunk_of(doc_id)[1][doc_id]

    def __iter__(self) -> Iterator[str]:
        return (str(m[0]) for m in self.meta)

    def __len__(self) -> int:
        return len(self.meta)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.place

    def language(self, doc_id: str) -> str | None:
        n = self.place.get(doc_id)
        return None if n is None else str(self.meta[n][1])

    def fingerprint(self, doc_id: str) -> str | None:
        n = self.place.get(doc_id)
        return None if n is None else str(self.meta[n][2])

    def key_total(self) -> int:
        return sum(int(m[4][0]) for m in self.meta)

    def _spans(self, field: int) -> list[tuple[int, int, int]]:
        """(chunk, start, end) of every document's values of `field` (the chosen values of
        a document not chosen again: its first choice's)."""
        found = self._field_spans.get(field)
        if found is not None:
            return found
        chosen, first = _AT["chosen"], _AT["first"]
        spans = []
        chunk, pos = 0, 0
        for n, m in enumerate(self.meta):
            if n and n % self.chunk == 0:
                chunk, pos = chunk + 1, 0
            lengths = m[4]
            f = first if field == chosen and not m[3] else field
            at = pos + sum(lengths[:f])
            spans.append((chunk, at, at + lengths[f]))
            pos += sum(lengths)
        self._field_spans[field] = spans
        return spans

    def docs_where(self, field: str, test: Test) -> set[str]:
        """The documents with a string passing `test` in `field`."""
        wanted = {n for n, text in enumerate(self.strings) if test(text)}
        if not wanted:
            return set()
        numbers, meta = self.numbers, self.meta
        return {
            str(meta[n][0])
            for n, (k, a, b) in enumerate(self._spans(_AT[field]))
            if a < b and not wanted.isdisjoint(numbers[k][a:b])
        }

    def field_counts(self, field: str) -> Counter[str]:
        """In how many documents each string of `field` is (each document's values once);
        `chosen`: of the final choices."""
        found = self._counts.get(field)
        if found is None:
            numbers = self.numbers
            counted: Counter[int] = Counter(
                chain.from_iterable(numbers[k][a:b] for k, a, b in self._spans(_AT[field]))
            )
            found = self._counts[field] = _named(counted, self.strings)
        return Counter(found)


def _named(numbers: Counter[int], strings: list[str]) -> Counter[str]:
    """Counts by number as counts by string."""
    counts = Counter(dict(zip(map(strings.__getitem__, numbers), numbers.values(), strict=True)))
    if len(counts) != len(numbers):  # a string twice in the table
        counts = Counter()
        for n, c in numbers.items():
            counts[strings[n]] += c
    return counts


class StoredAsked(_Delegated, Mapping[str, tuple[str, ...]]):
    """The questions of each document's options, of a state read from bytes (made with
    the chunk's states when one is asked for)."""

    def __init__(self, docs: StoredDocs) -> None:
        self.docs = docs

    def __getitem__(self, doc_id: str) -> tuple[str, ...]:
        found = self.docs.asked(doc_id)
        if found is None:
            raise KeyError(doc_id)
        return found


class Before(NamedTuple):
    """The questions a document's options asked in the previous state (not read yet)."""

    doc_id: str


class AskedView(_Listed, Mapping[str, tuple[str, ...]]):
    """By document, the questions of its options: `fresh` ones, or those the previous
    state's `before` gave the document named in `from_before`."""

    def __init__(
        self,
        ids: Sequence[str],
        fresh: dict[str, tuple[str, ...]],
        from_before: dict[str, str],
        before: Mapping[str, tuple[str, ...]] | None,
    ) -> None:
        self.ids, self.fresh, self.from_before = list(ids), fresh, from_before
        self.members = set(self.ids)
        self.before = before if before is not None else {}

    def __getitem__(self, doc_id: str) -> tuple[str, ...]:
        found = self.fresh.get(doc_id)
        if found is not None:
            return found
        source = self.from_before.get(doc_id)
        if source is not None:
            return tuple(self.before.get(source, ()))
        if doc_id in self.members:
            return ()
        raise KeyError(doc_id)

    def kept(self, doc_id: str) -> bool:
        """Whether `doc_id`'s questions are its own of the previous state (not read)."""
        return self.from_before.get(doc_id) == doc_id and doc_id not in self.fresh


class Changed(_Listed, dict):
    """The documents' states of an update: those set here (`dict`) over `base`'s, for the
    documents `ids` (in their order)."""

    def __init__(self, ids: Sequence[str], base: Mapping[str, DocState] | None) -> None:
        super().__init__()
        self.ids = list(ids)
        self.members = set(ids)
        self.base = view(base) if base is not None else PlainDocs({})

    def __getitem__(self, doc_id: str) -> DocState:
        found = dict.get(self, doc_id)
        if found is not None:
            return found
        if doc_id not in self.members:
            raise KeyError(doc_id)
        return self.base[doc_id]

    def get(self, doc_id: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[doc_id]
        except KeyError:
            return default

    def keys(self) -> Any:  # type: ignore[override]
        return self.members

    def values(self) -> Any:  # type: ignore[override]
        return [self[d] for d in self.ids]

    def items(self) -> Any:  # type: ignore[override]
        return [(d, self[d]) for d in self.ids]

    def unchanged(self, doc_id: str) -> bool:
        """Whether `doc_id`'s state is the one `base` read."""
        return doc_id in self.members and not dict.__contains__(self, doc_id)

    def set_docs(self) -> Iterable[str]:
        """The documents whose state was set here."""
        return dict.keys(self)

    def language(self, doc_id: str) -> str | None:
        s = self.get(doc_id)
        return None if s is None else s.language

    def fingerprint(self, doc_id: str) -> str | None:
        s = self.get(doc_id)
        return None if s is None else s.fingerprint

    def key_total(self) -> int:
        total = self.base.key_total()
        for d in self.base:
            if d not in self.members:
                total -= len(self.base[d].keys)
        for d, s in dict.items(self):
            if d in self.base:
                total -= len(self.base[d].keys)
            total += len(s.keys)
        return total

    def docs_where(self, field: str, test: Test) -> set[str]:
        found = {d for d in self.base.docs_where(field, test) if self.unchanged(d)}
        found.update(d for d, s in dict.items(self) if any(map(test, _strings_of(s, field))))
        return found

    def field_counts(self, field: str) -> Counter[str]:
        counts = self.base.field_counts(field)  # a copy
        base = self.base
        touched: set[str] = set()
        for d in base:
            if d not in self.members or dict.__contains__(self, d):
                gone = _strings_of(base[d], field)
                counts.subtract(gone)
                touched.update(gone)
        for s in dict.values(self):
            counts.update(_strings_of(s, field))
        for k in touched:
            if counts[k] <= 0:
                del counts[k]
        return counts
