"""Corpus-level linking across scripts: topics, aligned passages, transliteration links.

Runs after a first resolution of the entities (the alignment needs their keys): documents are
grouped into topics (or the groups given), each document in a script with a phonetic key is
aligned with the versions in a cased script that share most with it, and the links found by
`transliteration.find_links` become extra options of the documents of the topic.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain, compress
from operator import le
from typing import TYPE_CHECKING

from reader.corpus.candidates import Analysis, Option
from reader.corpus.disjoint import DisjointSets
from reader.corpus.gazetteer import Gazetteer, gazetteer_for
from reader.corpus.key_counts import key_counts
from reader.corpus.model import Document
from reader.corpus.passage_pairing import pair_passages
from reader.corpus.phonetic import PHONETIC_SCRIPTS
from reader.corpus.transliteration import Link, LinkFinder, link_options, window_segments
from reader.corpus.variants import find_variants

if TYPE_CHECKING:
    from reader.corpus.entities import EntityIndex

NAME_SCRIPTS = frozenset({"Latn", "Cyrl", "Grek"})  # names are found by their capitals
MAX_SOURCES = 4  # a document is aligned with at most this many versions in other scripts
PARTNER_MIN = 0.25  # the topic threshold: less similar versions are not compared
RARE_KEY_DOCS = 10  # keys in more documents than this (or 2 sqrt(n)) do not make partners


def cross_script_options(
    documents: Sequence[Document],
    analyses: Sequence[Analysis],
    index: EntityIndex,
    groups: Sequence[Sequence[str]] | None = None,
    gaz: Gazetteer | None = None,
) -> dict[str, list[Option]]:
    """Extra options (`evidence="transliteration"`) per document id; empty when none.

    `groups` (topics, as lists of document ids) limit which versions are compared; without
    them each document in a phonetic script is compared with the versions in other scripts
    that share the rarest keys with it (the topic similarity), and the documents so connected
    form the groups. `gaz`: the corpus's gazetteer (built for its languages when None).
    """
    targets = [a for a in analyses if a.doc.script in PHONETIC_SCRIPTS]
    if not targets or not any(d.script in NAME_SCRIPTS for d in documents):
        return {}
    by_id = {d.id: d for d in documents}
    if gaz is None:
        gaz = gazetteer_for(frozenset(d.language for d in documents))
    partners = _partners(documents, index, [a.doc for a in targets], groups)
    if not partners:
        return {}
    sets: DisjointSets[str] = DisjointSets(d.id for d in documents)
    for b, sources in partners.items():
        for a in sources:
            sets.union(a, b)
    group_of = {d.id: sets.find(d.id) for d in documents}
    # The groups each key is chosen in: one group (most keys) held as its name, not a set.
    key_groups: dict[str, str | set[str]] = {}
    for doc_id in index.candidates:
        group = group_of[doc_id]
        for key in key_counts(index, doc_id).mentions:
            found = key_groups.get(key)
            if found is None:
                key_groups[key] = group
            elif isinstance(found, set):
                found.add(group)
            elif found != group:
                key_groups[key] = {found, group}
    by_language: dict[str, list[Document]] = defaultdict(list)
    for d in documents:
        by_language[d.language].append(d)
    words = {a.doc.id: a.words for a in targets}
    segments = {b: window_segments(by_id[b], words[b]) for b in partners}
    members: dict[str, list[str]] = defaultdict(list)
    for b in partners:
        members[group_of[b]].append(b)

    # One finder for the whole corpus: a name already linked in a language (or not found
    # in it twice) needs no more alignments, in this group of versions or another.
    def usable(language: str, surface: str, key: str) -> bool:
        link = Link(language, surface, key, "", 0, 0.0)
        found = key_groups.get(key)
        groups = found if isinstance(found, set) else {found} if found else set()
        return _only_with_name(link, by_language[language], group_of, groups)

    finder = LinkFinder(index, segments, usable)
    pairs: list[tuple[Document, Document, list[tuple[list[int], list[int]]]]] = []
    for in_group in members.values():
        for b in in_group:
            for a in partners[b]:
                doc_a, doc_b = by_id[a], by_id[b]
                if not finder.wanted(doc_a, doc_b):
                    continue  # nothing left to find (names and places alike): no pairing
                groups_ab = pair_passages(doc_a, doc_b, index)
                if not finder.wanted(doc_a, doc_b, groups_ab):
                    continue  # what is left is in passages paired with none
                pairs.append((doc_a, doc_b, groups_ab))
                finder.add(doc_a, doc_b, groups_ab)
    # A run is linked only where every document that writes it holds the name's key.
    links = _variant_links(pairs, index, words, gaz)
    seen = {(link.language, link.surface) for link in links}
    links += [
        link
        for link in finder.links()
        if (link.language, link.surface) not in seen
        and usable(link.language, link.surface, link.key)
    ]
    out: dict[str, list[Option]] = {}
    if links:
        for b in partners:
            found = link_options(by_id[b], links, segments[b])
            if found:
                out[b] = found
    return out


def _partners(
    documents: Sequence[Document],
    index: EntityIndex,
    targets: Sequence[Document],
    groups: Sequence[Sequence[str]] | None,
) -> dict[str, list[str]]:
    """For each target, up to MAX_SOURCES versions in a cased script of another script, most
    similar first (rare shared keys weighted by IDF, as topics are), at least PARTNER_MIN.

    A version's similarity is its shared weight over `small ** w * large ** (1 - w)` of the
    two masses, at least the smaller mass: sharing `n` rare keys, it is at most `n` times
    the rarest key's weight over that mass, and a version that cannot reach PARTNER_MIN so
    is not weighed (most share one key and are far heavier than one key's weight)."""
    from reader.corpus.topics import SMALL_SIDE_WEIGHT, idf_weights

    keys = {d.id: sorted(key_counts(index, d.id).mentions) for d in documents}
    idf = idf_weights(list(keys.values()), distinct=True)
    mass = {i: sum(map(idf.__getitem__, ks)) for i, ks in keys.items()}
    script = {d.id: d.script for d in documents}
    allowed: dict[str, set[str]] | None = None
    if groups is not None:
        allowed = {i: set(g) for g in groups for i in g}
    wanted = {k for t in targets for k in keys[t.id]}  # the only keys looked up
    postings: dict[str, list[str]] = defaultdict(list)
    for d in documents:
        if d.script in NAME_SCRIPTS:
            for k in wanted.intersection(keys[d.id]):  # each key's documents in order
                postings[k].append(d.id)
    del wanted
    limit = max(RARE_KEY_DOCS, int(2 * math.sqrt(len(documents))))
    rare_keys = {k for k, found in postings.items() if len(found) <= limit}
    out: dict[str, list[str]] = {}
    held: dict[str, set[str]] = {}  # the keys of the documents weighed, as sets
    for t in targets:
        mine = t.script
        # the target's rare keys in the order of its keys (sorted), found in C
        rare = sorted(rare_keys.intersection(keys[t.id]))
        if not rare:
            continue
        # How many rare keys each version shares with `t` (counted in C); its similarity is
        # at most that many times the rarest one's weight over the smaller mass (see
        # `_similar`), so only versions light enough, or a light target, are weighed.
        shares = Counter(chain.from_iterable(map(postings.__getitem__, rare)))
        reach = max(map(idf.__getitem__, rare)) * (1 + 1e-9) / PARTNER_MIN
        mass_t = mass[t.id]
        if mass_t <= max(shares.values()) * reach:
            weighed: Iterable[str] = shares
        else:  # mass[a] <= n * reach, compared in C
            light = map(le, map(mass.__getitem__, shares), map(reach.__rmul__, shares.values()))
            weighed = list(compress(shares, light))
        scored = []
        for a in weighed:
            if script[a] == mine or (allowed is not None and a not in allowed.get(t.id, ())):
                continue
            theirs = held.get(a)
            if theirs is None:
                theirs = held[a] = set(keys[a])
            s = 0.0  # the rare keys' weights added in the order of `t`'s keys
            for k in rare:
                if k in theirs:
                    s += idf[k]
            mass_a = mass[a]
            small, large = (mass_a, mass_t) if mass_a <= mass_t else (mass_t, mass_a)
            sim = s / (small**SMALL_SIDE_WEIGHT * large ** (1 - SMALL_SIDE_WEIGHT))
            if sim >= PARTNER_MIN:
                scored.append((-sim, a))
        if scored:
            out[t.id] = [a for _, a in sorted(scored)[:MAX_SOURCES]]
    return out


def _variant_links(
    pairs: Sequence[tuple[Document, Document, list[tuple[list[int], list[int]]]]],
    index: EntityIndex,
    words: dict[str, list[tuple[int, int]] | None],
    gaz: Gazetteer,
) -> list[Link]:
    """One-letter variants of place names (`ឥណ្ឌូនេស៊ី`) in the passages aligned with one that
    names the place, where the document does not name it otherwise."""
    out: dict[tuple[str, str], Link] = {}
    seen: dict[tuple[str, int, frozenset[str]], list] = {}  # a passage is met once per source
    for doc_a, doc_b, groups in pairs:
        segs = words.get(doc_b.id)
        if not segs:
            continue
        keys_b = {c.key for c in index.candidates.get(doc_b.id, ())}
        cands_a = index.candidates.get(doc_a.id, ())
        for ia, ib in groups:
            spans = [(doc_a.passages[i].start, doc_a.passages[i].end) for i in ia]
            wanted = {
                c.key
                for c in cands_a
                if c.kind == "place" and c.key not in keys_b
                and any(s <= c.start < e for s, e in spans)
            }  # fmt: skip
            if not wanted:
                continue
            for j in ib:
                memo = (doc_b.id, j, frozenset(wanted))
                hits = seen.get(memo)
                if hits is None:
                    p = doc_b.passages[j]
                    lo = bisect_left(segs, (p.start, p.start))
                    hi = bisect_left(segs, (p.end, p.end), lo)
                    inside = [(s, e) for s, e in segs[lo:hi] if e <= p.end]
                    hits = find_variants(gaz, doc_b.text, inside, doc_b.language, wanted)
                    seen[memo] = hits
                for hit in hits:
                    surface = doc_b.text[hit.start : hit.end]
                    out[(doc_b.language, surface)] = Link(
                        doc_b.language, surface, hit.entry.id, hit.entry.kind, 1, 1.0, "variant"
                    )
    return list(out.values())


def _only_with_name(
    link: Link, same_language: Sequence[Document], group_of: dict[str, str], groups: set[str]
) -> bool:
    """Whether the run occurs only in topics where the name does: an ordinary word that
    happened to sound like the name (`កាលពី` "on" ~ `Corbyn`) also occurs elsewhere."""
    return all(group_of[d.id] in groups for d in same_language if link.surface in d.text)
