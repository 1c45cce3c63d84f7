"""Search queries, hit finding and snippets (the in-memory search is in memory_search.py).

Full-text search works on a *shadow text* per passage: the passage's ICU words, each folded to a
search key, joined by single spaces. Scripts written without spaces (Khmer, Thai, Lao, Burmese,
Chinese, Japanese) are segmented by ICU's dictionary break iterators, so their words become
separate tokens too. A query goes through the same segmentation and folding, which is what lets
`trung quoc` find `Trung Quốc` and a Khmer word be found inside running Khmer text.

The k-th token of a shadow text belongs to the k-th span of its passage (code points of the
reading text); that list is the offset map from shadow text back to the document.

Query syntax: words separated by spaces must all occur in one passage; `"two words"` is a phrase
(words next to each other, in order); a trailing `*` matches a word prefix (`quo*`). A word of
an unspaced script that ICU segments into several words is matched as a phrase of them, and
also inside a longer word at a letter-cluster boundary (ICU keeps compounds such as
`ទន្លេមេគង្គ` whole; `មេគង្គ` still finds it). Matching is case- and diacritic-insensitive
(accents of Latin, Greek and Cyrillic; `đ` -> `d`) unless `exact` is asked for.

This module knows nothing of SQLite: `reader.store.index` keeps shadow texts in an FTS5 table and
uses the same query and hit functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from reader.corpus.model import Passage
from reader.corpus.search_words import (  # noqa: F401  (re-exported)
    _JOINERS,
    CONTEXT_CHARS,
    FTS_TOKENIZER,
    Shadow,
    _clean,
    document_shadows,
    exact_token,
    fold_token,
    has_unspaced,
    inner_suffixes,
    is_cluster_boundary,
    is_unspaced,
    passage_shadows,
    text_tokens,
    utf16_len_differs,
)
from reader.corpus.text import word_spans


class QueryError(ValueError):
    """A query that cannot be searched (nothing but spaces and punctuation, unbalanced quotes)."""


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One required part of a query: a word, a word prefix, or a phrase of words."""

    tokens: tuple[str, ...]  # folded
    exact: tuple[str, ...]  # NFC, for exact matching
    prefix: bool = False  # the last token matches as a prefix

    inside_words: bool = field(init=False, compare=False)
    """Unspaced-script terms also match inside a longer word (at a letter cluster)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "inside_words", all(is_unspaced(t) for t in self.tokens))

    def fts(self) -> str:
        """The term as an FTS5 query over the `words` (and `inner`) columns."""
        phrase = '"' + " ".join(_fts_quote(t) for t in self.tokens) + '"'
        phrase += "*" if self.prefix else ""
        if not self.inside_words:
            return f"words : {phrase}"
        joined = '"' + _fts_quote("".join(self.tokens)) + '"*'
        # One phrase for the starts of words and the places inside them: FTS5 merges the
        # lists of the terms it matches once, not once a column (a common Khmer name: 3-5 ms
        # of 40 at 100,000 documents), and an inner place weighs half a word's (bm25's
        # column weights) under one rarity, no longer under the rarer rarity of its own.
        return f"(words : {phrase} OR {{words inner}} : {joined})"


def _fts_quote(token: str) -> str:
    return token.replace('"', '""')


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: every term must occur in a passage."""

    text: str
    terms: tuple[Term, ...]
    exact: bool = False

    def fts(self) -> str:
        """FTS5 MATCH expression (exact mode filters the rows it finds afterwards)."""
        return " AND ".join(t.fts() for t in self.terms)


_SPACES = re.compile(r"\s+")
_QUERY_PART = re.compile(r'"([^"]*)"(\*?)|(\S+)')


def parse_query(text: str, language: str = "", exact: bool = False) -> Query:
    """Parse a user query; raise QueryError when it has nothing to search for."""
    if text.count('"') % 2:
        raise QueryError("unbalanced quote in query")
    terms: list[Term] = []
    for m in _QUERY_PART.finditer(text):
        if m.group(3) is not None:
            word = m.group(3)
            prefix = word.endswith("*") and len(word.rstrip("*")) > 0
            term = _term(word.rstrip("*") if prefix else word, language, prefix)
        else:
            term = _term(m.group(1), language, bool(m.group(2)))
        if term is not None and term not in terms:
            terms.append(term)
    if not terms:
        raise QueryError(f"nothing to search for in {text!r}")
    return Query(text, tuple(terms), exact)


def _term(text: str, language: str, prefix: bool) -> Term | None:
    words = [text[s:e] for s, e in word_spans(text, language)]
    pairs = [(fold_token(w), exact_token(w)) for w in words]
    pairs = [(f, x) for f, x in pairs if f]
    if not pairs:
        return None
    return Term(tuple(f for f, _ in pairs), tuple(x for _, x in pairs), prefix)


# --- hits ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: `[start, end)` in code points of the document's reading text."""

    doc: str  # document id
    path: str
    language: str
    passage: int
    start: int
    end: int
    score: float = 0.0


