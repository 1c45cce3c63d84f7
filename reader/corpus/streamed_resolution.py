"""The corpus-level resolution of entities (`entities._Resolution`) one document at a time:
the same decisions, without every document's options in memory at once.

`read(doc)` gives a document's options and their surfaces (the index reads them from the
store); the resolution reads them in a few passes and keeps between passes only counts per
key and each document's chosen candidates as a compressed row (`PackedCandidates`):

1. in how many documents each key occurs, the keys that stand alone somewhere, and the parts
   of runs (key, run, language) — which parts are dropped follows from these;
2. each document's choice with the keys shared by any option (its row, and which of its keys
   are shared, are kept); the keys this choice shares;
3. the documents holding a key that is no longer shared choose again.

The shared entities are then summarised from the rows (documents, mentions, kinds, surfaces),
without `Occurrence` objects (`PackedEntityIndex` makes them when used). Links across scripts
add options to some documents; the resolution is then made again with them (what a full
resolution gives, as `_Resolution.again` promises).
"""

from __future__ import annotations

import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from reader.corpus.candidates import Option
from reader.corpus.entities import LONE_KEYS, Candidate, _shared
from reader.corpus.entity_labels import entity_kind, entity_label
from reader.corpus.model import Document
from reader.corpus.packed_entities import Entry, PackedCandidates, PackedEntityIndex, Summary
from reader.corpus.resolve import KeyMap, select
from reader.corpus.stored_parts import decode_candidates

# Options kept in memory between passes when the corpus has at most this many (~250 bytes
# each): a corpus of a few thousand documents is read once, a bigger one again in each pass.
KEPT_OPTIONS = 1_000_000
KEPT_DOCUMENTS = 8_000  # a bigger corpus keeps none (not a million made and let go)
# A document's options and the text of each (in order; may be shorter: the rest from the text)
ReadOptions = Callable[[Document], "tuple[list[Option], Sequence[str]]"]


