"""Entity candidates per document, cross-lingual keys, and the entities documents share.

Candidates are Latin-script names (capitalised runs, acronyms, CamelCase, `iFlyTek`), also inside
Khmer, Thai or Chinese text; numbers (locale separators, native digits); dates with month names
of the document's language; and gazetteer names (CLDR + alias tables). Each gets a key that is the
same across languages: the gazetteer id where there is one (`region:CN`), `num:1677`,
`date:02-16`, else the name's `match_key`. An entity is shared when its key occurs in two or more
documents. All offsets are code points of `Document.text`.
"""

from __future__ import annotations

import gc
import hashlib
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.corpus.entity_labels import entity_kind, entity_label
from reader.corpus.resolve import KeyMap, _juxtaposed, document_frequency, select

if TYPE_CHECKING:
    from reader.corpus.candidates import Option
    from reader.corpus.document_units import Analysis
    from reader.corpus.gazetteer import Gazetteer
    from reader.corpus.model import Document

# What finds candidates (`candidates`, `gazetteer`, `names`, `document_units`, `cross_script`)
# is imported where entities are found: reading them from a stored analysis needs only the
# classes above (about 18 ms of imports).

ENTITY_KINDS = ("person_org", "place", "number", "date", "other")
COLOUR_COUNT = 12  # entity colours are indexes 0..COLOUR_COUNT-1, stable per key
PROGRESS_EVERY = 25  # documents between two progress reports of find_entities
# Keys that never make a shared entity on their own: a month alone (`tháng 2`, `October`) is
# a date, not the number 2 or 10, and a weekday (`Wednesday`, `Mittwoch`) a date, not a name,
# but any two stories of one month or day have them. They still help aligning passages.
LONE_KEYS = ("month:", "weekday:")


# --------------------------------------------------------------------------- public data


@dataclass(frozen=True, slots=True)
class Candidate:
    """One mention in one document: `[start, end)` code points, surface text, key and kind."""

    start: int
    end: int
    text: str
    key: str
    kind: str  # person_org | place | number | date | other
    evidence: str = ""  # why it has this key when not by its own spelling: "transliteration"...


@dataclass(slots=True)
class Occurrence:
    """Where a shared entity occurs: document id, span, surface text and, where the key did
    not come from the spelling, the evidence for it (`transliteration`, `variant`, `user`)."""

    doc: str
    start: int
    end: int
    text: str
    evidence: str = ""

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        if self.evidence:
            out["evidence"] = self.evidence
        return out


@dataclass(slots=True)
class Entity:
    """A key found in documents, with every occurrence and a colour index stable per key."""

    id: str
    key: str
    label: str
    kind: str
    languages: list[str]
    documents: list[str]
    occurrences: list[Occurrence]
    colour: int

    def to_json(self) -> dict[str, object]:
        """The stable JSON shape (see README, `entities --json`)."""
        occurrences = self.occurrences
        # mentions read from a stored analysis make their JSON without an Occurrence each
        as_json = getattr(occurrences, "as_json", None)
        return {
            "id": self.id,
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "languages": self.languages,
            "documents": self.documents,
            "occurrences": as_json() if as_json else [o.to_json() for o in occurrences],
        }

    def document_count(self) -> int:
        """`len(self.documents)` (a stored entity's without decoding its list)."""
        return len(self.documents)


@dataclass(slots=True)
class EntityIndex:
    """Shared entities of a set of documents plus every document's candidates."""

    entities: list[Entity]
    candidates: dict[str, list[Candidate]]
    _by_key: dict[str, Entity] = field(default_factory=dict, repr=False)
    _languages: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {e.key: e for e in self.entities}

    def by_key(self, key: str) -> Entity | None:
        """The shared entity with this key, or None."""
        return self._by_key.get(key)

    def entities_by_id(self) -> Mapping[str, Entity]:
        """The shared entities by id."""
        return {e.id: e for e in self.entities}

    def for_document(self, doc_id: str) -> list[tuple[Candidate, Entity]]:
        """The document's candidates that belong to shared entities, in text order."""
        out = []
        by_key = self.by_key
        for cand in self.candidates.get(doc_id, ()):
            entity = by_key(cand.key)
            if entity is not None:
                out.append((cand, entity))
        return out

    def every_entity(self) -> list[Entity]:
        """Entities for every key, shared or not (what `entities --all` prints)."""
        return _build_entities(self.candidates, self._languages, min_docs=1)


