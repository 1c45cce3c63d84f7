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
import json
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from reader.corpus.gazetteer import Gazetteer, gazetteer_for, label_of
from reader.corpus.model import Document
from reader.corpus.names import (
    CONNECTORS,
    Unit,
    Vocabulary,
    is_initial,
    name_runs,
    name_units,
    word_segments,
)
from reader.corpus.numbers_dates import date_matches, number_matches
from reader.corpus.text import UNSPACED_SCRIPTS, match_key
from reader.paths import resource

ENTITY_KINDS = ("person_org", "place", "number", "date", "other")
COLOUR_COUNT = 12  # entity colours are indexes 0..COLOUR_COUNT-1, stable per key
MAX_RUN_UNITS = 8  # longer capitalised runs are not split into sub-runs


# --------------------------------------------------------------------------- public data


@dataclass(frozen=True, slots=True)
class Candidate:
    """One mention in one document: `[start, end)` code points, surface text, key and kind."""

    start: int
    end: int
    text: str
    key: str
    kind: str  # person_org | place | number | date | other


@dataclass(slots=True)
class Occurrence:
    """Where a shared entity occurs: document id, span and surface text."""

    doc: str
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, object]:
        return {"doc": self.doc, "start": self.start, "end": self.end, "text": self.text}


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
        return {
            "id": self.id,
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "languages": self.languages,
            "documents": self.documents,
            "occurrences": [o.to_json() for o in self.occurrences],
        }


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

    def for_document(self, doc_id: str) -> list[tuple[Candidate, Entity]]:
        """The document's candidates that belong to shared entities, in text order."""
        out = []
        for cand in self.candidates.get(doc_id, ()):
            entity = self._by_key.get(cand.key)
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


# --------------------------------------------------------------------------- language data


@cache
def _function_words() -> dict[str, frozenset[str]]:
    data = json.loads(resource("languages", "function_words.json").read_text(encoding="utf-8"))
    return {k: frozenset(w.casefold() for w in v) for k, v in data.items() if isinstance(v, list)}


def function_words(language: str) -> frozenset[str]:
    """Function words of a language (lower case), empty when unknown."""
    return _function_words().get(language, frozenset())


# --------------------------------------------------------------------------- document analysis


@dataclass(slots=True)
class _Analysis:
    """The reading (non-boilerplate) ranges of a document, its name units and word bounds."""

    doc: Document
    ranges: list[tuple[int, int]]
    units: list[Unit]
    words: list[tuple[int, int]] | None  # ICU word segments (unspaced scripts only)


def _reading_ranges(doc: Document) -> list[tuple[int, int]]:
    """The spans of the passages that are not boilerplate, neighbours merged."""
    if not doc.passages:
        return [(0, len(doc.text))]
    ranges: list[tuple[int, int]] = []
    for p in doc.passages:
        if p.kind == "boilerplate":
            continue
        if ranges and not doc.text[ranges[-1][1] : p.start].strip():
            ranges[-1] = (ranges[-1][0], p.end)
        else:
            ranges.append((p.start, p.end))
    return ranges


def _analyse(doc: Document, vocab: Vocabulary) -> _Analysis:
    """Find name units and word bounds; count the document's words into `vocab`."""
    text = doc.text
    ranges = _reading_ranges(doc)
    units: list[Unit] = []
    words: list[tuple[int, int]] | None = None
    if doc.script in UNSPACED_SCRIPTS:
        words = []
    for s, e in ranges:
        found = name_units(text, s, e)
        vocab.add_text(text, s, e, found)
        units.extend(found)
        if words is not None:
            words.extend(word_segments(text, doc.language, doc.script, s, e))
    return _Analysis(doc, ranges, units, words)


# --------------------------------------------------------------------------- options


@dataclass(frozen=True, slots=True)
class _Option:
    start: int
    end: int
    key: str
    kind: str
    surface_key: str
    fallback: bool  # a part of a longer run: used only when its key is shared
    parts: tuple[str, ...] = ()  # keys of the pieces of a multi-unit run
    part: bool = False  # a part of a run: linked only to a key that stands alone somewhere
    parent: str = ""  # for a part: the key of the whole run


