"""Load and analyse a corpus: the one path the CLI and the app both call (no Qt here).

`analyse` finds shared entities and topics once; what the reader then changes is applied
without starting over: a topic edit replays the edits on the stored clusters (no entity is
recomputed), an entity link patches only the entities whose keys it names (`relinked`), and
alignments are computed per topic on demand (`alignment`, meant for a worker thread) and
cached by the documents' hashes.
"""

from __future__ import annotations

import threading
from collections import ChainMap, Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reader.corpus.align import TopicAlignment, align_topic
from reader.corpus.entities import Candidate, Entity, EntityIndex, find_entities
from reader.corpus.model import Corpus, Document
from reader.corpus.topics import (
    DEFAULT_THRESHOLD,
    BaseTopics,
    ManifestError,
    Topic,
    cluster_topics,
    edited_topics,
    read_manifest,
)

LinkRecord = tuple[str, str, bool]  # (key_a, key_b, linked)
EditRecord = tuple[str, dict[str, Any]]  # (op, args)


class Cancelled(Exception):
    """The user cancelled the loading."""


AlignKey = tuple[tuple[str, str], ...]


class AlignmentCache:
    """Topic alignments by (document id, hash) tuples; safe to fill from a worker thread."""

    def __init__(self) -> None:
        self._found: dict[AlignKey, TopicAlignment | None] = {}
        self._stale: dict[AlignKey, TopicAlignment | None] = {}
        self._lock = threading.Lock()

    def get(self, key: AlignKey) -> tuple[bool, TopicAlignment | None]:
        """(known, alignment): `known` is False while nobody has computed it."""
        with self._lock:
            if key in self._found:
                return True, self._found[key]
        return False, None

    def put(self, key: AlignKey, alignment: TopicAlignment | None) -> None:
        with self._lock:
            self._found[key] = alignment
            self._stale.pop(key, None)

    def invalidate(self, doc_ids: Iterable[str]) -> None:
        """Forget the alignments holding any of `doc_ids` (the reader changed their links);
        each stays `shown` as stale until a new one is put."""
        wanted = set(doc_ids)
        with self._lock:
            for key in [k for k in self._found if wanted.intersection(d for d, _ in k)]:
                self._stale[key] = self._found.pop(key)

    def shown(self, key: AlignKey) -> TopicAlignment | None:
        """The alignment to show: the computed one, else a stale one while it is redone."""
        with self._lock:
            return self._found.get(key) or self._stale.get(key)


