"""What an alignment is: linked passage groups of two documents."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Passages of document a linked to passages of document b.

    `score` (0..1): how well they agree (shared entities and length). `method`: "path" for
    the monotonic alignment, "best" for a best-match link across reordering, "user" or
    "confirmed" for the reader's own links (score 1).
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float
    method: str = "path"

    @property
    def kind(self) -> str:
        """ "user" (the reader linked it), "confirmed" (the reader checked it) or "auto"."""
        return self.method if self.method in ("user", "confirmed") else "auto"

    def to_json(self) -> dict[str, object]:
        return {
            "a": list(self.a),
            "b": list(self.b),
            "score": round(self.score, 3),
            "kind": self.kind,
        }

    def flipped(self) -> AlignedPair:
        return AlignedPair(self.b, self.a, self.score, self.method)


@dataclass(slots=True)
class Alignment:
    """Links between the passages of two documents (by `Passage.index`).

    `unlinked_*` are content passages with no partner; `skipped_*` are boilerplate.
    """

    a: str
    b: str
    pairs: list[AlignedPair]
    unlinked_a: list[int] = field(default_factory=list)
    unlinked_b: list[int] = field(default_factory=list)
    skipped_a: list[int] = field(default_factory=list)
    skipped_b: list[int] = field(default_factory=list)

    @property
    def strength(self) -> float:
        """0..1: how much of both documents is linked, weighted by the links' scores."""
        total = sum(len(p.a) + len(p.b) for p in self.pairs)
        total += len(self.unlinked_a) + len(self.unlinked_b)
        if not total:
            return 0.0
        return sum(p.score * (len(p.a) + len(p.b)) for p in self.pairs) / total

    def partners_in_b(self, index: int) -> list[int]:
        """Passages of b linked to passage `index` of a."""
        return sorted({j for p in self.pairs if index in p.a for j in p.b})

    def partners_in_a(self, index: int) -> list[int]:
        """Passages of a linked to passage `index` of b."""
        return sorted({i for p in self.pairs if index in p.b for i in p.a})

    def flipped(self) -> Alignment:
        return Alignment(
            self.b,
            self.a,
            [p.flipped() for p in self.pairs],
            list(self.unlinked_b),
            list(self.unlinked_a),
            list(self.skipped_b),
            list(self.skipped_a),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "pairs": [p.to_json() for p in self.pairs],
            "unlinked": {"a": list(self.unlinked_a), "b": list(self.unlinked_b)},
            "skipped": {"a": list(self.skipped_a), "b": list(self.skipped_b)},
        }
