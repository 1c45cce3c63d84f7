"""Names linked across scripts by sound, on the evidence of aligned passages.

A name in one passage (`Trump`) and a run of words in the aligned passage of a version in
another script (`特朗普`, `ทรัมป์`, `ត្រាំ`) are very likely the same name when their
phonetic keys are close (`phonetic.py`). Per document we only list where such runs may be
(`window_segments`); across a topic, the aligned passages of every pair of versions in
different scripts are compared, and a run's link to a name is accepted when the evidence repeats
(two or more aligned passages) or one match is very close. An accepted link turns every
occurrence of that run in documents of its language in the topic into an option with the
name's key, recorded with `evidence="transliteration"`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.corpus.candidates import Option, name_key
from reader.corpus.model import Document
from reader.corpus.names import word_segments
from reader.corpus.passage_runs import PassageRuns, RunKeys, passage_runs
from reader.corpus.phonetic import PHONETIC_SCRIPTS, consonants, phonetic_key, similarities
from reader.corpus.text import script_of_char

if TYPE_CHECKING:
    from reader.corpus.entities import Candidate, EntityIndex

MATCH = 0.8  # a run this close to a name in the aligned passage is evidence of a link
CLOSE = 0.85  # ... and one match this close is enough for names of CLOSE_CONSONANTS or more
CLOSE_CONSONANTS = 4
GIVE_UP = 2  # a name not found in this many aligned versions of a language: stop aligning for it
PER_NAME = 3  # runs per name and passage pair kept as evidence
MIN_CONSONANTS = 2  # shorter names (`Li`, `Ng`) are too easy to find by chance
NAME_KINDS = frozenset({"person_org", "place", "other"})
EVIDENCE = "transliteration"


@dataclass(frozen=True, slots=True)
class Link:
    """A run of text in one language accepted as a transliteration of a name's key."""

    language: str
    surface: str
    key: str
    kind: str
    matches: int  # aligned passages where the run was the closest match to the name
    score: float  # best similarity seen
    evidence: str = EVIDENCE  # or "variant": one letter from a gazetteer name


def window_segments(
    doc: Document, words: Sequence[tuple[int, int]] | None
) -> list[tuple[int, int]]:
    """The letter segments of a document in a script with a phonetic key, else nothing.

    `words` are the ICU word segments already found for an unspaced script (or None).
    """
    if doc.script not in PHONETIC_SCRIPTS:
        return []
    if words is None:
        words = word_segments(doc.text, doc.language, doc.script)
    text = doc.text
    # The first character a word character (`\w` is `isalnum` or `_`), not a digit, not ASCII.
    out = []
    for s, e in words:
        c = text[s]
        if c.isalnum() and not c.isdigit() and not c.isascii():
            out.append((s, e))
    return out


def _name_keys(cands: Iterable[Candidate], lo: int, hi: int) -> list[tuple[str, str, str, str]]:
    """(key, kind, phonetic key, key of the whole name) of the names in `[lo, hi)` written in
    a cased script; the last word of a longer name is listed too (`Corbyn` of `Jeremy
    Corbyn`), with the whole name's key."""
    out = []
    for c in cands:
        if lo <= c.start and c.end <= hi and c.kind in NAME_KINDS:
            script = script_of_char(c.text[0])
            if script in ("Latn", "Cyrl", "Grek"):
                out.append((c.key, c.kind, phonetic_key(c.text, script), c.key))
                words = c.text.split()
                if len(words) > 1 and ":" not in c.key:
                    last = words[-1]
                    out.append((name_key(last), c.kind, phonetic_key(last, script), c.key))
    return out


def find_links(
    pairs: Iterable[tuple[Document, Document, list[tuple[list[int], list[int]]]]],
    index: EntityIndex,
    segments: Mapping[str, list[tuple[int, int]]],
) -> list[Link]:
    """Links between names and runs of text over aligned passage pairs.

    `pairs`: (document with names, document in a phonetic script, aligned passage groups as
    lists of passage indexes). `segments`: each phonetic-script document's window segments.
    """
    finder = LinkFinder(index, segments)
    for doc_a, doc_b, groups in pairs:
        finder.add(doc_a, doc_b, groups)
    return finder.links()


