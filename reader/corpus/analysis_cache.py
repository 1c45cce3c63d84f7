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
from typing import Any, NamedTuple

from reader.corpus.entities import EntityIndex
from reader.corpus.model import Corpus
from reader.corpus.stored_parts import (
    Fetch,
    RowCandidates,
    StoredBaseTopics,
    StoredEntityIndex,
    candidate_row,
    entity_row,
    topic_from,
    topic_row,
    unzip,
    zipped,
)
from reader.corpus.topics import BaseTopics, Topic

FORMAT = 6  # 3: candidates and occurrences carry their `evidence` (empty: left out); 6: a
# header (documents, topics), named parts (entity order, topics before edits, key weights), a
# row a document (its candidates) and a row a shared entity, each read when used
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


class Dumped(NamedTuple):
    """An analysis ready to store: the header, named parts (`order`, `base`, `idf`), each
    document's candidate row and each shared entity's row, the rows made as they are read."""

    header: bytes
    parts: dict[str, bytes]
    rows: Iterator[tuple[str, bytes]]
    entities: Iterator[tuple[str, bytes]]


def dump(index: EntityIndex, base: BaseTopics, topics: list[Topic], warnings: list[str]) -> Dumped:
    """The parts of an analysis as compressed JSON, the rows streamed (never the whole
    corpus's mentions at once)."""
    header = {
        "format": FORMAT,
        "documents": list(index.candidates),
        "languages": index._languages,
        "topics": [topic_row(t) for t in topics],
        "warnings": warnings,
    }
    parts = {
        "order": zipped([e.id for e in index.entities]),
        "base": zipped([[topic_row(t) for t in base.topics], base.warnings]),
        "idf": zipped(dict(base.idf)),
    }
    packed = getattr(index.candidates, "row", None)  # rows made already (`PackedCandidates`)
    if packed is not None:
        rows = ((d, packed(d)) for d in index.candidates)
    else:
        rows = ((d, candidate_row(cs)) for d, cs in index.candidates.items())
    entities = ((e.id, entity_row(e)) for e in index.entities)
    return Dumped(zipped(header), parts, rows, entities)


def load(
    header: bytes, fetch: Fetch, rows: Fetch, entity_rows: Fetch
) -> tuple[EntityIndex, BaseTopics, list[Topic], list[str]]:
    """The parts `dump` wrote, read when used: `fetch(name)` gives a named part, `rows(doc_id)`
    a document's candidate row, `entity_rows(entity_id)` an entity's row (module-level
    callables: they are pickled with the analysis). ValueError when the header is not one (a
    cache miss)."""
    try:
        data = unzip(header)
        if data.get("format") != FORMAT:
            raise ValueError("another format")
        candidates = RowCandidates([str(d) for d in data["documents"]], rows)
        languages = {str(k): str(v) for k, v in data["languages"].items()}
        index = StoredEntityIndex(candidates, entity_rows, fetch, languages)
        topics = [topic_from(t) for t in data["topics"]]
        return index, StoredBaseTopics(fetch), topics, [str(w) for w in data["warnings"]]
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
    """Rows kept in a dict (a store without a file, and tests)."""

    def __init__(self, rows: Mapping[str, bytes]) -> None:
        self.rows = dict(rows)

    def __call__(self, name: str) -> bytes | None:
        return self.rows.get(name)


def round_trip(dumped: Dumped) -> tuple[EntityIndex, BaseTopics, list[Topic], list[str]]:
    """`load` of what `dump` gave, its rows held in memory."""
    return load(
        dumped.header,
        InMemoryRows(dumped.parts),
        InMemoryRows(dict(dumped.rows)),
        InMemoryRows(dict(dumped.entities)),
    )
