"""A multilingual gazetteer from CLDR (through PyICU) plus the alias tables in resources/aliases.

For each language of a corpus (and English) it collects region names (full, short and variant
forms), time-zone exemplar cities, language names and month names. Every name points to one
entry id: `region:CN`, `city:beijing`, `lang:zh`, `month:02`. Names are matched in text on ICU
word-break boundaries, so they are found inside unspaced scripts (Khmer, Thai, Chinese) too.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import icu

from reader.corpus.names import WORD
from reader.corpus.text import match_key
from reader.paths import resource

# When two entries share a name, the lower rank wins (a country before a city of that name).
KIND_RANK = {"region": 0, "city": 1, "lang": 2}
ENTRY_KINDS = {"region": "place", "city": "place", "lang": "other", "month": "date"}
MIN_LANGUAGE_NAME = 4  # shorter language names ("ga", "lo", "mi") are ordinary words elsewhere
MAX_NAME_CHARS = 64
_TZ_AREAS = ("Africa/", "America/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/")
_TZ_AREAS += ("Pacific/",)
# UN M.49 areas with CLDR names (continents and sub-regions; not 001 "World", an ordinary word).
_M49 = "002 003 005 009 011 013 014 015 017 018 019 021 029 030 034 035 039 053 054 057 061"
M49_AREAS = tuple(f"{_M49} 142 143 145 150 151 154 155 419".split(" "))


_WORD = re.compile(rf"[{WORD}]+")
_WORD_CHAR = re.compile(rf"[{WORD}]")

# --------------------------------------------------------------------------- folding


def _build_fold_table() -> dict[int, str]:
    """Per-character folding that keeps string length: lower case, no Latin diacritics."""
    table: dict[int, str] = {}
    ranges = [(0x00C0, 0x024F), (0x1E00, 0x1EFF), (0x0370, 0x03FF), (0x0400, 0x04FF)]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            low = ch.lower()
            if len(low) != 1:
                low = ch
            dec = unicodedata.normalize("NFD", low)
            if len(dec) > 1 and all(unicodedata.combining(c) for c in dec[1:]):
                low = dec[0]
            if low != ch:
                table[cp] = low
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    for cp in (0x2019, 0x2018, 0x02BC):
        table[cp] = "'"
    for cp in (0x2010, 0x2011, 0x2012, 0x2013):
        table[cp] = "-"
    for ch in "\t\n\r\u00a0\u2009\u200a\u202f\u3000":
        table[ord(ch)] = " "
    for cp in (0x200B, 0x200C, 0x200D):  # zero-width characters in Khmer text
        table[cp] = "\u200b"
    return table


def _as_list(table: dict[int, str]) -> list[str]:
    """The table as a list indexed by code point: `str.translate` reads a list far faster than
    a dict that lacks most characters (code points past its end stay as they are)."""
    out = [chr(cp) for cp in range(max(table) + 1)]
    for cp, ch in table.items():
        out[cp] = ch
    return out


_FOLD = _as_list(_build_fold_table())


def fold(text: str) -> str:
    """Case- and (Latin, Greek, Cyrillic) accent-insensitive form of the same length."""
    out = text.translate(_FOLD).lower()
    if len(out) != len(text):  # rare characters whose lower case is longer
        out = "".join(c.lower() if len(c.lower()) == 1 else c for c in text.translate(_FOLD))
    return out


_SPACES = re.compile(r" {2,}")


def _fold_name(name: str) -> str:
    return _SPACES.sub(" ", fold(unicodedata.normalize("NFC", name)).strip())


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One thing with names: a region, a city, a language or a month."""

    id: str  # "region:CN", "city:beijing", "lang:zh", "month:02"
    kind: str  # entity kind: place | other | date
    label: str  # English name


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    """A gazetteer name found in a text: `[start, end)` in code points."""

    start: int
    end: int
    entry: GazetteerEntry


@dataclass(frozen=True, slots=True)
class _Name:
    entry: GazetteerEntry
    capital: bool  # written with a capital in its language: must be capitalised in the text
    language: str
    rank: int


def city_id(english_name: str) -> str:
    """The entry id of a city from its English name: `city:new-york`."""
    return "city:" + re.sub(r"[^a-z0-9]+", "-", match_key(english_name)).strip("-")


@cache
def _locale(lang: str) -> icu.Locale:
    return icu.Locale(lang)


