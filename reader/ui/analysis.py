"""What the window shows, asked of the core once per corpus: topics, shared entities, alignments.

The analysis modules (`reader.corpus.entities`, `topics`, `align`) are imported lazily and
guarded: when one is missing or fails, the window still opens with what is there (all documents
in one topic, no highlights, columns scrolled by position) and the reason is kept in `warnings`.
No Qt here: the loader runs this in a worker thread.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.corpus.model import Corpus, Document

ALL_TOPIC = "all"
N_COLOURS = 12


class Cancelled(Exception):
    """The user cancelled the loading."""


@dataclass(slots=True)
class TopicInfo:
    """A topic as the window lists it."""

    id: str
    label: str
    documents: list[str]
    entities: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Occurrence:
    doc: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class EntityInfo:
    """A shared entity: its label, kind, colour index and every occurrence."""

    id: str
    key: str
    label: str
    kind: str
    colour: int
    occurrences: list[Occurrence]

    def counts(self) -> Counter[str]:
        """Occurrences per document id."""
        return Counter(o.doc for o in self.occurrences)


@dataclass
class Analysis:
    """A loaded corpus and what the core found in it."""

    corpus: Corpus
    topics: list[TopicInfo]
    entities: dict[str, EntityInfo] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    index: Any = None  # the core's EntityIndex, for alignment
    _spans_by_doc: dict[str, list[tuple[int, int, int, str]]] | None = None
    _alignments: dict[tuple[str, ...], Any] = field(default_factory=dict)
    _partner_cache: dict[tuple[tuple[str, ...], str, int], dict[str, list[int]]] = field(
        default_factory=dict
    )

    def documents_of(self, topic: TopicInfo) -> list[Document]:
        by_id = {d.id: d for d in self.corpus.documents}
        return [by_id[i] for i in topic.documents if i in by_id]

    def topic_of(self, doc_id: str) -> TopicInfo | None:
        return next((t for t in self.topics if doc_id in t.documents), None)

    def entity_spans(self, doc_id: str) -> list[tuple[int, int, int, str]]:
        """(start, end, colour, entity id) of the shared entities in one document."""
        if self._spans_by_doc is None:
            by_doc: dict[str, list[tuple[int, int, int, str]]] = {}
            for ent in self.entities.values():
                for o in ent.occurrences:
                    by_doc.setdefault(o.doc, []).append((o.start, o.end, ent.colour, ent.id))
            for spans in by_doc.values():
                spans.sort()
            self._spans_by_doc = by_doc
        return self._spans_by_doc.get(doc_id, [])

    def topic_entities(self, doc_ids: Sequence[str]) -> list[EntityInfo]:
        """Entities found in two or more of `doc_ids` (most frequent first)."""
        wanted = set(doc_ids)
        found = []
        for ent in self.entities.values():
            docs = {o.doc for o in ent.occurrences if o.doc in wanted}
            if len(docs) >= min(2, len(wanted)):
                found.append(ent)
        found.sort(key=lambda e: (-sum(e.counts()[d] for d in wanted), e.label.casefold()))
        return found

    def partners(self, doc_ids: Sequence[str], doc_id: str, passage: int) -> dict[str, list[int]]:
        """Passages of the other documents aligned with `passage` of `doc_id` (cached)."""
        key = tuple(doc_ids)
        if key not in self._alignments:
            self._alignments[key] = align_documents(self, doc_ids)
        alignment = self._alignments[key]
        if alignment is None:
            return {}
        cache_key = (key, doc_id, passage)
        found = self._partner_cache.get(cache_key)
        if found is None:
            try:
                raw = alignment.partners(doc_id, passage)
            except (KeyError, IndexError):
                raw = {}
            found = {d: sorted(v) for d, v in raw.items() if v and d in key}
            self._partner_cache[cache_key] = found
        return found


def _module(name: str, warnings: list[str]) -> Any:
    try:
        return importlib.import_module(f"reader.corpus.{name}")
    except Exception as exc:  # a missing or broken analysis module must not stop the app
        warnings.append(f"{name} unavailable: {type(exc).__name__}: {exc}")
        return None


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _entities_from_index(index: Any) -> dict[str, EntityInfo]:
    out: dict[str, EntityInfo] = {}
    for ent in _get(index, "entities", []) or []:
        eid = str(_get(ent, "id"))
        key = str(_get(ent, "key", eid))
        colour = _get(ent, "colour", None)
        if colour is None:
            colour = _get(ent, "color", None)
        if colour is None:
            colour = sum(key.encode("utf-8")) % N_COLOURS
        occurrences = [
            Occurrence(
                str(_get(o, "doc")),
                int(_get(o, "start")),
                int(_get(o, "end")),
                str(_get(o, "text", "")),
            )
            for o in _get(ent, "occurrences", []) or []
        ]
        out[eid] = EntityInfo(
            eid,
            key,
            str(_get(ent, "label", key)),
            str(_get(ent, "kind", "other")),
            int(colour) % N_COLOURS,
            occurrences,
        )
    return out


def analyse(
    corpus: Corpus,
    links: Iterable[Any] = (),
    topic_edits: Iterable[Any] = (),
    progress: Callable[[str], None] | None = None,
) -> Analysis:
    """Shared entities and topics of a loaded corpus (whatever of them the core provides)."""
    warnings: list[str] = []
    say = progress or (lambda _stage: None)
    index = None
    entities: dict[str, EntityInfo] = {}
    ent_mod = _module("entities", warnings)
    if ent_mod is not None:
        say("entities")
        try:
            index = _find_entities(ent_mod, corpus, list(links))
            entities = _entities_from_index(index)
        except Cancelled:
            raise
        except Exception as exc:
            warnings.append(f"entities failed: {type(exc).__name__}: {exc}")
    topics: list[TopicInfo] = []
    from reader.store.user_edits import topic_edit_records

    top_mod = _module("topics", warnings) if index is not None else None
    if top_mod is not None and corpus.documents:
        say("topics")
        try:
            found = top_mod.topics_for_corpus(corpus, index, edits=topic_edit_records(topic_edits))
            warnings.extend(found.warnings)
            topics = [
                TopicInfo(t.id, t.label or t.id, list(t.documents), list(t.entities))
                for t in found.topics
            ]
        except Exception as exc:
            warnings.append(f"topics failed: {type(exc).__name__}: {exc}")
    if not topics and corpus.documents:
        topics = [TopicInfo(ALL_TOPIC, "All documents", [d.id for d in corpus.documents])]
    return Analysis(corpus, topics, entities, warnings, index)


def _find_entities(module: Any, corpus: Corpus, links: list[Any]) -> Any:
    """Call the core's find_entities with the user's links when it takes them."""
    from reader.store.user_edits import entity_link_records

    return module.find_entities(corpus.documents, links=entity_link_records(links))


def align_documents(analysis: Analysis, doc_ids: Sequence[str]) -> Any:
    """The core's alignment of these documents (None when alignment is missing or fails)."""
    if len(doc_ids) < 2 or analysis.index is None:
        return None
    warnings: list[str] = []
    mod = _module("align", warnings)
    if mod is None:
        analysis.warnings.extend(warnings)
        return None
    docs = [analysis.corpus.by_id(i) for i in doc_ids]
    try:
        return mod.align_topic(docs, analysis.index)
    except Exception as exc:
        analysis.warnings.append(f"alignment failed: {type(exc).__name__}: {exc}")
        return None


def load_and_analyse(
    root: Path,
    links: Iterable[Any] = (),
    topic_edits: Iterable[Any] = (),
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Analysis:
    """Load the corpus at `root` and analyse it; `cancelled()` is polled between files."""
    from reader.corpus.loading import find_files, load_corpus

    root = Path(root)
    total = sum(1 for _ in find_files(root)) if root.is_dir() else 0

    def on_file(i: int, path: Path) -> None:
        if cancelled():
            raise Cancelled
        if progress:
            progress(i, total, path.name)

    corpus = load_corpus(root, progress=on_file)
    if cancelled():
        raise Cancelled

    def on_stage(stage: str) -> None:
        if cancelled():
            raise Cancelled
        if progress:
            progress(total, total, stage)

    return analyse(corpus, links, topic_edits, on_stage)
