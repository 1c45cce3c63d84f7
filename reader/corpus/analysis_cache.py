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
from collections.abc import Collection, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from reader.corpus.chunked_texts import ChunkedTexts
from reader.corpus.entities import EntityIndex
from reader.corpus.entity_rows import entity_row, unzip, zipped
from reader.corpus.model import Corpus
from reader.corpus.stored_parts import (
    Fetch,
    RowCandidates,
    StoredBaseTopics,
    StoredEntityIndex,
    candidate_row,
    topic_row,
)
from reader.corpus.topic_columns import topic_columns, topic_labels, topics_from_columns
from reader.corpus.topics import BaseTopics, Topic

FORMAT = 9  # 3: candidates and occurrences carry their `evidence` (empty: left out); 6: a
# header (documents, topics), named parts (entity order, topics before edits, key weights), a
# row a document (its candidates) and a row a shared entity, each read when used; 7: the
# header's topics by column (`topic_columns`); 8: an entity's documents as their places in the
# header's order, apart from its fields (`entity_row`); 9: the topics' labels apart, in chunks
# (`topic_labels`)
KIND = "analysis"


@cache
def code_version() -> str:
    """A hash of the analysis code: any change to it makes earlier cached analyses misses.

    `reader/corpus` computes the analysis and `reader/store` keeps it (its stored form, the
    state an update starts from): a change to either makes a stored analysis a miss.
    """
    return source_hash(Path(__file__).resolve().parents[1])


def source_hash(package: Path) -> str:
    """Hash of the Python sources under `package`'s `corpus` and `store` folders (names and
    bytes)."""
    h = hashlib.sha256()
    for folder in ("corpus", "store"):
        for path in sorted((package / folder).rglob("*.py")):
            h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def signature(
    corpus: Corpus, links: Sequence[Any], edits: Sequence[Any], threshold: float, code: str
) -> str:
    """A hash naming one analysis: documents (path, hash, language), links, edits, settings."""
    h = hashlib.sha256()
    h.update(f"{FORMAT}\0{code}\0{threshold!r}\0{corpus.root}\0".encode())
    h.update(
        "".join(f"{d.path}\0{d.sha256}\0{d.language}\0{d.id}\n" for d in corpus.documents).encode()
    )
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
    """An analysis ready to store: the header, named parts (`order`, `base`, `idf`,
    `topic_entities`), each
    document's candidate row and each shared entity's row, the rows made as they are read."""

    header: bytes
    parts: dict[str, bytes]
    rows: Iterator[tuple[str, bytes]]
    entities: Iterator[tuple[str, bytes]]


def dump(
    index: EntityIndex,
    base: BaseTopics,
    topics: list[Topic],
    warnings: list[str],
    skip_entities: Collection[str] = (),
) -> Dumped:
    """The parts of an analysis as compressed JSON, the rows streamed (never the whole
    corpus's mentions at once); no row for the entities of `skip_entities` (ids: stored
    already, read when the rows are)."""
    columns, entity_columns = topic_columns(topics)
    header = {
        "format": FORMAT,
        "documents": list(index.candidates),
        "languages": _language_column(list(index.candidates), index._languages),
        "topics": columns,
        "warnings": warnings,
    }
    parts = {
        "order": zipped([e.id for e in index.entities]),
        "base": zipped([[topic_row(t) for t in base.topics], base.warnings]),
        "idf": zipped(dict(base.idf)),
        "topic_entities": zipped(entity_columns),
        "topic_labels": topic_labels(topics),
    }
    packed = getattr(index.candidates, "row", None)  # rows made already (`PackedCandidates`)
    if packed is not None:
        rows = ((d, packed(d)) for d in index.candidates)
    else:
        rows = ((d, candidate_row(cs)) for d, cs in index.candidates.items())
    position = {d: n for n, d in enumerate(index.candidates)}
    entities = (
        (e.id, entity_row(e, position)) for e in index.entities if e.id not in skip_entities
    )
    # The header is read at every opening: plain JSON, as inflating 27 MB (100,000 topics)
    # would cost a quarter of a second each time.
    return Dumped(json.dumps(header, ensure_ascii=False).encode("utf-8"), parts, rows, entities)


def load(
    header: bytes, fetch: Fetch, rows: Fetch, entity_rows: Fetch
) -> tuple[EntityIndex, BaseTopics, list[Topic], list[str]]:
    """The parts `dump` wrote, read when used: `fetch(name)` gives a named part, `rows(doc_id)`
    a document's candidate row, `entity_rows(entity_id)` an entity's row (module-level
    callables: they are pickled with the analysis). ValueError when the header is not one (a
    cache miss)."""
    try:
        data = json.loads(header) if header[:1] == b"{" else unzip(header)
        if data.get("format") != FORMAT:
            raise ValueError("another format")
        documents = data["documents"]
        if not set(map(type, documents)) <= {str}:
            raise ValueError("a document id that is not text")
        languages = _languages_of(documents, data["languages"])
        candidates = RowCandidates(documents, rows)
        index = StoredEntityIndex(candidates, entity_rows, fetch, languages)
        topics = topics_from_columns(
            data["topics"],
            lambda: unzip(fetch("topic_entities")),
            lambda count: ChunkedTexts(fetch("topic_labels") or b"", count),
        )
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


def _language_column(documents: list[str], languages: dict[str, str]) -> Any:
    """The documents' languages as a column beside `documents` ([names, each one's place in
    them]): 100,000 read back in a quarter of the time a dict takes. The dict itself when
    it names other documents."""
    if set(languages) != set(documents):
        return languages
    names = list(dict.fromkeys(languages.values()))
    place = {name: n for n, name in enumerate(names)}
    return [names, [place[languages[d]] for d in documents]]


def _languages_of(documents: list[str], stored: Any) -> Mapping[str, str]:
    """What `_language_column` stored, by document (ValueError when it does not fit)."""
    if isinstance(stored, dict):
        if not set(map(type, stored.values())) <= {str}:
            raise ValueError("a language that is not text")
        return stored
    names, places = stored
    if len(places) != len(documents) or not set(map(type, names)) <= {str}:
        raise ValueError("languages for other documents")
    if places and (not set(map(type, places)) <= {int} or min(places) < 0):
        raise ValueError("languages for other documents")
    if places and max(places) >= len(names):
        raise ValueError("languages for other documents")
    return LanguageColumn(documents, names, places)


class LanguageColumn(Mapping[str, str]):
    """Each document's language from the stored column, made a dict when first read (an
    opening of 100,000 documents reads none of them: 60 ms saved). Pickled as that dict."""

    __slots__ = ("_by_id", "_documents", "_names", "_places")

    def __init__(self, documents: list[str], names: list[str], places: list[int]) -> None:
        self._documents, self._names, self._places = documents, names, places
        self._by_id: dict[str, str] | None = None

    def _made(self) -> dict[str, str]:
        if self._by_id is None:
            values = map(self._names.__getitem__, self._places)
            self._by_id = dict(zip(self._documents, values, strict=True))
        return self._by_id

    def __getitem__(self, doc_id: str) -> str:
        return self._made()[doc_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())

    def __reduce__(self) -> tuple:
        return (dict, (self._made(),))


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