@cache
def _english_labels() -> dict[str, str]:
    """English labels of every region, language, city and month id."""
    en = _locale("en")
    labels: dict[str, str] = {}
    for code in (*icu.Locale.getISOCountries(), *M49_AREAS):
        labels[f"region:{code}"] = icu.Locale("und", code).getDisplayCountry(en)
    ldn = icu.LocaleDisplayNames.createInstance(en)
    for code in icu.Locale.getISOLanguages():
        labels[f"lang:{code}"] = ldn.languageDisplayName(code)
    for i, name in enumerate(icu.DateFormatSymbols(en).getMonths(), start=1):
        labels[f"month:{i:02d}"] = name
    return labels


def _region_names(lang: str) -> Iterable[tuple[str, str]]:
    """(region id, name) pairs: full names, then CLDR short and variant forms."""
    loc = _locale(lang)
    ldn = icu.LocaleDisplayNames.createInstance(loc)
    for code in (*icu.Locale.getISOCountries(), *M49_AREAS):
        for name in (ldn.regionDisplayName(code), icu.Locale("und", code).getDisplayCountry(loc)):
            if name and name != code:
                yield f"region:{code}", name
    try:
        bundle = icu.ResourceBundle("ICUDATA-region", loc)
    except icu.ICUError:
        return
    for table in ("Countries%short", "Countries%variant"):
        try:
            forms = bundle.getWithFallback(table)
        except icu.ICUError:
            continue
        for i in range(forms.getSize()):
            item = forms.get(i)
            code = item.getKey()
            if (len(code) == 2 and code.isalpha()) or code in M49_AREAS:
                yield f"region:{code}", item.getString()


@cache
def _zone_ids() -> tuple[str, ...]:
    ids = [z for z in icu.TimeZone.createEnumeration() if z.startswith(_TZ_AREAS)]
    return tuple(sorted(ids))


@cache
def _city_ids() -> dict[str, str]:
    """Time-zone id -> city entry id (from the English exemplar city)."""
    tzn = icu.TimeZoneNames.createInstance(_locale("en"))
    out = {}
    for zone in _zone_ids():
        name = tzn.getExemplarLocationName(zone)
        if name and "," not in name:
            out[zone] = city_id(name)
    return out


def _city_names(lang: str) -> Iterable[tuple[str, str]]:
    tzn = icu.TimeZoneNames.createInstance(_locale(lang))
    for zone, cid in _city_ids().items():
        name = tzn.getExemplarLocationName(zone)
        if name and "," not in name:
            yield cid, name


# Languages whose texts name a language with the word "language" before CLDR's name
# (Khmer ភាសាខ្មែរ, Thai ภาษาไทย, Lao ພາສາລາວ, Burmese ဘာသာ); general knowledge, not CLDR data.
LANGUAGE_WORD = {"km": "ភាសា", "th": "ภาษา", "lo": "ພາສາ", "my": "ဘာသာ"}


def _language_names(lang: str) -> Iterable[tuple[str, str]]:
    ldn = icu.LocaleDisplayNames.createInstance(_locale(lang))
    prefix = LANGUAGE_WORD.get(lang, "")
    for code in icu.Locale.getISOLanguages():
        name = ldn.languageDisplayName(code)
        if not name or name == code or "(" in name:
            continue
        if prefix and not name.startswith(prefix):
            yield f"lang:{code}", prefix + name
        if len(name) >= MIN_LANGUAGE_NAME:
            yield f"lang:{code}", name


@lru_cache(maxsize=64)
def month_names(lang: str) -> tuple[tuple[str, int], ...]:
    """(name, month number) for the wide and abbreviated month names of `lang` (CLDR)."""
    sym = icu.DateFormatSymbols(_locale(lang))
    names: dict[str, int] = {}
    for context in (icu.DateFormatSymbols.FORMAT, icu.DateFormatSymbols.STANDALONE):
        for width in (icu.DateFormatSymbols.WIDE, icu.DateFormatSymbols.ABBREVIATED):
            for i, name in enumerate(sym.getMonths(context, width), start=1):
                name = name.strip()
                if name and not name.isdigit():
                    names.setdefault(name, i)
    return tuple(sorted(names.items(), key=lambda kv: -len(kv[0])))


@cache
def alias_rows() -> tuple[tuple[str, str, str], ...]:
    """(id, language, name) rows of every table in resources/aliases (TSV, `#` comments)."""
    folder = resource("aliases")
    rows: list[tuple[str, str, str]] = []
    if not folder.is_dir():
        return ()
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if not row or row[0].startswith("#") or len(row) < 3:
                    continue
                entry_id, lang, name = (c.strip() for c in row[:3])
                if entry_id and name:
                    rows.append((entry_id, lang, unicodedata.normalize("NFC", name)))
    return tuple(rows)


