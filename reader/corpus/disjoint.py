"""Disjoint sets (union-find with path halving), for grouping linked passages and documents."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSets(Generic[T]):
    """Items joined into groups; `find` names a group by one of its members."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self.parent: dict[T, T] = {x: x for x in items}

    def find(self, x: T) -> T:
        """The representative of `x`'s group (adds `x` as a group of its own if new)."""
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: T, b: T) -> bool:
        """Join the groups of `a` and `b`; False when they already were one."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[rb] = ra
        return True

    def __iter__(self) -> Iterator[T]:
        return iter(list(self.parent))
