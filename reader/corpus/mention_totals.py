"""The kinds and surfaces of each shared entity with how often each (`Totals`), kept with a
stored analysis: after a few files changed, an entity whose mentions changed is labelled from
the totals before, patched by what the changed documents mention now and mentioned then,
without reading every document that mentions it (`resolution_state`)."""

from __future__ import annotations

from collections import Counter

Totals = dict[str, tuple[dict[str, int], dict[str, int]]]  # key -> kinds, surfaces: how often


def patched(before: dict[str, int], delta: Counter[str]) -> dict[str, int] | None:
    """Counts `before` plus `delta` (none at 0; None when one would be below 0)."""
    out = dict(before)
    for x, n in delta.items():
        if not n:
            continue
        m = out.get(x, 0) + n
        if m < 0:
            return None
        if m:
            out[x] = m
        else:
            del out[x]
    return out


def kind_certain(kinds: dict[str, int]) -> bool:
    """Whether `entity_labels.entity_kind` of these counts does not depend on their order: a
    place in half the mentions, or one kind more often than any other."""
    if kinds.get("place", 0) * 2 >= sum(kinds.values()):
        return True
    top = sorted(kinds.values(), reverse=True)
    return len(top) == 1 or top[0] > top[1]
