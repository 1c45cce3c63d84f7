"""Entity candidates per document, cross-lingual keys, and the entities documents share.

Candidates are Latin-script names (capitalised runs, acronyms, CamelCase, `iFlyTek`), also inside
Khmer, Thai or Chinese text; numbers (locale separators, native digits); dates with month names
of the document's language; and gazetteer names (CLDR + alias tables). Each gets a key that is the
same across languages: the gazetteer id where there is one (`region:CN`), `num:1677`,
`date:02-16`, else the name's `match_key`. An entity is shared when its key occurs in two or more
documents. All offsets are code points of `Document.text`.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise

from reader.corpus.gazetteer import Gazetteer, fold, gazetteer_for, label_of
from reader.corpus.model import Document
from reader.corpus.numbers_dates import date_matches, number_matches
from reader.corpus.text import match_key, script_of_char, sentence_spans, word_spans_with_kind
from reader.paths import resource

ENTITY_KINDS = ("person_org", "place", "number", "date", "other")
COLOUR_COUNT = 12  # entity colours are indexes 0..COLOUR_COUNT-1, stable per key
MAX_RUN_UNITS = 8  # longer capitalised runs are not split into sub-runs

# Lower-case words that may join two capitalised words into one name ("Bank of China").
_CONNECTOR_WORDS = "of de da do dos das del della di du des van von der den la le y e al bin"
CONNECTORS = frozenset(_CONNECTOR_WORDS.split(" "))
# Characters after which a word starts a clause as if it began a sentence.
_OPENERS = frozenset("“\"«‘'([:—–•*")
_PLURAL_ACRONYM = re.compile(r"\b([A-Z]{2,})s\b")
_POSSESSIVE = ("'s", "’s")


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


@lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    return script_of_char(ch) == "Latn"


def _namey(word: str) -> bool:
    """A Latin word that can be part of a name: capitalised, CamelCase, acronym, `iFlyTek`."""
    first = word[0]
    if not first.isalpha() or not _is_latin(first):
        return False
    if first.isupper():
        return True
    has_upper = any(c.isupper() for c in word[1:])
    has_digit = any(c.isdigit() for c in word)
    return has_upper or has_digit


# --------------------------------------------------------------------------- document analysis


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    number: bool
    initial: bool  # starts a sentence or clause


@dataclass(slots=True)
class _Analysis:
    """Words of a document's reading passages (boilerplate skipped), with sentence starts."""

    doc: Document
    tokens: list[_Token]
    ranges: list[tuple[int, int]]  # reading (non-boilerplate) ranges


def _reading_ranges(doc: Document) -> list[tuple[int, int]]:
    if not doc.passages:
        return [(0, len(doc.text))]
    return [(p.start, p.end) for p in doc.passages if p.kind != "boilerplate"]


def _analyse(doc: Document) -> _Analysis:
    text = doc.text
    ranges = _reading_ranges(doc)
    sentence_starts = {s for s, _ in sentence_spans(text, doc.language)}
    sentence_starts.update(s for s, _ in ranges)
    tokens: list[_Token] = []
    ri = 0
    pending_initial = False
    sentence_iter = sorted(sentence_starts)
    si = 0
    for start, end, kind in word_spans_with_kind(text, doc.language):
        while ri < len(ranges) and ranges[ri][1] <= start:
            ri += 1
        if ri >= len(ranges) or start < ranges[ri][0]:
            continue
        while si < len(sentence_iter) and sentence_iter[si] <= start:
            pending_initial = True
            si += 1
        word = text[start:end]
        if word.endswith(_POSSESSIVE) and len(word) > 2:
            end -= 2
            word = word[:-2]
        prev = text[start - 1] if start else " "
        j = start - 1
        while j >= 0 and text[j] == " ":
            j -= 1
        opener = j < 0 or text[j] in _OPENERS or text[j] == "\n"
        initial = pending_initial or opener or prev == "\n"
        if word[:1].isalpha() or kind == "number":
            pending_initial = False
        tokens.append(_Token(start, end, word, kind == "number", initial))
    return _Analysis(doc, tokens, ranges)