Spans = Sequence[tuple[int, int]]
SpansArg = Spans | Callable[[], Spans]


@lru_cache(maxsize=512)
def _term_pattern(term: Term) -> re.Pattern[str]:
    """Where `term` starts in a shadow text (all positions, overlapping ones too)."""
    body = " ".join(re.escape(t) for t in term.tokens)
    tail = r"\S*" if term.prefix else ""
    return re.compile(rf"(?<![^ ])(?=({body}{tail})(?![^ ]))")


@lru_cache(maxsize=512)
def _inside_pattern(term: Term) -> re.Pattern[str]:
    return re.compile(rf"(?=({re.escape(''.join(term.tokens))}))")


def _exact_run(term: Term, k: int, spans: Spans, text: str) -> bool:
    last = len(term.tokens) - 1
    for j, want in enumerate(term.exact):
        s, e = spans[k + j]
        have = exact_token(text[s:e])
        if not (have.startswith(want) if term.prefix and j == last else have == want):
            return False
    return True


def _inside_hits(
    term: Term, words: str, get_spans: Callable[[], Spans], text: str | None
) -> list[tuple[int, int, int, int]]:
    """(token index, offset, length, token length) where an unspaced-script term occurs
    inside a longer word, at letter clusters."""
    single = len(term.tokens) == 1
    out = []
    for m in _inside_pattern(term).finditer(words):
        pos, length = m.start(), len(m.group(1))
        ts = words.rfind(" ", 0, pos) + 1
        te = words.find(" ", pos)
        tok = words[ts : te if te >= 0 else len(words)]
        offset = pos - ts
        if (single and offset == 0 and length == len(tok)) or not is_cluster_boundary(tok, offset):
            continue
        if not term.prefix and not is_cluster_boundary(tok, offset + length):
            continue
        k = words.count(" ", 0, ts)
        if text is not None:
            s, e = get_spans()[k]
            hs, he = (s + offset, s + offset + length) if e - s == len(tok) else (s, e)
            if not exact_token(text[hs:he]).startswith("".join(term.exact)):
                continue
        out.append((k, offset, length, len(tok)))
    return out


def _passage_matches(
    query: Query, words: str, spans: SpansArg, text: str | None
) -> tuple[list[list[int]], list[tuple[int, int, int, int]], Callable[[], Spans]] | None:
    """Merged token runs and in-word hits of `query` in one shadow text; None if a term is
    missing. Spans are only decoded when needed (exact checks, joining neighbours)."""
    cache: list[Spans] = []

    def get_spans() -> Spans:
        if not cache:
            cache.append(spans() if callable(spans) else spans)
        return cache[0]

    check = text if query.exact else None
    runs: list[tuple[int, int, int]] = []
    inside: list[tuple[int, int, int, int]] = []
    for t, term in enumerate(query.terms):
        n = len(term.tokens)
        found = [
            (k, k + n, t)
            for k in (words.count(" ", 0, m.start()) for m in _term_pattern(term).finditer(words))
        ]
        if check is not None:
            found = [r for r in found if _exact_run(term, r[0], get_spans(), check)]
        part = _inside_hits(term, words, get_spans, check) if term.inside_words else []
        if not found and not part:
            return None
        runs.extend(found)
        inside.extend(part)
    runs.sort()
    merged: list[list[int]] = []  # [first token, end token, term of the last run]
    for i, j, t in runs:
        if merged and (i < merged[-1][1] or (i == merged[-1][1] and t != merged[-1][2])):
            merged[-1][1] = max(merged[-1][1], j)
            merged[-1][2] = t
        else:
            merged.append([i, j, t])
    if inside and merged:
        covered = {k for i, j, _ in merged for k in range(i, j)}
        inside = [h for h in inside if h[0] not in covered]
    return merged, sorted(set(inside)), get_spans


def find_in_shadow(
    query: Query, words: str, spans: SpansArg, text: str | None = None
) -> list[tuple[int, int]]:
    """Spans of the hits of `query` in one passage's shadow text `words`; [] unless every
    term occurs.

    `spans` are the code point spans of the shadow's tokens (or a function giving them).
    Matches of different words of the query that follow each other merge into one hit, so
    `trung quoc` gives one hit on `Trung Quốc`; a word repeated (`ha ha`) stays two hits.
    Unspaced-script terms also match inside longer words. `text` (the reading text) is needed
    for exact queries.
    """
    if query.exact and text is None:
        raise ValueError("exact matching needs the reading text")
    found = _passage_matches(query, words, spans, text)
    if found is None:
        return []
    merged, inside, get_spans = found
    sp = get_spans()
    hits = [(sp[i][0], sp[j - 1][1]) for i, j, _ in merged]
    for k, offset, length, token_length in inside:
        s, e = sp[k]
        hits.append((s + offset, s + offset + length) if e - s == token_length else (s, e))
    return sorted(set(hits))