_NEXT_WORD = re.compile(r" ?[^\s]{0,24}")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u31f0-\u31ff][\u30a1-\u30ff\u31f0-\u31ff]+")
_PLURAL_ACRONYM = re.compile(r"\b([A-Z]{2,})s\b")


@lru_cache(maxsize=65536)
def _name_key(surface: str) -> str:
    return match_key(_PLURAL_ACRONYM.sub(r"\1", surface))


class _DocumentOptions:
    """Builds the candidate options of one document."""

    def __init__(
        self,
        gaz: Gazetteer,
        vocab: Vocabulary,
        language: str,
        text: str,
        keys: dict[str, tuple[str, str, tuple[str, ...]]] | None = None,
        runs: dict[tuple[str, bool, str], tuple[tuple[int, int, _Option], ...]] | None = None,
    ) -> None:
        self.gaz = gaz
        self._keys = {} if keys is None else keys  # run surface -> key, kind, pieces
        self._runs = {} if runs is None else runs  # (surface, initial, next word) -> options
        self.vocab = vocab
        self.language = language
        self.text = text
        self.function = function_words(language)

    def _weak(self, unit: Unit) -> bool:
        """A function word or connector: never a name on its own."""
        low = unit.text.lower()
        return low in self.function or low in CONNECTORS

    def _ordinary(self, unit: Unit) -> bool:
        """A capitalised ordinary word: lower case elsewhere, or the start of a common phrase."""
        if unit.distinctive:
            return False
        return self.vocab.ordinary(unit.text) or self.vocab.starts_phrase(self.text, unit)

    def _drop_initial(self, unit: Unit, alone: bool, weak: bool, ordinary: bool) -> bool:
        """A sentence-initial capital that is an ordinary word, not a name.

        A word that starts sentences followed by lower-case words, and that the corpus never
        capitalises mid-sentence (`Dù`, `Tuy`), is dropped too; alone, it only needs the latter.
        """
        if not unit.initial:
            return False
        if weak or ordinary:
            return True
        if unit.distinctive or match_key(unit.text) in self.vocab.mid_keys:
            return False
        if alone:
            return self.gaz.lookup(unit.text) is None
        return unit.text in self.vocab.initial_alone

    def run_options(self, run: list[Unit]) -> list[_Option]:
        """The run itself, and its parts as fallbacks (used when their key is shared).

        Options depend only on the run's text, whether it starts a sentence and the word after
        it, so they are computed once per language for a repeated name.
        """
        first, last = run[0].start, run[-1].end
        nxt = _NEXT_WORD.match(self.text, last)
        memo_key = (self.text[first:last], run[0].initial, nxt.group() if nxt else "")
        found = self._runs.get(memo_key)
        if found is None:
            found = self._runs[memo_key] = tuple(
                (o.start - first, o.end - first, o) for o in self._run_options(run)
            )
        return [
            _Option(first + s, first + e, o.key, o.kind, o.surface_key, o.fallback, o.parts,
                    o.part, o.parent)
            for s, e, o in found
        ]  # fmt: skip

    def _run_options(self, run: list[Unit]) -> list[_Option]:
        text = self.text
        weak = [self._weak(u) for u in run]
        plain = [w or self._ordinary(u) for u, w in zip(run, weak, strict=True)]
        lo, hi = 0, len(run)
        while lo < hi and (
            weak[lo] or self._drop_initial(run[lo], hi - lo == 1, weak[lo], plain[lo])
        ):
            lo += 1
        while hi > lo and weak[hi - 1]:
            hi -= 1
        if lo == hi:
            return []
        if all(plain[lo:hi]) and self.gaz.lookup(text[run[lo].start : run[hi - 1].end]) is None:
            return []
        out: list[_Option] = []
        whole = self._run_key(run[lo:hi])[0]
        spans = [(lo, hi)]
        if 1 < hi - lo <= MAX_RUN_UNITS:
            spans += [
                (i, j)
                for i in range(lo, hi)
                for j in range(i + 1, hi + 1)
                if (i, j) != (lo, hi)
                and not weak[i]
                and not weak[j - 1]
                and (j - i > 1 or not plain[i])
            ]
        for i, j in spans:
            part = run[i:j]
            start, end = part[0].start, part[-1].end
            key, kind, parts = self._run_key(part)
            sub = (i, j) != (lo, hi)
            surface_key = _name_key(text[start:end])
            parent = whole if sub else ""
            out.append(_Option(start, end, key, kind, surface_key, sub, parts, sub, parent))
        return out

    def _run_key(self, part: list[Unit]) -> tuple[str, str, tuple[str, ...]]:
        """Key, kind and piece keys of a run; gazetteer places inside it become their ids."""
        surface = self.text[part[0].start : part[-1].end]
        found = self._keys.get(surface)
        if found is None:
            found = self._keys[surface] = self._compute_run_key(part, surface)
        return found

    def _compute_run_key(self, part: list[Unit], surface: str) -> tuple[str, str, tuple[str, ...]]:
        text = self.text
        entry = self.gaz.lookup(surface)
        if entry is not None:
            return entry.id, entry.kind, ()
        n = len(part)
        pieces: list[str] = []
        replaced = False
        i = 0
        while i < n:
            for j in range(n, i, -1):
                if j - i == n:
                    continue
                entry = self.gaz.lookup(text[part[i].start : part[j - 1].end])
                if entry is not None and entry.kind == "place":
                    pieces.append(entry.id)
                    replaced = True
                    i = j
                    break
            else:
                pieces.append(_name_key(part[i].text))
                i += 1
        parts = tuple(pieces) if len(pieces) > 1 else ()
        key = " ".join(pieces) if replaced else _name_key(surface)
        return key, _guess_kind(surface), parts

    def options(self, analysis: _Analysis) -> list[_Option]:
        text = self.text
        out: list[_Option] = []
        for run in name_runs(text, analysis.units):
            out.extend(self.run_options(run))
        # Gazetteer names on word boundaries (also in unspaced scripts and lower case).
        if analysis.words is None:
            hits = self.gaz.find_spaced(text, analysis.ranges, self.language)
        else:
            hits = self.gaz.find(text, analysis.words, self.language)
        for hit in hits:
            surface = text[hit.start : hit.end]
            if " " not in surface and is_initial(text, hit.start) and surface[:1].isupper():
                unit = Unit(hit.start, hit.end, surface, True)
                if self._ordinary(unit) or self._weak(unit):
                    continue
            out.append(
                _Option(hit.start, hit.end, hit.entry.id, hit.entry.kind, _name_key(surface), False)
            )
        # Katakana words (foreign names in Japanese) are keyed by their transliteration
        # (`トヨタ` -> `toyota`); as parts, they count only when that key stands alone elsewhere,
        # so common loanwords shared between Japanese texts do not become entities.
        for s, e in analysis.ranges:
            for m in _KATAKANA.finditer(text, s, e):
                key = match_key(m.group())
                out.append(_Option(m.start(), m.end(), key, "person_org", key, True, (), True))
        # Dates, then numbers that are not inside a date or a name.
        lang = self.language
        for s, e in analysis.ranges:
            for m in date_matches(text, lang, s, e):
                out.append(_Option(m.start, m.end, m.key, "date", m.key, False))
        taken = bytearray(len(text) + 1)
        for o in out:
            if not o.fallback:
                taken[o.start : o.end] = b"\x01" * (o.end - o.start)
        for s, e in analysis.ranges:
            for m in number_matches(text, lang, s, e):
                if 1 not in taken[m.start : m.end]:
                    out.append(_Option(m.start, m.end, m.key, "number", m.key, False))
        out.extend(self._number_names(out))
        return out

    def _number_names(self, options: list[_Option]) -> list[_Option]:
        """A number right before a name (`360 Security Technology`), used when shared."""
        names = {
            o.start: o for o in options if o.kind in ("person_org", "other") and not o.fallback
        }
        out = []
        for o in options:
            if o.kind == "number" and self.text[o.end : o.end + 1] == " ":
                name = names.get(o.end + 1)
                if name is not None:
                    key = f"{o.key[4:]} {name.key}"
                    surface_key = key
                    out.append(_Option(o.start, name.end, key, name.kind, surface_key, True))
        return out


