"""The runs of words of one passage by phonetic key, indexed for comparing them with names.

A name is compared only with runs that start with its first sound class (or with a vowel; a
name that starts with a vowel with any run) and have about as many consonants (within
`SIZE_SLACK`). `PassageRuns` files its run keys by (consonant count, first class), so those
runs are found without looking at the others: the same runs, in fewer steps.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from reader.corpus.phonetic import phonetic_key
from reader.corpus.text import UNSPACED_SCRIPTS

MAX_RUN_CHARS = {"Hani": 9, "Jpan": 10, "Hira": 10, "Kana": 12}  # else DEFAULT_RUN_CHARS
DEFAULT_RUN_CHARS = 18
MAX_RUN_WORDS = 3  # scripts with spaces: up to three words
SIZE_SLACK = 2  # a run may have this many consonants more or fewer than the name
RUN_MEMO = 200_000  # run keys remembered per script and corpus pass (then phonetic_key's cache)
# What may separate the parts of one name: nothing, a space, the middle dots of Chinese and
# Japanese names (`杰里米·科尔宾`), a hyphen, a zero-width space.
JOINERS = frozenset(("", " ", "\u00b7", "\u30fb", "\u2027", "-", "\u200b"))

Runs = dict[str, list[tuple[int, int]]]  # phonetic key -> the runs with it, as (start, end)


class RunKeys:
    """The phonetic key of each run of one script, computed once per corpus pass (a plain
    dict: runs are met again and again as passages are compared with other versions), and
    each key's (consonant count, first class)."""

    __slots__ = ("keys", "script", "shapes")

    def __init__(self, script: str) -> None:
        self.script = script
        self.keys: dict[str, str] = {}
        self.shapes: dict[str, tuple[int, str]] = {}

    def key(self, run: str) -> str:
        found = self.keys.get(run)
        if found is None:
            found = phonetic_key(run, self.script)
            if len(self.keys) < RUN_MEMO:
                self.keys[run] = found
        return found

    def shape(self, key: str) -> tuple[int, str]:
        found = self.shapes.get(key)
        if found is None:
            found = self.shapes[key] = (len(key) - key.count("V"), key[0])
        return found


class PassageRuns:
    """A passage's runs by phonetic key (`runs`), and the keys by consonant count and first
    class (`near`)."""

    __slots__ = ("_by_size", "runs")

    def __init__(self, runs: Runs, shapes: RunKeys) -> None:
        self.runs = runs
        self._by_size: dict[int, dict[str, list[str]]] = {}
        shape = shapes.shape
        for key in runs:
            size, first = shape(key)
            by_first = self._by_size.get(size)
            if by_first is None:
                self._by_size[size] = {first: [key]}
            elif first in by_first:
                by_first[first].append(key)
            else:
                by_first[first] = [key]

    def near(self, first: str, size: int) -> list[str]:
        """The run keys that may be compared with a name whose key starts with `first` and
        has `size` consonants: those starting with `first` or a vowel (any, when `first` is
        a vowel), with `size` +- SIZE_SLACK consonants."""
        out: list[str] = []
        for n in range(size - SIZE_SLACK, size + SIZE_SLACK + 1):
            by_first = self._by_size.get(n)
            if by_first is None:
                continue
            if first == "V":
                for keys in by_first.values():
                    out += keys
            else:
                out += by_first.get(first, ())
                out += by_first.get("V", ())
        return out


def passage_runs(
    text: str,
    script: str,
    segments: Sequence[tuple[int, int]],
    lo: int,
    hi: int,
    memo: RunKeys | None = None,
) -> PassageRuns:
    """Runs of consecutive segments inside `[lo, hi)` as (start, end), by phonetic key: up to
    MAX_RUN_WORDS words in scripts with spaces, up to the script's MAX_RUN_CHARS characters,
    joined only by JOINERS. `memo`: the keys of the script's runs met so far."""
    if memo is None:
        memo = RunKeys(script)
    known, key_of = memo.keys, memo.key
    limit = MAX_RUN_CHARS.get(script, DEFAULT_RUN_CHARS)
    most = limit if script in UNSPACED_SCRIPTS else MAX_RUN_WORDS
    first = bisect_left(segments, (lo, lo))
    last = bisect_left(segments, (hi, hi), first)  # the first segment starting at hi or after
    inside = [(s, e) for s, e in segments[first:last] if e <= hi]
    # Whether the gap before each segment may join it to the previous one.
    joins = [False] + [
        text[inside[j - 1][1] : inside[j][0]] in JOINERS for j in range(1, len(inside))
    ]
    out: Runs = {}
    n = len(inside)
    for i, (s, _) in enumerate(inside):
        for j in range(i, min(n, i + most)):
            e = inside[j][1]
            if e - s > limit or (j > i and not joins[j]):
                break
            run = text[s:e]
            key = known.get(run)
            if key is None:
                key = key_of(run)
            if key:
                spans = out.get(key)
                if spans is None:
                    out[key] = [(s, e)]
                else:
                    spans.append((s, e))
    return PassageRuns(out, memo)