def count_in_shadow(query: Query, words: str, spans: SpansArg, text: str | None = None) -> int:
    """How many hits `find_in_shadow` would give, mostly without decoding the spans."""
    if query.exact and text is None:
        raise ValueError("exact matching needs the reading text")
    if not query.exact:
        fast = _count_plain(query, words, spans)
        if fast is not None:
            return fast
    found = _passage_matches(query, words, spans, text)
    return 0 if found is None else len(found[0]) + len(found[1])


@lru_cache(maxsize=256)
def _plain_plan(
    query: Query,
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None:
    """What `_count_plain` looks for: (kind, words, in-word words, neighbour pairs)."""
    terms = query.terms
    if query.exact or any(t.prefix for t in terms):
        return None
    if len(terms) == 1 and len(terms[0].tokens) > 1:
        tokens = terms[0].tokens
        n = len(tokens)
        if terms[0].inside_words or any(tokens[k:] == tokens[: n - k] for k in range(1, n)):
            return None  # in-word matches, or occurrences that could overlap
        return "phrase", (" " + " ".join(tokens) + " ",), (), ()
    if any(len(t.tokens) != 1 for t in terms):
        return None
    wanted = [t.tokens[0] for t in terms]
    inside = tuple(t.tokens[0] for t in terms if t.inside_words)
    pairs = tuple(f" {a} {b} " for a in wanted for b in wanted if a != b)
    return "words", tuple(f" {w} " for w in wanted), inside, pairs


def _count_plain(query: Query, words: str, spans: SpansArg) -> int | None:
    """Hits by plain string counting when that is sure to agree with `find_in_shadow`: one
    phrase, or words that are each a whole word; None otherwise."""
    plan = _plain_plan(query)
    if plan is None:
        return None
    kind, padded_words, inside, pairs = plan
    padded = f" {words} "
    if kind == "phrase":
        return padded.count(padded_words[0])
    total = 0
    for w in padded_words:
        n = padded.count(w)
        if not n:  # a word that only occurs inside longer words is for `find_in_shadow`
            return None if w[1:-1] in inside and w[1:-1] in words else 0
        if w + w[1:] in padded:  # str.count misses the second of two neighbours
            return None
        total += n
    for token in inside:  # also inside longer words?
        if words.count(token) != padded.count(f" {token} "):
            return None
    for pair in pairs:  # different words side by side join into one hit
        if pair in padded:
            total -= _count_overlapping(padded, pair)
    return total


def _count_overlapping(text: str, part: str) -> int:
    n = 0
    pos = text.find(part)
    while pos >= 0:
        n += 1
        pos = text.find(part, pos + 1)
    return n


# --- snippets ------------------------------------------------------------------------------


def kwic(
    text: str,
    start: int,
    end: int,
    width: int = CONTEXT_CHARS,
    bounds: tuple[int, int] | None = None,
) -> tuple[str, str, str]:
    """Left context, match, right context of a hit, each on one line.

    Context stays within `bounds` (e.g. the passage) and is cut at a space when one is near.
    """
    lo, hi = bounds if bounds else (0, len(text))
    left_from = _cluster_edge(text, max(lo, start - width), start)
    right_to = _cluster_edge(text, min(hi, end + width), hi)
    left = text[left_from:start]
    right = text[end:right_to]
    if left_from > lo:
        cut = left.find(" ")
        if 0 <= cut < width // 3:
            left = left[cut + 1 :]
    if right_to < hi:
        cut = right.rfind(" ")
        if cut > 2 * width // 3:
            right = right[:cut]
    return _one_line(left), _one_line(text[start:end]), _one_line(right)


def _cluster_edge(text: str, pos: int, limit: int) -> int:
    """Move a cut forward (up to `limit`) so it does not split a letter from its marks."""
    while pos < limit and (
        unicodedata.category(text[pos]).startswith("M") or (pos and text[pos - 1] in _JOINERS)
    ):
        pos += 1
    return pos


def _one_line(s: str) -> str:
    return _SPACES.sub(" ", s)


def snippet(text: str, start: int, end: int, bounds: tuple[int, int] | None = None) -> str:
    """The hit with some context on one line (left + match + right of `kwic`)."""
    left, match, right = kwic(text, start, end, CONTEXT_CHARS, bounds)
    return left + match + right


def hits_json(hits: Iterable[Hit], texts: dict[str, tuple[str, Sequence[Passage]]]) -> list[dict]:
    """The JSON shape of hits (README, `search --json`); `texts`: doc id -> (text, passages)."""
    out = []
    for h in hits:
        text, passages = texts[h.doc]
        p = passages[h.passage] if h.passage < len(passages) else None
        bounds = (p.start, p.end) if p is not None else None
        left, match, right = kwic(text, h.start, h.end, CONTEXT_CHARS, bounds)
        out.append(
            {
                "doc": h.doc,
                "path": h.path,
                "language": h.language,
                "passage": h.passage,
                "start": h.start,
                "end": h.end,
                "text": match,
                "snippet": left + match + right,
                "left": left,
                "right": right,
                "score": round(h.score, 4),
            }
        )
    return out
