"""Find an annotation's text again after its document changed.

An annotation remembers its quote, 32 characters of context each side and its old start. In the
new reading text we look for candidates, exact occurrences of the quote anywhere first, then
(only when no exact one is credible) approximate ones found with Myers' bit-parallel algorithm:
within a quarter of the quote's length in edits around the place the quote is expected, and,
for quotes of LONG_QUOTE characters or more, within a tenth anywhere in the text. Each
candidate is scored by quote similarity, prefix and suffix similarity and distance from the
old place. A candidate is only *credible* when the evidence is more than a look-alike: its
context agrees, or the quote is long and unmistakable. When nothing is credible the annotation
is orphaned rather than put on the wrong words.

All offsets are code points of the reading text (Python `str` indices), so astral characters
count one and NFC text keeps a Vietnamese letter with its marks as one code point; a candidate
that would cut a base letter from its combining marks is not used.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from reader.corpus.text import snap_to_graphemes

MIN_QUOTE_SIMILARITY = 0.75  # approximate matches: at most one edit per four characters
MIN_CONTEXT_SIMILARITY = 0.5  # context must agree at least this much ...
LONG_QUOTE = 32  # ... unless the quote is at least this long and unmistakable
LONG_QUOTE_SIMILARITY = 0.9  # an approximate long quote stands alone from this similarity
MAX_EXACT_CANDIDATES = 2000  # nearest occurrences of a very common quote that are scored
MAX_APPROX_CANDIDATES = 50
MAX_APPROX_QUOTE = 10_000  # longer quotes are only looked for exactly
APPROX_WINDOW = 4000  # an edited quote is looked for this far around its expected place ...
MAX_FULL_SCAN = 50_000  # ... and a long one anywhere (scanned whole up to this many characters)
MIN_SEED = 5  # shortest quote piece worth a pigeonhole filter
WEIGHT_QUOTE, WEIGHT_CONTEXT, WEIGHT_PROXIMITY = 0.5, 0.45, 0.05


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a quote was found again: `[start, end)` in code points, and the evidence."""

    start: int
    end: int
    score: float
    quote_similarity: float
    context_similarity: float | None
    exact: bool


# --- similarity ------------------------------------------------------------------------------


def similarity(a: str, b: str) -> float:
    """How alike two strings are, 0..1 (difflib's ratio; two empty strings are equal)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def context_similarity(text: str, start: int, end: int, prefix: str, suffix: str) -> float | None:
    """How well the stored prefix and suffix agree with the text around `[start, end)`, 0..1.

    Half is difflib similarity of the context strings, half the share of characters that match
    without a break right next to the span (near context tells two look-alike places apart
    better than far context). None when nothing was stored (the quote was the whole text).
    """
    if not prefix and not suffix:
        return None
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    stored = len(prefix) + len(suffix)
    loose = (
        len(prefix) * similarity(prefix, before) + len(suffix) * similarity(suffix, after)
    ) / stored
    adjacent = (_common_head(before[::-1], prefix[::-1]) + _common_head(after, suffix)) / stored
    return (loose + adjacent) / 2


def _common_head(a: str, b: str) -> int:
    """Length of the common beginning of two strings."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def _is_edge(text: str, i: int) -> bool:
    """Whether offset `i` of `text` is a grapheme-cluster boundary."""
    return snap_to_graphemes(text, i, i) == (i, i)


def _cuts_cluster(
    text: str, start: int, end: int, quote: str, suffix: str, prefix: str = ""
) -> bool:
    """True when `[start, end)` cuts a user-perceived character (a letter from its marks, a
    Khmer consonant stack) where the original selection did not cut the same character.

    Selections are snapped to whole clusters when they are made; an older annotation that
    was cut keeps matching only where the same letters meet at the cut."""
    if (start < len(text) and _is_mark(text[start]) and not (quote and _is_mark(quote[0]))) or (
        end < len(text) and _is_mark(text[end]) and not (suffix and _is_mark(suffix[0]))
    ):
        return True
    snapped = snap_to_graphemes(text, start, end)
    if snapped[0] != start:
        same = text[start - 1 : start + 1] == prefix[-1:] + quote[:1]
        if not (same and not _is_edge(prefix[-1:] + quote[:1], 1)):
            return True
    if snapped[1] != end:
        same = text[end - 1 : end + 1] == quote[-1:] + suffix[:1]
        if not (same and not _is_edge(quote[-1:] + suffix[:1], 1)):
            return True
    return False


# --- candidates ------------------------------------------------------------------------------