@dataclass(slots=True)
class _Vocabulary:
    """How often words are written in lower case, and capitalised inside a sentence."""

    lower: Counter[str] = field(default_factory=Counter)
    capital: Counter[str] = field(default_factory=Counter)
    mid_keys: set[str] = field(default_factory=set)  # name keys seen inside a sentence
    lower_pairs: set[tuple[str, str]] = field(default_factory=set)  # "đại học", "giám đốc"
    initial_alone: set[str] = field(default_factory=set)  # "Dù", "Tuy": start, then lower case

    def add(self, analysis: _Analysis) -> None:
        text = analysis.doc.text
        tokens = analysis.tokens
        for i, tok in enumerate(tokens):
            if tok.number or not tok.text[:1].isalpha():
                continue
            first = tok.text[0]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and (text[tok.end : nxt.start] != " " or not nxt.text[:1].islower()):
                nxt = None
            if first.islower():
                self.lower[tok.text.lower()] += 1
                if nxt is not None:
                    self.lower_pairs.add((tok.text.lower(), nxt.text))
            elif first.isupper() and not tok.initial:
                self.capital[tok.text.lower()] += 1
                self.mid_keys.add(match_key(tok.text))
            elif first.isupper() and nxt is not None:
                self.initial_alone.add(tok.text)

    def ordinary(self, word: str) -> bool:
        """A word more often written in lower case than capitalised mid-sentence."""
        low = word.lower()
        n = self.lower.get(low, 0)
        return n > 0 and n >= self.capital.get(low, 0)


# --------------------------------------------------------------------------- options


@dataclass(frozen=True, slots=True)
class _Option:
    start: int
    end: int
    key: str
    kind: str
    surface_key: str
    fallback: bool  # a part of a longer run: used only when its key is shared
    parts: tuple[str, ...] = ()  # keys of the units of a multi-unit run


def _name_key(surface: str) -> str:
    return match_key(_PLURAL_ACRONYM.sub(r"\1", surface))


def _units(tokens: list[_Token], text: str) -> list[list[_Token]]:
    """Tokens joined into units: words glued by a hyphen (`GPT-4`, `Gen-2`)."""
    units: list[list[_Token]] = []
    for tok in tokens:
        if units:
            last = units[-1][-1]
            gap = text[last.end : tok.start]
            glued = gap == "-" and not tok.initial and (_namey(units[-1][0].text) or last.number)
            if glued and (tok.number or _namey(tok.text)):
                units[-1].append(tok)
                continue
        units.append([tok])
    return units


def _runs(analysis: _Analysis) -> list[list[list[_Token]]]:
    """Runs of name units separated by single spaces (and connector words)."""
    text = analysis.doc.text
    units = _units(analysis.tokens, text)
    runs: list[list[list[_Token]]] = []
    current: list[list[_Token]] = []
    i = 0
    while i < len(units):
        unit = units[i]
        head = unit[0]
        if not head.number and _namey(head.text):
            if current:
                gap = text[current[-1][-1].end : head.start]
                if gap == " " and not head.initial:
                    current.append(unit)
                    i += 1
                    continue
                runs.append(current)
            current = [unit]
        elif (
            current
            and len(unit) == 1
            and head.text in CONNECTORS
            and i + 1 < len(units)
            and text[current[-1][-1].end : head.start] == " "
            and text[head.end : units[i + 1][0].start] == " "
            and _namey(units[i + 1][0].text)
            and not units[i + 1][0].number
        ):
            current.append(unit)
        else:
            if current:
                runs.append(current)
            current = []
        i += 1
    if current:
        runs.append(current)
    return runs


