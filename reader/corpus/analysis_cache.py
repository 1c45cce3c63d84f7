"""The analysis of a corpus (shared entities and topics) as compressed JSON, so a corpus the
app has analysed before opens without analysing it again: a header, the topics' key weights
and one row a document (its candidates), so opening reads the header and the rows of the
documents shown, not the whole corpus's mentions.

The key is a hash of everything the analysis depends on: every document's path and file hash,
the user's entity links and topic edits, the threshold and the analysis code's version. Plain
JSON, never pickle: a store file may come from elsewhere, and reading it must run no code.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from reader.corpus.entities import Candidate, Entity, EntityIndex, Occurrence
from reader.corpus.model import Corpus
from reader.corpus.topics import BaseTopics, Topic

FORMAT = 5  # 3: candidates and occurrences carry their `evidence` (empty: left out); 5: a
# header (entities without their mentions, topics), the topics' key weights, and each document's
# candidates in a row of its own, read when used (an entity's mentions are made from them)
KIND = "analysis"


@cache
def code_version() -> str:
    """A hash of the analysis code: any change to it makes earlier cached analyses misses."""
    h = hashlib.sha256()
    folder = Path(__file__).resolve().parent
    for path in sorted(folder.rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def signature(
    corpus: Corpus, links: Sequence[Any], edits: Sequence[Any], threshold: float, code: str
) -> str:
    """A hash naming one analysis: documents (path, hash, language), links, edits, settings."""
    h = hashlib.sha256()
    h.update(f"{FORMAT}\0{code}\0{threshold!r}\0{corpus.root}\0".encode())
    for doc in corpus.documents:
        h.update(f"{doc.path}\0{doc.sha256}\0{doc.language}\0{doc.id}\n".encode())
    h.update(json.dumps([list(x) for x in links], ensure_ascii=False, default=str).encode())
    h.update(json.dumps([list(x) for x in edits], ensure_ascii=False, default=str).encode())
    h.update(_manifest_bytes(corpus))
    return h.hexdigest()


def _manifest_bytes(corpus: Corpus) -> bytes:
    """The corpus's `topics.toml` as it is now (b"" when absent or unreadable)."""
    from reader.corpus.manifest import MANIFEST_NAME

    try:
        return b"manifest\0" + (Path(corpus.root) / MANIFEST_NAME).read_bytes()
    except (OSError, TypeError):
        return b""


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

    def __reduce__(self) -> tuple:
        return (RowCandidates, (self._order, self._rows))


class DerivedOccurrences(Sequence[Occurrence]):
    """A shared entity's occurrences, made from its documents' candidates when first used
    (never stored twice: the candidates are the mentions)."""

    __slots__ = ("_candidates", "_documents", "_key", "_rows")

    def __init__(self, candidates: Mapping[str, list[Candidate]], key: str, documents: list[str]):
        self._candidates, self._key, self._documents = candidates, key, documents
        self._rows: list[Occurrence] | None = None

    def _made(self) -> list[Occurrence]:
        if self._rows is None:
            key = self._key
            self._rows = [
                Occurrence(d, c.start, c.end, c.text, c.evidence)
                for d in self._documents
                for c in self._candidates.get(d, ())
                if c.key == key
            ]
        return self._rows

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


class _LazyIdf(Mapping[str, float]):
    """The topics' key weights, decoded from their blob when first used (only moving a
    document between topics describes a topic again)."""

    def __init__(self, blob: Any) -> None:
        self._blob = blob  # bytes, or a callable giving them
        self._map: dict[str, float] | None = None

    def _decoded(self) -> dict[str, float]:
        if self._map is None:
            try:
                blob = self._blob() if callable(self._blob) else self._blob
                self._map = {str(k): float(v) for k, v in _unzip(blob).items()}
            except (ValueError, TypeError, AttributeError, zlib.error):
                self._map = {}
        return self._map

    def __getitem__(self, key: str) -> float:
        return self._decoded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __len__(self) -> int:
        return len(self._decoded())

    def __reduce__(self) -> tuple:
        return (_LazyIdf, (self._blob,))


def candidate_row(candidates: Sequence[Candidate]) -> bytes:
    """One document's candidates as the stored analysis keeps them (compressed JSON)."""
    rows = [_candidate_row(c) for c in candidates]
    return zlib.compress(json.dumps(rows, ensure_ascii=False).encode("utf-8"), 3)