@dataclass
class Analysis:
    """A loaded corpus and what the core found in it (core types throughout)."""

    corpus: Corpus
    index: EntityIndex
    base: BaseTopics
    topics: list[Topic]
    warnings: list[str] = field(default_factory=list)
    alignments: AlignmentCache = field(default_factory=AlignmentCache)
    _entities: Mapping[str, Entity] | None = None
    _spans: dict[str, list[tuple[int, int, int, str]]] | None = None
    _topic_of: dict[str, Topic] | None = None

    # ----- entities ---------------------------------------------------------------------

    @property
    def entities(self) -> Mapping[str, Entity]:
        """Shared entities by id (an index kept in the store answers one id at a time)."""
        if self._entities is None:
            self._entities = self.index.entities_by_id()
        return self._entities

    def entity_spans(self, doc_id: str) -> list[tuple[int, int, int, str]]:
        """(start, end, colour, entity id) of the shared entities in one document, sorted
        (made from that document's candidates when first asked for)."""
        if self._spans is None:
            self._spans = {}
        spans = self._spans.get(doc_id)
        if spans is None:
            spans = sorted(
                (c.start, c.end, e.colour, e.id) for c, e in self.index.for_document(doc_id)
            )
            self._spans[doc_id] = spans
        return spans

    def entity_at(self, doc_id: str, offset: int) -> Entity | None:
        """The shared entity whose occurrence covers `offset` of a document."""
        for s, e, _, ent in self.entity_spans(doc_id):
            if s <= offset < e:
                return self.entities.get(ent)
        return None

    def topic_entities(self, doc_ids: Sequence[str]) -> list[Entity]:
        """Entities found in two or more of `doc_ids` (most frequent first)."""
        return [e for e, _ in self.topic_mentions(doc_ids)]

    def topic_mentions(self, doc_ids: Sequence[str]) -> list[tuple[Entity, Counter[str]]]:
        """`topic_entities` with how often each is mentioned in each of `doc_ids`, counted from
        the documents' candidates (never from every mention of an entity in the corpus)."""
        wanted = list(dict.fromkeys(doc_ids))
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        by_key: dict[str, Entity] = {}
        for doc_id in wanted:
            for _cand, ent in self.index.for_document(doc_id):
                counts[ent.key][doc_id] += 1
                by_key[ent.key] = ent
        least = min(2, len(wanted))
        found = []
        for key, per_doc in counts.items():
            if len(per_doc) >= least:
                ent = by_key[key]
                n = sum(per_doc.values())
                found.append((-n, ent.label.casefold(), -ent.document_count(), key, ent, per_doc))
        found.sort(key=lambda x: x[:4])
        return [(x[4], x[5]) for x in found]

    # ----- topics -----------------------------------------------------------------------

    def documents_of(self, topic: Topic) -> list[Document]:
        """The topic's documents, in its order."""
        out = []
        for doc_id in topic.documents:
            try:
                out.append(self.corpus.by_id(doc_id))
            except KeyError:
                continue
        return out

    def topic_of(self, doc_id: str) -> Topic | None:
        """The topic a document belongs to."""
        if self._topic_of is None:
            self._topic_of = {d: t for t in self.topics for d in t.documents}
        return self._topic_of.get(doc_id)

    def topic_index(self, topic_id: str) -> int | None:
        """Position of a topic in `topics`."""
        return next((n for n, t in enumerate(self.topics) if t.id == topic_id), None)

    def with_topic_edits(self, edits: Iterable[EditRecord]) -> Analysis:
        """The same analysis with the topics `edits` make (entities and alignments kept)."""
        topics = edited_topics(self.base, self.corpus.documents, self.index, list(edits))
        return Analysis(
            self.corpus,
            self.index,
            self.base,
            topics.topics,
            _merge_warnings(self.warnings, topics.warnings),
            self.alignments,
            self._entities,
            self._spans,
        )

    # ----- alignment --------------------------------------------------------------------

    def align_key(self, doc_ids: Sequence[str]) -> AlignKey:
        return tuple((d, self.corpus.by_id(d).sha256) for d in doc_ids)

    def has_alignment(self, doc_ids: Sequence[str]) -> bool:
        """True when `partners` can answer for these documents without computing."""
        return len(doc_ids) < 2 or self.alignments.get(self.align_key(doc_ids))[0]

    def alignment(self, doc_ids: Sequence[str]) -> TopicAlignment | None:
        """The alignment of these documents, computed now if nobody has (slow: a worker's
        job in the app). None for fewer than two documents or when alignment fails."""
        if len(doc_ids) < 2:
            return None
        key = self.align_key(doc_ids)
        known, found = self.alignments.get(key)
        if known:
            return found
        docs = [self.corpus.by_id(d) for d in doc_ids]
        try:
            found = align_topic(docs, self.index)
        except Exception as exc:  # shown as a warning; the columns scroll by position
            self.warnings.append(f"alignment failed: {type(exc).__name__}: {exc}")
            found = None
        self.alignments.put(key, found)
        return found

    def sub_index(self, doc_ids: Sequence[str]) -> EntityIndex:
        """The part of the index these documents need (small enough to send to a worker)."""
        wanted = set(doc_ids)
        candidates = {d: self.index.candidates.get(d, []) for d in doc_ids}
        found = {e.key: e for d in doc_ids for _, e in self.index.for_document(d)}
        entities = list(found.values())
        sub = EntityIndex(entities, candidates)
        sub._languages = {d: lang for d, lang in self.index._languages.items() if d in wanted}
        return sub

    def store_alignment(self, doc_ids: Sequence[str], alignment: TopicAlignment | None) -> None:
        """Keep an alignment computed elsewhere (a worker process)."""
        self.alignments.put(self.align_key(doc_ids), alignment)

    def shown_alignment(self, doc_ids: Sequence[str]) -> TopicAlignment | None:
        """The alignment of these documents to show (a stale one while it is redone after
        the reader's links changed); None while nobody has computed it."""
        if len(doc_ids) < 2:
            return None
        return self.alignments.shown(self.align_key(doc_ids))

    def partners(self, doc_ids: Sequence[str], doc_id: str, passage: int) -> dict[str, list[int]]:
        """Passages of the other documents aligned with `passage` of `doc_id`; empty while
        the alignment has not been computed (this never computes it)."""
        alignment = self.shown_alignment(doc_ids)
        if alignment is None:
            return {}
        try:
            raw = alignment.partners(doc_id, passage)
        except (KeyError, IndexError):
            return {}
        wanted = set(doc_ids)
        return {d: sorted(v) for d, v in raw.items() if v and d in wanted}

    # ----- entity links -----------------------------------------------------------------

    def relinked(self, action: str, pairs: Sequence[tuple[str, str]]) -> Analysis:
        """A quick patch for one link or unlink: only the entities whose keys `pairs` name
        change (topics and other entities stay; a full `analyse` later settles the rest)."""
        index = relink_index(self.index, action, pairs)
        return Analysis(
            self.corpus, index, self.base, self.topics, list(self.warnings), AlignmentCache()
        )