@cache
def _alias_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for entry_id, lang, name in alias_rows():
        if lang == "en":
            labels.setdefault(entry_id, name)
    return labels


def _label(entry_id: str, fallback: str) -> str:
    return label_of(entry_id) or fallback


def label_of(entry_id: str) -> str:
    """English label of a gazetteer id (`region:CN` -> `China`); empty when unknown."""
    if entry_id.startswith("city:"):
        return _city_labels().get(entry_id) or _alias_labels().get(entry_id, "")
    return _english_labels().get(entry_id) or _alias_labels().get(entry_id, "")


@cache
def _city_labels() -> dict[str, str]:
    tzn = icu.TimeZoneNames.createInstance(_locale("en"))
    out: dict[str, str] = {}
    for zone, cid in _city_ids().items():
        out.setdefault(cid, tzn.getExemplarLocationName(zone))
    return out


@cache
def _entry(entry_id: str, fallback_label: str) -> GazetteerEntry:
    kind = ENTRY_KINDS.get(entry_id.split(":", 1)[0], "other")
    return GazetteerEntry(entry_id, kind, _label(entry_id, fallback_label))


def _names_of(lang: str) -> list[tuple[str, str]]:
    """Every (entry id, name) of one language, CLDR first, then aliases."""
    out: list[tuple[str, str]] = []
    out.extend(_region_names(lang))
    out.extend(_city_names(lang))
    out.extend(_language_names(lang))
    out.extend((eid, name) for eid, alang, name in alias_rows() if alang == lang)
    return out


# --------------------------------------------------------------------------- the gazetteer


def _plain_lower(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).lower().split())


def _capitalised(surface: str) -> bool:
    """Written with a capital (`China`, `châu Á`), or in a script without case."""
    first = surface[:1]
    if first.isupper() or not first.islower():
        return True
    return any(c.isupper() for c in surface)