class LinkFinder:
    """Collects the evidence of aligned passage pairs one pair of versions at a time, and
    tells which pairs can still add any (`wanted`): comparing a version costs an alignment."""

    def __init__(
        self,
        index: EntityIndex,
        segments: Mapping[str, list[tuple[int, int]]],
        usable: Callable[[str, str, str], bool] | None = None,
    ) -> None:
        """`usable(language, run, key)`: whether a link, once accepted, will be used (only
        such a link settles a name)."""
        self.index = index
        self.segments = segments
        self.usable = usable
        self._usable_memo: dict[tuple[str, str, str], bool] = {}
        self.evidence: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        self.kinds: dict[str, tuple[str, int]] = {}
        # A passage's runs and names are the same whichever version it is compared with.
        self._runs: dict[tuple[str, int], PassageRuns] = {}
        self._run_keys: dict[str, RunKeys] = {}  # by script
        self._names: dict[tuple[str, int], list[tuple[str, str, str, str]]] = {}
        self._keys: dict[str, set[str]] = {}
        self._sounds_like: SoundsLike = {}  # comparisons of run keys with names, once each
        # (language, key) -> runs already accepted as that name in that language.
        self.settled: dict[tuple[str, str], set[str]] = defaultdict(set)
        # (language, key) -> pairs of versions where the name was looked for and nothing
        # usable sounded like it: after GIVE_UP of them it no longer makes a pair worth aligning (it
        # was translated, or left out), though pairs aligned for other names still look for it.
        self.missed: Counter[tuple[str, str]] = Counter()

    def _keys_of(self, doc: Document) -> set[str]:
        found = self._keys.get(doc.id)
        if found is None:
            found = self._keys[doc.id] = {c.key for c in self.index.candidates.get(doc.id, ())}
        return found

    def _passage_names(self, doc: Document, i: int) -> list[tuple[str, str, str, str]]:
        found = self._names.get((doc.id, i))
        if found is None:
            p = doc.passages[i]
            cands = self.index.candidates.get(doc.id, ())
            found = [
                n for n in _name_keys(cands, p.start, p.end) if consonants(n[2]) >= MIN_CONSONANTS
            ]
            self._names[(doc.id, i)] = found
        return found

    def wanted(
        self,
        doc_a: Document,
        doc_b: Document,
        groups: list[tuple[list[int], list[int]]] | None = None,
    ) -> bool:
        """Whether `doc_a` names anything that `doc_b` neither names in the same spelling
        nor holds in a run already accepted for it (by the pairs added so far); with
        `groups` (passage groups as index lists), only in passages paired with another."""
        if not self.segments.get(doc_b.id):
            return False
        keys_b = self._keys_of(doc_b)
        text_b, lang = doc_b.text, doc_b.language
        if groups is None:
            passages: Iterable[int] = range(len(doc_a.passages))
        else:
            passages = sorted({i for ia, ib in groups if ib for i in ia})
        for i in passages:
            for key, _, _, whole in self._passage_names(doc_a, i):
                if whole in keys_b or self.missed[(lang, key)] >= GIVE_UP:
                    continue
                if not any(run in text_b for run in self.settled.get((lang, key), ())):
                    return True
        return False

    def add(
        self, doc_a: Document, doc_b: Document, groups: list[tuple[list[int], list[int]]]
    ) -> None:
        """The evidence of one pair of versions (aligned passage groups as index lists)."""
        keys_b = self._keys_of(doc_b)
        segs = self.segments.get(doc_b.id, [])
        if not segs:
            return
        touched = set()
        sought: set[str] = set()
        # A passage may be in more than one group: each run counts once per name and pair.
        counted: set[tuple[int, int, str]] = set()
        # Names already linked to a run this version holds need no more evidence here; their
        # runs stay theirs (no other name is given them).
        lang, text_b = doc_b.language, doc_b.text
        held: dict[str, list[str]] = {}
        blocked: set[str] = set()
        for ia, ib in groups:
            names = []
            for i in ia:
                for n in self._passage_names(doc_a, i):
                    if n[3] in keys_b:
                        continue
                    runs = held.get(n[0])
                    if runs is None:
                        settled = self.settled.get((lang, n[0]), ())
                        runs = held[n[0]] = [r for r in settled if r in text_b]
                    if runs:
                        blocked.update(runs)
                    else:
                        names.append(n[:3])
            if not names:
                continue
            sought.update(n[0] for n in names)
            windows: list[PassageRuns] = []
            for j in ib:
                found = self._runs.get((doc_b.id, j))
                if found is None:
                    p = doc_b.passages[j]
                    memo = self._run_keys.get(doc_b.script)
                    if memo is None:
                        memo = self._run_keys[doc_b.script] = RunKeys(doc_b.script)
                    found = passage_runs(doc_b.text, doc_b.script, segs, p.start, p.end, memo)
                    self._runs[(doc_b.id, j)] = found
                windows.append(found)
            for key, kind, pk, surface, score in _best_matches(
                text_b, names, windows, self._sounds_like, counted, blocked
            ):
                self.evidence[(doc_b.language, surface, key)].append(score)
                touched.add((doc_b.language, surface, key))
                # Two words that both sound right need one consonant less (`Hun Manet`).
                self.kinds[key] = (kind, consonants(pk) + (" " in key))
        found: set[str] = set()
        for _, surface, key in touched:
            if not self._usable(lang, surface, key):
                continue
            if _acceptable(self.evidence[(lang, surface, key)], self.kinds[key][1]):
                self.settled[(lang, key)].add(surface)
                found.add(key)
        for key in sought - found:
            self.missed[(lang, key)] += 1

    def _usable(self, language: str, surface: str, key: str) -> bool:
        if self.usable is None:
            return True
        memo = (language, surface, key)
        found = self._usable_memo.get(memo)
        if found is None:
            found = self._usable_memo[memo] = self.usable(language, surface, key)
        return found

    def links(self) -> list[Link]:
        """The accepted links that will be used (see `_accepted`)."""
        usable = {k: v for k, v in self.evidence.items() if self._usable(*k)}
        return _accepted(usable, self.kinds, self._spread())

    def _spread(self) -> Counter[str]:
        """In how many documents each name key is written (of the keys with evidence)."""
        wanted = {key for _, _, key in self.evidence}
        out: Counter[str] = Counter()
        for cands in self.index.candidates.values():
            out.update({c.key for c in cands if c.key in wanted})
        return out