class StreamedResolution:
    """Choose every document's options and summarise the shared entities, reading each
    document's options again in each pass (see the module docstring)."""

    # whether the index made keeps its entities' kinds and surfaces (`mention_totals`, for
    # the next analysis: only a resolution that records its state keeps them)
    KEEP_TOTALS = False

    def __init__(
        self,
        documents: Sequence[Document],
        read: ReadOptions,
        keymap: KeyMap,
        first: ReadOptions | None = None,
    ) -> None:
        self.documents = documents
        self.read = read
        self.first = first or read  # the first pass's (it may bring stored options up to date)
        self.keymap = keymap
        self.linked = bool(keymap.splits or keymap._canon)
        self.extra: dict[str, list[Option]] = {}
        self.languages = {d.id: d.language for d in documents}
        self.rows: dict[str, bytes] = {}
        self.kept: dict[str, tuple[list[Option], Sequence[str]]] = {}
        self.known: dict[str, list[Candidate]] = {}  # the candidates of the documents kept
        self.room = KEPT_OPTIONS if len(documents) <= KEPT_DOCUMENTS else -1
        # every document's `KeyCounts`, by document
        self.counts: dict[str, Entry] | None = {} if len(documents) <= KEPT_DOCUMENTS else None
        self.kept_labels: set[str] = set()  # the last index's entities labelled as before

    def options(
        self, doc: Document, read: ReadOptions | None = None
    ) -> tuple[list[Option], Sequence[str]]:
        """A document's options with the user's links applied and the extra ones after."""
        found = self.kept.get(doc.id)
        if found is None:
            found = (read or self.read)(doc)
            if self.linked:
                apply, make = self.keymap.apply, Option._make
                found = ([apply(make(o)) for o in found[0]], found[1])
            if len(found[0]) <= self.room:
                self.room -= len(found[0])
                self.kept[doc.id] = found
            elif self.room >= 0:  # too big to keep: every pass reads every document again
                self.kept.clear()
                self.room = -1
        opts, surfaces = found
        extra = self.extra.get(doc.id)
        if extra:
            opts = [*opts, *extra]
        return opts, surfaces

    def again(self, extra: dict[str, list[Option]]) -> PackedEntityIndex:
        """The index after the documents of `extra` gained these options (links applied)."""
        for doc_id, opts in extra.items():
            self.extra.setdefault(doc_id, []).extend(self.keymap.apply(o) for o in opts)
        return self.resolve()

    def resolve(self) -> PackedEntityIndex:
        df, bad = self._counts()
        shared_any = _shared(df)
        first: Counter[str] = Counter()
        mine: dict[str, tuple[str, ...]] = {}
        rows = self.rows
        for d in self.documents:
            opts, surfaces = self.options(d)
            filtered = [o for o in opts if not (o[7] and o[2] in bad)] if bad else opts
            found = select(filtered, shared_any, df)
            first.update({o[2] for o in found})
            mine[d.id] = tuple({o[2] for o in filtered if o[2] in shared_any})
            rows[d.id] = self._row(d, opts, surfaces, found)
        shared = _shared(first)
        dropped = shared_any - shared
        counts = first  # in how many documents each chosen key is (the first choice, then)
        if dropped:
            for d in self.documents:
                if dropped.isdisjoint(mine[d.id]):
                    continue
                opts, surfaces = self.options(d)
                filtered = [o for o in opts if not (o[7] and o[2] in bad)] if bad else opts
                found = select(filtered, shared, df)
                counts.subtract({c.key for c in self._candidates(d.id)})
                counts.update({o[2] for o in found})
                rows[d.id] = self._row(d, opts, surfaces, found)
        del mine, df, bad, shared_any, shared, dropped  # let go before the entities are made
        twice = {k for k, n in counts.items() if n >= 2 and not k.startswith(LONE_KEYS)}
        del counts, first
        return self._index(twice)

    def _counts(self) -> tuple[Counter[str], set[str]]:
        """Pass 1: the document frequency of every key once the parts of runs that do not
        count are dropped, and those parts' keys (`_Resolution._filter`)."""
        df: Counter[str] = Counter()
        alone: set[str] = set()
        parts: set[tuple[str, str, str]] = set()
        read, self.first = self.first, self.read  # the first pass once
        for d in self.documents:
            opts, _ = self.options(d, read)
            df.update({o[2] for o in opts})
            lang = d.language
            for o in opts:
                if o[7]:
                    parts.add((o[2], o[8], lang))  # key, parent
                else:
                    alone.add(o[2])
        part_languages: dict[str, set[str]] = defaultdict(set)
        for key, parent, lang in parts:
            if df[parent] < 2:
                part_languages[key].add(lang)
        bad = {
            key for key, _, _ in parts if key not in alone and len(part_languages.get(key, ())) <= 1
        }
        # A dropped part's key has no other option anywhere (it would stand alone): every
        # document that held it counts it no more.
        for key in bad:
            df.pop(key, None)
        return df, bad

    def _row(
        self, doc: Document, opts: list[Option], surfaces: Sequence[str], chosen: list[Option]
    ) -> bytes:
        """The chosen options as the stored analysis's row of candidates: each surface from
        `surfaces` where the document's own options have it, else from its text."""
        spans = {(o[0], o[1]): t for o, t in zip(opts, surfaces, strict=False)} if surfaces else {}
        text = None
        loaded = getattr(doc, "loaded", True)
        rows: list[list[Any]] = []
        for o in chosen:
            surface = spans.get((o[0], o[1]))
            if surface is None:
                if text is None:
                    text = doc.text
                surface = text[o[0] : o[1]]
            row: list[Any] = [o[0], o[1], surface, o[2], o[3]]
            if o[9]:
                row.append(o[9])
            rows.append(row)
        if text is not None and not loaded:
            doc.unload()  # type: ignore[attr-defined]
        if doc.id in self.kept:
            self.known[doc.id] = [Candidate(*r) for r in rows]
        return zlib.compress(json.dumps(rows, ensure_ascii=False).encode("utf-8"), 3)

    def _candidates(self, doc_id: str) -> list[Candidate]:
        found = self.known.get(doc_id)
        return found if found is not None else decode_candidates(self.rows[doc_id])

    def _index(self, twice: set[str]) -> PackedEntityIndex:
        """The shared entities (`twice`: the keys chosen in two or more documents, but those
        never shared alone) from the rows: their documents and mentions from each
        document's `KeyCounts`, their labels and kinds from their mentions (but those that
        `_labels_kept` gives)."""
        order = [d.id for d in self.documents]
        candidates = PackedCandidates(order, self.rows, self.known, self.counts)
        entry = candidates.entry
        kept = self._labels_kept(candidates)
        # the kinds and surfaces of the keys not kept whose totals are known from before
        patched = self._totals_patched(kept)
        # key -> [documents, mentions, kinds, surfaces] (no kinds and surfaces: label kept,
        # or its totals patched)
        stats: dict[str, list[Any]] = {}
        for d in self.documents:
            _, counts, lists = entry(d.id)  # lists: when decoded now
            hits = twice.intersection(counts.mentions)
            if not hits:
                continue
            mentions = counts.mentions
            fresh = None  # the keys whose kinds and surfaces are counted here
            for key in hits:
                found = stats.get(key)
                if found is None:
                    known = key in kept or key in patched
                    found = stats[key] = [[], 0, None, None] if known else [[], 0, {}, {}]
                found[0].append(d.id)
                found[1] += mentions[key]
                if found[2] is not None:
                    if fresh is None:
                        fresh = {}
                    fresh[key] = found
            if fresh is None:
                continue
            if lists is None:
                lists = entry(d.id, raw=True)[2]
            if lists is None:  # kept decoded (or a damaged row)
                lists = [(c.start, c.end, c.text, c.key, c.kind) for c in self._candidates(d.id)]
            for c in lists:
                found = fresh.get(c[3])
                if found is not None:
                    kinds, surfaces = found[2], found[3]
                    kinds[c[4]] = kinds.get(c[4], 0) + 1
                    surfaces[c[2]] = surfaces.get(c[2], 0) + 1
        languages = self.languages
        summaries: list[Summary] = []
        self.kept_labels = {k for k in stats if k in kept}
        before = self._totals_before()
        totals: dict[str, tuple[dict[str, int], dict[str, int]]] | None = None
        if self.KEEP_TOTALS:
            totals = {}
        for key, (docs, n, kinds, surfaces) in stats.items():
            if kinds is None and key in kept:
                label, kind = kept[key]
                if totals is not None and key in before:
                    totals[key] = before[key]
            else:
                if kinds is None:
                    kinds, surfaces = patched[key]
                if totals is not None:
                    totals[key] = (kinds, surfaces)
                label, kind = entity_label(key, Counter(surfaces)), entity_kind(Counter(kinds))
            summaries.append(
                (key, label, kind, sorted({languages.get(d, "") for d in docs}), docs, n)
            )
        del stats
        summaries.sort(key=lambda s: (-len(s[4]), -s[5], s[0]))
        index = PackedEntityIndex(summaries, candidates, languages)
        if totals is not None:
            index.mention_totals = totals  # type: ignore[attr-defined]
        return index

    def _labels_kept(self, candidates: PackedCandidates) -> dict[str, tuple[str, str]]:
        """The label and kind of shared entities whose mentions are those of an earlier
        analysis (by key): none here (`IncrementalResolution` has them)."""
        return {}

    def _totals_patched(
        self, kept: dict[str, tuple[str, str]]
    ) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
        """The kinds and surfaces of shared entities (by key, but those of `kept`) with how
        often each, patched from an earlier analysis's: none here."""
        return {}

    def _totals_before(self) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
        """An earlier analysis's kinds and surfaces of its shared entities: none here."""
        return {}


def resolve_streamed(
    documents: Sequence[Document],
    read: ReadOptions,
    analyses: Sequence[Any],
    links: Iterable[tuple[str, str, bool]] = (),
    groups: Sequence[Sequence[str]] | None = None,
    transliterate: bool = True,
    gaz: Any = None,
    first: ReadOptions | None = None,
) -> PackedEntityIndex:
    """`entities.resolve_entities` over options read one document at a time: the same
    entities and candidates (`first`: how the first pass reads them, by default `read`)."""
    from reader.corpus.cross_script import cross_script_options

    resolution = StreamedResolution(documents, read, KeyMap(links), first)
    index = resolution.resolve()
    if transliterate:
        extra = cross_script_options(documents, analyses, index, groups, gaz)
        if extra:
            index = resolution.again(extra)
    return index
