"""Multilingual text primitives on PyICU: scripts, word and sentence breaks, matching keys.

ICU counts UTF-16 units; everything here returns code point offsets of Python strings.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import pairwise

import icu

WORD_NONE_LIMIT = 100  # ICU rule status below this: spaces and punctuation
WORD_NUMBER_LIMIT = 200  # [100, 200): numbers; above: letters, kana, ideographs

# Scripts whose sentence terminators ICU's default rules may not treat as sentence ends.
_EXTRA_TERMINATORS = "។៕။၊။።፧፨।॥"
_EXTRA_SENTENCE_END = re.compile(rf"[{_EXTRA_TERMINATORS}]+[\s\u200b]*")

# Scripts written without spaces between words (ICU segments them with dictionaries).
UNSPACED_SCRIPTS = frozenset({"Khmr", "Thai", "Laoo", "Mymr", "Hani", "Hira", "Kana", "Jpan"})


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Converts ICU UTF-16 offsets of one string to Python code point offsets."""

    __slots__ = ("_astral",)

    def __init__(self, text: str) -> None:
        # UTF-16 offsets just after each astral character; empty for BMP-only text.
        if text.isascii() or not _ASTRAL.search(text):
            self._astral: list[int] = []
        else:
            self._astral = [m.start() + k for k, m in enumerate(_ASTRAL.finditer(text), 1)]

    def to_cp(self, u16: int) -> int:
        """Code point offset of a UTF-16 offset (which must fall on a character boundary)."""
        if not self._astral:
            return u16
        return u16 - bisect_right(self._astral, u16)


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (what Qt and ICU count)."""
    return len(text) + len(_ASTRAL.findall(text))


def cp_to_utf16(text: str, offset: int) -> int:
    """UTF-16 offset of code point `offset` of `text`."""
    return offset + len(_ASTRAL.findall(text, 0, offset))


def utf16_to_cp(text: str, offset: int) -> int:
    """Code point offset of UTF-16 `offset` of `text`."""
    return Utf16Map(text).to_cp(offset)


@cache
def _locale(tag: str) -> icu.Locale:
    return icu.Locale(tag or "und")


def _iter_breaks(bi: icu.BreakIterator, text: str) -> Iterator[tuple[int, int, int]]:
    """Yield (start, end, rule status) in code points for each segment of `text`."""
    bi.setText(text)
    conv = Utf16Map(text)
    start = bi.first()
    for end in bi:
        yield conv.to_cp(start), conv.to_cp(end), bi.getRuleStatus()
        start = end


@lru_cache(maxsize=32)
def _word_iterator(tag: str) -> icu.BreakIterator:
    return icu.BreakIterator.createWordInstance(_locale(tag))


@lru_cache(maxsize=32)
def _sentence_iterator(tag: str) -> icu.BreakIterator:
    return icu.BreakIterator.createSentenceInstance(_locale(tag))


def word_spans(text: str, language: str = "") -> list[tuple[int, int]]:
    """Spans of the words and numbers of `text` (no spaces or punctuation)."""
    bi = _word_iterator(language)
    return [(s, e) for s, e, status in _iter_breaks(bi, text) if status >= WORD_NONE_LIMIT]


def word_spans_with_kind(text: str, language: str = "") -> list[tuple[int, int, str]]:
    """Word spans with a kind: `number` or `word`."""
    bi = _word_iterator(language)
    out: list[tuple[int, int, str]] = []
    for s, e, status in _iter_breaks(bi, text):
        if status >= WORD_NONE_LIMIT:
            out.append((s, e, "number" if status < WORD_NUMBER_LIMIT else "word"))
    return out


def sentence_spans(text: str, language: str = "") -> list[tuple[int, int]]:
    """Sentence spans of `text`, white space trimmed; also ends Khmer `។`-style sentences."""
    bi = _sentence_iterator(language)
    bi.setText(text)
    bounds = [bi.first(), *bi]  # all boundaries in one C-level iteration
    if not text.isascii() and _ASTRAL.search(text):
        bounds = list(map(Utf16Map(text).to_cp, bounds))
    spans = list(pairwise(bounds))
    if not text.isascii() and _EXTRA_SENTENCE_END.search(text):
        spans = [part for s, e in spans for part in _split_extra_terminators(text, s, e)]
    out = []
    for s, e in spans:
        piece = text[s:e]
        kept = piece.strip()
        if kept:
            start = s + len(piece) - len(piece.lstrip())
            out.append((start, start + len(kept)))
    return out


def _split_extra_terminators(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in _EXTRA_SENTENCE_END.finditer(text, start, end):
        if m.end() < end and text[m.end() : end].strip():
            out.append((pos, m.end()))
            pos = m.end()
    out.append((pos, end))
    return out


@cache
def script_of_char(ch: str) -> str:
    """ISO 15924 code of one character's script (`Zyyy` common, `Zinh` inherited)."""
    return icu.Script.getScript(ch).getShortName()