@lru_cache(maxsize=65536)
def _guess_kind(surface: str) -> str:
    letters = [c for c in surface if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) <= 3:
        return "other"
    if surface[:1].islower() or any(c.isdigit() for c in surface):
        return "other"
    return "person_org"


# --------------------------------------------------------------------------- selection


def _select(
    options: list[_Option], shared: set[str], df: Counter[str] | None = None
) -> list[_Option]:
    """Non-overlapping options: shared before unshared, then longer, then earlier.

    Fallbacks (parts of a run) are used only when their key is shared. A run whose every
    unit is found in more documents than the run itself (`GPU Nvidia`) gives way to its units.
    """
    options = [
        o
        for o in options
        if (o.key in shared or not o.fallback) and not (o.parts and df and _juxtaposed(o, df))
    ]
    order = sorted(
        options,
        key=lambda o: (o.key not in shared, o.start - o.end, o.fallback, o.start, o.key),
    )
    taken: list[_Option] = []
    occupied = bytearray(max((o.end for o in options), default=0) + 1)
    for opt in order:
        if opt.fallback and opt.key not in shared:
            continue
        if 1 in occupied[opt.start : opt.end]:
            continue
        taken.append(opt)
        occupied[opt.start : opt.end] = b"\x01" * (opt.end - opt.start)
    return sorted(taken, key=lambda o: o.start)


