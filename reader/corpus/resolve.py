"""Corpus-level resolution of candidate options: which options win, and the user's links.

An option's key is shared when it occurs in two or more documents. Selection keeps
non-overlapping options, shared before unshared, then longer, then earlier; the user's links
(`L`/`U`, stored) merge or split keys before anything else is decided.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from operator import itemgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # options are tuples: read here, never made
    from reader.corpus.candidates import Option


def select(options: list[Option], shared: set[str], df: Counter[str] | None = None) -> list[Option]:
    """Non-overlapping options: shared before unshared, then longer, then earlier.

    Fallbacks (parts of a run) are used only when their key is shared. A run whose every
    unit is found in more documents than the run itself (`GPU Nvidia`) gives way to its units.
    """
    # Options are tuples: (start, end, key, kind, surface_key, fallback, parts, ...).
    kept = []
    for o in options:
        if o[5] and o[2] not in shared:
            continue  # a fallback whose key is not shared
        if o[6] and df:
            n = df.get(o[2], 0)
            if all(df.get(p, 0) > n for p in o[6]):
                continue  # juxtaposed names (`_juxtaposed`)
        kept.append(o)
    options = kept
    order = sorted(options, key=lambda o: (o[2] not in shared, o[0] - o[1], o[5], o[0], o[2]))
    taken: list[Option] = []
    occupied = bytearray(max((o[1] for o in options), default=0) + 1)
    for opt in order:
        start, end = opt[0], opt[1]
        if 1 in occupied[start:end]:
            continue
        taken.append(opt)
        occupied[start:end] = b"\x01" * (end - start)
    taken.sort(key=itemgetter(0))
    return taken


def _juxtaposed(opt: Option, df: Counter[str]) -> bool:
    """Two or more names side by side rather than one name: each unit is more widespread."""
    if not opt.parts:
        return False
    n = df.get(opt.key, 0)
    return all(df.get(p, 0) > n for p in opt.parts)


class KeyMap:
    """User links: (key_a, key_b, True) merges two keys; False keeps them apart."""

    def __init__(self, links: Iterable[tuple[str, str, bool]]) -> None:
        state: dict[frozenset[str], bool] = {}
        for a, b, linked in links:
            if a != b:
                state[frozenset((a, b))] = bool(linked)
        self.splits = {pair for pair, linked in state.items() if not linked}
        parent: dict[str, str] = {}

        def find(k: str) -> str:
            while parent.get(k, k) != k:
                k = parent[k]
            return k

        for pair, linked in state.items():
            if linked:
                a, b = sorted(pair)
                ra, rb = find(a), find(b)
                if ra != rb:
                    # Prefer a gazetteer id (`region:CN`) as the representative.
                    keep, other = sorted((ra, rb), key=lambda k: (":" not in k, k))
                    parent[other] = keep
        self._canon = {k: find(k) for k in parent}

    def apply(self, opt: Option) -> Option:
        """The option with the user's decisions applied: an unlinked name takes its own key
        (whatever evidence gave it another), a linked one the key of its group."""
        key, evidence = opt.key, opt.evidence
        if self.splits and frozenset((key, opt.surface_key)) in self.splits:
            key, evidence = opt.surface_key, ""
        canon = self._canon.get(key, key)
        if canon != key:
            key, evidence = canon, "user"
        if key == opt.key:
            return opt
        return opt._replace(key=key, evidence=evidence)


def document_frequency(option_lists: Iterable[list[Option]]) -> Counter[str]:
    """In how many documents each key occurs."""
    df: Counter[str] = Counter()
    for opts in option_lists:
        df.update({o[2] for o in opts})  # o.key
    return df
