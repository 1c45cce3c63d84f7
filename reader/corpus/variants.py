"""One-letter variants of gazetteer names in scripts without spaces.

Transliterated place names are spelled in more than one way: a Khmer text writes
`ឥណ្ឌូនេស៊ី` where CLDR has `ឥណ្ឌូណេស៊ី` (Indonesia). A run of words that is one letter
(one code point added, dropped or changed) away from a CLDR or alias name of the document's
language, and long enough not to be a different word by chance, gets that name's id. Looking
for variants everywhere costs too much in pure Python, so the corpus-level pass
(`cross_script.py`) asks only in passages aligned with one that names the place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reader.corpus.gazetteer import Gazetteer, GazetteerEntry, GazetteerHit, fold

MIN_VARIANT_CHARS = 6  # shorter names are one letter away from too many words
MAX_VARIANT_CHARS = 24
MAX_WORDS = 4  # a name spans at most this many ICU word segments
AFFIX = 3  # MIN_VARIANT_CHARS // 2: one edit leaves the first or the last three unchanged
NEAR_MEMO = 200_000  # words remembered per language index


@dataclass(frozen=True, slots=True)
class _Index:
    names: dict[str, GazetteerEntry]  # folded name -> entry
    deletions: dict[str, list[str]]  # name with one code point dropped -> names
    heads: frozenset[str]  # first AFFIX code points of the names
    tails: frozenset[str]  # last AFFIX code points: a one-letter variant keeps one of them
    near: dict[str, GazetteerEntry | None]  # what `_one_away` found for a word already asked
    by_id: dict[str, list[str]]  # entry id -> its names
    affixes: dict[frozenset[str], tuple[frozenset[str], frozenset[str]]]  # heads, tails of ids


@lru_cache(maxsize=16)
def _index(gaz: Gazetteer, language: str) -> _Index:
    names: dict[str, GazetteerEntry] = {}
    deletions: dict[str, list[str]] = {}
    for key, name in gaz.names_of(language):
        if not MIN_VARIANT_CHARS <= len(key) <= MAX_VARIANT_CHARS or key != fold(key) or " " in key:
            continue
        names[key] = name
        for i in range(len(key)):
            deletions.setdefault(key[:i] + key[i + 1 :], []).append(key)
    heads = frozenset(k[:AFFIX] for k in names)
    tails = frozenset(k[-AFFIX:] for k in names)
    by_id: dict[str, list[str]] = {}
    for key, name in names.items():
        by_id.setdefault(name.id, []).append(key)
    return _Index(names, deletions, heads, tails, {}, by_id, {})


def _affixes(index: _Index, wanted: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The heads and tails of the names of the `wanted` entries: a variant of one of them
    keeps its name's first or last AFFIX code points, so other runs cannot be one."""
    memo = frozenset(wanted)
    found = index.affixes.get(memo)
    if found is None:
        names = [k for i in memo for k in index.by_id.get(i, ())]
        found = (frozenset(k[:AFFIX] for k in names), frozenset(k[-AFFIX:] for k in names))
        if len(index.affixes) < NEAR_MEMO:
            index.affixes[memo] = found
    return found


def _one_away(index: _Index, word: str) -> GazetteerEntry | None:
    """The one entry whose name is one edit from `word` (None when none or several)."""
    if word in index.near:
        return index.near[word]
    found: set[str] = set()
    found.update(index.deletions.get(word, ()))  # a letter dropped from the name
    for i in range(len(word)):
        shorter = word[:i] + word[i + 1 :]
        if shorter in index.names:
            found.add(shorter)  # a letter added to the name
        for name in index.deletions.get(shorter, ()):  # a letter changed
            if len(name) == len(word) and sum(a != b for a, b in zip(name, word, strict=True)) == 1:
                found.add(name)
    entries = {index.names[n].id: index.names[n] for n in found}
    entry = next(iter(entries.values())) if len(entries) == 1 else None
    if len(index.near) < NEAR_MEMO:
        index.near[word] = entry
    return entry


def find_variants(
    gaz: Gazetteer,
    text: str,
    words: Sequence[tuple[int, int]],
    language: str,
    wanted: set[str] | None = None,
) -> list[GazetteerHit]:
    """Runs of word segments that are one-letter variants of a name (of an entry in `wanted`,
    when given)."""
    index = _index(gaz, language)
    if not index.names:
        return []
    hits: list[GazetteerHit] = []
    n = len(words)
    i = 0
    heads, tails = index.heads, index.tails
    if wanted is not None:
        heads, tails = _affixes(index, wanted)
        if not heads:
            return []  # no name of a wanted entry in this language
    while i < n:
        start = words[i][0]
        best: tuple[int, GazetteerEntry] | None = None
        head = text[start : start + AFFIX] in heads
        for j in range(i, min(n, i + MAX_WORDS)):
            end = words[j][1]
            if end - start > MAX_VARIANT_CHARS + 1 or not text[words[j][0]].isalpha():
                break
            if end - start < MIN_VARIANT_CHARS - 1:
                continue
            if not head and text[end - AFFIX : end] not in tails:
                continue
            piece = text[start:end]
            if piece in index.names:
                continue  # the name itself: the gazetteer found it (or chose not to)
            entry = _one_away(index, piece)
            if entry is not None and (wanted is None or entry.id in wanted):
                best = (j, entry)
        if best is None:
            i += 1
            continue
        hits.append(GazetteerHit(start, words[best[0]][1], best[1]))
        i = best[0] + 1
    return hits