def entity_id(key: str) -> str:
    """Stable short id of an entity key."""
    return "e" + hashlib.blake2b(key.encode("utf-8"), digest_size=5).hexdigest()


def entity_colour(key: str) -> int:
    """Colour index of an entity key, stable across runs: 0..COLOUR_COUNT-1."""
    return zlib.crc32(key.encode("utf-8")) % COLOUR_COUNT


# --------------------------------------------------------------------------- public functions


# Run surface -> (key, kind, pieces) per language, kept across `document_candidates` calls: a
# run's key depends only on its text and the language's gazetteer (not on the vocabulary).
_RUN_KEYS: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {}
_RUN_KEYS_MAX = 200_000


def document_candidates(doc: Document) -> list[Candidate]:
    """All candidates of one document on its own: non-overlapping, longest first, sorted."""
    from reader.corpus.candidates import DocumentOptions
    from reader.corpus.document_units import analyse
    from reader.corpus.gazetteer import gazetteer_for
    from reader.corpus.names import Vocabulary

    vocab = Vocabulary()
    analysis = analyse(doc, vocab)
    gaz = gazetteer_for(frozenset({doc.language}))
    keys = _RUN_KEYS.setdefault(doc.language, {})
    if len(keys) > _RUN_KEYS_MAX:
        keys.clear()
    builder = DocumentOptions(gaz, vocab, doc.language, doc.text, keys)
    chosen = select(builder.options(analysis), set())
    return [_candidate(doc.text, o) for o in chosen]


def _candidate(text: str, opt: Option) -> Candidate:
    return Candidate(opt.start, opt.end, text[opt.start : opt.end], opt.key, opt.kind, opt.evidence)


def find_entities(
    documents: Sequence[Document],
    links: Sequence[tuple[str, str, bool]] = (),
    groups: Sequence[Sequence[str]] | None = None,
    transliterate: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> EntityIndex:
    """Candidates of every document and the entities whose key occurs in two or more of them.

    `links` are user decisions from the store: `(key_a, key_b, True)` merges two keys,
    `(key_a, key_b, False)` splits a wrong match (a name no longer takes that key); they win
    over everything else. With `transliterate`, names are also linked across scripts by sound
    over aligned passages within each group of document ids (`groups`: the topics; found from
    the entities when None). `progress(done, total)` is called as documents are read (it may
    raise to stop).
    """
    # Many small objects and no cycles: the cyclic collector would only rescan them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _find_entities(documents, links, groups, transliterate, progress)
    finally:
        if collecting:
            gc.enable()


def _find_entities(
    documents: Sequence[Document],
    links: Sequence[tuple[str, str, bool]],
    groups: Sequence[Sequence[str]] | None,
    transliterate: bool,
    progress: Callable[[int, int], None] | None = None,
) -> EntityIndex:
    from reader.corpus.candidates import DocumentOptions
    from reader.corpus.document_units import analyse
    from reader.corpus.gazetteer import gazetteer_for
    from reader.corpus.names import Vocabulary

    vocabs: dict[str, Vocabulary] = defaultdict(Vocabulary)
    analyses = []
    for n, doc in enumerate(documents):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, len(documents))
        analyses.append(analyse(doc, vocabs[doc.language]))
    # Names seen inside a sentence in any language count for every language.
    mid = set().union(*(v.mid_keys for v in vocabs.values())) if vocabs else set()
    for v in vocabs.values():
        v.mid_keys = set(mid)
    gaz = gazetteer_for(frozenset(d.language for d in documents))
    options: dict[str, list[Option]] = {}
    keys: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    runs: dict[str, dict] = defaultdict(dict)  # per language: its vocabulary decides
    for a in analyses:
        lang = a.doc.language
        builder = DocumentOptions(gaz, vocabs[lang], lang, a.doc.text, keys, runs[lang])
        options[a.doc.id] = builder.options(a)
    return resolve_entities(documents, options, analyses, links, groups, transliterate, gaz)


