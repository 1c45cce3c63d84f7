"""Entity candidates of one document: names, gazetteer hits, numbers and dates, with keys.

Candidates are Latin-script names (capitalised runs, acronyms, CamelCase, `iFlyTek`), also inside
Khmer, Thai or Chinese text; numbers (locale separators, native digits); dates with month names
of the document's language; and gazetteer names (CLDR + alias tables). Each option gets a key
that is the same across languages: the gazetteer id where there is one (`region:CN`),
`num:1677`, `date:02-16`, else the name's `match_key`. Everything here looks at one document (and
the vocabulary of its language), so it can run per document; `resolve.py` decides across them.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import cache, lru_cache
from typing import NamedTuple

from reader.corpus.calendar_words import (
    may_hold_time,
    month_keys,
    month_matches,
    time_matches,
    weekday_keys,
)
from reader.corpus.document_units import Analysis
from reader.corpus.gazetteer import Gazetteer
from reader.corpus.names import (
    CONNECTORS,
    Unit,
    Vocabulary,
    is_initial,
    name_runs,
)
from reader.corpus.numbers_dates import date_matches, number_matches
from reader.corpus.text import match_key
from reader.paths import resource

MAX_RUN_UNITS = 8  # longer capitalised runs are not split into sub-runs
# Titles and honorifics before names (general knowledge): never a name, and not part of one,
# so `Mr Corbyn`, `President Donald Trump` and `Corbyn` meet on the name itself.
_TITLE_WORDS = (
    "mr mrs ms miss dr prof sir dame lord lady president prime minister chancellor senator "
    "governor mayor king queen prince princess pope sr sra srta dona dom herr frau mme mlle "
    "presidente ministro ministra primeiro primeira señor señora don doña ông bà"
)
TITLES = frozenset(_TITLE_WORDS.split(" "))
# Words before a place name (`in Palu`, `em Lisboa`, `tại Đà Nẵng`), for telling places.
LOCATIVES = {
    "en": ("in", "near"), "pt": ("em",), "es": ("en",), "fr": ("à",), "de": ("in",),
    "it": ("a", "in"), "vi": ("tại", "ở"), "id": ("di",),
}  # fmt: skip
JUXTAPOSING = frozenset({"vi"})  # names side by side without a connector
# A part of a place (`East Jakarta`) is still in that place, unlike `Liga Europa`.
DIRECTIONS = frozenset(
    ["east", "west", "north", "south", "northern", "southern", "eastern", "western", "greater"]
)


@cache
def _function_words() -> dict[str, frozenset[str]]:
    data = json.loads(resource("languages", "function_words.json").read_text(encoding="utf-8"))
    return {k: frozenset(w.casefold() for w in v) for k, v in data.items() if isinstance(v, list)}


def function_words(language: str) -> frozenset[str]:
    """Function words of a language (lower case), empty when unknown."""
    return _function_words().get(language, frozenset())


# --------------------------------------------------------------------------- options


class Option(NamedTuple):
    """One way to read a span of a document: key, kind and how it may be used (a tuple: the
    analysis makes hundreds of thousands of them)."""

    start: int
    end: int
    key: str
    kind: str
    surface_key: str
    fallback: bool  # a part of a longer run: used only when its key is shared
    parts: tuple[str, ...] = ()  # keys of the pieces of a multi-unit run
    part: bool = False  # a part of a run: linked only to a key that stands alone somewhere
    parent: str = ""  # for a part: the key of the whole run
    evidence: str = ""  # why a key was given other than by the surface: "transliteration"


_NEXT_WORD = re.compile(r" ?[^\s]{0,24}")
_NEXT_WORD_RE = re.compile(r" (\w+)")
_AFTER_NAME = re.compile(r"[A-Z\u00c0-\u024f][\w.-]* $")  # a capitalised word, one space
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u31f0-\u31ff][\u30a1-\u30ff\u31f0-\u31ff]+")
_PLURAL_ACRONYM = re.compile(r"\b([A-Z]{2,})s\b")


@lru_cache(maxsize=64)
def _calendar_keys(language: str) -> dict[str, str]:
    """Name keys of weekday names (-> `weekday:N`) and wide month names (-> `month:MM`)."""
    keys = {name_key(n): k for n, k in weekday_keys(language).items()}
    keys.update((name_key(n), k) for n, k in month_keys(language).items() if " " not in n)
    return keys


@lru_cache(maxsize=65536)
def name_key(surface: str) -> str:
    return match_key(_PLURAL_ACRONYM.sub(r"\1", surface))


class DocumentOptions:
    """Builds the candidate options of one document."""

    def __init__(
        self,
        gaz: Gazetteer,
        vocab: Vocabulary,
        language: str,
        text: str,
        keys: dict[str, tuple[str, str, tuple[str, ...]]] | None = None,
        runs: dict[tuple[str, bool, str], tuple[tuple[int, int, Option], ...]] | None = None,
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

    def run_options(self, run: list[Unit]) -> list[Option]:
        """The run itself, and its parts as fallbacks (used when their key is shared).

        Options depend only on the run's text, whether it starts a sentence and the word after
        it, so they are computed once per language for a repeated name.
        """
        return self._options_of(run, self.run_key(run))

    def run_key(self, run: list[Unit]) -> tuple[str, bool, str]:
        """What a run's options depend on: its text, its start of sentence, the next word."""
        last = run[-1].end
        nxt = _NEXT_WORD.match(self.text, last)
        return (self.text[run[0].start : last], run[0].initial, nxt.group() if nxt else "")

    def _options_of(self, run: list[Unit], memo_key: tuple[str, bool, str]) -> list[Option]:
        first = run[0].start
        found = self._runs.get(memo_key)
        if found is None:
            found = self._runs[memo_key] = tuple(
                (o.start - first, o.end - first, (*o[2:9], "")) for o in self._run_options(run)
            )
        make = Option._make
        return [make((first + s, first + e, *rest)) for s, e, rest in found]

    def _run_options(self, run: list[Unit]) -> list[Option]:
        if any(u.text.rstrip(".").lower() in TITLES for u in run):
            return [o for part in self._without_titles(run) for o in self._run_options(part)]
        text = self.text
        weak = [self._weak(u) for u in run]
        plain = [w or self._ordinary(u) for u, w in zip(run, weak, strict=True)]
        lo, hi = 0, len(run)
        if hi > 1 and _leading_particle(run[0]):
            weak[0] = plain[0] = False  # `in Da Nang`, `by Le Monde`: part of the name
        while lo < hi and (
            weak[lo] or self._drop_initial(run[lo], hi - lo == 1, weak[lo], plain[lo])
        ):
            lo += 1
        while hi > lo and weak[hi - 1]:
            hi -= 1
        if lo == hi or (hi - lo == 1 and len(run[lo].text) == 1):
            return []  # a single letter (`I`, `A`) is not a name
        if all(plain[lo:hi]) and self.gaz.lookup(text[run[lo].start : run[hi - 1].end]) is None:
            return []
        out: list[Option] = []
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
            if sub and kind == "place" and i > lo and j == hi and self._glued(run, i):
                continue  # `Europa` of `Liga Europa` is not Europe (`of California` still is)
            surface_key = name_key(text[start:end])
            parent = whole if sub else ""
            out.append(Option(start, end, key, kind, surface_key, sub, parts, sub, parent))
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
                pieces.append(name_key(part[i].text))
                i += 1
        parts = tuple(pieces) if len(pieces) > 1 else ()
        key = " ".join(pieces) if replaced else name_key(surface)
        return key, _guess_kind(surface), parts

    def options(self, analysis: Analysis) -> list[Option]:
        text = self.text
        out: list[Option] = []
        names: list[Option] = []
        for run in name_runs(text, analysis.units):
            names.extend(self.run_options(run))
        out.extend(self._not_calendar(names, analysis))
        # Gazetteer names on word boundaries (also in unspaced scripts and lower case).
        if analysis.words is None:
            hits = self.gaz.find_spaced(text, analysis.ranges, self.language)
        else:
            hits = self.gaz.find(text, analysis.words, self.language)
        runs = sorted((o.start, o.end) for o in names if not o.fallback)
        for hit in hits:
            surface = text[hit.start : hit.end]
            if hit.entry.kind == "place" and self._inside_name(hit.start, hit.end, runs):
                continue
            if " " not in surface and is_initial(text, hit.start) and surface[:1].isupper():
                unit = Unit(hit.start, hit.end, surface, True)
                if self._ordinary(unit) or self._weak(unit):
                    continue
            out.append(
                Option(hit.start, hit.end, hit.entry.id, hit.entry.kind, name_key(surface), False)
            )
        # Katakana words (foreign names in Japanese) are keyed by their transliteration
        # (`トヨタ` -> `toyota`); as parts, they count only when that key stands alone elsewhere,
        # so common loanwords shared between Japanese texts do not become entities.
        for s, e in analysis.ranges:
            for m in _KATAKANA.finditer(text, s, e):
                key = match_key(m.group())
                out.append(Option(m.start(), m.end(), key, "person_org", key, True, (), True))
        # Dates, then numbers that are not inside a date or a name.
        lang = self.language
        timed = may_hold_time(text)
        for s, e in analysis.ranges:
            for m in date_matches(text, lang, s, e):
                out.append(Option(m.start, m.end, m.key, "date", m.key, False))
            if timed:
                for m in time_matches(text, s, e):
                    out.append(Option(m.start, m.end, m.key, "date", m.key, False))
        out.extend(self._months(out, analysis))
        taken = bytearray(len(text) + 1)
        for o in out:
            if not o.fallback:
                taken[o.start : o.end] = b"\x01" * (o.end - o.start)
        for s, e in analysis.ranges:
            for m in number_matches(text, lang, s, e):
                if 1 not in taken[m.start : m.end]:
                    out.append(Option(m.start, m.end, m.key, "number", m.key, False))
        out.extend(self._number_names(out))
        return out

    def _glued(self, run: list[Unit], i: int) -> bool:
        """Unit i follows the previous one with a single space, no connector word between."""
        before = run[i - 1]
        return (
            self.language not in JUXTAPOSING
            and before.end + 1 == run[i].start
            and before.text.lower() not in DIRECTIONS
        )

    def _inside_name(self, start: int, end: int, runs: list[tuple[int, int]]) -> bool:
        """A place name inside a longer proper name is not that place: at its end after a
        capitalised word (`Liga Europa`, `Central American`), or at its start before an
        ordinary word (`Washington Post`). Not in languages that set a place and a name side
        by side (vi `Trung Quốc Tập Cận Bình`)."""
        if self.language in JUXTAPOSING:
            return False
        k = bisect_right(runs, (start, 1 << 30)) - 1
        while k >= 0 and runs[k][1] >= end:
            s, e = runs[k]
            if s <= start and end <= e and (s, e) != (start, end):
                if e == end and _AFTER_NAME.search(self.text, max(s, start - 40), start):
                    return True  # `Liga Europa`; not `L'Indonesia`, `University of California`
                if s == start:
                    nxt = _NEXT_WORD_RE.match(self.text, end)
                    if nxt is not None and self.vocab.ordinary(nxt.group(1)):
                        return True
            k -= 1
        return False

    def _without_titles(self, run: list[Unit]) -> list[list[Unit]]:
        """The run split at titles (`President`, `Mr`), which are left out."""
        parts: list[list[Unit]] = [[]]
        for unit in run:
            if unit.text.rstrip(".").lower() in TITLES:
                parts.append([])
            else:
                parts[-1].append(unit)
        return [p for p in parts if p]

    def _not_calendar(self, names: list[Option], analysis: Analysis) -> list[Option]:
        """Name options less the weekday and month names standing alone (a month becomes a
        date), except a month name that is also a name's last word (`May` after `Theresa
        May`); the kind is `place` after a locative word (`in Palu`) or before a comma and a
        place (`Palu, Indonesia`)."""
        text = self.text
        calendar = _calendar_keys(self.language)
        before = tuple(f" {w} " for w in LOCATIVES.get(self.language, ()))
        surnames: set[str] | None = None
        out = []
        for o in names:
            if not o.fallback:
                month = calendar.get(o.key)
                if month is not None:
                    if month.startswith("weekday:"):  # a date for alignment, never a name
                        out.append(o._replace(key=month, kind="date", surface_key=month))
                        continue
                    if surnames is None:
                        surnames = {
                            text[n.start : n.end].rsplit(" ", 1)[-1]
                            for n in names
                            if not n.fallback and " " in text[n.start : n.end]
                        }
                    if text[o.start : o.end] not in surnames:
                        out.append(o._replace(key=month, kind="date", surface_key=month))
                        continue
                if o.kind == "person_org" and (
                    (before and text.endswith(before, 0, o.start)) or self._before_place(o.end)
                ):
                    o = o._replace(kind="place")
            out.append(o)
        return out

    def _before_place(self, end: int) -> bool:
        """Followed by a comma and a region or city (`Palu, Indonesia`)."""
        if not self.text.startswith(", ", end):
            return False
        m = _NEXT_WORD_RE.match(self.text, end + 1)
        entry = self.gaz.lookup(m.group(1)) if m else None
        return entry is not None and entry.kind == "place"

    def _months(self, options: list[Option], analysis: Analysis) -> list[Option]:
        """Month names standing alone: `month:MM` dates, not inside a date or a longer name,
        on word bounds in unspaced scripts, and not a name's last word."""
        lang, text = self.language, self.text
        found = [m for s, e in analysis.ranges for m in month_matches(text, lang, s, e)]
        if not found:
            return []
        taken = bytearray(len(self.text) + 1)
        for o in options:
            if not o.fallback and (o.kind == "date" or " " in self.text[o.start : o.end]):
                taken[o.start : o.end] = b"\x01" * (o.end - o.start)
        bounds = None
        if analysis.words is not None:
            bounds = {s for s, _ in analysis.words} | {e for _, e in analysis.words}
        out = []
        for m in found:
            if 1 in taken[m.start : m.end]:
                continue
            if bounds is not None and not (m.start in bounds and m.end in bounds):
                continue
            out.append(Option(m.start, m.end, m.key, "date", m.key, False))
        return out

    def _number_names(self, options: list[Option]) -> list[Option]:
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
                    out.append(Option(o.start, name.end, key, name.kind, surface_key, True))
        return out


@lru_cache(maxsize=65536)
def _guess_kind(surface: str) -> str:
    letters = [c for c in surface if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) <= 3:
        return "other"
    if surface[:1].islower() or any(c.isdigit() for c in surface):
        return "other"
    return "person_org"


def _leading_particle(unit: Unit) -> bool:
    """A capitalised name particle (`Da`, `Le`, `Van`) inside a sentence that starts a run of
    capitalised words: a name begins with it (`Da Nang`, `Le Monde`, `Van Gogh`)."""
    return not unit.initial and unit.text[:1].isupper() and unit.text.lower() in CONNECTORS
