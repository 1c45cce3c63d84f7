"""The passage groups two versions are compared in, and what each side of a group says.

The groups are the alignment's pairs, refined where the alignment's own evidence — shared
keys — is what a mistranslation breaks:
- **gap pairs**: where both versions have the same number of passages without a partner
  between the same two aligned groups, and lengths and at least one number, date or name
  agree (or it is one passage on each side), they are compared as a pair (a changed number
  can make the aligner undo the link of a one-number sentence with its translation);
- **dropped from a group**: a passage of a two-passage step whose numbers, dates and names
  the other side states none of, and without which the lengths agree better, is taken out
  as having no partner (a dropped sentence the aligner merged into its neighbour's step);
- **shifted links**: a one-to-one link next to a passage without partner moves onto that
  passage when the linked one states nothing of its partner and the lone one fits as well.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from reader.corpus.align import Alignment, content_passages
from reader.corpus.compare_values import (
    YEARS,
    DateParts,
    Mention,
    Values,
    date_parts,
    dates_agree,
    key_value,
    name_said,
    run_values,
    spelled_said,
    text_values,
    text_words,
    time_values,
)
from reader.corpus.model import Document
from reader.corpus.text import match_key

MAX_GAP = 3  # passages on each side of a gap that are paired in order
LENGTH_FIT = math.log(2.2)  # a gap pair's lengths may differ from the documents' ratio this much

SHIFT_SLACK = 0.3  # log length misfit a shifted link may add per thing its partner lacks
Group = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(slots=True)
class Side:
    """What one side of an aligned group says, in the forms the other side is checked against."""

    doc: Document
    indexes: tuple[int, ...]  # its passages
    mentions: list[Mention]
    text: str
    doc_words: list[str]  # words of the whole document (names said elsewhere)
    values: Values = field(init=False)
    words: list[str] = field(init=False)
    keys: set[str] = field(init=False)
    dates: list[DateParts] = field(init=False)

    def __post_init__(self) -> None:
        self.values = text_values(self.text, self.doc.language)
        self.words = text_words(self.text)
        self.keys = {m.key for m in self.mentions}
        self.dates = [p for m in self.mentions if m.kind == "date" and (p := date_parts(m.key))]

    def says(self, m: Mention) -> bool:
        """Whether this side states what mention `m` (of the other side) states."""
        if m.key in self.keys:
            return True
        if m.kind == "number":
            value = key_value(m.key)
            if value is None or self.values.says(value):
                return True
            if any(v in self.values.values for v in time_values(m.text)):
                return True  # 5.30 (pm) ~ 17.30
            if value in YEARS and any(d.year == value for d in self.dates):
                return True
            if spelled_said(value, self.words):
                return True  # `4 million` ~ `neljä miljoonaa`
            return value <= 31 and any(d.day == value for d in self.dates)
        if m.kind == "date":
            return self._says_date(m)
        if ":" in m.key:  # a gazetteer id (`region:CN`): only the id matches across languages
            return name_said(match_key(m.text), self.words)
        return name_said(m.key, self.words)

    def _says_date(self, m: Mention) -> bool:
        parts = date_parts(m.key)
        if parts is None or any(dates_agree(parts, d) for d in self.dates):
            return True
        if any(d.day == parts.day and d.month != parts.month for d in self.dates):
            return False  # read here, with another month
        # A date the entity finder did not read here (a month name in a case or language it
        # does not know): its day and year written as numbers are enough.
        wanted = [v for v in (parts.day, parts.year) if v is not None]
        return bool(wanted) and all(Decimal(v) in self.values.plain for v in wanted)

    def capitalised_words(self) -> list[Mention]:
        """Every capitalised word of the side as a name (what the entity finder may not have
        kept: a misspelt part of a longer name, a name starting a sentence)."""
        out = []
        for i in self.indexes:
            p = self.doc.passages[i]
            for m in _CAPITALISED.finditer(self.doc.text, p.start, p.end):
                if m.group()[0].isupper():
                    out.append(
                        Mention(i, m.start(), m.end(), m.group(), match_key(m.group()), "name")
                    )
        return out


_CAPITALISED = re.compile(r"[^\W\d_][\w'’-]{2,}")


def unsaid(side: Side, other: Side) -> list[Mention]:
    """Mentions of `side` that `other` does not state, one per key, in text order."""
    seen: set[str] = set()
    out = []
    for m in side.mentions:
        if m.key in seen:
            continue
        seen.add(m.key)
        if other.says(m):
            continue
        if m.kind == "number" and not run_values(
            side.doc.text, m.start, m.end, side.doc.language
        ).isdisjoint(other.values.values):
            continue  # the finder read part of a number (`600` of `1 600`) the other states
        out.append(m)
    return out


class Sides:
    """Builds the Side of any passages of two documents (mentions and words computed once)."""

    def __init__(
        self,
        doc_a: Document,
        doc_b: Document,
        mentions_a: dict[int, list[Mention]],
        mentions_b: dict[int, list[Mention]],
    ) -> None:
        self.docs = (doc_a, doc_b)
        self.mentions = (mentions_a, mentions_b)
        self.words = (text_words(doc_a.text), text_words(doc_b.text))

    def side(self, n: int, indexes: Sequence[int]) -> Side:
        doc, mentions = self.docs[n], self.mentions[n]
        found = [m for i in indexes for m in mentions.get(i, [])]
        text = "\n".join(doc.passage_text(doc.passages[i]) for i in indexes)
        return Side(doc, tuple(indexes), found, text, self.words[n])


def _length(doc: Document, indexes: Sequence[int]) -> int:
    return sum(doc.passages[i].end - doc.passages[i].start for i in indexes)


def refine_groups(alignment: Alignment, sides: Sides) -> tuple[list[Group], list[int], list[int]]:
    """(groups, passages of a without partner, of b) — see the module docstring."""
    doc_a, doc_b = sides.docs
    total_a = sum(p.end - p.start for p in content_passages(doc_a)) or 1
    total_b = sum(p.end - p.start for p in content_passages(doc_b)) or 1
    ratio = total_b / total_a

    def fits(ia: Sequence[int], ib: Sequence[int]) -> float:
        la, lb = _length(doc_a, ia), _length(doc_b, ib)
        return abs(math.log((lb + 1) / (ratio * la + 1)))

    groups: list[Group] = [(tuple(p.a), tuple(p.b)) for p in alignment.pairs]
    loose_a, loose_b = set(alignment.unlinked_a), set(alignment.unlinked_b)
    groups = [_drop_from(g, sides, fits, loose_a, loose_b) for g in groups]
    groups = [g for g in groups if g[0] and g[1]]
    groups = _shift(groups, sides, fits, loose_a, loose_b)
    groups += _gap_pairs(groups, sorted(loose_a), sorted(loose_b), sides, fits)
    linked_a = {i for g in groups for i in g[0]}
    linked_b = {j for g in groups for j in g[1]}
    groups.sort(key=lambda g: (min(g[0]), min(g[1])))
    return (
        groups,
        sorted(i for i in loose_a if i not in linked_a),
        sorted(j for j in loose_b if j not in linked_b),
    )


def _drop_from(group: Group, sides: Sides, fits, loose_a: set[int], loose_b: set[int]) -> Group:
    ia, ib = group
    for n, (mine, theirs) in enumerate(((ia, ib), (ib, ia))):
        if len(mine) < 2:
            continue
        other = sides.side(1 - n, theirs)
        for p in mine:
            rest = tuple(x for x in mine if x != p)
            alone = sides.side(n, [p])
            kept = sides.side(n, rest)
            if not alone.mentions or unsaid(alone, other) != _first_per_key(alone.mentions):
                continue  # the other side states something of it
            kept_unsaid = len(unsaid(kept, other))
            if kept_unsaid == len(_first_per_key(kept.mentions)) and kept_unsaid >= len(
                _first_per_key(alone.mentions)
            ):
                continue  # nor anything of the rest, which has as much: no evidence
            pair_all = (mine, theirs) if n == 0 else (theirs, mine)
            pair_rest = (rest, theirs) if n == 0 else (theirs, rest)
            if fits(*pair_rest) < fits(*pair_all):
                (loose_a if n == 0 else loose_b).add(p)
                return (rest, ib) if n == 0 else (ia, rest)
    return group


def _shift(
    groups: list[Group], sides: Sides, fits, loose_a: set[int], loose_b: set[int]
) -> list[Group]:
    """Move one-to-one links next to a passage without partner onto it where the linked
    passage states nothing its partner states and the lone one fits the partner better
    (a dropped sentence makes the aligner skip the wrong one of two neighbours)."""
    groups = list(groups)
    for n, loose in ((0, loose_a), (1, loose_b)):
        pending = sorted(loose)
        steps = 0
        while pending and steps < 4 * len(groups) + 8:
            steps += 1
            u = pending.pop(0)
            where = {g[n][0]: k for k, g in enumerate(groups) if len(g[0]) == len(g[1]) == 1}
            for v in (u - 1, u + 1):
                k = where.get(v)
                if k is None:
                    continue
                j = groups[k][1 - n][0]
                linked, partner = sides.side(n, [v]), sides.side(1 - n, [j])
                lone = sides.side(n, [u])
                if not linked.mentions or unsaid(linked, partner) != _first_per_key(
                    linked.mentions
                ):
                    continue  # the linked passage states something of its partner
                if unsaid(partner, linked) != _first_per_key(partner.mentions):
                    continue
                if lone.mentions and unsaid(lone, partner) == _first_per_key(lone.mentions):
                    continue  # nor does the lone one
                new = ((u,), (j,)) if n == 0 else ((j,), (u,))
                old = groups[k]
                slack = SHIFT_SLACK * min(3, len(_first_per_key(linked.mentions)))
                if fits(*new) > min(LENGTH_FIT, fits(*old) + slack):
                    continue  # the lone passage must fit about as well
                groups[k] = new
                loose.discard(u)
                loose.add(v)
                pending.append(v)
                break
    return groups


def _first_per_key(mentions: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in mentions:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out


def _gap_pairs(
    groups: list[Group], loose_a: list[int], loose_b: list[int], sides: Sides, fits
) -> list[Group]:
    """Pairs of passages left alone in the same gap between two aligned groups."""
    if not loose_a or not loose_b:
        return []
    ordered = sorted(groups, key=lambda g: (min(g[0]), min(g[1])))

    def gap_of(i: int, j: int) -> bool:
        """Whether a passage i of a and j of b sit between the same neighbouring groups."""
        before = [g for g in ordered if max(g[0]) < i]
        after = [g for g in ordered if min(g[0]) > i]
        lo = max((max(g[1]) for g in before), default=-1)
        hi = min((min(g[1]) for g in after), default=10**9)
        return lo < j < hi

    runs: dict[int, list[int]] = {}
    for i in loose_a:
        key = sum(1 for g in ordered if max(g[0]) < i)
        runs.setdefault(key, []).append(i)
    out: list[Group] = []
    for run_a in runs.values():
        run_b = [j for j in loose_b if gap_of(run_a[0], j) and gap_of(run_a[-1], j)]
        if len(run_a) != len(run_b) or len(run_a) > MAX_GAP:
            continue
        for i, j in zip(run_a, run_b, strict=True):
            a, b = sides.side(0, [i]), sides.side(1, [j])
            shared = len(_first_per_key(a.mentions)) - len(unsaid(a, b))
            alone = len(run_a) == 1  # the only passage left on each side of the gap
            if (shared >= 1 or alone) and fits([i], [j]) <= LENGTH_FIT:
                out.append(((i,), (j,)))
    return out