def resolve_entities(
    documents: Sequence[Document],
    options: dict[str, list[Option]],
    analyses: Sequence[Analysis],
    links: Sequence[tuple[str, str, bool]] = (),
    groups: Sequence[Sequence[str]] | None = None,
    transliterate: bool = True,
    gaz: Gazetteer | None = None,
    surfaces: Mapping[str, Sequence[str]] | None = None,
) -> EntityIndex:
    """The corpus-level decisions over every document's options (`DocumentOptions`): the
    user's links, shared keys, the choice among overlapping options, links across scripts.

    `analyses` need only hold the documents in a script with a phonetic key (the ones linked
    across scripts); `options` is changed in place. `surfaces`: per document, the text of each
    of its options in order (the index keeps them): a candidate's surface is taken from there
    rather than from `Document.text`.
    """
    from reader.corpus.cross_script import cross_script_options
    from reader.corpus.gazetteer import gazetteer_for

    if gaz is None:
        gaz = gazetteer_for(frozenset(d.language for d in documents))
    keymap = KeyMap(links)
    if links:
        for doc_id, found in options.items():
            options[doc_id] = [keymap.apply(o) for o in found]
    resolution = _Resolution(documents, options, surfaces)
    index = resolution.index
    if transliterate:
        extra = cross_script_options(documents, analyses, index, groups, gaz)
        if extra:
            for doc_id, opts in extra.items():
                options[doc_id].extend(keymap.apply(o) for o in opts)
            index = resolution.again(extra.keys())
    return index


def _resolve(documents: Sequence[Document], options: dict[str, list[Option]]) -> EntityIndex:
    """Choose each document's options (shared keys first) and build the shared entities."""
    return _Resolution(documents, options).index


