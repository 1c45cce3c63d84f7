"""Numbers and dates in running text, with keys that are the same in every language.

`1.677` (vi, pt) and `1,677` (en, km) are both `num:1677`; Khmer and Thai digits count as digits.
Dates use the document language's month names from CLDR (`16 de fevereiro`, `ថ្ងៃទី 16
ខែកុម្ភៈ`, `tháng 10.2023`) and give `date:02-16`, `date:2023-10` or `date:2024-02-16`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

import icu

from reader.corpus.gazetteer import month_names
from reader.corpus.thai_era import ERA_LANGUAGES, common_era, era_year

MIN_PLAIN_NUMBER = 10  # single-digit integers are too common to link documents
_LATIN_LETTER = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_SPACE_GROUPS = "\u00a0\u202f\u2009 "
_WORDISH = r"[^\s\d.,;:!?()\[\]\"“”«»]"


@dataclass(frozen=True, slots=True)
class Match:
    """A number or date found in a text: `[start, end)` and its key."""

    start: int
    end: int
    key: str


@cache
def _locale(lang: str) -> icu.Locale:
    return icu.Locale(lang or "en")


@lru_cache(maxsize=64)
def separators(lang: str) -> tuple[str, str]:
    """(grouping, decimal) separators of a language from CLDR."""
    sym = icu.DecimalFormatSymbols(_locale(lang))
    group = sym.getSymbol(icu.DecimalFormatSymbols.kGroupingSeparatorSymbol)
    decimal = sym.getSymbol(icu.DecimalFormatSymbols.kDecimalSeparatorSymbol)
    return group, decimal


@lru_cache(maxsize=64)
def _script(lang: str) -> str:
    return icu.Locale.addLikelySubtags(_locale(lang)).getScript() or "Latn"


@lru_cache(maxsize=64)
def _number_re(lang: str) -> re.Pattern[str]:
    group, _ = separators(lang)
    extra = "".join(c for c in group if c in _SPACE_GROUPS or c in "'’")
    if extra and extra in _SPACE_GROUPS:  # texts group with any space where CLDR has one
        extra = _SPACE_GROUPS
    seps = re.escape(".," + extra)
    # The checks before the number come after its first digit, so that `re` skips ahead fast.
    return re.compile(
        rf"\d(?<![{_LATIN_LETTER}\d].)(?<!\d[.,].)\d*(?:[{seps}]\d+)*(?![{_LATIN_LETTER}\d])"
    )


def _ascii_digits(raw: str) -> str:
    if raw.isascii():
        return raw
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in raw)


_DIGIT_RUN = re.compile(r"\d+")
_NON_DIGIT = re.compile(r"[^\d]")


@lru_cache(maxsize=65536)
def number_value(raw: str, lang: str = "en") -> Decimal | None:
    """The value of a number as written in `lang` (None when it is not a plain number).

    Several separators of one kind, or a pair like `1.234,5`, decide by themselves. One
    separator followed by exactly three digits is a group separator when the language groups
    with it (CLDR), or in scripts whose texts write Western digits the English way (Khmer, Thai).
    """
    s = _ascii_digits(raw)
    groups = _DIGIT_RUN.findall(s)
    seps = _NON_DIGIT.findall(s)
    if not seps:
        return Decimal(groups[0])
    group_sep, decimal_sep = separators(lang)
    kinds = set(seps)
    decimal_part = ""
    if len(kinds) == 2 and kinds <= {".", ","}:
        dec = seps[-1]
        if seps.count(dec) != 1:
            return None
        whole, decimal_part = groups[:-1], groups[-1]
        if any(len(g) != 3 for g in whole[1:]):
            return None
    elif len(kinds) == 1:
        sep = seps[0]
        three = all(len(g) == 3 for g in groups[1:])
        if len(seps) > 1 or sep not in ".,":
            if not three or (sep in _SPACE_GROUPS and len(groups[0]) > 3):
                return None
            whole = groups
        elif three and groups[0] != "0" and _groups_with(sep, lang, group_sep, decimal_sep):
            whole = groups
        else:
            whole, decimal_part = groups[:1], groups[1]
    else:
        return None
    try:
        text = "".join(whole) + ("." + decimal_part if decimal_part else "")
        return Decimal(text)
    except InvalidOperation:
        return None


def _groups_with(sep: str, lang: str, group_sep: str, decimal_sep: str) -> bool:
    """Whether `sep` before three digits groups thousands in texts of `lang`."""
    if sep == group_sep or sep != decimal_sep:
        return True
    return _script(lang) != "Latn"


def number_key(value: Decimal) -> str:
    """`num:1677`, `num:1.5`."""
    if value == value.to_integral_value():
        return f"num:{int(value)}"
    return "num:" + format(value.normalize(), "f")


@lru_cache(maxsize=64)
def scale_words(lang: str) -> dict[str, int]:
    """Words that multiply a number (`million`, `triệu`, `万`, `លាន`), from CLDR compact forms."""
    words: dict[str, int] = {}
    bundle = icu.ResourceBundle("ICUDATA", _locale(lang))
    # Long forms (`million`); where CLDR keeps only short ones (ja, zh in ICU 78: `万`), those.
    for style in ("patternsLong", "patternsShort"):
        try:
            table = bundle.getWithFallback(f"NumberElements/latn/{style}/decimalFormat")
        except icu.ICUError:
            continue
        _add_scale_words(table, words)
        if words:
            break
    return words


def _add_scale_words(table: icu.ResourceBundle, words: dict[str, int]) -> None:
    for i in range(table.getSize()):
        item = table.get(i)
        magnitude = int(item.getKey())
        for j in range(item.getSize()):
            form = item.get(j).getString()
            zeros = re.search(r"0+", form)
            if zeros is None:
                continue
            word = (form[: zeros.start()] + form[zeros.end() :]).strip().casefold()
            if word and not any(c.isdigit() or c in "'¤%" for c in word):
                words.setdefault(word, magnitude // 10 ** (len(zeros.group()) - 1))


@lru_cache(maxsize=64)
def _scale_re(lang: str) -> re.Pattern[str] | None:
    words = sorted(scale_words(lang), key=len, reverse=True)
    if not words:
        return None
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"\s?(?P<w>{alt})(?![{_LATIN_LETTER}])", re.IGNORECASE)


def _scaled(text: str, lang: str, end: int, value: Decimal) -> Decimal:
    """The value times the scale words right after it (`1,8 tỷ`, `466 mila miliardi`)."""
    pattern = _scale_re(lang)
    if pattern is None:
        return value
    words = scale_words(lang)
    for _ in range(2):
        m = pattern.match(text, end)
        if m is None:
            break
        value *= words[m.group("w").casefold()]
        end = m.end()
    return value


def number_matches(text: str, lang: str, start: int = 0, end: int | None = None) -> list[Match]:
    """Numbers in `text[start:end]` worth linking (not single-digit integers).

    A scale word after the number counts in its key: `1.8 billion` and `1,8 tỷ` are both
    `num:1800000000`; the span stays on the digits.
    """
    end = len(text) if end is None else end
    out: list[Match] = []
    scale = _scale_re(lang)
    for m in _number_re(lang).finditer(text, start, end):
        raw = m.group()
        while raw and not raw[-1].isdigit():
            raw = raw[:-1]
        stop = m.start() + len(raw)
        if scale is None or not scale.match(text, stop):
            key = _plain_key(raw, lang)  # no scale word after it: the key of the digits alone
            if key and lang in ERA_LANGUAGES and len(raw) == 4:
                year = era_year(text, m.start(), stop, lang)  # `ปี 2568` is the year 2025
                key = number_key(Decimal(year)) if year is not None else key
            if key:
                out.append(Match(m.start(), stop, key))
            elif key is None and any(c in _SPACE_GROUPS for c in raw):
                out.extend(_numbers_between_spaces(text, lang, m.start(), stop))
            continue
        value = number_value(raw, lang)
        if value is None:
            if any(c in _SPACE_GROUPS for c in raw):  # `2024 300`: two numbers after all
                out.extend(_numbers_between_spaces(text, lang, m.start(), stop))
            continue
        scaled = _scaled(text, lang, stop, value)
        if scaled == value and value == value.to_integral_value() and value < MIN_PLAIN_NUMBER:
            continue
        out.append(Match(m.start(), stop, number_key(scaled)))
    return out


@lru_cache(maxsize=65536)
def _plain_key(raw: str, lang: str) -> str | None:
    """The key of a number with no scale word after it: "" when it is too small to link,
    None when it is not a plain number."""
    value = number_value(raw, lang)
    if value is None:
        return None
    if value == value.to_integral_value() and value < MIN_PLAIN_NUMBER:
        return ""
    return number_key(value)


def _numbers_between_spaces(text: str, lang: str, start: int, end: int) -> list[Match]:
    out = []
    for piece in re.finditer(rf"[^{_SPACE_GROUPS}]+", text[start:end]):
        raw = piece.group()
        value = number_value(raw, lang)
        if value is not None and not (value == value.to_integral_value() and value < 10):
            s = start + piece.start()
            out.append(Match(s, s + len(raw), number_key(value)))
    return out


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True, slots=True)
class _DatePatterns:
    at_digits: tuple[re.Pattern[str], ...]  # patterns that start with the day or year digits
    before_digits: tuple[re.Pattern[str], ...]  # patterns that start with a word (month, "day")
    starts: re.Pattern[str]  # the words `before_digits` patterns start with
    months: dict[str, tuple[int, bool]]  # casefolded name -> (month, written with a capital)
    day_first: bool


@lru_cache(maxsize=64)
def _date_patterns(lang: str) -> _DatePatterns:
    loc = _locale(lang)
    names = month_names(lang or "en")
    months: dict[str, tuple[int, bool]] = {}
    for n, m in names:  # capitalised only if every CLDR form of the name is
        old = months.get(n.casefold(), (m, True))
        months[n.casefold()] = (m, old[1] and n[:1].isupper())
    alt = "|".join(re.escape(n) for n, _ in names) or "(?!)"
    month = rf"(?P<m>{alt})(?!\d)(?![{_LATIN_LETTER}])"
    conn = rf"\s+(?:{_WORDISH}{{1,6}}\s*)?"
    yconn = rf"(?:\s*[,.]?\s*(?:{_WORDISH}{{1,6}}\s*)?)"
    day = r"(?<![\d.,])(?P<d>\d{1,2})"
    year = r"(?P<y>\d{4})(?!\d)"
    gen = icu.DateTimePatternGenerator.createInstance(loc)
    day_word = gen.getAppendItemName(icu.UDateTimePatternField.DAY_FIELD)
    short = icu.DateFormat.createDateInstance(icu.DateFormat.SHORT, loc).toPattern()
    day_first = short.find("d") < short.find("M") if "d" in short and "M" in short else True
    flags = re.IGNORECASE
    at_digits = (
        re.compile(rf"{day}\.?{conn}{month}(?:{yconn}{year})?", flags),
        re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<mm>\d{2})-(?P<d>\d{2})(?!\d)"),
        re.compile(r"(?<![\d.,/])(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})(?!\d)"),
        # Month and day without a year in Chinese, Japanese and Korean: `9月29日`, `9월 29일`.
        re.compile(r"(?<![\d年년])(?P<mm>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"),
    )
    before = [
        re.compile(
            rf"(?<![{_LATIN_LETTER}]){month}\s+(?P<d>\d{{1,2}})(?!\d)(?:,?\s+{year})?", flags
        ),
        re.compile(rf"(?<![{_LATIN_LETTER}]){month}{yconn}{year}", flags),
    ]
    if day_word and not day_word.isdigit():
        before.append(
            re.compile(
                rf"(?<![{_LATIN_LETTER}]){re.escape(day_word)}\s+"
                r"(?P<span>(?P<a>\d{1,2})[./](?P<b>\d{1,2})(?:[./](?P<y>\d{4}))?)(?![\d.,]\d)",
                flags,
            )
        )
    for style in (icu.DateFormat.LONG, icu.DateFormat.MEDIUM):
        cldr = _pattern_regex(icu.DateFormat.createDateInstance(style, loc).toPattern(), alt)
        if cldr is not None:
            compiled = re.compile(cldr, flags)
            if cldr.startswith("(?P<m>"):
                before.append(compiled)
            else:
                at_digits += (compiled,)
    words = [n for n, _ in names]
    if day_word and not day_word.isdigit():
        words.append(day_word)
    # Case variants spelled out: `re` skips ahead far faster than with IGNORECASE.
    variants = {v for w in words for v in (w, w.lower(), w.upper(), w[:1].upper() + w[1:])}
    starts = re.compile(trie_regex(variants) or "(?!)")
    return _DatePatterns(at_digits, tuple(before), starts, months, day_first)


def trie_regex(words: set[str]) -> str:
    """A regex matching the longest of `words` at a place, as an alternation of them longest
    first would, with the words merged by their common prefixes: `re` then tries one branch
    per character instead of every word."""
    trie: dict[str, dict] = {}
    for w in words:
        if not w:
            continue
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return pattern(trie)


_PATTERN_PART = re.compile(r"'([^']*)'|([A-Za-z])\2*|(\s+)|(.)")


def _pattern_regex(pattern: str, month_alt: str) -> str | None:
    """A regex for dates written in a CLDR date pattern (`y年M月d日`, `d 'de' MMMM 'de' y`).

    Patterns with fields other than day, month and four-digit year (weekday, era) are skipped.
    """
    out: list[str] = []
    seen: set[str] = set()
    for m in _PATTERN_PART.finditer(pattern):
        literal, letter, space, other = m.groups()
        field = m.group() if letter else ""
        if literal is not None:
            out.append(r"\s*" + re.escape(literal) + r"\s*" if literal else "'")
        elif space:
            out.append(r"\s+")
        elif other:
            if other == ",":
                out.append(r"\s*,?\s*")
            elif other in ".年月日년월일/-":
                out.append(r"\s*" + re.escape(other) + r"\s*")
        elif letter in "yu" and len(field) in (1, 4) and "y" not in seen:
            out.append(r"(?P<y>\d{4})(?!\d)")
            seen.add("y")
        elif letter in "ML" and len(field) <= 2 and "m" not in seen:
            out.append(r"(?P<mm>\d{1,2})(?!\d)")
            seen.add("m")
        elif letter in "ML" and "m" not in seen:
            out.append(rf"(?P<m>{month_alt})(?!\d)(?![{_LATIN_LETTER}])")
            seen.add("m")
        elif letter == "d" and "d" not in seen:
            out.append(r"(?<![\d.,])(?P<d>\d{1,2})(?!\d)")
            seen.add("d")
        else:
            return None
    if not {"y", "m", "d"} <= seen:
        return None
    regex = "".join(out)
    return regex.removeprefix(r"\s*").removeprefix(r"\s+").removesuffix(r"\s*")


def _date_key(year: int | None, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if year is not None and not 1800 <= year <= 2100:
        return None
    if year is not None and day is not None:
        return f"date:{year:04d}-{month:02d}-{day:02d}"
    if year is not None:
        return f"date:{year:04d}-{month:02d}"
    if day is not None:
        return f"date:{month:02d}-{day:02d}"
    return None


def _num(s: str | None) -> int | None:
    return int(_ascii_digits(s)) if s else None


_DIGITS = re.compile(r"\d+")
# A run of one, two or four digits (the check before it comes after its first digit, so that
# `re` skips ahead fast).
_DAY_MONTH_YEAR = re.compile(r"\d(?<!\d\d)(?:\d{3}|\d?)(?!\d)")


_GROUP_NAME = re.compile(r"\(\?P<\w+>")


def _any_of(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One pattern that matches where any of `patterns` matches (their groups unnamed)."""
    if not patterns:
        return None
    parts = []
    for p in patterns:
        body = _GROUP_NAME.sub("(?:", p.pattern)
        parts.append(f"(?i:{body})" if p.flags & re.IGNORECASE else f"(?:{body})")
    return re.compile("|".join(parts))


