"""Search words: the folded ICU words of a passage (its *shadow text*) and what they map to.

The shadow text of a passage is its ICU words, each folded to a search key, joined by single
spaces; the k-th token belongs to the k-th span of the passage (code points of the reading
text). Scripts written without spaces are segmented by ICU's dictionaries; a word of such a
script is also findable from a letter-cluster boundary inside it (`inner_suffixes`). Folding
ignores case and the accents of Latin, Greek and Cyrillic (`đ` -> `d`); elsewhere marks change
the letter and are kept. `reader.corpus.search` parses queries and finds hits on these.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import icu

from reader.corpus.model import Document, Passage
from reader.corpus.text import (
    _ASTRAL,
    UNSPACED_SCRIPTS,
    WORD_NONE_LIMIT,
    Utf16Map,
    script_of_char,
)

# Scripts whose combining marks are accents to ignore; elsewhere (Khmer coeng, Thai tone marks,
# Japanese dakuten) marks change the letter and are kept.
_ACCENTED_SCRIPTS = frozenset({"Latn", "Grek", "Cyrl"})
# Letters with a stroke that Unicode does not decompose into letter + mark.
_STROKE_LETTERS = str.maketrans(
    {"đ": "d", "ø": "o", "ł": "l", "ħ": "h", "ŧ": "t", "ı": "i", "ƀ": "b", "ɨ": "i", "ʉ": "u"}
)
# Characters dropped from tokens: controls, format characters (ZWSP, ZWJ), separators.
_NOT_TOKEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp"})

#: The FTS5 tokenizer for shadow texts: split on spaces only, keep marks and punctuation inside
#: a token, so each shadow token is exactly one FTS5 token.
FTS_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co'"

CONTEXT_CHARS = 60
_JOINERS = frozenset("\u17d2\u1039\u200d")  # Khmer coeng, Burmese virama, ZWJ


def _clean(token: str) -> str:
    """`token` without control, format and separator characters."""
    if token.isprintable() and " " not in token:
        return token
    return "".join(ch for ch in token if unicodedata.category(ch) not in _NOT_TOKEN_CATEGORIES)


@lru_cache(maxsize=262144)
def fold_token(token: str) -> str:
    """Search key of one word: NFKC, case-folded, accents of Latin, Greek and Cyrillic removed.

    `Quốc` -> `quoc`, `Đà` -> `da`, `ÁGUA` -> `agua`; `ឆ្នាំ` and `が` keep their marks.
    """
    decomposed = unicodedata.normalize("NFKD", token.casefold())
    if decomposed.isascii():
        return _clean(decomposed)
    out: list[str] = []
    base_script = ""
    for ch in decomposed:
        if unicodedata.combining(ch):
            if base_script in _ACCENTED_SCRIPTS:
                continue
        else:
            base_script = script_of_char(ch)
        out.append(ch)
    return _clean(unicodedata.normalize("NFC", "".join(out)).translate(_STROKE_LETTERS))


class _FoldedWords(dict):
    """Search keys of the words met so far (`fold_token`), looked up by subscript: a third of
    the cost of the cache of `fold_token` per word (it keeps an order of use). Emptied when it
    holds `FOLDED_MAX` words."""

    def __missing__(self, token: str) -> str:
        if len(self) >= FOLDED_MAX:
            self.clear()
        key = self[token] = fold_token.__wrapped__(token)  # held here, not in both caches
        return key


FOLDED_MAX = 262144
_FOLDED = _FoldedWords()


@lru_cache(maxsize=65536)
def exact_token(token: str) -> str:
    """Key of one word for exact matching: NFC, control and format characters removed."""
    return _clean(unicodedata.normalize("NFC", token))


@dataclass(slots=True)
class Shadow:
    """The searchable form of one passage: folded tokens and their spans in the reading text."""

    passage: int
    tokens: list[str]
    spans: list[tuple[int, int]]

    @property
    def text(self) -> str:
        """Tokens joined by single spaces (what the FTS5 table indexes)."""
        return " ".join(self.tokens)

    @property
    def inner_text(self) -> str:
        """Inner suffixes of the unspaced-script words, space-separated (see `inner_suffixes`)."""
        return " ".join(filter(None, map(_inner_of, self.tokens)))


def is_unspaced(token: str) -> bool:
    """Whether `token` is a word of a script written without spaces (Khmer, Thai, CJK...)."""
    # Every unspaced script lies above U+0E00 (Thai); most tokens are answered by that test.
    return bool(token) and token[0] >= "\u0e00" and script_of_char(token[0]) in UNSPACED_SCRIPTS


@lru_cache(maxsize=131072)
def _inner_of(token: str) -> str:
    """The inner suffixes of one word, space-separated ("" for a word of a spaced script)."""
    return " ".join(inner_suffixes(token)) if is_unspaced(token) else ""


_MARK_CACHE: dict[str, bool] = {}


def _is_mark(ch: str) -> bool:
    mark = _MARK_CACHE.get(ch)
    if mark is None:
        mark = _MARK_CACHE[ch] = unicodedata.category(ch).startswith("M")
    return mark


def is_cluster_boundary(token: str, i: int) -> bool:
    """Whether position `i` of `token` starts a letter cluster (not a mark, not after a coeng)."""
    if i <= 0 or i >= len(token):
        return True
    return not _is_mark(token[i]) and token[i - 1] not in _JOINERS


@lru_cache(maxsize=131072)
def inner_suffixes(token: str) -> tuple[str, ...]:
    """The suffixes of `token` that start at a letter cluster inside it.

    ICU's dictionaries keep compounds such as `ទន្លេមេគង្គ` (Mekong river) as one word; with its
    inner suffixes in the index, a search for `មេគង្គ` finds it too.
    """
    joiners, cache = _JOINERS, _MARK_CACHE
    out = []
    previous = token[0] if token else ""
    for i in range(1, len(token)):
        ch = token[i]
        mark = cache.get(ch)
        if mark is None:
            mark = _is_mark(ch)
        if not mark and previous not in joiners:
            out.append(token[i:])
        previous = ch
    return tuple(out)


@lru_cache(maxsize=16)
def _word_iterator(language: str) -> icu.BreakIterator:
    return icu.BreakIterator.createWordInstance(icu.Locale(language or "und"))


def text_tokens(text: str, language: str = "", offset: int = 0) -> list[tuple[str, int, int]]:
    """Folded tokens of `text` with their spans (shifted by `offset`); empty tokens dropped.

    The words are those of `reader.corpus.text.word_spans` (ICU rule status: words and
    numbers), found here in one pass without per-word overhead.
    """
    bi = _word_iterator(language)
    bi.setText(text)
    to_cp = Utf16Map(text).to_cp if utf16_len_differs(text) else None
    out = []
    start = bi.first()
    for end in bi:
        if bi.getRuleStatus() >= WORD_NONE_LIMIT:
            s, e = (to_cp(start), to_cp(end)) if to_cp else (start, end)
            key = fold_token(text[s:e])
            if key:
                out.append((key, s + offset, e + offset))
        start = end
    return out


def utf16_len_differs(text: str) -> bool:
    """Whether `text` has characters outside the BMP (ICU offsets then differ from Python's)."""
    # One C-level regex scan (`max(text)` compared every character as a string: 0.1 ms a page).
    return not text.isascii() and _ASTRAL.search(text) is not None


def document_shadows(doc: Document) -> list[Shadow]:
    """One Shadow per passage of `doc` (same order), from one word-break pass over its text."""
    return passage_shadows(doc.text, doc.passages, doc.language)


def passage_shadows(text: str, passages: Sequence[Passage], language: str) -> list[Shadow]:
    """Shadows of `passages` of `text`; words outside every passage are not searchable.

    One word-break pass over the whole text finds its words (a compiled regex giving ICU's
    words for spaced scripts measured no faster: the ICU loop is ~0.2 ms a document, the
    folding and filing of the words the rest); each word goes to the passage that holds it.
    """
    shadows = [Shadow(p.index, [], []) for p in passages]
    if not passages:
        return shadows
    spans = icu_word_spans(text, language)
    order = sorted(range(len(passages)), key=lambda i: passages[i].start)
    if all(passages[a].end <= passages[b].start for a, b in pairwise(order)):
        _fill_disjoint(text, spans, [passages[i] for i in order], [shadows[i] for i in order])
    else:
        _fill(text, spans, [passages[i] for i in order], [shadows[i] for i in order])
    return shadows


def _fill_disjoint(
    text: str, spans: list[tuple[int, int]], passages: list[Passage], shadows: list[Shadow]
) -> None:
    """Put each word into the passage that holds it whole (passages in order, not overlapping)."""
    folded = _FOLDED
    starts = [s for s, _ in spans]
    for p, sh in zip(passages, shadows, strict=True):
        i, j = bisect_left(starts, p.start), bisect_left(starts, p.end)
        inside = spans[i:j]
        while inside and inside[-1][1] > p.end:
            inside.pop()  # a word that goes on past the passage's end
        tokens = [folded[text[s:e]] for s, e in inside]
        if "" in tokens:  # a word of format characters only: not a token
            inside = [span for span, tok in zip(inside, tokens, strict=True) if tok]
            tokens = [tok for tok in tokens if tok]
        sh.tokens, sh.spans = tokens, inside


def _fill(
    text: str, spans: list[tuple[int, int]], passages: list[Passage], shadows: list[Shadow]
) -> None:
    """Like `_fill_disjoint` for passages that overlap: a word goes to the first passage (in
    order of start) that does not end before it, when that passage holds it whole."""
    k, n = 0, len(passages)
    p, sh = passages[0], shadows[0]
    for s, e in spans:
        while p.end <= s:
            k += 1
            if k == n:
                return
            p, sh = passages[k], shadows[k]
        if p.start <= s and e <= p.end:
            key = fold_token(text[s:e])
            if key:
                sh.tokens.append(key)
                sh.spans.append((s, e))


def icu_word_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Spans (code points) of ICU's words and numbers of `text` (rule status word or number)."""
    bi = _word_iterator(language)
    bi.setText(text)
    to_cp = Utf16Map(text).to_cp if utf16_len_differs(text) else None
    status, limit = bi.getRuleStatus, WORD_NONE_LIMIT
    out = []
    start = bi.first()
    if to_cp is None:
        for end in bi:
            if status() >= limit:
                out.append((start, end))
            start = end
        return out
    for end in bi:
        if status() >= limit:
            out.append((to_cp(start), to_cp(end)))
        start = end
    return out


@lru_cache(maxsize=1)
def _unspaced_letters() -> icu.UnicodeSet:
    scripts = "".join(f"[:{sc}:]" for sc in sorted(UNSPACED_SCRIPTS) if sc != "Jpan")
    found = icu.UnicodeSet(f"[{scripts}]")
    found.freeze()
    return found


def has_unspaced(text: str) -> bool:
    """Whether `text` has a letter of a script written without spaces (one C-level scan)."""
    return not text.isascii() and not _unspaced_letters().containsNone(text)