def align_documents(docs: Sequence[Document], index: EntityIndex) -> TopicAlignment | None:
    """The alignment of a topic's documents (a worker process's job); None if it fails."""
    if len(docs) < 2:
        return None
    return align_topic(docs, index)


AnalysisParts = tuple[EntityIndex, BaseTopics, list[Topic], list[str]]


def analysis_parts(
    corpus: Corpus, links: Sequence[LinkRecord], edits: Sequence[EditRecord]
) -> AnalysisParts:
    """What `analyse` finds, without the corpus (a worker process sends back only this)."""
    return analysis_parts_of(analyse(corpus, links, edits))


def analysis_parts_of(found: Analysis) -> AnalysisParts:
    """The parts of an analysis that `from_parts` puts back together."""
    return found.index, found.base, found.topics, found.warnings


def from_parts(corpus: Corpus, parts: AnalysisParts) -> Analysis:
    """An analysis of `corpus` from what `analysis_parts` sent back."""
    index, base, topics, warnings = parts
    return Analysis(corpus, index, base, topics, list(warnings))


def warm_up() -> bool:
    """Import the analysis modules (a worker process does this before its first job)."""
    from reader.corpus import align, entities, topics  # noqa: F401

    return True


def _merge_warnings(old: list[str], new: list[str]) -> list[str]:
    return list(dict.fromkeys([*old, *new]))


def relink_index(index: EntityIndex, action: str, pairs: Sequence[tuple[str, str]]) -> EntityIndex:
    """`index` with key pairs linked (one entity) or unlinked (names taking the other key of a
    pair get their own key back); entities of untouched keys are kept as they are."""
    from reader.corpus.entities import _build_entities
    from reader.corpus.text import match_key

    touched: set[str] = set()
    canon: dict[str, str] = {}
    splits: list[set[str]] = []
    for a, b in pairs:
        touched |= {a, b}
        if action == "link":
            keep, other = sorted((a, b), key=lambda k: (":" not in k, k))
            canon[other] = keep
        else:
            splits.append({a, b})
    # Only documents where a touched key is a shared entity can change (a key shared by no
    # other document is the full analysis's business); unless none is: then look everywhere.
    scan = {d for k in touched if (e := index.by_key(k)) is not None for d in e.documents}
    doc_ids = [d for d in index.candidates if d in scan] if scan else list(index.candidates)
    changed_docs: dict[str, list[Candidate]] = {}
    for doc_id in doc_ids:
        cands = index.candidates.get(doc_id, [])
        changed = None
        for n, c in enumerate(cands):
            if c.key not in touched:
                continue
            key = canon.get(c.key, c.key)
            if action != "link":
                surface = match_key(c.text)
                if surface != c.key and any({c.key, surface} <= pair for pair in splits):
                    key = surface
            if key != c.key:
                if changed is None:
                    changed = list(cands)
                changed[n] = replace(c, key=key)
                touched.add(key)
        changed_docs[doc_id] = changed if changed is not None else cands
    languages = dict(index._languages)
    subset = {d: [c for c in cs if c.key in touched] for d, cs in changed_docs.items()}
    rebuilt = _build_entities(subset, languages, min_docs=2)
    candidates = ChainMap(
        {d: cs for d, cs in changed_docs.items() if cs is not index.candidates.get(d)},
        index.candidates,
    )
    kept = [e for e in index.entities if e.key not in touched]
    entities = sorted(
        [*kept, *rebuilt], key=lambda e: (-len(e.documents), -len(e.occurrences), e.key)
    )
    out = EntityIndex(entities, candidates)
    out._languages = languages
    return out