class _Resolution:
    """The choice of every document's options and the shared entities, kept so that after
    some documents gain options (`again`) only the documents those options concern are
    chosen again: the ones whose options, or the sharing or document frequency of one of
    their keys, changed. The result is the one a full resolution gives."""

    def __init__(
        self,
        documents: Sequence[Document],
        options: dict[str, list[Option]],
        surfaces: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.options = options
        self.surfaces = surfaces or {}
        self.by_id = {d.id: d for d in documents}
        self.languages = {d.id: d.language for d in documents}
        self._filter()
        self.first_keys: dict[str, set[str]] = {}
        self.first: Counter[str] = Counter()
        chosen: dict[str, list[Option]] = {}
        for doc_id, opts in self.filtered.items():
            chosen[doc_id] = found = select(opts, self.shared_any, self.df)
            keys = {o[2] for o in found}
            self.first_keys[doc_id] = keys
            self.first.update(keys)
        self.shared = _shared(self.first)
        # Pass 2 is shared by what pass 1 chose (a subset): only a document with an option
        # whose key is no longer shared can choose otherwise.
        dropped = self.shared_any - self.shared
        if dropped:
            for doc_id, opts in self.filtered.items():
                if any(o[2] in dropped for o in opts):
                    chosen[doc_id] = select(opts, self.shared, self.df)
        self.chosen = chosen
        self.candidates = {d: self._candidates(d, o) for d, o in self.chosen.items()}
        self.index = self._index()

    def _filter(self) -> None:
        """Pass 1 is shared by any option. A part of a run counts only if the key stands alone
        somewhere (`Lu` in `Sr. Lu`) or comes from names in two languages (`Bandung` of a
        translated institute); `Liang` of `Liang Rubo` and of `Liang Wenfeng` in one
        language are likely different people."""
        options = self.options
        alone = {o[2] for opts in options.values() for o in opts if not o[7]}  # key, part
        df = document_frequency(options.values())
        part_languages: dict[str, set[str]] = defaultdict(set)
        for doc_id, opts in options.items():
            for o in opts:
                if o.part and df[o.parent] < 2:  # the run itself is not shared
                    part_languages[o.key].add(self.languages[doc_id])
        filtered: dict[str, list[Option]] = {}
        for doc_id, opts in options.items():
            kept = [
                o for o in opts if not o.part or o.key in alone or len(part_languages[o.key]) > 1
            ]
            if len(kept) != len(opts):  # recount the document's keys
                df.subtract({o.key for o in opts})
                df.update({o.key for o in kept})
                opts = kept
            filtered[doc_id] = opts
        self.df, self.filtered = df, filtered
        self.shared_any = _shared(df)

    def again(self, changed: Iterable[str]) -> EntityIndex:
        """The index after the options of documents `changed` grew (in place)."""
        old_df, old_filtered, old_any, old_shared = (
            self.df,
            self.filtered,
            self.shared_any,
            self.shared,
        )
        self._filter()
        df = self.df
        moved = {k for k in df.keys() | old_df.keys() if df.get(k, 0) != old_df.get(k, 0)}
        redo = set(changed)
        redo.update(d for d, opts in self.filtered.items() if opts != old_filtered.get(d))
        for doc_id in self._concerned(self.shared_any ^ old_any, moved, old_df) | redo:
            keys = {o.key for o in select(self.filtered[doc_id], self.shared_any, df)}
            self.first.subtract(self.first_keys[doc_id])
            self.first.update(keys)
            self.first_keys[doc_id] = keys
        self.shared = _shared(self.first)
        for doc_id in self._concerned(self.shared ^ old_shared, moved, old_df) | redo:
            self.chosen[doc_id] = found = select(self.filtered[doc_id], self.shared, df)
            self.candidates[doc_id] = self._candidates(doc_id, found)
        self.index = self._index()
        return self.index

    def _concerned(self, shared: set[str], counted: set[str], old_df: Counter[str]) -> set[str]:
        """Documents that `select` may decide otherwise: with an option whose key became or
        stopped being `shared`, or a run of names that now gives way to its parts or no longer
        does (their document frequencies, `counted`, changed from `old_df`)."""
        if not shared and not counted:
            return set()
        df = self.df

        def differs(o: Option) -> bool:
            if o[2] in shared:
                return True
            if not o[6] or (o[2] not in counted and counted.isdisjoint(o[6])):
                return False
            return _juxtaposed(o, df) != _juxtaposed(o, old_df)

        return {d for d, opts in self.filtered.items() if any(map(differs, opts))}

    def _candidates(self, doc_id: str, chosen: list[Option]) -> list[Candidate]:
        """The chosen options as candidates; their surface text from `surfaces` where the
        document's first options have it (the document's text is not read), else the text."""
        if not chosen:
            return []
        known = self.surfaces.get(doc_id)
        spans = {}
        if known:
            spans = {(o[0], o[1]): t for o, t in zip(self.options[doc_id], known, strict=False)}
        text = None
        out = []
        for o in chosen:
            surface = spans.get((o[0], o[1]))
            if surface is None:
                if text is None:
                    text = self.by_id[doc_id].text
                surface = text[o[0] : o[1]]
            out.append(Candidate(o[0], o[1], surface, o[2], o[3], o[9]))
        return out

    def _index(self) -> EntityIndex:
        entities = _build_entities(self.candidates, self.languages, min_docs=2)
        index = EntityIndex(entities, dict(self.candidates))
        index._languages = self.languages
        return index


def _shared(df: Counter[str]) -> set[str]:
    """Keys in two or more documents that may make an entity."""
    return {k for k, n in df.items() if n >= 2 and not k.startswith(LONE_KEYS)}


def _build_entities(
    candidates: dict[str, list[Candidate]], languages: dict[str, str], min_docs: int
) -> list[Entity]:
    by_key: dict[str, list[tuple[str, Candidate]]] = defaultdict(list)
    for doc_id, cands in candidates.items():
        for c in cands:
            by_key[c.key].append((doc_id, c))
    order = {doc_id: i for i, doc_id in enumerate(candidates)}
    entities = []
    for key, occ in by_key.items():
        if min_docs > 1 and occ[0][0] == occ[-1][0]:
            continue  # in one document only (documents are met in order)
        docs = sorted({d for d, _ in occ}, key=order.__getitem__)
        if len(docs) < min_docs or (min_docs > 1 and key.startswith(LONE_KEYS)):
            continue
        occ.sort(key=lambda dc: (order[dc[0]], dc[1].start))
        kinds = Counter(c.kind for _, c in occ)
        surfaces = Counter(c.text for _, c in occ)
        entities.append(
            Entity(
                id=entity_id(key),
                key=key,
                label=entity_label(key, surfaces),
                kind=entity_kind(kinds),
                languages=sorted({languages.get(d, "") for d in docs}),
                documents=docs,
                occurrences=[Occurrence(d, c.start, c.end, c.text, c.evidence) for d, c in occ],
                colour=entity_colour(key),
            )
        )
    entities.sort(key=lambda e: (-len(e.documents), -len(e.occurrences), e.key))
    return entities