def exact_positions(
    text: str, quote: str, around: int, limit: int = MAX_EXACT_CANDIDATES
) -> list[int]:
    """Start offsets of `quote` in `text` (overlaps included), the `limit` nearest to `around`."""
    found = []
    pos = text.find(quote)
    while pos >= 0:
        found.append(pos)
        pos = text.find(quote, pos + 1)
    if len(found) > limit:
        found.sort(key=lambda p: abs(p - around))
        found = sorted(found[:limit])
    return found


def _myers_scores(pattern: str, text: str, free_start: bool) -> Iterator[int]:
    """For j = 1..len(text): edit distance of `pattern` to the best substring of `text` ending
    at j (`free_start`), or to `text[:j]`. Myers' bit-parallel algorithm, one int per column."""
    m = len(pattern)
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    carry = 0 if free_start else 1
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        yield score


def approximate_matches(text: str, quote: str, max_edits: int) -> list[tuple[int, int, int]]:
    """Spans `(start, end, edits)` of `text` within `max_edits` edits of `quote`.

    One span per run of neighbouring end positions (its best end); the start is where the
    substring ending there is closest to the quote.
    """
    if not quote or max_edits < 0:
        return []
    ends: list[tuple[int, int]] = []
    run_best: tuple[int, int] | None = None
    last = -2
    for j, score in enumerate(_myers_scores(quote, text, free_start=True), start=1):
        if score <= max_edits:
            if j != last + 1 and run_best is not None:
                ends.append(run_best)
                run_best = None
            if run_best is None or score < run_best[1]:
                run_best = (j, score)
            last = j
    if run_best is not None:
        ends.append(run_best)
    ends.sort(key=lambda e: e[1])
    spans = []
    reversed_quote = quote[::-1]
    for end, _edits in ends[: MAX_APPROX_CANDIDATES * 4]:
        lo = max(0, end - len(quote) - max_edits)
        window = text[lo:end][::-1]
        best_len, best = 0, len(quote)
        for length, score in enumerate(_myers_scores(reversed_quote, window, False), start=1):
            if score < best or (
                score == best and abs(length - len(quote)) < abs(best_len - len(quote))
            ):
                best_len, best = length, score
        if best_len and best <= max_edits:
            spans.append((end - best_len, end, best))
    return spans


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance of two strings."""
    if not a:
        return len(b)
    *_, last = _myers_scores(a, b, free_start=False) if b else (len(a),)
    return last


def _fit_boundaries(
    text: str, start: int, end: int, prefix: str, suffix: str, slack: int
) -> tuple[int, int]:
    """Move an approximate span's ends (by at most `slack`) to where the stored context
    continues best: several ends are often equally close to the quote, the context is not."""
    if suffix:
        options = range(max(start + 1, end - slack), min(len(text), end + slack) + 1)
        end = max(
            options, key=lambda e: (_common_head(text[e : e + len(suffix)], suffix), -abs(e - end))
        )
    if prefix:
        options = range(max(0, start - slack), min(end - 1, start + slack) + 1)
        start = max(
            options,
            key=lambda b: (
                _common_head(text[max(0, b - len(prefix)) : b][::-1], prefix[::-1]),
                -abs(b - start),
            ),
        )
    return start, end


# --- the decision ----------------------------------------------------------------------------


def _proximity(start: int, expected: tuple[int, ...], length: int) -> float:
    """1 at an expected place, falling to 0 a text's length away from the nearest one."""
    distance = min(abs(start - e) for e in expected)
    return 1.0 - min(distance, length) / max(length, 1)


def expected_places(old_start: int, old_length: int | None, length: int) -> tuple[int, ...]:
    """Where the quote is expected in a text of `length` that was `old_length` long: where it
    was (the text changed after it) or shifted by the change in length (the text changed
    before it). A copy of the quote's paragraph inserted above it thus loses to the quote."""
    if old_length is None or old_length == length:
        return (old_start,)
    return (old_start, max(0, old_start + length - old_length))


def _shifted(spans: list[tuple[int, int, int]], offset: int) -> list[tuple[int, int, int]]:
    return [(s + offset, e + offset, d) for s, e, d in spans]