def decode_candidates(row: bytes | None) -> list[Candidate]:
    """The candidates of a stored row (none for a missing or damaged one)."""
    if not row:
        return []
    try:
        return [
            Candidate(int(c[0]), int(c[1]), *map(str, c[2:5]), _evidence(c, 5))
            for c in json.loads(zlib.decompress(row).decode("utf-8"))
        ]
    except (ValueError, TypeError, IndexError, zlib.error, UnicodeDecodeError):
        return []


def _unzip(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def _evidence(row: list[Any], at: int) -> str:
    """The evidence stored at `row[at]`, when there is one (rows without it have none)."""
    return str(row[at]) if len(row) > at else ""


def _candidate_row(c: Candidate) -> list[Any]:
    row: list[Any] = [c.start, c.end, c.text, c.key, c.kind]
    if c.evidence:
        row.append(c.evidence)
    return row


def _topic(t: Topic) -> list[Any]:
    return [t.id, t.label, t.documents, t.entities, t.origin, t.renamed]


def _topic_from(x: list[Any]) -> Topic:
    return Topic(str(x[0]), str(x[1]), list(x[2]), list(x[3]), str(x[4]), bool(x[5]))


Dumped = tuple[bytes, bytes, Iterator[tuple[str, bytes]]]


def dump(index: EntityIndex, base: BaseTopics, topics: list[Topic], warnings: list[str]) -> Dumped:
    """The parts of an analysis as (header, topic key weights, each document's candidate row
    as it is made): compressed JSON, the rows streamed (never the whole corpus's at once)."""
    header = {
        "format": FORMAT,
        "documents": list(index.candidates),
        "languages": index._languages,
        "entities": [
            [e.id, e.key, e.label, e.kind, e.languages, e.documents, e.colour]
            for e in index.entities
        ],
        "base": [[_topic(t) for t in base.topics], base.warnings],
        "topics": [_topic(t) for t in topics],
        "warnings": warnings,
    }
    blob = zlib.compress(json.dumps(header, ensure_ascii=False).encode("utf-8"), 3)
    idf = zlib.compress(json.dumps(dict(base.idf), ensure_ascii=False).encode("utf-8"), 3)
    rows = ((d, candidate_row(cs)) for d, cs in index.candidates.items())
    return blob, idf, rows


def load(
    header: bytes, idf: Any, rows: Any
) -> tuple[EntityIndex, BaseTopics, list[Topic], list[str]]:
    """The parts `dump` wrote: `idf` the weights' blob (or a callable giving it), `rows(doc_id)`
    a document's candidate row (a module-level callable or object: it is pickled with the
    analysis). ValueError when the header is not one (a cache miss)."""
    try:
        data = json.loads(zlib.decompress(header).decode("utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("another format")
        candidates = RowCandidates([str(d) for d in data["documents"]], rows)
        entities = [
            Entity(
                str(i),
                str(key),
                str(label),
                str(kind),
                list(langs),
                docs,
                DerivedOccurrences(candidates, str(key), docs),  # type: ignore[arg-type]
                int(colour),
            )
            for i, key, label, kind, langs, docs, colour in data["entities"]
        ]
        index = EntityIndex(entities, candidates)
        index._languages = {str(k): str(v) for k, v in data["languages"].items()}
        topics_b, warnings_b = data["base"]
        base = BaseTopics([_topic_from(t) for t in topics_b], list(warnings_b), _LazyIdf(idf))
        topics = [_topic_from(t) for t in data["topics"]]
        return index, base, topics, list(data["warnings"])
    except (
        zlib.error,
        UnicodeDecodeError,
        KeyError,
        TypeError,
        ValueError,
        IndexError,
        AttributeError,
    ) as exc:
        raise ValueError(f"not a cached analysis: {exc}") from None


class InMemoryRows:
    """Candidate rows kept in a dict (a store without a file, and tests)."""

    def __init__(self, rows: Mapping[str, bytes]) -> None:
        self.rows = dict(rows)

    def __call__(self, doc_id: str) -> bytes | None:
        return self.rows.get(doc_id)


def round_trip(dumped: Dumped) -> tuple[EntityIndex, BaseTopics, list[Topic], list[str]]:
    """`load` of what `dump` gave, its rows held in memory."""
    header, idf, rows = dumped
    return load(header, idf, InMemoryRows(dict(rows)))