# A name's phonetic key -> its similarity to each run key it was compared with.
SoundsLike = dict[str, dict[str, float]]


def _best_matches(
    text: str,
    names: list[tuple[str, str, str]],
    windows: Sequence[PassageRuns],
    memo: SoundsLike | None = None,
    counted: set[tuple[int, int, str]] | None = None,
    blocked: Collection[str] = (),
) -> list[tuple[str, str, str, str, float]]:
    """For each name, its closest runs at or above MATCH (up to PER_NAME, not overlapping);
    a run counts for the name it is closest to. A name is compared only with runs that start
    like it (or with a vowel) and have about as many consonants (`PassageRuns.near`).
    `counted`: (start, end, name key) already counted for this pair of versions (skipped;
    updated). `blocked`: runs already linked to a name not compared here (given to none)."""
    if memo is None:
        memo = {}
    if counted is None:
        counted = set()
    scored = []
    for key, kind, pk in set(names):
        first, size = pk[0], consonants(pk)
        sims = memo.get(pk)
        if sims is None:
            sims = memo[pk] = {}
        for window in windows:
            near = window.near(first, size)
            new = [wk for wk in near if wk not in sims]
            if new:
                sims.update(similarities(pk, new, MATCH))
            for wk in near:
                sim = sims[wk]
                if sim >= MATCH:
                    scored.extend((-sim, e - s, s, e, key, kind, pk) for s, e in window.runs[wk])
    scored.sort()
    spans: set[tuple[int, int]] = set()
    per_name: dict[str, list[tuple[int, int]]] = defaultdict(list)
    out = []
    for neg, _, s, e, key, kind, pk in scored:
        mine = per_name[key]
        if (s, e) in spans or len(mine) >= PER_NAME or any(s < te and ts < e for ts, te in mine):
            continue
        if blocked and text[s:e] in blocked:
            continue
        spans.add((s, e))
        mine.append((s, e))
        if (s, e, key) in counted:
            continue
        counted.add((s, e, key))
        out.append((key, kind, pk, text[s:e], -neg))
    return out


def _acceptable(scores: list[float], size: int) -> bool:
    """Evidence that repeats, or one very close match of a long enough name."""
    return len(scores) >= 2 or (max(scores) >= CLOSE and size >= CLOSE_CONSONANTS)


def _accepted(
    evidence: dict[tuple[str, str, str], list[float]],
    kinds: dict[str, tuple[str, int]],
    spread: Mapping[str, int] | None = None,
) -> list[Link]:
    """Links whose evidence repeats or is very close. A run that sounds like two accepted
    names (`សៀមរាប`: `Siem Reap` and the Vietnamese `Xiêm Riệp`) keeps the one written in
    more documents (`spread`), then the best-supported one: counting matches alone would
    favour whichever versions happened to be compared more often."""
    spread = spread or {}
    best: dict[tuple[str, str], tuple[tuple[int, int, float], Link]] = {}
    for (lang, surface, key), scores in evidence.items():
        kind, size = kinds[key]
        if not _acceptable(scores, size):
            continue
        link = Link(lang, surface, key, kind, len(scores), max(scores))
        rank = (spread.get(key, 0), link.matches, link.score)
        old = best.get((lang, surface))
        if old is None or rank > old[0]:
            best[(lang, surface)] = (rank, link)
    return sorted((link for _, link in best.values()), key=lambda k: (k.language, k.surface))


def link_options(
    doc: Document, links: Sequence[Link], segments: Sequence[tuple[int, int]]
) -> list[Option]:
    """Options for every occurrence of a linked run in the document (on segment bounds)."""
    mine = [link for link in links if link.language == doc.language]
    if not mine or not segments:
        return []
    starts = {s for s, _ in segments}
    ends = {e for _, e in segments}
    text = doc.text
    out = []
    for link in mine:
        pos = text.find(link.surface)
        while pos >= 0:
            end = pos + len(link.surface)
            if pos in starts and end in ends:
                out.append(
                    Option(pos, end, link.key, link.kind, name_key(link.surface), False,
                           evidence=link.evidence)
                )  # fmt: skip
            pos = text.find(link.surface, end)
    return out
