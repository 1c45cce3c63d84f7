"""What a shared entity is called and what kind it is, from its key and its mentions."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import icu


def entity_kind(kinds: Counter[str]) -> str:
    """The most common kind; a name that is a place in half its mentions is a place (`in Palu`
    marks a place, `Palu said` does not mark a person)."""
    if kinds.get("place", 0) * 2 >= sum(kinds.values()):
        return "place"
    return kinds.most_common(1)[0][0]


def entity_label(key: str, surfaces: Counter[str]) -> str:
    """The gazetteer's label of a key, else its most common surface (a number's value)."""
    from reader.corpus.gazetteer import label_of

    label = label_of(key)
    if label:
        return label
    surface = max(surfaces.items(), key=lambda kv: (kv[1], kv[0].isascii(), kv[0]))[0]
    if key.startswith("num:"):
        return number_label(key, surface)
    return surface


def number_label(key: str, surface: str) -> str:
    """A number entity's label shows the value it stands for: `11 million`, not the `11` of
    `11 million` (`num:11000000`); a number written in full keeps its surface."""
    value = Decimal(key[4:])
    if _DIGITS.sub("", surface).lstrip("0") == _DIGITS.sub("", format(value, "f")).lstrip("0"):
        return surface
    return _compact().format(float(value)) if value >= 1000 else format(value.normalize(), "f")


_DIGITS = re.compile(r"\D")


@cache
def _compact() -> icu.CompactDecimalFormat:
    import icu

    fmt = icu.CompactDecimalFormat.createInstance(icu.Locale("en"), icu.UNumberCompactStyle.LONG)
    fmt.setMaximumSignificantDigits(6)
    return fmt