def script_counts(text: str, limit: int = 20000) -> Counter[str]:
    """How many letters of each script `text` has (first `limit` characters)."""
    counts: Counter[str] = Counter()
    # Distinct characters in order of first occurrence, so scripts keep that order too.
    for ch, n in Counter(text[:limit]).items():
        if ch.isalpha():
            sc = script_of_char(ch)
            if sc not in ("Zyyy", "Zinh", "Zzzz"):
                counts[sc] += n
    return counts


def dominant_script(text: str) -> str:
    """The script most letters of `text` are in; `Zyyy` when there are none.

    Japanese (kana with Han) is `Jpan`; Korean (Hangul with Han) is `Kore`.
    """
    # Most texts have letters of one script: then no counting is needed (a set is cheaper).
    scripts = {script_of_char(ch) for ch in set(text[:20000]) if ch.isalpha()}
    scripts -= {"Zyyy", "Zinh", "Zzzz"}
    if not scripts:
        return "Zyyy"
    if len(scripts) == 1 and not scripts & {"Hira", "Kana", "Hani", "Hang"}:
        return scripts.pop()
    counts = script_counts(text)
    if not counts:
        return "Zyyy"
    kana = counts.get("Hira", 0) + counts.get("Kana", 0)
    if kana and kana + counts.get("Hani", 0) >= max(counts.values()):
        return "Jpan"
    if counts.get("Hang", 0) and counts.get("Hang", 0) + counts.get("Hani", 0) >= max(
        counts.values()
    ):
        return "Kore"
    # Latin names inside Khmer or Thai text should not outvote the text's own script.
    nonlatin = {k: v for k, v in counts.items() if k != "Latn"}
    if nonlatin:
        top, n = max(nonlatin.items(), key=lambda kv: kv[1])
        if n >= 0.3 * counts.get("Latn", 0):
            return top
    return counts.most_common(1)[0][0]


@cache
def _to_latin() -> icu.Transliterator:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def nfc(text: str) -> str:
    """NFC normal form."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def match_key(surface: str) -> str:
    """Cross-script matching key: NFKC, case fold, transliterated to ASCII where ICU has a rule.

    `Trung Quốc` and `trung quoc` share a key; scripts without a Latin rule keep their letters.
    """
    folded = unicodedata.normalize("NFKC", surface).casefold()
    latin = _to_latin().transliterate(folded)
    latin = re.sub(r"\s+", " ", latin).strip()
    return latin.casefold()


def fold_key(surface: str) -> str:
    """Case- and diacritic-insensitive key that keeps the script (for search)."""
    decomposed = unicodedata.normalize("NFKD", surface.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d"))


# --- grapheme clusters (selections) ---------------------------------------------------------

# Signs that join the next consonant to the cluster before them (Khmer coeng, Myanmar virama):
# ICU's extended grapheme clusters end after them, readers do not.
CLUSTER_JOINERS = "\u17d2\u1039"
_CLUSTER_WINDOW = 48  # code points looked at around an offset (longer clusters are not real)


@cache
def _character_iterator() -> icu.BreakIterator:
    return icu.BreakIterator.createCharacterInstance(icu.Locale.getRoot())


def _cluster_edge(text: str, i: int, forward: bool) -> int:
    """The grapheme-cluster boundary at or before (or after, `forward`) offset `i`."""
    while 0 < i < len(text):
        lo = max(0, i - _CLUSTER_WINDOW)
        window = text[lo : i + _CLUSTER_WINDOW]
        bi = _character_iterator()
        bi.setText(window)
        u = cp_to_utf16(window, i - lo)
        if not bi.isBoundary(u):
            u = bi.following(u) if forward else bi.preceding(u)
            i = lo + utf16_to_cp(window, u)
        if 0 < i < len(text) and text[i - 1] in CLUSTER_JOINERS:
            i += 1 if forward else -1  # the joined consonant belongs to this cluster
            continue
        break
    return max(0, min(i, len(text)))


def snap_to_graphemes(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` widened to whole user-perceived characters: a selection never splits a
    letter from its combining marks, an emoji sequence, or a Khmer or Myanmar consonant
    stack (ICU extended grapheme clusters, joined across coeng and virama)."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if start > end:
        start, end = end, start
    return _cluster_edge(text, start, False), _cluster_edge(text, end, True)
