"""The analysis of a corpus (shared entities and topics) as compressed JSON, so a corpus the
app has analysed before opens without analysing it again.

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

FORMAT = 4  # 3: candidates and occurrences carry their `evidence` (empty: left out); 4: an
# entity's occurrences are one JSON string (decoded when used)
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


class LazyCandidates(Mapping[str, list[Candidate]]):
    """Every document's candidates, each list decoded from its JSON when first asked for (a
    corpus of 10,000 documents holds about a million of them; most are never looked at)."""

    def __init__(self, raw: dict[str, str]) -> None:
        self._raw = raw
        self._done: dict[str, list[Candidate]] = {}

    def __getitem__(self, doc_id: str) -> list[Candidate]:
        found = self._done.get(doc_id)
        if found is None:
            try:
                rows = json.loads(self._raw[doc_id])
                found = [
                    Candidate(int(c[0]), int(c[1]), *map(str, c[2:5]), _evidence(c, 5))
                    for c in rows
                ]
            except (ValueError, TypeError, IndexError):  # a damaged entry: none
                found = []
            self._done[doc_id] = found
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class StoredOccurrences(Sequence[Occurrence]):
    """An entity's occurrences, decoded from their JSON when first used (an analysis holds
    hundreds of thousands; a window looks at the few of the entities it shows). Pickled as
    the JSON, so an analysis crosses to another process cheaply."""

    __slots__ = ("_raw", "_rows")

    def __init__(self, raw: str) -> None:
        self._raw = raw
        self._rows: list[Occurrence] | None = None

    def _decoded(self) -> list[Occurrence]:
        if self._rows is None:
            try:
                self._rows = [
                    Occurrence(str(o[0]), int(o[1]), int(o[2]), str(o[3]), _evidence(o, 4))
                    for o in json.loads(self._raw)
                ]
            except (ValueError, TypeError, IndexError):  # a damaged entry: none
                self._rows = []
        return self._rows

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self._decoded()[i]

    def __len__(self) -> int:
        return len(self._decoded())

    def __iter__(self) -> Iterator[Occurrence]:
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return f"StoredOccurrences({len(self)})"

    def __reduce__(self) -> tuple:
        return (StoredOccurrences, (self._raw,))


def _evidence(row: list[Any], at: int) -> str:
    """The evidence stored at `row[at]`, when there is one (rows without it have none)."""
    return str(row[at]) if len(row) > at else ""


def _candidate_row(c: Candidate) -> list[Any]:
    row: list[Any] = [c.start, c.end, c.text, c.key, c.kind]
    if c.evidence:
        row.append(c.evidence)
    return row


def _occurrence_row(o: Occurrence) -> list[Any]:
    row: list[Any] = [o.doc, o.start, o.end, o.text]
    if o.evidence:
        row.append(o.evidence)
    return row


def _occurrences_json(occ: Any) -> str:
    if not isinstance(occ, str):
        raise ValueError("occurrences are not JSON")
    return occ


def _topic(t: Topic) -> list[Any]:
    return [t.id, t.label, t.documents, t.entities, t.origin, t.renamed]


def _topic_from(x: list[Any]) -> Topic:
    return Topic(str(x[0]), str(x[1]), list(x[2]), list(x[3]), str(x[4]), bool(x[5]))


def dump(index: EntityIndex, base: BaseTopics, topics: list[Topic], warnings: list[str]) -> bytes:
    """The parts of an analysis as compressed JSON."""
    data = {
        "format": FORMAT,
        "candidates": {  # one JSON string a document: read only when that document is
            d: json.dumps([_candidate_row(c) for c in cs], ensure_ascii=False)
            for d, cs in index.candidates.items()
        },
        "languages": index._languages,
        "entities": [
            [
                e.id,
                e.key,
                e.label,
                e.kind,
                e.languages,
                e.documents,
                e.colour,
                json.dumps([_occurrence_row(o) for o in e.occurrences], ensure_ascii=False),
            ]
            for e in index.entities
        ],
        "base": [[_topic(t) for t in base.topics], base.warnings, base.idf],
        "topics": [_topic(t) for t in topics],
        "warnings": warnings,
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 3)


def load(blob: bytes) -> tuple[EntityIndex, BaseTopics, list[Topic], list[str]]:
    """The parts `dump` wrote; ValueError when the blob is not one (a cache miss)."""
    try:
        data = json.loads(zlib.decompress(blob).decode("utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("another format")
        raw = data["candidates"]
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise ValueError("candidates are not per-document JSON")
        candidates = LazyCandidates(raw)
        entities = [
            Entity(
                str(i),
                str(key),
                str(label),
                str(kind),
                list(langs),
                list(docs),
                StoredOccurrences(_occurrences_json(occ)),  # type: ignore[arg-type]
                int(colour),
            )
            for i, key, label, kind, langs, docs, colour, occ in data["entities"]
        ]
        index = EntityIndex(entities, candidates)
        index._languages = {str(k): str(v) for k, v in data["languages"].items()}
        topics_b, warnings_b, idf = data["base"]
        base = BaseTopics([_topic_from(t) for t in topics_b], list(warnings_b), dict(idf))
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
