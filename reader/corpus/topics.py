"""Documents -> topics: group documents by the entities, numbers and dates they share.

Each document becomes a set of candidate keys (the cross-lingual keys of `entities.py`),
each weighted by its rarity in the corpus (IDF). Two documents are similar when the keys
they share carry much of the weight of the smaller one (a short summary of a story still
shares most of what it names with the long version). Documents are then grouped by
average-link agglomerative clustering, stopping at a threshold the user can change.

A corpus may name its topics in `topics.toml` at its root; that overrides clustering for the
documents it names. User edits (move a document, rename or merge topics) are replayed on
top, in order, from plain `(op, args)` records such as the store keeps.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import mul, neg
from typing import TYPE_CHECKING, Any, NamedTuple

from reader.corpus.key_counts import key_counts
from reader.corpus.manifest import (  # noqa: F401  (MANIFEST_NAME, parse_manifest re-exported)
    MANIFEST_NAME,
    ManifestError,
    ManifestTopic,
    manifest_assignments,
    parse_manifest,
    read_manifest,
)
from reader.corpus.model import Corpus, Document
from reader.corpus.topic_edits import apply_edits
from reader.corpus.topic_pairs import Pairs, similar_pairs

if TYPE_CHECKING:
    from reader.corpus.entities import Candidate, Entity, EntityIndex

DEFAULT_THRESHOLD = 0.25
# How far the similarity leans on the smaller document: 1 = overlap coefficient (a short
# version is fully "inside" a long one), 0.5 = cosine-like. Versions differ in length.
SMALL_SIDE_WEIGHT = 0.75
# A label names the top entities; numbers and dates only when there is nothing else.
LABEL_ENTITIES = 3
TOP_ENTITIES = 8
# Keys in more documents than this (or 2 * sqrt(corpus size)) are too common to suggest
# pairs of documents by themselves; they still count in the similarity of pairs found.
RARE_KEY_DOCS = 10
# Each document is compared with at most this many others (the most similar by their rare
# keys), found by reading at most NEIGHBOUR_POSTINGS postings of its rarest keys: the pairs
# grow with the corpus, not with its square (a story has far fewer versions than this).
NEIGHBOURS = 40
NEIGHBOUR_POSTINGS = 600


class TopicEdit(NamedTuple):
    """One user edit, replayed in order. `op` is "move", "rename" or "merge".

    - move:   {"document": path or id, "topic": topic id[, "label": name of a new topic]}
    - rename: {"topic": topic id, "label": new label}
    - merge:  {"source": topic id, "target": topic id} (the source's documents join the target)
    """

    op: str
    args: Mapping[str, Any]


@dataclass(slots=True)
class Topic:
    """A group of documents. `origin` is "clusters", "manifest" or "user"."""

    id: str
    label: str
    documents: list[str]
    entities: list[str] = field(default_factory=list)
    origin: str = "clusters"
    renamed: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "documents": list(self.documents),
            "entities": list(self.entities),
        }


@dataclass(slots=True)
class Topics:
    """The topics of a corpus, in a stable order, plus warnings about manifest and edits."""

    topics: list[Topic]
    warnings: list[str] = field(default_factory=list)

    def by_id(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def of_document(self, doc_id: str) -> Topic | None:
        for topic in self.topics:
            if doc_id in topic.documents:
                return topic
        return None

    def to_json(self) -> dict[str, object]:
        return {"topics": [t.to_json() for t in self.topics], "warnings": list(self.warnings)}


def _short_hash(text: str) -> str:
    return hashlib.blake2s(text.encode("utf-8"), digest_size=5).hexdigest()


# --- similarity -------------------------------------------------------------------------


def document_keys(candidates: Iterable[Candidate]) -> dict[str, str]:
    """Distinct candidate keys of one document -> their kind."""
    keys: dict[str, str] = {}
    for c in candidates:
        if c.key:
            keys.setdefault(c.key, c.kind)
    return keys


def idf_weights(key_sets: Sequence[Iterable[str]], distinct: bool = False) -> dict[str, float]:
    """Smoothed inverse document frequency: log((N + 1) / df), > 0 even for keys in every doc
    (`distinct`: each document's keys are given once, counted as they are)."""
    return idf_of(document_frequencies(key_sets, distinct), len(key_sets))


def document_frequencies(key_sets: Iterable[Iterable[str]], distinct: bool = False) -> Counter[str]:
    """In how many of the documents each key is (`distinct`: see `idf_weights`)."""
    return Counter(chain.from_iterable(key_sets if distinct else map(set, key_sets)))


def idf_of(df: Mapping[str, int], n: int) -> dict[str, float]:
    """`idf_weights` from the document frequencies `df` of `n` documents (made in C)."""
    return dict(zip(df, map(math.log, map((n + 1).__truediv__, df.values())), strict=True))


_NO_KEY = frozenset({""})
# From this many documents on, the keys topics compare are held once for the corpus (below,
# each document's counts are kept whole by the analysis anyway, strings and all)
INTERNED_FROM = 8_000


def similarities(
    key_sets: Sequence[Collection[str]], idf: Mapping[str, float]
) -> dict[tuple[int, int], float]:
    """Similarity of the pairs of documents worth comparing: each document with at most
    `NEIGHBOURS` others, found through its rarest keys (keys in few documents).

    A document looks for partners through its keys in order of rarity, reading at most
    `NEIGHBOUR_POSTINGS` postings (always its rarest key's); the `NEIGHBOURS` documents sharing
    the most rare weight with it are its candidates. Keys in many documents (a country every
    story names) do not suggest partners; they still count in the similarity of the pairs
    found. The pairs grow with the documents, not with their square.
    """
    return _pairs(key_sets, idf).as_dict()


def _pairs(
    key_sets: Sequence[Collection[str]],
    idf: Mapping[str, float],
    memo: Any = None,
    df: Counter[str] | None = None,
) -> Pairs:
    return similar_pairs(
        key_sets, idf, RARE_KEY_DOCS, NEIGHBOURS, NEIGHBOUR_POSTINGS, SMALL_SIDE_WEIGHT, memo, df
    )


def average_link_clusters(
    n: int, sims: Mapping[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Average-link agglomerative clustering of items 0..n-1; pairs not in `sims` count as 0.

    Merges the two clusters with the highest mean pairwise similarity while it is at least
    `threshold`. Deterministic: ties go to the lower item numbers.
    """
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (i, j), s in sims.items():
        if s > 0:
            links[i][j] = links[i].get(j, 0.0) + s
            links[j][i] = links[j].get(i, 0.0) + s
    heap = [(-s, i, j) for (i, j), s in sims.items() if s >= threshold and s > 0]
    heapq.heapify(heap)
    next_id = n
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        total = links[a].get(b, 0.0)
        if abs(-neg - total / (len(members[a]) * len(members[b]))) > 1e-12:
            continue  # stale entry
        c = next_id
        next_id += 1
        members[c] = sorted(members.pop(a) + members.pop(b))
        merged: dict[int, float] = {}
        for old in (a, b):
            for other, s in links.pop(old).items():
                if other in (a, b):
                    continue
                merged[other] = merged.get(other, 0.0) + s
                del links[other][old]
        links[c] = merged
        for other, s in merged.items():
            links[other][c] = s
            avg = s / (len(members[c]) * len(members[other]))
            if avg >= threshold:
                heapq.heappush(heap, (-avg, min(c, other), max(c, other)))
    return sorted(members.values())


# --- topics -----------------------------------------------------------------------------


def _cluster_id(docs: Sequence[Document]) -> str:
    """Stable id of a cluster: from its first member path, which survives members joining."""
    return "t" + _short_hash(min(d.path for d in docs))


def _top_keys(
    members: Sequence[str],
    index: EntityIndex,
    idf: Mapping[str, float],
    keep: Callable[[str], bool] | None = None,
) -> list[tuple[str, str]]:
    """(key, kind) of a topic's members: in most members, rarest in the corpus and most
    often mentioned first (only those `keep` keeps)."""
    counted = [key_counts(index, doc_id) for doc_id in members]
    if len(counted) == 1:  # one member: its own counts, read as they are
        mentions, kinds = counted[0]
        ks = [k for k in (mentions if keep is None else filter(keep, mentions)) if k]
        return [(k, kinds[k]) for _, k in one_member_ranking(ks, mentions, idf)]
    docs: Counter[str] = Counter()  # in how many members
    mentions, kinds = Counter(), {}
    for found in counted:
        mentions.update(found.mentions)
        docs.update(found.mentions.keys())
    for found in reversed(counted):  # the kind of a key's first mention in the first
        kinds.update(found.kinds)
    weight, log = idf.get, math.log
    ranked = []
    for k, m in mentions.items():
        if not k:
            continue
        n = docs[k]
        if n >= 2 and (keep is None or keep(k)):  # in two members at least
            ranked.append((-(n * weight(k, 0.0) * (1 + log(m / n))), k))
    ranked.sort()  # in most members, rarest and most often mentioned first, then by key
    return [(k, kinds[k]) for _, k in ranked]


def one_member_ranking(
    keys: Sequence[str], mentions: Mapping[str, int], idf: Mapping[str, float]
) -> list[tuple[float, str]]:
    """`_top_keys`'s (score, key) of keys of a one-member topic (`mentions`: its counts),
    sorted: each score -(1 * w * (1 + log(m / 1))), made in C."""
    ws = map(idf.get, keys, repeat(0.0))
    grown = map((1.0).__add__, map(math.log, map(mentions.__getitem__, keys)))
    return sorted(zip(map(neg, map(mul, ws, grown)), keys, strict=True))


def _describe(
    topic: Topic,
    docs: Mapping[str, Document],
    idf: Mapping[str, float],
    index: EntityIndex,
    by_key: Mapping[str, Entity] | None = None,
) -> None:
    """Fill a topic's top entities and, unless it was named, its label (`by_key`: the
    index's entities by key, when it holds them so)."""
    if by_key is not None:
        top = _top_keys(topic.documents, index, idf, by_key.__contains__)
        entities = [by_key[k] for k, _ in top]
    else:
        shared: dict[str, Entity] = {}  # the keys of shared entities (the only ones shown)

        def entity(k: str) -> bool:
            e = index.by_key(k)
            if e is not None:
                shared[k] = e
            return e is not None

        top = _top_keys(topic.documents, index, idf, entity)
        entities = [shared[k] for k, _ in top]
    topic.entities = [e.id for e in entities][:TOP_ENTITIES]
    if topic.origin == "manifest" or topic.renamed:
        return
    labelled = [(k, kind, e) for (k, kind), e in zip(top, entities, strict=True)]
    good = [x for x in labelled if x[1] not in ("number", "date")] or labelled
    names: list[str] = []
    for _, _, e in good:
        folded = e.label.casefold()
        if not any(folded in n.casefold() or n.casefold() in folded for n in names):
            names.append(e.label)  # "Halvorsen" adds nothing to "Magnus Halvorsen"
        if len(names) == LABEL_ENTITIES:
            break
    first = min((docs[d] for d in topic.documents), key=lambda d: d.path)
    if names and len(topic.documents) > 1:
        topic.label = " · ".join(names)
    else:  # one document: its own title says more than its names
        topic.label = _shorten(first.title) or " · ".join(names) or first.path


def _shorten(title: str, limit: int = 60) -> str:
    if len(title) <= limit:
        return title
    cut = title.rfind(" ", 0, limit)
    return title[: cut if cut > limit // 2 else limit].rstrip(" ,;:…") + "…"


@dataclass(slots=True)
class BaseTopics:
    """Topics before the user's edits: clusters and manifest groups, with the rarity weights
    that describe them (edits are replayed on a copy, so a rename or a move re-clusters
    nothing)."""

    topics: list[Topic]
    warnings: list[str]
    idf: dict[str, float]


def cluster_topics(
    documents: Sequence[Document],
    index: EntityIndex,
    threshold: float = DEFAULT_THRESHOLD,
    manifest: Sequence[ManifestTopic] = (),
) -> BaseTopics:
    """Group `documents` by the manifest, then by shared keys (every document in one group)."""
    warnings: list[str] = []
    # Each document's distinct keys as a tuple of strings held once for the corpus (100,000
    # documents name millions of keys, most of them in several documents; a tuple is a
    # quarter of a set's size).
    held: dict[str, str] = {}
    if len(documents) < INTERNED_FROM:  # the same tuples, in the same order, not interned
        keys = {d.id: tuple(set(key_counts(index, d.id).mentions) - _NO_KEY) for d in documents}
    else:
        keys = {
            d.id: tuple({held.setdefault(k, k) for k in key_counts(index, d.id).mentions} - _NO_KEY)
            for d in documents
        }
    del held
    df = document_frequencies([keys[d.id] for d in documents], distinct=True)
    idf = idf_of(df, len(documents))
    assigned = manifest_assignments(documents, manifest, warnings)

    topics: list[Topic] = []
    by_manifest: dict[str, Topic] = {}
    for doc in documents:
        mt = assigned.get(doc.id)
        if mt is None:
            continue
        if mt.name not in by_manifest:
            by_manifest[mt.name] = Topic("m" + _short_hash(mt.name), mt.name, [], origin="manifest")
            topics.append(by_manifest[mt.name])
        by_manifest[mt.name].documents.append(doc.id)

    free = [d for d in documents if d.id not in assigned]
    key_sets = [keys[d.id] for d in free]
    del keys
    # An index updated from an earlier analysis carries what the pairs may start from
    # (`topic_memo.PairsMemo`); not with a manifest (its documents are not compared).
    memo = getattr(index, "pairs_memo", None) if not assigned else None
    if memo is not None:
        memo.ids = [d.id for d in free]
    if assigned:  # the pairs count the keys of the documents compared only
        df = None
    pairs = _pairs(key_sets, idf, memo, df).clustered(threshold)  # only those that can join
    del df
    clusters = average_link_clusters(len(free), pairs, threshold)
    for cluster in clusters:
        members = [free[i] for i in cluster]
        topics.append(Topic(_cluster_id(members), "", [d.id for d in members]))
    return BaseTopics(topics, warnings, idf)


def edited_topics(
    base: BaseTopics,
    documents: Sequence[Document],
    index: EntityIndex,
    edits: Iterable[TopicEdit | tuple[str, Mapping[str, Any]]] = (),
) -> Topics:
    """The topics the reader sees: `base` (left unchanged) with the edits replayed, described
    and in a stable order."""
    warnings = list(base.warnings)
    copies = [
        Topic(t.id, t.label, list(t.documents), list(t.entities), t.origin, t.renamed)
        for t in base.topics
    ]
    topics = apply_edits(copies, edits, documents, warnings)
    docs = {d.id: d for d in documents}
    order = {d.id: n for n, d in enumerate(documents)}
    from reader.corpus.entities import EntityIndex

    by_key = index._by_key if type(index).by_key is EntityIndex.by_key else None
    memo = getattr(index, "descriptions", None)  # `describe_memo.DescriptionMemo`
    for topic in topics:
        topic.documents.sort(key=order.__getitem__)
        before = memo.get(topic, docs, index, base.idf, by_key) if memo is not None else None
        if before is None:
            _describe(topic, docs, base.idf, index, by_key)
            continue
        topic.entities = before[1]
        if not (topic.origin == "manifest" or topic.renamed):
            topic.label = before[0]
    topics.sort(key=lambda t: (t.origin != "manifest", -len(t.documents), order[t.documents[0]]))
    return Topics(topics, warnings)


def find_topics(
    documents: Sequence[Document],
    index: EntityIndex,
    threshold: float = DEFAULT_THRESHOLD,
    manifest: Sequence[ManifestTopic] = (),
    edits: Iterable[TopicEdit | tuple[str, Mapping[str, Any]]] = (),
) -> Topics:
    """Group `documents` into topics (every document in exactly one).

    `threshold` (0..1): higher keeps only close versions together, lower groups more.
    """
    base = cluster_topics(documents, index, threshold, manifest)
    return edited_topics(base, documents, index, edits)


def topics_for_corpus(
    corpus: Corpus,
    index: EntityIndex,
    threshold: float = DEFAULT_THRESHOLD,
    edits: Iterable[TopicEdit | tuple[str, Mapping[str, Any]]] = (),
) -> Topics:
    """Topics of a loaded corpus, with its `topics.toml` if it has one.

    A manifest that cannot be used is reported in the warnings and ignored (the file is left
    as it is); `read_manifest` raises instead, for callers that want to stop.
    """
    warnings: list[str] = []
    try:
        manifest = read_manifest(corpus.root)
    except ManifestError as exc:
        manifest = []
        warnings.append(f"{exc} (ignored)")
    topics = find_topics(corpus.documents, index, threshold, manifest, edits)
    topics.warnings[:0] = warnings
    return topics