class Gazetteer:
    """Names of regions, cities and languages for a set of languages, with fast lookup."""

    def __init__(self, languages: Sequence[str]) -> None:
        self.languages = tuple(sorted({lang for lang in languages if lang} | {"en"}))
        self._names: dict[str, _Name] = {}
        self._forms: dict[str, set[str]] = {}  # folded name -> its exact lower-case forms
        for lang in self.languages:
            for entry_id, name in _names_of(lang):
                self._add(entry_id, name, lang)
        self._prefixes = {key[:i] for key in self._names for i in range(1, len(key) + 1)}
        self._memo: dict[tuple[str, str | None], GazetteerEntry | None] = {}
        # First words of the names, exactly (accents kept) and folded (for unaccented text).
        self._first_exact = {
            m.group() for forms in self._forms.values() for f in forms if (m := _WORD.match(f))
        }
        self._first_folded = {m.group() for key in self._names if (m := _WORD.match(key))}
        self._ends: dict[str, re.Pattern[str]] = {}

    def _add(self, entry_id: str, name: str, lang: str) -> None:
        if "\u200b" in name:  # Khmer CLDR names mark word breaks; texts often do not
            self._add(entry_id, name.replace("\u200b", ""), lang)
        key = _fold_name(name)
        if not key or len(key) > MAX_NAME_CHARS:
            return
        rank = KIND_RANK.get(entry_id.split(":", 1)[0], 3)
        capital = name[:1].isupper()
        new = _Name(_entry(entry_id, name), capital, lang, rank)
        self._forms.setdefault(key, set()).add(_plain_lower(name))
        old = self._names.get(key)
        if old is None or rank < old.rank:
            self._names[key] = new

    def __len__(self) -> int:
        return len(self._names)

    def names_of(self, language: str) -> list[tuple[str, GazetteerEntry]]:
        """(folded name, entry) of every name that came from `language`."""
        return [(k, n.entry) for k, n in self._names.items() if n.language == language]

    def lookup(self, surface: str, language: str | None = None) -> GazetteerEntry | None:
        """The entry a name refers to, or None; capitalised names need a capital."""
        memo_key = (surface, language)
        try:
            return self._memo[memo_key]
        except KeyError:
            entry = self._memo[memo_key] = self._lookup(surface, language)
            return entry

    def _lookup(self, surface: str, language: str | None) -> GazetteerEntry | None:
        key = _fold_name(surface)
        name = self._names.get(key)
        if name is None or not self._fits(surface, key, name, language or ""):
            return None
        return name.entry

    def find(
        self,
        text: str,
        words: Sequence[tuple[int, int]],
        language: str = "",
        folded: str | None = None,
    ) -> list[GazetteerHit]:
        """Longest gazetteer names that start and end on word boundaries of `text`.

        `words` are the `[start, end)` segments between word breaks, in order (from ICU's word
        breaker in unspaced scripts). Lower-case names (pt `chinês`) only match in their own
        language; capitalised ones need a capital.
        """
        folded = fold(text) if folded is None else folded
        hits: list[GazetteerHit] = []
        names = self._names
        prefixes = self._prefixes
        n = len(words)
        i = 0
        while i < n:
            start, end = words[i]
            if folded[start:end] not in prefixes:
                i += 1
                continue
            best: tuple[int, int, _Name] | None = None
            j = i
            while j < n:
                end = words[j][1]
                if end - start > MAX_NAME_CHARS:
                    break
                piece = folded[start:end]
                if piece not in prefixes:
                    break
                name = names.get(piece)
                if name is not None and self._fits(text[start:end], piece, name, language):
                    best = (j, end, name)
                j += 1
            if best is None:
                i += 1
                continue
            hits.append(GazetteerHit(start, best[1], best[2].entry))
            i = best[0] + 1
        return hits

    def find_spaced(
        self,
        text: str,
        ranges: Sequence[tuple[int, int]],
        language: str = "",
        folded: str | None = None,
    ) -> list[GazetteerHit]:
        """Like `find`, for scripts written with spaces: words are runs of letters and marks.

        Only the places where a name's first word occurs are tried: the document's distinct
        words are intersected with the names' first words first.
        """
        folded = fold(text) if folded is None else folded
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = folded
        names = self._names
        prefixes = self._prefixes
        found: list[tuple[int, int, _Name]] = []
        words = set(_WORD.findall(lowered))
        firsts = {fold(w) for w in words & self._first_exact}
        firsts.update(w for w in words & self._first_folded if w.isascii())
        starts = [lo for lo, _ in ranges]
        is_word = _WORD_CHAR.match
        for first in firsts:
            pattern = self._ends.get(first)
            if pattern is None:  # the literal first lets `re` search fast
                pattern = self._ends[first] = re.compile(re.escape(first) + r"\b")
            for m in pattern.finditer(folded):
                here = m.start()
                if (here and is_word(folded, here - 1)) or is_word(folded, m.end()):
                    continue  # inside a longer word
                k = bisect_right(starts, here) - 1
                if k < 0 or here >= ranges[k][1]:
                    continue  # not in a reading range
                hi = ranges[k][1]
                best: tuple[int, _Name] | None = None
                for w in _WORD.finditer(folded, here, min(hi, here + MAX_NAME_CHARS)):
                    piece = folded[here : w.end()]
                    if piece not in prefixes:
                        break
                    name = names.get(piece)
                    if name is not None and self._fits(text[here : w.end()], piece, name, language):
                        best = (w.end(), name)
                if best is not None:
                    found.append((here, best[0], best[1]))
        found.sort(key=lambda f: (f[0], -f[1]))
        hits: list[GazetteerHit] = []
        for start, end, name in found:
            if hits and start < hits[-1].end:
                continue
            hits.append(GazetteerHit(start, end, name.entry))
        return hits

    def _fits(self, surface: str, key: str, name: _Name, language: str) -> bool:
        """Capitalised where the name is; lower-case names only in their own language; the
        same accents as the name unless the text or the name has none (`Sao Paulo`)."""
        if name.capital:
            if not _capitalised(surface):
                return False
        elif language and name.language != language:
            return False
        if surface.isascii():  # written without accents (`Sao Paulo`): any form fits
            return True
        plain = _plain_lower(surface)
        forms = self._forms.get(key, ())
        if plain in forms or plain == fold(plain):
            return True
        # A name CLDR writes without accents (vi `Ho Chi Minh`) may be accented in the text;
        # short words differ by their accents alone (vi `Ảnh` "photo" is not `Anh`).
        return " " in plain and any(f == fold(f) for f in forms)


@lru_cache(maxsize=8)
def gazetteer_for(languages: frozenset[str]) -> Gazetteer:
    """The gazetteer for a set of languages, built once and cached."""
    return Gazetteer(sorted(languages))