def analyse(
    corpus: Corpus,
    links: Iterable[LinkRecord] = (),
    edits: Iterable[EditRecord] = (),
    progress: Callable[[str], None] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    strict_manifest: bool = False,
    entities: EntityIndex | None = None,
    documents_read: Callable[[int, int], None] | None = None,
) -> Analysis:
    """Shared entities and topics of a loaded corpus, with the user's links and edits.

    `progress(stage)` is called before each stage (it may raise `Cancelled`). A manifest that
    cannot be used is a warning, or with `strict_manifest` a `ManifestError`. `entities`: the
    corpus's entities with these links found already (from the index), else found here;
    `documents_read(done, total)` counts the documents read while finding them.
    """
    say = progress or (lambda _stage: None)
    warnings: list[str] = []
    say("entities")
    if entities is None:
        entities = find_entities(corpus.documents, list(links), progress=documents_read)
    index = entities
    say("topics")
    try:
        manifest = read_manifest(corpus.root)
    except ManifestError as exc:
        if strict_manifest:
            raise
        manifest = []
        warnings.append(f"{exc} (ignored)")
    base = cluster_topics(corpus.documents, index, threshold, manifest)
    topics = edited_topics(base, corpus.documents, index, list(edits))
    return Analysis(corpus, index, base, topics.topics, _merge_warnings(warnings, topics.warnings))


def load_and_analyse(
    root: Path,
    links: Iterable[LinkRecord] = (),
    edits: Iterable[EditRecord] = (),
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Analysis:
    """Load the corpus at `root` and analyse it; `cancelled()` is polled between files."""
    corpus = load_with_progress(root, progress, cancelled)
    return analyse_with_progress(corpus, links, edits, progress, cancelled)


def load_with_progress(
    root: Path,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Corpus:
    """Load the corpus at `root`, reporting `progress(done, total, file name)`."""
    from reader.corpus.loading import find_files, load_corpus

    root = Path(root)
    total = sum(1 for _ in find_files(root)) if root.is_dir() else 0

    def on_file(i: int, path: Path) -> None:
        if cancelled():
            raise Cancelled
        if progress:
            progress(i, total, path.name)

    return load_corpus(root, progress=on_file)


def analyse_with_progress(
    corpus: Corpus,
    links: Iterable[LinkRecord] = (),
    edits: Iterable[EditRecord] = (),
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    entities: EntityIndex | None = None,
) -> Analysis:
    """`analyse` reporting stages as `progress(total, total, stage)`, stopping on `cancelled`
    (`entities`: see `analyse`)."""
    total = len(corpus.documents)
    if cancelled():
        raise Cancelled

    def on_stage(stage: str) -> None:
        if cancelled():
            raise Cancelled
        if progress:
            progress(total, total, stage)

    def on_document(done: int, count: int) -> None:  # entities: documents read so far
        if cancelled():
            raise Cancelled
        if progress:
            progress(done, count, "entities")

    return analyse(corpus, links, edits, on_stage, entities=entities, documents_read=on_document)
