"""Clock times, months standing alone and weekday names: dates, not numbers or names.

`17:30`, `5.30pm` and `17h30` are `time:17:30` (not the number 30); `tháng 10`, `10月` and
`October` alone are `month:10` (not the number 10, not a name); weekday names alone are
nothing. Month and weekday names come from CLDR through ICU (`DateFormatSymbols`).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import icu

from reader.corpus.numbers_dates import Match

_DIGIT_RUN = re.compile(r"\d+")


@cache
def _locale(lang: str) -> icu.Locale:
    return icu.Locale(lang or "en")


_TIME = re.compile(
    r"(?P<h>[01]?\d|2[0-3])"
    r"(?:(?P<sep>[:h])(?P<m>[0-5]\d)|\.(?P<dm>[0-5]\d)(?=\s?[aApP]\.?[mM]\b))?"
    r"(?:\s?(?P<ap>[aApP])\.?[mM]\.?(?![A-Za-z]))?(?![\d:])"
)
# Where a time may be: `:` or `h` before minutes, or am/pm after a digit.
_TIME_HINT = re.compile(r"\d(?:[:h][0-5]\d|\s?[aApP]\.?[mM])")


def may_hold_time(text: str) -> bool:
    """Whether `text` may hold a clock time at all (a quick test before `time_matches`)."""
    return _TIME_HINT.search(text) is not None


def time_matches(text: str, start: int = 0, end: int | None = None) -> list[Match]:
    """Clock times (`17:30`, `5.30pm`, `5 p.m.`, `17h30`): `time:17:30`, not the number 30.

    A dot separates hours and minutes only before am/pm (`5.30` alone is a decimal).
    """
    end = len(text) if end is None else end
    out: list[Match] = []
    if _TIME_HINT.search(text, start, end) is None:
        return out
    for m in _TIME.finditer(text, start, end):
        if m.start() > 0 and text[m.start() - 1] in "0123456789.,:":
            continue
        minute = m.group("m") or m.group("dm")
        ap = m.group("ap")
        if minute is None and ap is None:
            continue  # a bare number
        hour = int(m.group("h"))
        if ap is not None:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if ap in "pP" else 0)
        out.append(Match(m.start(), m.end(), f"time:{hour:02d}:{int(minute or 0):02d}"))
    return out


@lru_cache(maxsize=64)
def _month_alone(lang: str) -> dict[str, int]:
    """Wide month names of `lang` and English, and short ones with digits (`10月`, `thg 10`)."""
    names: dict[str, int] = {}
    for code in dict.fromkeys((lang or "en", "en")):
        sym = icu.DateFormatSymbols(_locale(code))
        for context in (icu.DateFormatSymbols.FORMAT, icu.DateFormatSymbols.STANDALONE):
            for width in (icu.DateFormatSymbols.WIDE, icu.DateFormatSymbols.ABBREVIATED):
                for i, name in enumerate(sym.getMonths(context, width), start=1):
                    name = name.strip()
                    short = width == icu.DateFormatSymbols.ABBREVIATED
                    if not name or name.isdigit() or (short and not _DIGIT_RUN.search(name)):
                        continue
                    names.setdefault(name, i)
    return names


@lru_cache(maxsize=64)
def _digit_months(lang: str) -> re.Pattern[str] | None:
    """A pattern for the month names written with a number (`tháng 10`, `10月`, `thg 10`)."""
    forms = set()
    for name, month in _month_alone(lang).items():
        m = _DIGIT_RUN.search(name)
        if m is not None and int(m.group()) == month:
            forms.add((name[: m.start()].lower(), name[m.end() :].lower()))
    if not forms:
        return None
    ordered = sorted(forms)
    if all(before[:1].isalpha() for before, _ in ordered):
        return _led_by_letter(ordered)
    alts = [
        (r"(?<![^\W\d_])" if before[:1].isalpha() else r"(?<!\d)")
        + re.escape(before)
        + rf"(?P<m{n}>1[0-2]|0?[1-9])"
        + re.escape(after)
        + r"(?!\d)"
        for n, (before, after) in enumerate(ordered)
    ]
    return re.compile("|".join(alts), re.IGNORECASE)


def _led_by_letter(forms: list[tuple[str, str]]) -> re.Pattern[str]:
    """The pattern of month names that all start with a letter (`tháng 10`, `thg 10`), led by
    one character class (every letter that matches a first letter ignoring case) so that `re`
    skips ahead in C instead of trying every alternative, each behind a word-start check, at
    every character (8x faster on Vietnamese texts). The word-start check looks behind the
    first letter and each alternative goes on after its own; the matches and groups are those
    of the alternatives ignoring case, in the same order."""
    same = {f: _same_letters(f) for f in {before[0] for before, _ in forms}}
    alts = [
        f"(?<=[{same[before[0]]}])(?i:"
        + re.escape(before[1:])
        + rf"(?P<m{n}>1[0-2]|0?[1-9])"
        + re.escape(after)
        + r"(?!\d))"
        for n, (before, after) in enumerate(forms)
    ]
    first = "".join(sorted(set("".join(same.values()))))
    return re.compile(rf"[{first}](?<![^\W\d_].)(?:" + "|".join(alts) + ")")


def _same_letters(letter: str) -> str:
    """The characters (of the Basic Multilingual Plane, where the letters of month names are)
    that `re` matches to `letter` ignoring case, escaped for a character class."""
    pattern = re.compile(re.escape(letter), re.IGNORECASE)
    return "".join(re.escape(c) for c in map(chr, range(0x10000)) if pattern.fullmatch(c))


def month_matches(text: str, lang: str, start: int = 0, end: int | None = None) -> list[Match]:
    """Months written with their number standing alone (`tháng 10`, `10月`, `thg 10`):
    `month:10`, not the number 10. (Month words such as `October` are found as names.)"""
    end = len(text) if end is None else end
    pattern = _digit_months(lang)
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text, start, end):
        month = next(int(v) for v in m.groupdict().values() if v is not None)
        out.append(Match(m.start(), m.end(), f"month:{month:02d}"))
    return out


@lru_cache(maxsize=64)
def month_keys(lang: str) -> dict[str, str]:
    """Case-folded wide month names of `lang` and English -> `month:MM`."""
    return {n.casefold(): f"month:{m:02d}" for n, m in _month_alone(lang).items()}


@lru_cache(maxsize=64)
def weekday_keys(lang: str) -> dict[str, str]:
    """Wide weekday names of `lang` and English, case-folded (`saturday`, `thứ bảy`) ->
    `weekday:N` (1 = Sunday, as CLDR counts)."""
    out: dict[str, str] = {}
    for code in dict.fromkeys((lang or "en", "en")):
        sym = icu.DateFormatSymbols(_locale(code))
        for context in (icu.DateFormatSymbols.FORMAT, icu.DateFormatSymbols.STANDALONE):
            for i, name in enumerate(sym.getWeekdays(context, icu.DateFormatSymbols.WIDE)):
                if name.strip():
                    out.setdefault(name.strip().casefold(), f"weekday:{i}")
    return out


def weekday_names(lang: str) -> frozenset[str]:
    """Wide weekday names of `lang` and English, case-folded."""
    return frozenset(weekday_keys(lang))