def _juxtaposed(opt: _Option, df: Counter[str]) -> bool:
    """Two or more names side by side rather than one name: each unit is more widespread."""
    if not opt.parts:
        return False
    n = df.get(opt.key, 0)
    return all(df.get(p, 0) > n for p in opt.parts)


class _KeyMap:
    """User links: (key_a, key_b, True) merges two keys; False keeps them apart."""

    def __init__(self, links: Iterable[tuple[str, str, bool]]) -> None:
        state: dict[frozenset[str], bool] = {}
        for a, b, linked in links:
            if a != b:
                state[frozenset((a, b))] = bool(linked)
        self.splits = {pair for pair, linked in state.items() if not linked}
        parent: dict[str, str] = {}

        def find(k: str) -> str:
            while parent.get(k, k) != k:
                k = parent[k]
            return k

        for pair, linked in state.items():
            if linked:
                a, b = sorted(pair)
                ra, rb = find(a), find(b)
                if ra != rb:
                    # Prefer a gazetteer id (`region:CN`) as the representative.
                    keep, other = sorted((ra, rb), key=lambda k: (":" not in k, k))
                    parent[other] = keep
        self._canon = {k: find(k) for k in parent}

    def apply(self, opt: _Option) -> _Option:
        key = opt.key
        if self.splits and frozenset((key, opt.surface_key)) in self.splits:
            key = opt.surface_key
        key = self._canon.get(key, key)
        if key == opt.key:
            return opt
        return _Option(
            opt.start,
            opt.end,
            key,
            opt.kind,
            opt.surface_key,
            opt.fallback,
            opt.parts,
            opt.part,
            opt.parent,
        )


# --------------------------------------------------------------------------- public functions


# Run surface -> (key, kind, pieces) per language, kept across `document_candidates` calls: a
# run's key depends only on its text and the language's gazetteer (not on the vocabulary).
_RUN_KEYS: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {}
_RUN_KEYS_MAX = 200_000


def document_candidates(doc: Document) -> list[Candidate]:
    """All candidates of one document on its own: non-overlapping, longest first, sorted."""
    vocab = Vocabulary()
    analysis = _analyse(doc, vocab)
    gaz = gazetteer_for(frozenset({doc.language}))
    keys = _RUN_KEYS.setdefault(doc.language, {})
    if len(keys) > _RUN_KEYS_MAX:
        keys.clear()
    builder = _DocumentOptions(gaz, vocab, doc.language, doc.text, keys)
    chosen = _select(builder.options(analysis), set())
    return [_candidate(doc.text, o) for o in chosen]


def _candidate(text: str, opt: _Option) -> Candidate:
    return Candidate(opt.start, opt.end, text[opt.start : opt.end], opt.key, opt.kind)


