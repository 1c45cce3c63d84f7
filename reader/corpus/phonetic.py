"""Phonetic keys that make a name and its transliteration in another script comparable.

A name is first written in Latin letters: ICU's own transliterators for Han (pinyin: 特朗普 ->
`te lang pu`), Thai (ISO 11940: ทรัมป์ -> `thramp`), Cyrillic, Arabic, Devanagari, Hangul
and kana; Khmer, which ICU cannot romanise, through the table in `khmer_latin.py`. The Latin
form is then reduced to a skeleton of sound classes: `P` (p b f v), `T` (t d), `K` (k g hard
c q), `S` (s z soft c x j ch sh), `L` (l r), `N` (m n ng), `W` (w) and `V` for a run of
vowels; h is dropped. `similarity` compares two skeletons with an edit distance in which
the changes transliteration makes are cheap: added or dropped vowels (epenthesis: `Trump` ->
`te lang pu`), a dropped final consonant, a dropped `r`/`l`, and voicing (already one class).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

import icu

from reader.corpus.khmer_latin import khmer_to_latin

# ICU transliterators by ISO 15924 script (the Latin side needs none).
_ICU_RULES = {
    "Hani": "Han-Latin",
    "Thai": "Thai-Latin",
    "Cyrl": "Cyrillic-Latin",
    "Arab": "Arabic-Latin",
    "Deva": "Devanagari-Latin",
    "Hang": "Hangul-Latin",
    "Kore": "Hangul-Latin",
    "Kana": "Katakana-Latin",
    "Hira": "Hiragana-Latin",
    "Jpan": "Any-Latin",
    "Grek": "Greek-Latin",
}
PHONETIC_SCRIPTS = frozenset(_ICU_RULES) | {"Khmr"}

# Pinyin spells its sounds its own way: q, x, j, zh, ch are affricates or sibilants, c and z `ts`.
_PINYIN = [("zh", "j"), ("ch", "j"), ("sh", "s"), ("q", "j"), ("x", "s"), ("c", "s"), ("z", "s")]
# ISO 11940 (ICU Thai-Latin) writes อ as `x`, a vowel carrier, and จ as `c` (a `j`).
_THAI = [("x", "o"), ("ʹ", ""), ("̒", "")]
_THAI_C = re.compile(r"c(?!h)")

_DIGRAPHS = [
    ("ng", "N"), ("sh", "S"), ("ch", "S"), ("zh", "S"), ("th", "T"), ("dh", "T"),
    ("ph", "P"), ("kh", "K"), ("gh", "K"), ("ck", "K"), ("qu", "K"), ("ts", "S"), ("tz", "S"),
]  # fmt: skip
_DIGRAPH_CLASS = dict(_DIGRAPHS)
_SINGLE = {
    **dict.fromkeys("pbfv", "P"),
    **dict.fromkeys("td", "T"),
    **dict.fromkeys("kgq", "K"),
    **dict.fromkeys("szjx", "S"),
    **dict.fromkeys("lr", "L"),
    **dict.fromkeys("mn", "N"),
    "w": "W",
    **dict.fromkeys("aeiouy", "V"),
}
_SOFT_C = re.compile(r"c(?=[eiy])")
_HARD_C = re.compile(r"c(?![hkz])")
_NON_LETTER = re.compile(r"[^a-z]+")


@cache
def _transliterator(rule: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(f"{rule}; Latin-ASCII")


@lru_cache(maxsize=131072)
def latin_form(text: str, script: str) -> str:
    """`text` in lower-case ASCII letters, by the rule for its script (Latin text as it is)."""
    if script == "Khmr":
        latin = khmer_to_latin(text)
    elif script in _ICU_RULES:
        latin = _transliterator(_ICU_RULES[script]).transliterate(text)
        if script == "Hani":
            latin = latin.lower()
            for a, b in _PINYIN:
                latin = latin.replace(a, b)
        elif script == "Thai":
            for a, b in _THAI:
                latin = latin.replace(a, b)
            latin = _THAI_C.sub("j", latin)
    else:
        latin = _transliterator("Any-Latin").transliterate(text)
    decomposed = unicodedata.normalize("NFKD", latin.lower())
    return "".join(c for c in decomposed if c.isascii())


@lru_cache(maxsize=131072)
def skeleton(latin: str) -> str:
    """The sound-class skeleton of lower-case Latin letters (`trump` -> `TLVNP`)."""
    word = _HARD_C.sub("k", _SOFT_C.sub("s", _NON_LETTER.sub("", latin)))
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        cls = _DIGRAPH_CLASS.get(word[i : i + 2])
        if cls is not None:
            i += 2
        else:
            cls = _SINGLE.get(word[i], "")
            i += 1
        if cls and not (out and out[-1] == cls):  # doubled letters and vowel runs count once
            out.append(cls)
    return "".join(out)


@lru_cache(maxsize=262144)
def phonetic_key(text: str, script: str) -> str:
    """The skeleton of a name written in `script` (ISO 15924)."""
    if script == "Hani":
        syllables = _han_syllables(text)
        if syllables is not None:
            return skeleton(syllables)
    elif script == "Thai":
        letters = _thai_letters(text)
        if letters is not None:
            return skeleton(letters)
    return skeleton(latin_form(text, script))


# ICU's Han-Latin reads each Han character on its own (`::Han-Spacedhan` then one rule per set
# of characters), except a few before a given neighbour (藏文 zàng wén, 重庆, 秘鲁 in ICU 7x).
# Pinyin spellings do not change across syllables either (`_PINYIN` never spans one), so a run
# of other Han characters has the letters of its characters' readings: the same skeleton, at a
# fraction of the cost (ICU spends about 15 µs a character, and runs overlap).
_PLAIN_RULE = re.compile(r"\[[^\]{}']+\] > [^\s;{}']+;")
_CONTEXT_RULE = re.compile(r"\{(.)\}' '\?(.) > [^\s;{}']+;")


@cache
def _han_in_context() -> frozenset[str] | None:
    """The characters ICU's Han-Latin may read by a neighbour (with the neighbours); None when
    its rules are not of the two kinds above (then every run goes through ICU)."""
    out: set[str] = set()
    for line in icu.Transliterator.createInstance("Han-Latin").toRules(False).splitlines():
        if line == "::Han-Spacedhan();" or _PLAIN_RULE.fullmatch(line):
            continue
        found = _CONTEXT_RULE.fullmatch(line)
        if found is None:
            return None
        out.update(found.groups())
    return frozenset(out)


def _han_syllables(text: str) -> str | None:
    """The readings of a run of Han characters, one by one (nothing for a mark between
    them); None when any character is neither one that ICU reads on its own as letters nor
    a mark that it leaves without letters."""
    out = []
    for c in text:
        syllable = _han_syllable(c)
        if syllable is None:
            return None
        out.append(syllable)
    return " ".join(out)


@lru_cache(maxsize=65536)
def _han_syllable(c: str) -> str | None:
    special = _han_in_context()
    if special is None or c in special:
        return None
    latin = latin_form(c, "Hani")
    if not c.isalnum() and not any(x.isalpha() for x in latin):
        return ""  # the middle dot of `索·达拉`: ICU keeps it, and it is no letter
    return latin if latin.isascii() and latin.isalpha() else None


# ICU's Thai-Latin, read from its own rules: word breaks (spaces, which `skeleton` ignores),
# then a preposed vowel (เ แ โ ใ ไ) swapped with the Thai letter after it, then one rule per
# character. So a run's skeleton is that of its characters' readings in that order, without
# the cost of ICU (about 11 µs a run). `ThaiLogical-Latin` writes จ `c`, which `latin_form`
# makes `j` unless an h follows: `c`+`h` and `j`+`h` have the same skeleton.
_THAI_LATIN = "::NFD;\n::Thai-ThaiSemi;\n::Any-BreakInternal;\n::Thai-ThaiLogical;\n"
_THAI_LATIN += "::ThaiLogical-Latin;\n::NFC;"
_THAI_SET = "[[:Thai:]ก-ฺเ-๛]"
_THAI_SWAP = (
    f"([[:Logical_Order_Exception:]&{_THAI_SET}])([{_THAI_SET}-[[:Logical_Order_Exception:]&"
    f"{_THAI_SET}]]) > $2 $1 ;"
)
_THAI_RULE = re.compile(r"(\S) > [^\s;{}$]+;")
_THAI_GAPS = frozenset(" \u200b-\u00b7\u30fb\u2027")  # what may join two words of a run


@cache
def _thai_sets() -> tuple[frozenset[str], frozenset[str]] | None:
    """(Thai letters, preposed vowels) when ICU's Thai-Latin is as described above, else None
    (then every run goes through ICU)."""
    rules = {
        rule: icu.Transliterator.createInstance(rule).toRules(False)
        for rule in ("Thai-Latin", "Thai-ThaiLogical", "ThaiLogical-Latin")
    }
    plain = rules["ThaiLogical-Latin"].splitlines()
    if (
        rules["Thai-Latin"] != _THAI_LATIN
        or rules["Thai-ThaiLogical"] != _THAI_SWAP
        or plain[-1:] != ["::(lower);"]
        or not all(_THAI_RULE.fullmatch(line) for line in plain[:-1])
    ):
        return None
    thai = frozenset(icu.UnicodeSet(_THAI_SET))
    preposed = frozenset(icu.UnicodeSet(f"[[:Logical_Order_Exception:]&{_THAI_SET}]"))
    if any(unicodedata.normalize("NFD", c) != c for c in thai):
        return None
    return thai, preposed


def _thai_letters(text: str) -> str | None:
    """The readings of a run of Thai letters (and word joiners), preposed vowels after the
    letter they precede; None when something else is in it."""
    sets = _thai_sets()
    if sets is None:
        return None
    thai, preposed = sets
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c not in thai:
            if c not in _THAI_GAPS:
                return None
        elif c in preposed and i + 1 < n and text[i + 1] in thai and text[i + 1] not in preposed:
            out.append(latin_form(text[i + 1], "Thai"))
            out.append(latin_form(c, "Thai"))
            i += 1
        else:
            out.append(latin_form(c, "Thai"))
        i += 1
    return "".join(out)


def consonants(key: str) -> int:
    """How many consonant classes a skeleton has."""
    return len(key) - key.count("V")


_VOWEL = 0.3  # an added or dropped vowel (epenthesis)
_FINAL = 0.5  # a consonant dropped at the end
_LIQUID = 0.4  # an r or l dropped anywhere (non-rhotic English, Chinese -er)
_GLIDE = 0.4  # a w added or dropped (`Washington` / 华盛顿 hua sheng dun)
_NEAR = {frozenset("TS"): 0.6, frozenset("KS"): 0.7, frozenset("LN"): 0.7, frozenset("PW"): 0.4}


def _indel(c: str, at_end: bool) -> float:
    if c == "V":
        return _VOWEL
    if c == "W":
        return _GLIDE
    if c == "L":
        return min(_LIQUID, _FINAL) if at_end else _LIQUID
    return _FINAL if at_end else 1.0


def _sub_cost(ca: str, cb: str) -> float:
    if ca == cb:
        return 0.0
    if (ca == "V") != (cb == "V"):
        return 1.0
    return _NEAR.get(frozenset((ca, cb)), 1.0)


@lru_cache(maxsize=262144)
def distance(a: str, b: str, limit: float = float("inf")) -> float:
    """Weighted edit distance between two skeletons (see the module docstring); infinite once
    every partial alignment costs more than `limit`."""
    n, m = len(a), len(b)
    b_indel = [_indel(cb, j == m) for j, cb in enumerate(b, 1)]
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + b_indel[j - 1]
    for i in range(1, n + 1):
        ca = a[i - 1]
        a_indel = _indel(ca, i == n)
        subs = _SUBS.get(ca)
        if subs is None:  # not a class `skeleton` writes
            subs = {cb: _sub_cost(ca, cb) for cb in set(b)}
        left = prev[0] + a_indel
        cur = [left]
        lowest = left
        for j in range(1, m + 1):
            cb = b[j - 1]
            sub = subs.get(cb)
            if sub is None:
                sub = _sub_cost(ca, cb)
            # min(diagonal, up, left), written out: the hot loop
            cost = prev[j - 1] + sub
            up = prev[j] + a_indel
            if up < cost:
                cost = up
            left = left + b_indel[j - 1]
            if left < cost:
                cost = left
            left = cost
            cur.append(cost)
            if cost < lowest:
                lowest = cost
        if lowest > limit:  # costs only add up: no alignment can come back under it
            return float("inf")
        prev = cur
    return prev[m]


@lru_cache(maxsize=262144)
def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """1.0 for the same skeleton, down to 0.0: the distance over the larger consonant count.
    With `floor`, a similarity below it may come back as 0.0 (found sooner)."""
    if a == b:
        return 1.0 if a else 0.0
    scale = max(consonants(a), consonants(b), 1)
    limit = (1.0 - floor) * scale + 1e-9 if floor > 0 else float("inf")
    if _unshared_cost(_class_counts(a), _class_counts(b)) > limit:
        return 0.0
    return max(0.0, 1.0 - distance(a, b, limit) / scale)


def similarities(a: str, keys: Iterable[str], floor: float) -> dict[str, float]:
    """`similarity(a, b, floor)` for each `b` of `keys`: the same figures, in one call (a
    name is compared with many runs, and most end at the class bound)."""
    counts_a = _class_counts(a)
    a0, a1, a2, a3, a4, a5, a6, a7 = counts_a
    w0, w1, w2, w3, w4, w5, w6, w7 = _CLASS_COST
    size_a = len(a) - counts_a[7]
    out = {}
    for b in keys:
        if a == b:
            out[b] = 1.0 if a else 0.0
            continue
        b0, b1, b2, b3, b4, b5, b6, b7 = _class_counts(b)
        scale = max(size_a, len(b) - b7, 1)
        limit = (1.0 - floor) * scale + 1e-9 if floor > 0 else float("inf")
        # `_unshared_cost`: the same sum in the same order
        bound = (
            abs(a0 - b0) * w0 + abs(a1 - b1) * w1 + abs(a2 - b2) * w2 + abs(a3 - b3) * w3
            + abs(a4 - b4) * w4 + abs(a5 - b5) * w5 + abs(a6 - b6) * w6 + abs(a7 - b7) * w7
        )  # fmt: skip
        if bound > limit:
            out[b] = 0.0
        else:
            out[b] = max(0.0, 1.0 - distance(a, b, limit) / scale)
    return out


def _cheapest(cls: str) -> float:
    """The least a sound class costs in `distance` when it is not matched by the same class:
    dropping it (at the end, the cheapest place), or half of its cheapest substitution (the
    other half is the other letter's)."""
    drop = _indel(cls, True)
    subs = [_NEAR.get(frozenset((cls, other)), 1.0) for other in _CLASSES if other != cls]
    return min(drop, min(subs) / 2)


_CLASSES = "PTKSLNWV"  # every class `skeleton` writes (eight: see `_unshared_cost`)
_CLASS_COST = tuple(_cheapest(c) for c in _CLASSES)
# The substitution costs of `distance` between classes, looked up instead of recomputed.
_SUBS = {ca: {cb: _sub_cost(ca, cb) for cb in _CLASSES} for ca in _CLASSES}


@lru_cache(maxsize=131072)
def _class_counts(key: str) -> tuple[int, ...]:
    return tuple(key.count(c) for c in _CLASSES)


def _unshared_cost(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """A lower bound of `distance`: every letter of a class one skeleton has more of than the
    other is dropped or substituted, at no less than its class's cheapest cost."""
    w = _CLASS_COST  # written out: this runs for every pair of keys compared
    return (
        abs(a[0] - b[0]) * w[0] + abs(a[1] - b[1]) * w[1] + abs(a[2] - b[2]) * w[2]
        + abs(a[3] - b[3]) * w[3] + abs(a[4] - b[4]) * w[4] + abs(a[5] - b[5]) * w[5]
        + abs(a[6] - b[6]) * w[6] + abs(a[7] - b[7]) * w[7]
    )  # fmt: skip
