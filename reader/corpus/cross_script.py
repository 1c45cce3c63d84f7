"""Corpus-level linking across scripts: topics, aligned passages, transliteration links.

Runs after a first resolution of the entities (the alignment needs their keys): documents are
grouped into topics (or the groups given), each document in a script with a phonetic key is
aligned with the versions in a cased script that share most with it, and the links found by
`transliteration.find_links` become extra options of the documents of the topic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from reader.corpus.candidates import Analysis, Option
from reader.corpus.model import Document
from reader.corpus.transliteration import Link, find_links, link_options, window_segments

if TYPE_CHECKING:
    from reader.corpus.entities import EntityIndex

NAME_SCRIPTS = frozenset({"Latn", "Cyrl", "Grek"})  # names are found by their capitals
MAX_SOURCES = 4  # a document is aligned with at most this many versions in other scripts
MAX_GAP = 3  # unlinked passages between two linked groups are paired when this few


def cross_script_options(
    documents: Sequence[Document],
    analyses: Sequence[Analysis],
    index: EntityIndex,
    groups: Sequence[Sequence[str]] | None = None,
) -> dict[str, list[Option]]:
    """Extra options (`evidence="transliteration"`) per document id; empty when none."""
    segments = {a.doc.id: s for a in analyses if (s := window_segments(a.doc, a.words))}
    if not segments or not any(d.script in NAME_SCRIPTS for d in documents):
        return {}
    if groups is None:
        from reader.corpus.topics import find_topics

        groups = [t.documents for t in find_topics(documents, index).topics]
    from reader.corpus.align import align_pair

    by_id = {d.id: d for d in documents}
    keys = {d.id: {c.key for c in index.candidates.get(d.id, ())} for d in documents}
    out: dict[str, list[Option]] = {}
    topic_of = {doc_id: n for n, group in enumerate(groups) for doc_id in group}
    key_topics: dict[str, set[int]] = defaultdict(set)
    for doc_id, cands in index.candidates.items():
        for c in cands:
            key_topics[c.key].add(topic_of.get(doc_id, -1))
    by_language: dict[str, list[Document]] = defaultdict(list)
    for d in documents:
        by_language[d.language].append(d)
    for group in groups:
        docs = [by_id[i] for i in group if i in by_id]
        targets = [d for d in docs if d.id in segments]
        if not targets or len(docs) < 2:
            continue
        pairs = []
        for b in targets:
            sources = [a for a in docs if a.script in NAME_SCRIPTS and a.script != b.script]
            sources.sort(key=lambda a, b=b: -len(keys[a.id] & keys[b.id]))
            for a in sources[:MAX_SOURCES]:
                alignment = align_pair(a, b, index)
                groups_ab = [(list(p.a), list(p.b)) for p in alignment.pairs]
                groups_ab += _gaps(groups_ab, alignment.unlinked_a, alignment.unlinked_b)
                pairs.append((a, b, groups_ab))
        links = [
            link
            for link in find_links(pairs, index, segments)
            if _only_with_name(link, by_language[link.language], topic_of, key_topics[link.key])
        ]
        if not links:
            continue
        for d in targets:
            found = link_options(d, links, segments[d.id])
            if found:
                out.setdefault(d.id, []).extend(found)
    return out


def _gaps(
    groups: list[tuple[list[int], list[int]]], free_a: Sequence[int], free_b: Sequence[int]
) -> list[tuple[list[int], list[int]]]:
    """Unlinked passages of both documents between the same two linked groups, paired: a
    translated paragraph whose names the first alignment could not see yet (up to MAX_GAP)."""
    order = sorted((min(ga), min(gb), max(ga), max(gb)) for ga, gb in groups if ga and gb)
    bounds = [(-1, -1, -1, -1), *order, (1 << 30, 1 << 30, 1 << 30, 1 << 30)]
    out = []
    for (_, _, a0, b0), (a1, b1, _, _) in pairwise(bounds):
        ga = [i for i in free_a if a0 < i < a1]
        gb = [j for j in free_b if b0 < j < b1]
        if ga and gb and len(ga) <= MAX_GAP and len(gb) <= MAX_GAP:
            out.append((ga, gb))
    return out


def _only_with_name(
    link: Link, same_language: Sequence[Document], topic_of: dict[str, int], topics: set[int]
) -> bool:
    """Whether the run occurs only in topics where the name does: an ordinary word that
    happened to sound like the name (`កាលពី` "on" ~ `Corbyn`) also occurs elsewhere."""
    return all(topic_of.get(d.id, -1) in topics for d in same_language if link.surface in d.text)