class _DocumentOptions:
    """Builds the candidate options of one document."""

    def __init__(self, gaz: Gazetteer, vocab: _Vocabulary, language: str) -> None:
        self.gaz = gaz
        self.vocab = vocab
        self.language = language
        self.function = function_words(language)
        self._next: dict[int, str] = {}  # word end -> the lower-case word after one space

    def _weak(self, unit: list[_Token]) -> bool:
        """A unit that is not a name on its own: a function word or connector."""
        if len(unit) > 1:
            return False
        low = unit[0].text.lower()
        return low in self.function or low in CONNECTORS

    def _ordinary(self, unit: list[_Token]) -> bool:
        """A capitalised ordinary word: lower case elsewhere, or the start of a common phrase."""
        if len(unit) > 1:
            return False
        tok = unit[0]
        word = tok.text
        if any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word):
            return False
        if self.vocab.ordinary(word):
            return True
        nxt = self._next.get(tok.end)
        return nxt is not None and (word.lower(), nxt) in self.vocab.lower_pairs

    def _drop_initial(self, unit: list[_Token], alone: bool = True) -> bool:
        """A sentence-initial capital that is an ordinary word, not a name.

        A word alone is also dropped when the corpus never capitalises it mid-sentence.
        """
        tok = unit[0]
        if len(unit) > 1 or not tok.initial:
            return False
        word = tok.text
        if self._weak(unit) or self._ordinary(unit):
            return True
        if not alone:
            return word in self.vocab.initial_alone and match_key(word) not in self.vocab.mid_keys
        if any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word):
            return False
        return match_key(word) not in self.vocab.mid_keys and self.gaz.lookup(word) is None

    def run_options(self, text: str, run: list[list[_Token]]) -> list[_Option]:
        # Trim: leading function words and sentence-initial ordinary words; edge connectors.
        while run and (self._weak(run[0]) or self._drop_initial(run[0], alone=len(run) == 1)):
            run = run[1:]
        while run and self._weak(run[-1]):
            run = run[:-1]
        if not run:
            return []
        if all(self._ordinary(u) or self._weak(u) for u in run):
            start, end = run[0][0].start, run[-1][-1].end
            entry = self.gaz.lookup(text[start:end])
            if entry is None:
                return []
        out: list[_Option] = []
        n = len(run)
        spans = [(0, n)]
        if 1 < n <= MAX_RUN_UNITS:
            spans += [(i, j) for i in range(n) for j in range(i + 1, n + 1) if (i, j) != (0, n)]
        for i, j in spans:
            part = run[i:j]
            if self._weak(part[0]) or self._weak(part[-1]):
                continue
            if j - i == 1 and self._ordinary(part[0]) and (i, j) != (0, n):
                continue
            start, end = part[0][0].start, part[-1][-1].end
            surface = text[start:end]
            key, kind, parts = self._run_key(text, part)
            fallback = (i, j) != (0, n)
            out.append(_Option(start, end, key, kind, _name_key(surface), fallback, parts))
        return out

    def _run_key(self, text: str, part: list[list[_Token]]) -> tuple[str, str, tuple[str, ...]]:
        """Key, kind and unit keys of a run; gazetteer names inside it become their ids."""
        start, end = part[0][0].start, part[-1][-1].end
        entry = self.gaz.lookup(text[start:end])
        if entry is not None:
            return entry.id, entry.kind, ()
        n = len(part)
        pieces: list[str] = []
        i = 0
        replaced = False
        while i < n:
            for j in range(n, i, -1):
                if (i, j) == (0, n):
                    continue
                s, e = part[i][0].start, part[j - 1][-1].end
                entry = self.gaz.lookup(text[s:e]) if j - i < n else None
                if entry is not None and entry.kind == "place":
                    pieces.append(entry.id)
                    replaced = True
                    i = j
                    break
            else:
                s, e = part[i][0].start, part[i][-1].end
                pieces.append(_name_key(text[s:e]))
                i += 1
        kind = _guess_kind(text[start:end])
        parts = tuple(pieces) if len(pieces) > 1 else ()
        if replaced:
            return " ".join(pieces), kind, parts
        return _name_key(text[start:end]), kind, parts

    def options(self, analysis: _Analysis) -> list[_Option]:
        doc = analysis.doc
        text = doc.text
        toks = analysis.tokens
        self._next = {
            a.end: b.text
            for a, b in pairwise(toks)
            if text[a.end : b.start] == " " and b.text[:1].islower()
        }
        out: list[_Option] = []
        for run in _runs(analysis):
            out.extend(self.run_options(text, run))
        # Gazetteer names on word boundaries (also in unspaced scripts and lower case).
        starts = [t.start for t in analysis.tokens if not t.number]
        ends = [t.end for t in analysis.tokens if not t.number]
        initial = {t.start for t in analysis.tokens if t.initial}
        words = {t.start: t for t in analysis.tokens}
        for hit in self.gaz.find(text, starts, ends, self.language):
            surface = text[hit.start : hit.end]
            tok = words.get(hit.start)
            single = hit.start in initial and tok is not None and tok.end == hit.end
            if single and self._drop_initial([tok]) and self.vocab.ordinary(tok.text):
                continue
            out.append(
                _Option(hit.start, hit.end, hit.entry.id, hit.entry.kind, fold(surface), False)
            )
        # Dates, then numbers not inside a date or a name.
        for ranges_start, ranges_end in analysis.ranges:
            for m in date_matches(text, doc.language, ranges_start, ranges_end):
                out.append(_Option(m.start, m.end, m.key, "date", m.key, False))
        blocked = [(o.start, o.end) for o in out if o.kind == "date" or not o.fallback]
        blocked.sort()
        for ranges_start, ranges_end in analysis.ranges:
            for m in number_matches(text, doc.language, ranges_start, ranges_end):
                if not _overlaps_any(blocked, m.start, m.end):
                    out.append(_Option(m.start, m.end, m.key, "number", m.key, False))
        return out


