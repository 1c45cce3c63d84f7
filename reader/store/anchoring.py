"""Find an annotation's text again after its document changed (placeholder: exact only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a quote was found: `[start, end)` in code points, and how sure we are (0..1)."""

    start: int
    end: int
    score: float


def find_anchor(text: str, quote: str, prefix: str, suffix: str, old_start: int) -> Anchor | None:
    """The best place for `quote` in `text`, or None when it cannot be found safely."""
    if not quote:
        return None
    if text[old_start : old_start + len(quote)] == quote:
        return Anchor(old_start, old_start + len(quote), 1.0)
    pos = text.find(prefix + quote + suffix)
    if pos >= 0:
        return Anchor(pos + len(prefix), pos + len(prefix) + len(quote), 1.0)
    return None