def seed_windows(text: str, quote: str, max_edits: int) -> list[tuple[int, int]] | None:
    """Stretches of `text` that can hold a match of `quote` within `max_edits` edits.

    Pigeonhole filter: cut the quote into `max_edits + 1` pieces; any such match keeps at least
    one piece unchanged, so only the surroundings of exact piece hits (C-speed `str.find`) need
    the slow search. None when the pieces are too short or too common to narrow anything.
    """
    m = len(quote)
    size = m // (max_edits + 1)
    if size < MIN_SEED:
        return None
    windows: list[tuple[int, int]] = []
    covered = 0
    for i in range(max_edits + 1):
        at = i * size
        piece = quote[at : at + size] if i < max_edits else quote[at:]
        pos = text.find(piece)
        while pos >= 0:
            windows.append((max(0, pos - at - max_edits), min(len(text), pos - at + m + max_edits)))
            covered += m + 2 * max_edits
            if covered > len(text):
                return None  # as much work as scanning everything
            pos = text.find(piece, pos + 1)
    windows.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in windows:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def approximate_candidates(text: str, quote: str, expected: int) -> list[tuple[int, int, int]]:
    """Approximate matches worth scoring: near the expected place within MIN_QUOTE_SIMILARITY,
    and, for long quotes, anywhere within LONG_QUOTE_SIMILARITY (found through seed windows).

    The slow bit-parallel search thus reads at most a few thousand characters for a typical
    annotation, whatever the document's length.
    """
    m = len(quote)
    near = int(m * (1 - MIN_QUOTE_SIMILARITY))
    spans: list[tuple[int, int, int]] = []
    if near >= 1:
        lo = max(0, expected - APPROX_WINDOW - m - near)
        hi = min(len(text), expected + APPROX_WINDOW + m + near)
        spans += _shifted(approximate_matches(text[lo:hi], quote, near), lo)
    far = int(m * (1 - LONG_QUOTE_SIMILARITY))
    if m >= LONG_QUOTE and far >= 1:
        windows = seed_windows(text, quote, far)
        if windows is None and len(text) <= MAX_FULL_SCAN:
            windows = [(0, len(text))]
        for lo, hi in windows or []:
            spans += _shifted(approximate_matches(text[lo:hi], quote, far), lo)
    return sorted(set(spans))


def find_anchor(
    text: str,
    quote: str,
    prefix: str,
    suffix: str,
    old_start: int,
    old_length: int | None = None,
) -> Anchor | None:
    """The best credible place for `quote` in `text`, or None (the annotation is orphaned).

    `old_length` (of the text the annotation was made on) scales the old start to where the
    quote is expected now, which centres the approximate search.
    """
    if not quote or not text:
        return None
    exact = [
        p
        for p in exact_positions(text, quote, old_start)
        if not _cuts_cluster(text, p, p + len(quote), quote, suffix, prefix)
    ]
    unique = len(exact) == 1
    places = expected_places(old_start, old_length, len(text))
    best: Anchor | None = None
    for start in exact:
        end = start + len(quote)
        ctx = context_similarity(text, start, end, prefix, suffix)
        credible = (
            ctx is None
            or ctx >= MIN_CONTEXT_SIMILARITY
            or (len(quote) >= LONG_QUOTE and (unique or start == old_start))
        )
        if credible:
            anchor = _scored(text, start, end, 1.0, ctx, places, exact=True)
            if best is None or anchor.score > best.score:
                best = anchor
    if best is not None or len(quote) > MAX_APPROX_QUOTE:
        return best
    expected = old_start
    if old_length:
        expected = round(old_start * len(text) / old_length)
    max_edits = int(len(quote) * (1 - MIN_QUOTE_SIMILARITY))
    for found_start, found_end, _ in approximate_candidates(text, quote, expected):
        start, end = _fit_boundaries(text, found_start, found_end, prefix, suffix, max_edits)
        if _cuts_cluster(text, start, end, quote, suffix, prefix):
            continue
        edits = edit_distance(quote, text[start:end])
        quote_sim = 1.0 - edits / len(quote)
        ctx = context_similarity(text, start, end, prefix, suffix)
        long_and_close = len(quote) >= LONG_QUOTE and quote_sim >= LONG_QUOTE_SIMILARITY
        if quote_sim < MIN_QUOTE_SIMILARITY:
            continue
        if not (long_and_close or (ctx is not None and ctx >= MIN_CONTEXT_SIMILARITY)):
            continue
        anchor = _scored(text, start, end, quote_sim, ctx, places, exact=False)
        if best is None or anchor.score > best.score:
            best = anchor
    return best


def _scored(
    text: str,
    start: int,
    end: int,
    quote_sim: float,
    ctx: float | None,
    expected: tuple[int, ...],
    *,
    exact: bool,
) -> Anchor:
    score = (
        WEIGHT_QUOTE * quote_sim
        + WEIGHT_CONTEXT * (quote_sim if ctx is None else ctx)
        + WEIGHT_PROXIMITY * _proximity(start, expected, len(text))
    )
    return Anchor(start, end, round(score, 6), quote_sim, ctx, exact)