def find_entities(
    documents: Sequence[Document], links: Sequence[tuple[str, str, bool]] = ()
) -> EntityIndex:
    """Candidates of every document and the entities whose key occurs in two or more of them.

    `links` are user decisions from the store: `(key_a, key_b, True)` merges two keys,
    `(key_a, key_b, False)` splits a wrong match (a name no longer takes that key).
    """
    # Many small objects and no cycles: the cyclic collector would only rescan them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _find_entities(documents, links)
    finally:
        if collecting:
            gc.enable()


def _find_entities(
    documents: Sequence[Document], links: Sequence[tuple[str, str, bool]]
) -> EntityIndex:
    vocabs: dict[str, Vocabulary] = defaultdict(Vocabulary)
    analyses = [_analyse(doc, vocabs[doc.language]) for doc in documents]
    # Names seen inside a sentence in any language count for every language.
    mid = set().union(*(v.mid_keys for v in vocabs.values())) if vocabs else set()
    for v in vocabs.values():
        v.mid_keys = set(mid)
    gaz = gazetteer_for(frozenset(d.language for d in documents))
    keymap = _KeyMap(links)
    options: dict[str, list[_Option]] = {}
    keys: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    runs: dict[str, dict] = defaultdict(dict)  # per language: its vocabulary decides
    for a in analyses:
        lang = a.doc.language
        builder = _DocumentOptions(gaz, vocabs[lang], lang, a.doc.text, keys, runs[lang])
        options[a.doc.id] = [keymap.apply(o) for o in builder.options(a)]
    # Pass 1: shared by any option; pass 2: shared by what pass 1 chose. A part of a run
    # counts only if the key stands alone somewhere (`Lu` in `Sr. Lu`) or comes from names in
    # two languages (`Bandung` of a translated institute); `Liang` of `Liang Rubo` and of
    # `Liang Wenfeng` in one language are likely different people.
    alone = {o.key for opts in options.values() for o in opts if not o.part}
    whole_df = _document_frequency(options.values())
    part_languages: dict[str, set[str]] = defaultdict(set)
    for d in documents:
        for o in options[d.id]:
            if o.part and whole_df[o.parent] < 2:  # the run itself is not shared
                part_languages[o.key].add(d.language)
    for opts in options.values():
        opts[:] = [
            o for o in opts if not o.part or o.key in alone or len(part_languages[o.key]) > 1
        ]
    df = _document_frequency(options.values())
    shared = {k for k, n in df.items() if n >= 2}
    chosen = {doc_id: _select(opts, shared, df) for doc_id, opts in options.items()}
    shared = {k for k, n in _document_frequency(chosen.values()).items() if n >= 2}
    chosen = {doc_id: _select(opts, shared, df) for doc_id, opts in options.items()}
    texts = {d.id: d.text for d in documents}
    candidates = {
        doc_id: [_candidate(texts[doc_id], o) for o in opts] for doc_id, opts in chosen.items()
    }
    languages = {d.id: d.language for d in documents}
    entities = _build_entities(candidates, languages, min_docs=2)
    index = EntityIndex(entities, candidates)
    index._languages = languages
    return index


def _document_frequency(option_lists: Iterable[list[_Option]]) -> Counter[str]:
    df: Counter[str] = Counter()
    for opts in option_lists:
        df.update({o.key for o in opts})
    return df


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
        docs = sorted({d for d, _ in occ}, key=order.__getitem__)
        if len(docs) < min_docs:
            continue
        occ.sort(key=lambda dc: (order[dc[0]], dc[1].start))
        kinds = Counter(c.kind for _, c in occ)
        surfaces = Counter(c.text for _, c in occ)
        entities.append(
            Entity(
                id=entity_id(key),
                key=key,
                label=_label(key, surfaces),
                kind=kinds.most_common(1)[0][0],
                languages=sorted({languages.get(d, "") for d in docs}),
                documents=docs,
                occurrences=[Occurrence(d, c.start, c.end, c.text) for d, c in occ],
                colour=entity_colour(key),
            )
        )
    entities.sort(key=lambda e: (-len(e.documents), -len(e.occurrences), e.key))
    return entities


def _label(key: str, surfaces: Counter[str]) -> str:
    label = label_of(key)
    if label:
        return label
    return max(surfaces.items(), key=lambda kv: (kv[1], kv[0].isascii(), kv[0]))[0]
