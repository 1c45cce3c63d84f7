"""Counts in messages: `1 file`, `3 files`, `1,204 mismatches` (not `file(s)`)."""

from __future__ import annotations


def counted(n: int, one: str, many: str | None = None) -> str:
    """`n` with its noun in the singular or the plural (`one` + "s" unless `many` is given)."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"