def _overlaps_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether `[start, end)` overlaps one of the sorted, non-nested-ish `spans`."""
    i = bisect_left(spans, (end, end))
    return any(s < end and start < e for s, e in spans[max(0, i - 16) : i])


def _guess_kind(surface: str) -> str:
    letters = [c for c in surface if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) <= 5:
        return "other" if len(letters) <= 3 else "person_org"
    if surface[:1].islower() or any(c.isdigit() for c in surface):
        return "other"
    return "person_org"


# --------------------------------------------------------------------------- selection


def _select(
    options: list[_Option], shared: set[str], df: Counter[str] | None = None
) -> list[_Option]:
    """Non-overlapping options: shared before unshared, then longer, then earlier.

    Parts of a run (`fallback`) are used only when their key is shared. A run whose every
    unit is found in more documents than the run itself (`GPU Nvidia`) gives way to its units.
    """
    if df:
        options = [o for o in options if not _juxtaposed(o, df)]
    order = sorted(
        options,
        key=lambda o: (o.key not in shared, o.start - o.end, o.fallback, o.start, o.key),
    )
    taken: list[_Option] = []
    occupied: list[tuple[int, int]] = []
    for opt in order:
        if opt.fallback and opt.key not in shared:
            continue
        if any(s < opt.end and opt.start < e for s, e in occupied):
            continue
        taken.append(opt)
        occupied.append((opt.start, opt.end))
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
        return _Option(opt.start, opt.end, key, opt.kind, opt.surface_key, opt.fallback, opt.parts)


# --------------------------------------------------------------------------- public functions


def document_candidates(doc: Document) -> list[Candidate]:
    """All candidates of one document on its own: non-overlapping, longest first, sorted."""
    analysis = _analyse(doc)
    vocab = _Vocabulary()
    vocab.add(analysis)
    builder = _DocumentOptions(gazetteer_for(frozenset({doc.language})), vocab, doc.language)
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
    analyses = [_analyse(doc) for doc in documents]
    vocabs: dict[str, _Vocabulary] = defaultdict(_Vocabulary)
    for a in analyses:
        vocabs[a.doc.language].add(a)
    # Names seen inside a sentence in any language count for every language.
    mid = set().union(*(v.mid_keys for v in vocabs.values())) if vocabs else set()
    for v in vocabs.values():
        v.mid_keys = set(mid)
    gaz = gazetteer_for(frozenset(d.language for d in documents))
    keymap = _KeyMap(links)
    options: dict[str, list[_Option]] = {}
    for a in analyses:
        builder = _DocumentOptions(gaz, vocabs[a.doc.language], a.doc.language)
        options[a.doc.id] = [keymap.apply(o) for o in builder.options(a)]
    # Pass 1: shared by any option; pass 2: shared by what pass 1 chose.
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
    return max(surfaces.items(), key=lambda kv: (kv[1], _is_latin(kv[0][:1] or " "), kv[0]))[0]