@lru_cache(maxsize=64)
def _screens(lang: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """For the date patterns of `lang` starting at digits and at words: one pattern each that
    tells in one call whether any of them matches at a place."""
    dp = _date_patterns(lang)
    return _any_of(dp.at_digits), _any_of(dp.before_digits)


def _candidate_matches(
    text: str, dp: _DatePatterns, start: int, end: int, lang: str
) -> list[re.Match[str]]:
    """Pattern matches at each run of digits and at each month name or "day" word.

    A date always holds a run of one, two or four digits; the patterns that start with a word
    are tried only where such a word is. Each place is screened with one call (do any of the
    patterns match here?) before every pattern is tried.
    """
    seen: dict[tuple[int, int], re.Match[str]] = {}
    at_digits, before_digits = _screens(lang)
    # Every digit-first pattern starts with 1-2 (day, month) or 4 (year) digits: only such
    # runs are looked at (a run cut by `start` is looked at whole, as `_DIGITS` gives it).
    runs = _DIGITS if start and _DIGITS.match(text, start - 1) else _DAY_MONTH_YEAR
    for digits in runs.finditer(text, start, end) if at_digits is not None else ():
        if digits.end() - digits.start() not in (1, 2, 4):
            continue
        pos = digits.start()
        if not at_digits.match(text, pos, end):
            continue
        for pattern in dp.at_digits:
            m = pattern.match(text, pos, end)
            if m:
                seen.setdefault(m.span(), m)
    if dp.before_digits and _DIGITS.search(text, start, end):
        for word in dp.starts.finditer(text, start, end):
            if before_digits is None or not before_digits.match(text, word.start(), end):
                continue
            for pattern in dp.before_digits:
                m = pattern.match(text, word.start(), end)
                if m:
                    seen.setdefault(m.span(), m)
    return list(seen.values())


def date_matches(text: str, lang: str, start: int = 0, end: int | None = None) -> list[Match]:
    """Dates in `text[start:end]`: longest match wins where patterns overlap."""
    end = len(text) if end is None else end
    dp = _date_patterns(lang)
    found: list[Match] = []
    for m in _candidate_matches(text, dp, start, end, lang):
        groups = m.groupdict()
        day = _num(groups.get("d"))
        year = _num(groups.get("y"))
        if groups.get("m"):
            month_no, capital = dp.months.get(groups["m"].casefold(), (0, False))
            if capital and groups["m"][:1].islower():
                continue
        elif groups.get("mm"):
            month_no = int(_ascii_digits(groups["mm"]))
        else:
            a, b = _num(groups.get("a")), _num(groups.get("b"))
            day, month_no = (a, b) if dp.day_first else (b, a)
            assert month_no is not None
        key = _date_key(common_era(year, lang) if year else year, month_no, day)
        if key:  # the span leaves out a leading "day" word: `ngày 15.2` -> `15.2`
            s, e = m.span("span") if groups.get("span") else m.span()
            found.append(Match(s, e, key))
    found.sort(key=lambda x: (x.start, x.start - x.end))
    out: list[Match] = []
    for match in found:
        if out and match.start < out[-1].end:
            continue
        out.append(match)
    return out
