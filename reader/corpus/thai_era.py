"""Years of the Buddhist Era in Thai text: `ปี 2568` and `12 มกราคม 2568` are 2025.

Thai writes years in the Buddhist Era (พ.ศ., 543 years ahead of the common era) far more often
than not, so a Thai version of a story says `2568` where the others say `2025`. A four-digit
number in the era's range is read as a year only where it is one: after `ปี` (year), `พ.ศ.`
or a month name. A bare `2568 คน` (2,568 people) stays a number.
"""

from __future__ import annotations

import re
from functools import cache

BE_OFFSET = 543
FIRST, LAST = 1800 + BE_OFFSET, 2100 + BE_OFFSET  # the years entity keys accept, in the era
ERA_LANGUAGES = frozenset({"th"})
_BEFORE = 16  # characters before the digits where the cue may end


def common_era(year: int, lang: str) -> int:
    """`year` of a date written in `lang`, in the common era (Thai era years moved back)."""
    if lang in ERA_LANGUAGES and FIRST <= year <= LAST:
        return year - BE_OFFSET
    return year


@cache
def _cue() -> re.Pattern[str]:
    """What ends right before an era year: `ปี`, `พ.ศ.`, a month name, then spaces."""
    from reader.corpus.gazetteer import month_names

    months = "|".join(re.escape(name) for name, _ in month_names("th"))
    return re.compile(rf"(?:ปี|พ\.\s?ศ\.?|{months})\s*(?:พ\.\s?ศ\.?\s*)?$")


def era_year(text: str, start: int, end: int, lang: str) -> int | None:
    """The common-era year that the digits text[start:end] stand for when they are a Thai era
    year (four digits in range, after a year cue); None otherwise."""
    if lang not in ERA_LANGUAGES or end - start != 4:
        return None
    digits = text[start:end]
    if not digits.isdigit():
        return None
    year = int(digits)  # int() reads Thai digits too
    if not FIRST <= year <= LAST:
        return None
    if _cue().search(text, max(0, start - _BEFORE), start) is None:
        return None
    return year - BE_OFFSET


_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")


def era_years(text: str, lang: str) -> list[int]:
    """The common-era years of every Thai era year in `text` (empty for other languages)."""
    if lang not in ERA_LANGUAGES:
        return []
    out = []
    for m in _FOUR_DIGITS.finditer(text):
        year = era_year(text, m.start(), m.end(), lang)
        if year is not None:
            out.append(year)
    return out
