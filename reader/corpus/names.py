"""Names in cased scripts (Latin, also Cyrillic and Greek) in running text of any script, and
how a corpus writes its words.

A name unit is a capitalised word, an acronym, CamelCase or a name with a lower-case start
(`iFlyTek`), optionally glued by hyphens (`GPT-4`, `Jae-yong`). Units separated by single
spaces or connector words (`of`, `de`) form runs. Regular expressions do the scanning, so a
document costs a few passes in C rather than a Python loop per word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from operator import itemgetter
from typing import NamedTuple

import icu

from reader.corpus.text import UNSPACED_SCRIPTS, Utf16Map, match_key


def _ranges_class(pattern: str) -> str:
    """A regex character class body for the BMP characters above ASCII in an ICU set pattern."""
    chars = icu.UnicodeSet(pattern)
    out: list[str] = []
    for i in range(chars.getRangeCount()):
        start, end = ord(chars.getRangeStart(i)), ord(chars.getRangeEnd(i))
        start, end = max(start, 0x80), min(end, 0xFFFF)
        if start > end:
            continue
        out.append(f"\\u{start:04x}" if start == end else f"\\u{start:04x}-\\u{end:04x}")
    return "".join(out)


@cache
def _classes() -> dict[str, str]:
    """Upper- and lower-case letters of the cased scripts (Latin, Cyrillic, Greek...), marks."""
    return {
        "LU": "A-Z" + _ranges_class("[[:Lu:][:Lt:]]"),
        "LL": "a-z" + _ranges_class("[:Ll:]"),
        "M": _ranges_class("[:M:]"),
    }


_C = _classes()
LU, LL, MARKS = _C["LU"], _C["LL"], _C["M"]
WORD = rf"\w{MARKS}"  # letters, digits and combining marks of any script
CASED = LU + LL

# A word that can be (part of) a name, then hyphen-glued parts: GPT-4, Gen-2, Jae-yong, GPT-3.5.
_NAMEY = (
    rf"[{LU}][{CASED}\d{MARKS}]*"  # Capitalised, ACRONYM, CamelCase
    rf"|[{LL}]+[{LU}\d][{CASED}\d{MARKS}]*"  # iFlyTek, eBay, o1
    rf"|\d+[{CASED}]*[{LU}][{CASED}\d{MARKS}]*"  # 36Kr, 5G
)
# Only cased letters, digits and marks continue a name: `CamryやRAV4` holds two names.
_LATIN_WORD = rf"{CASED}\d{MARKS}"


@cache
def _unit() -> re.Pattern[str]:
    """A name unit (compiled when first used: 40 ms, which every import paid before).

    `_NAMEY` written so that the pattern starts with one character class: `re` then skips
    ahead in C to a capital, a lower-case letter or a digit (a pattern that starts with the
    word-start check is tried at every character). Its first character is taken, the check
    looks behind it, and the branch of `_NAMEY` that starts with that kind of character goes
    on (the three start with disjoint classes, so the matches are the same)."""
    return re.compile(
        rf"[{LU}{LL}\d](?<![{_LATIN_WORD}].)"
        rf"(?:(?<=[{LU}])[{CASED}\d{MARKS}]*"
        rf"|(?<=[{LL}])[{LL}]*[{LU}\d][{CASED}\d{MARKS}]*"
        rf"|(?<=\d)\d*[{CASED}]*[{LU}][{CASED}\d{MARKS}]*)"
        rf"(?:['’][{LU}][{_LATIN_WORD}]*)?"
        rf"(?:-[{_LATIN_WORD}]+(?:\.\d+)?)*(?![{_LATIN_WORD}])"
    )


_DIGIT = re.compile(r"\d")
_WORDS = re.compile(rf"[{WORD}]+")


@cache
def _lower_words() -> re.Pattern[str]:
    """Each lower-case word, and the lower-case word after it when one follows after a single
    space (else ""): the words and their pairs in one pass (compiled when first used). The
    word-start check comes after the first letter so that `re` can skip ahead fast."""
    return re.compile(rf"([{LL}](?<![{WORD}].)[{WORD}]*)(?: (?=([{LL}][{WORD}]*)))?")


_NEXT_LOWER = re.compile(rf" ([{LL}][{WORD}]*)")

# Lower-case words that may join two capitalised words into one name ("Bank of China").
_CONNECTOR_WORDS = "of de da do dos das del della di du des van von der den la le y al bin"
CONNECTORS = frozenset(_CONNECTOR_WORDS.split(" "))


def _connects(gap: str) -> bool:
    """One to three connector words between single spaces: ` de `, ` von der `."""
    if len(gap) > 16 or gap[:1] != " " or gap[-1:] != " ":
        return False
    words = gap[1:-1].split(" ")
    return len(words) <= 3 and all(w in CONNECTORS for w in words)


_SKIP_BACK = frozenset(" \t\"“”„«»‘’'([{—–-*•·")
SENTENCE_END = frozenset(".!?…:;។៕।॥။።。！？\n")


class Unit(NamedTuple):
    """One name word (with hyphen-glued parts): `[start, end)` and whether it starts a clause
    (a tuple: a document has hundreds)."""

    start: int
    end: int
    text: str
    initial: bool
    distinctive: bool = False  # inner capitals or digits, unlike ordinary words: iFlyTek, o1


def is_distinctive(word: str) -> bool:
    """Written in a way ordinary words are not: inner capitals or digits (`iFlyTek`, `o1`)."""
    rest = word[1:]
    return rest != rest.lower() or _DIGIT.search(word) is not None


# Abbreviations that end with a dot inside a name (`St. Petersburg`, `Mt. Everest`).
NAME_ABBREVIATIONS = frozenset({"St", "Mt", "Ft", "Pt"})


def _abbreviation_before(text: str, dot: int) -> bool:
    return (
        dot >= 2
        and text[dot - 1] == "t"
        and text[dot - 2 : dot] in NAME_ABBREVIATIONS
        and (dot == 2 or not text[dot - 3].isalpha())
    )


def is_initial(text: str, pos: int, floor: int = 0) -> bool:
    """Whether `pos` starts a sentence or clause (after `.`, `:`, a line break, or nothing);
    not after the dot of `St.`."""
    j = pos - 1
    while j >= floor and text[j] in _SKIP_BACK:
        j -= 1
    if j >= floor and text[j] == "." and _abbreviation_before(text, j):
        return False
    return j < floor or text[j] in SENTENCE_END


def name_units(text: str, start: int, end: int) -> list[Unit]:
    """Name units of `text[start:end]`; a possessive `'s` is left out."""
    out = []
    append, make = out.append, Unit._make
    for m in _unit().finditer(text, start, end):
        s, e = m.span()
        word = text[s:e]
        rest = word[1:]
        distinctive = rest != rest.lower() or (
            not word.isalpha() and _DIGIT.search(word) is not None
        )  # `is_distinctive`, inline: a document has hundreds
        append(make((s, e, word, is_initial(text, s, start), distinctive)))
    return out


def name_runs(text: str, units: list[Unit]) -> list[list[Unit]]:
    """Units joined into runs by single spaces or connector words, never across a clause start."""
    runs: list[list[Unit]] = []
    for unit in units:
        if runs and not unit.initial:
            gap = text[runs[-1][-1].end : unit.start]
            if (
                gap == " "
                or _connects(gap)
                or (gap == ". " and runs[-1][-1].text in NAME_ABBREVIATIONS)
            ):
                runs[-1].append(unit)
                continue
        runs.append([unit])
    return runs


@lru_cache(maxsize=64)
def _word_breaker(language: str) -> icu.BreakIterator:
    return icu.BreakIterator.createWordInstance(icu.Locale(language or "und"))


def word_segments(
    text: str, language: str, script: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """Segments of `text[start:end]` between word breaks, as `[start, end)` pairs.

    Scripts written without spaces (Khmer, Thai, Chinese...) use ICU's dictionary-based word
    breaker, so the segments include spaces and punctuation; others get their words only.
    """
    end = len(text) if end is None else end
    if script not in UNSPACED_SCRIPTS:
        return [m.span() for m in _WORDS.finditer(text, start, end)]
    piece = text[start:end]
    bi = _word_breaker(language)
    bi.setText(piece)
    bounds = [0, *bi]
    if len(piece.encode("utf-16-le")) != 2 * len(piece):  # astral characters: convert offsets
        conv = Utf16Map(piece)
        bounds = [conv.to_cp(b) for b in bounds]
    return [(start + a, start + b) for a, b in pairwise(bounds)]


@dataclass(slots=True)
class Vocabulary:
    """How a set of documents (one language) writes words: lower case, or capitalised."""

    lower: Counter[str] = field(default_factory=Counter)
    capital: Counter[str] = field(default_factory=Counter)
    lower_pairs: set[tuple[str, str]] = field(default_factory=set)  # ("đại", "học")
    mid_keys: set[str] = field(default_factory=set)  # name keys seen capitalised mid-sentence
    initial_alone: set[str] = field(default_factory=set)  # "Dù", "Tuy": start, then lower case

    def add_text(self, text: str, start: int, end: int, units: list[Unit]) -> None:
        """Count the words of `text[start:end]`, whose name units are `units`."""
        found = _lower_words().findall(text, start, end)
        self.lower.update(map(itemgetter(0), found))
        self.lower_pairs.update(filter(itemgetter(1), found))
        for u in units:
            if not u.initial:
                self.capital[u.text.lower()] += 1
                self.mid_keys.add(match_key(u.text))
            elif _NEXT_LOWER.match(text, u.end):
                self.initial_alone.add(u.text)

    def ordinary(self, word: str) -> bool:
        """A word more often written in lower case than capitalised mid-sentence."""
        low = word.lower()
        n = self.lower.get(low, 0)
        return n > 0 and n >= self.capital.get(low, 0)

    def starts_phrase(self, text: str, unit: Unit) -> bool:
        """A capitalised first word of a common phrase: `Đại học` where `đại học` occurs."""
        m = _NEXT_LOWER.match(text, unit.end)
        return m is not None and (unit.text.lower(), m.group(1)) in self.lower_pairs
