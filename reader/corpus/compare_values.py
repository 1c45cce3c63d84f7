"""Numbers, dates and names of a passage group, and whether a partner group says the same.

The entity candidates of a document (`reader.corpus.entities`) give the mentions and their
cross-language keys (`num:1800000000`, `date:02-16`, `region:CN`, `xu liang`). Whether a
partner *says* a value is checked more leniently than keys are built, so that a translation
writing it in another way is not taken for a disagreement: every run of digits of the partner
is read in every plausible way (`26 000`, `1.677` as 1677 and 1.677, `75th`, Khmer digits,
with any scale word after it), a date matches a partner date that agrees on every part both
give (`16 February` ~ `16.2.2016`), a year matches a partner date of that year, and a name
matches a partner word that starts with it (`Corbyn` ~ `Corbynin`, Finnish cases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from functools import lru_cache

import icu

from reader.corpus.entities import Candidate
from reader.corpus.numbers_dates import number_value, scale_words
from reader.corpus.text import match_key
from reader.corpus.thai_era import era_years

KINDS = ("number", "date", "name")
NAME_KINDS = frozenset({"person_org", "place", "other"})
MAX_SUFFIX = 4  # letters an inflected name may add (Finnish `-ista`, `-lle`, `'s`)
MIN_NAME_SIMILARITY = 0.75  # two different names this close are one name misspelled
YEARS = range(1800, 2101)


@dataclass(frozen=True, slots=True)
class Mention:
    """A number, date or name in one passage: span in code points, surface text and key."""

    passage: int
    start: int
    end: int
    text: str
    key: str
    kind: str  # number | date | name

    def to_json(self) -> dict[str, object]:
        return {"passage": self.passage, "start": self.start, "end": self.end, "text": self.text}


def mention_kind(candidate: Candidate) -> str | None:
    """`number`, `date` or `name` for a candidate worth comparing, else None.

    Names are capitalised (or written in a script without case); a lower-case `other`
    candidate is a word, not a name.
    """
    if candidate.kind in ("number", "date"):
        return candidate.kind
    if candidate.kind not in NAME_KINDS:
        return None
    letters = [c for c in candidate.text if c.isalpha()]
    if len(letters) < 2 or letters[0].islower():
        return None
    if candidate.kind == "other" and any(c.isdigit() for c in candidate.text):
        return None
    return "name"


# --- numbers ------------------------------------------------------------------------------

_RAW_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u2009 '’]\d+)*")


def key_value(key: str) -> Decimal | None:
    """The value of a `num:` key."""
    try:
        return Decimal(key[4:]) if key.startswith("num:") else None
    except InvalidOperation:
        return None


@dataclass(slots=True)
class Values:
    """Every value a text may state with its digits (all readings of each run)."""

    values: set[Decimal]
    plain: set[Decimal]  # the digits alone, without a scale word after them

    def says(self, value: Decimal) -> bool:
        return value in self.values


def _digits_value(digits: str) -> Decimal:
    return Decimal("".join(str(int(c)) for c in digits))  # int() reads any script's digits


def _readings(raw: str, lang: str) -> set[Decimal]:
    """Values a run of digits and separators may mean, whichever convention wrote it."""
    out: set[Decimal] = set()
    for language in (lang, "en", "de"):
        v = number_value(raw, language)
        if v is not None:
            out.add(v)
    spaced = re.sub(r"[\s'’]", "", raw)  # `16 599,85`: spaces group thousands
    if spaced != raw:
        for language in ("en", "de"):
            v = number_value(spaced, language)
            if v is not None:
                out.add(v)
    for sep in re.finditer(r"[^\d]", raw):  # `16 599,85` split where the finder split it
        tail = raw[sep.end() :]
        for language in ("en", "de"):
            v = number_value(tail, language) if tail[:1].isdigit() else None
            if v is not None:
                out.add(v)
    parts = [p for p in re.split(r"[^\d]+", raw) if p]
    out.add(_digits_value("".join(parts)))  # every separator a group separator
    out.update(_digits_value(p) for p in parts)  # `23 0000`: each group alone too
    return out


# Languages whose scale words a partner text may use whatever language it was detected as
# (a version's language can be one the language finder does not know).
SCALE_LANGUAGES = ("en", "fr", "de", "es", "pt", "it", "nl", "sv", "fi", "pl", "ru", "vi", "id",
                   "km", "th", "zh", "ja", "ko", "ar", "tr", "is", "da", "nb", "cs", "sk",
                   "uk", "hu", "ro", "el", "he", "hi", "ms", "lv", "lt", "et", "hr", "bg",
                   "ca")  # fmt: skip
MIN_STEM = 5  # scale words this long also match inflected (`miljardiin` for `miljardia`)


MIN_SHORT = 3  # letters of an abbreviated scale word (`тыс.`, `млн`, `Mrd.`; not `M`, `K`)


@lru_cache(maxsize=64)
def short_scale_words(lang: str) -> dict[str, int]:
    """Abbreviated scale words of a language (`4 тыс.`, `2,3 млн`, `5 Mrd.`), from CLDR's
    short compact forms; those under MIN_SHORT letters are left out (`4 M` is too often
    something else)."""
    words: dict[str, int] = {}
    try:
        bundle = icu.ResourceBundle("ICUDATA", icu.Locale(lang or "en"))
        table = bundle.getWithFallback("NumberElements/latn/patternsShort/decimalFormat")
    except icu.ICUError:
        return words
    for i in range(table.getSize()):
        item = table.get(i)
        magnitude = int(item.getKey())
        for j in range(item.getSize()):
            form = item.get(j).getString().replace("'", "")  # quoted literals: `тыс'.'`
            zeros = re.search(r"0+", form)
            if zeros is None:
                continue
            word = (form[: zeros.start()] + form[zeros.end() :]).strip().casefold()
            letters = [c for c in word if c.isalpha()]
            if len(letters) >= MIN_SHORT and not any(c.isdigit() or c in "'¤%" for c in word):
                words.setdefault(word, magnitude // 10 ** (len(zeros.group()) - 1))
    return words


@lru_cache(maxsize=64)
def _scale_pattern(lang: str) -> tuple[re.Pattern[str], dict[str, set[int]]]:
    words: dict[str, set[int]] = {}
    for language in (lang, *SCALE_LANGUAGES):
        for word, magnitude in scale_words(language).items():
            stem = word[:-1] if len(word) > MIN_STEM else word
            words.setdefault(stem, set()).add(magnitude)
    abbreviations: dict[str, set[int]] = {}
    for language in (lang, *SCALE_LANGUAGES):
        for word, magnitude in short_scale_words(language).items():
            if word.rstrip(".") not in words:
                abbreviations.setdefault(word, set()).add(magnitude)
    stems = sorted((w for w in words if len(w) >= MIN_STEM), key=len, reverse=True)
    short = sorted((w for w in words if len(w) < MIN_STEM), key=len, reverse=True)
    alt_long = "|".join(re.escape(w) for w in stems) or "(?!)"
    alt_short = "|".join(re.escape(w) for w in short) or "(?!)"
    # an abbreviation is a word of its own (`4 млн`, not `4 tribos` for `tri`)
    alt_abbr = "|".join(re.escape(w) for w in sorted(abbreviations, key=len, reverse=True))
    pattern = re.compile(
        rf"\s?(?:(?P<w>{alt_long})\w*|(?P<s>{alt_short})|(?P<x>{alt_abbr or '(?!)'})(?!\w))",
        re.IGNORECASE,
    )
    for word, magnitudes in abbreviations.items():
        words.setdefault(word, set()).update(magnitudes)
    return pattern, words


def _scale_factors(text: str, end: int, lang: str) -> set[int]:
    """Products of the scale words right after a number (`1,8 tỷ`, `១,២ ពាន់លាន`)."""
    pattern, words = _scale_pattern(lang)
    factors: set[int] = set()
    current = {1}
    for _ in range(2):
        m = pattern.match(text, end)
        if m is None:
            break
        if m.group("s") or m.group("x"):
            options = words.get((m.group("s") or m.group("x")).casefold(), {1})
        else:  # every stem the word starts with (`billion`: en 10^9, fr/it 10^12)
            token = m.group().strip().casefold()
            options = {g for w, gs in words.items() if len(w) >= MIN_STEM and token.startswith(w)
                       for g in gs}  # fmt: skip
        current = {f * g for f in current for g in options}
        factors |= current
        end = m.end()
    return factors


def run_values(text: str, start: int, end: int, lang: str) -> set[Decimal]:
    """Readings of the whole number around text[start:end] when the entity finder read only
    part of it: the run of digits and separators (`1 600` read as `600`, times any scale
    word after it) and a number written in parts (`1億6940万` read as `1` and `6,940`)."""
    out: set[Decimal] = set()
    runs = list(_RAW_NUMBER.finditer(text, max(0, start - 24), min(len(text), end + 24)))
    for n, run in enumerate(runs):
        if not (run.start() <= start and end <= run.end()):
            continue
        readings = _readings(run.group(), lang)
        if (run.start(), run.end()) != (start, end):
            out |= readings
            for factor in _scale_factors(text, run.end(), lang):
                out |= {v * factor for v in readings}
        out |= _compound(text, run, readings, lang)
        if n > 0:
            before = runs[n - 1]
            scale = _scale_pattern(lang)[0].match(text, before.end())
            if scale is not None and scale.end() == run.start():
                out |= _compound(text, before, _readings(before.group(), lang), lang)
        break
    return out


def _compound(text: str, m: re.Match[str], readings: set[Decimal], lang: str) -> set[Decimal]:
    """A number written in parts, each with its scale word and no space between them
    (`1億6940万` = 169,400,000, `1万1000` = 11,000): the sum of the parts."""
    pattern = _scale_pattern(lang)[0]
    scale = pattern.match(text, m.end())
    if scale is None or scale.group().startswith(" "):
        return set()
    after = _RAW_NUMBER.match(text, scale.end())
    if after is None:
        return set()
    big = _scale_factors(text, m.end(), lang)
    small = _scale_factors(text, after.end(), lang) or {1}
    rest = _readings(after.group(), lang)
    return {
        v * f + w * g
        for f in big
        for g in small
        if g < f
        for v in readings
        for w in rest
        if w * g < f
    }


_YEAR_SPAN = re.compile(r"(?<!\d)((?:18|19|20)\d\d)[-–/](\d\d)(?!\d)")


def year_span_end(text: str, start: int, end: int) -> int | None:
    """The year a two-digit number ends a span of years with (`2014-15` -> 2015), or None."""
    m = _YEAR_SPAN.search(text, max(0, start - 5), end)
    if m is None or m.span(2) != (start, end):
        return None
    return int(m.group(1)[:2] + m.group(2))


_RANGE_THOUSANDS = re.compile(r"\s?[-–]\s?\d+((?:[ \u00a0\u202f]\d{3})+)(?!\d)")


def text_values(text: str, lang: str) -> Values:
    """All readings of the digits in `text`, also times any scale word after them.

    Lenient on purpose: it answers "could this text be stating that value?". `90-95 000`
    also states 90 000.
    """
    values: set[Decimal] = set()
    plain: set[Decimal] = set()
    for m in _YEAR_SPAN.finditer(text):  # `2007-08`: the season ends in 2008
        values.add(Decimal(int(m.group(1)[:2] + m.group(2))))
    for year in era_years(text, lang):  # `ปี 2568` (Thai) also states the year 2025
        values.add(Decimal(year))
        plain.add(Decimal(year))
    for m in _RAW_NUMBER.finditer(text):
        readings = _readings(m.group(), lang)
        plain |= readings
        values |= readings
        for factor in _scale_factors(text, m.end(), lang):
            values |= {v * factor for v in readings}
        values |= _compound(text, m, readings, lang)
        r = _RANGE_THOUSANDS.match(text, m.end())
        if r is not None:
            factor = 1000 ** len(r.group(1).split()) if r.group(1).split() else 1
            values |= {v * factor for v in readings}
    return Values(values, plain)


@lru_cache(maxsize=64)
def _spellout(lang: str) -> icu.RuleBasedNumberFormat | None:
    try:
        return icu.RuleBasedNumberFormat(icu.URBNFRuleSetTag.SPELLOUT, icu.Locale(lang))
    except icu.ICUError:
        return None


@lru_cache(maxsize=4096)
def spelled_forms(value: Decimal) -> tuple[tuple[str, ...], ...]:
    """The value spelled out in words in the languages of SCALE_LANGUAGES, as match-key words
    (`4000000` -> `four million`, `nelja miljoonaa`, `bon trieu`...); a round thousand,
    million or billion also without its `one` (`$1 million` -> `miljoonan dollaria`)."""
    forms: set[tuple[str, ...]] = set()
    if value != value.to_integral_value() or value <= 0 or value > 10**15:
        return ()
    for lang in SCALE_LANGUAGES:
        rbnf = _spellout(lang)
        if rbnf is None:
            continue
        words = tuple(name_tokens(match_key(rbnf.format(int(value)).replace("\xad", ""))))
        if words and all(w.isascii() for w in words):
            forms.add(words)
            if len(words) == 2 and value in (10**3, 10**6, 10**9):
                forms.add(words[1:])
    return tuple(sorted(forms))


def spelled_said(value: Decimal, words: list[str]) -> bool:
    """Whether the words (match keys of a text) spell the value out in some language, allowing
    an inflected ending on the longer words (`miljoonaa` ~ `miljoonan`)."""
    present = set(words)
    for form in spelled_forms(value):
        if all(
            w in present
            or (len(w) >= 4 and any(x.startswith(w[:-1]) and len(x) - len(w) <= 3 for x in words))
            for w in form
        ):
            return True
    return False


_TIME = re.compile(r"(\d{1,2})[.:](\d{2})")


def time_values(raw: str) -> set[Decimal]:
    """A time of day written `5.30` is also `17.30` (and the other way round)."""
    m = _TIME.fullmatch(raw)
    if m is None:
        return set()
    hour, minute = int(m.group(1)), int(m.group(2))
    if minute >= 60 or hour > 23:
        return set()
    other = hour + 12 if hour < 12 else hour - 12
    return {Decimal(f"{other}.{minute:02d}")}


def mantissa(value: Decimal) -> Decimal:
    """The value without trailing thousands: 1.2e9 -> 1.2, 120e6 -> 120, 1677 -> 1677."""
    v = value
    while v and v == v.to_integral_value() and v % 1000 == 0:
        v /= 1000
    return v.normalize()


def number_likeness(a: Decimal, b: Decimal) -> float:
    """0..1: how likely two different values are one number changed (digit or unit)."""
    if a == 0 or b == 0:
        return 0.2
    ratio = max(a, b) / min(a, b)
    sa, sb = format(a.normalize(), "f"), format(b.normalize(), "f")
    if len(sa) == len(sb) and sum(x != y for x, y in zip(sa, sb, strict=True)) == 1:
        return 1.0  # one digit changed
    if mantissa(a) == mantissa(b) or ratio in (10, 100, 1000, 10**6, 10**9):
        return 0.9  # a unit or a power of ten changed
    if ratio < 2:
        return 0.8
    if ratio < 10:
        return 0.6
    return 0.4


# --- dates --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateParts:
    year: int | None
    month: int
    day: int | None


def date_parts(key: str) -> DateParts | None:
    """Parts of a `date:` key (`date:2024-02-16`, `date:2024-02`, `date:02-16`)."""
    if not key.startswith("date:"):
        return None
    parts = key[5:].split("-")
    try:
        if len(parts) == 3:
            return DateParts(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2 and len(parts[0]) == 4:
            return DateParts(int(parts[0]), int(parts[1]), None)
        if len(parts) == 2:
            return DateParts(None, int(parts[0]), int(parts[1]))
    except ValueError:
        return None
    return None


def dates_agree(a: DateParts, b: DateParts) -> bool:
    """No part that both dates give differs."""
    return (
        a.month == b.month
        and (a.year is None or b.year is None or a.year == b.year)
        and (a.day is None or b.day is None or a.day == b.day)
    )


def date_likeness(a: DateParts, b: DateParts) -> float:
    """0..1: how likely two disagreeing dates are one date changed (a day shifted...)."""
    same = (a.month == b.month) + (a.year is not None and a.year == b.year)
    same += a.day is not None and a.day == b.day
    return 1.0 if same >= 1 else 0.6


# --- names --------------------------------------------------------------------------------


_NEXT_WORD = re.compile(r" ([^\W\d_][\w'’-]*)")
MAX_EXTEND = 2


_PREVIOUS_WORD = re.compile(r"([^\W\d_][\w'’-]*) $")
_SENTENCE_END = '.!?:;\n"“”«»()[]'


def extend_name(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """A name's span grown over capitalised words next to it (`Sok` -> `Sok Dara`).

    Where only part of a name is shared between versions, the entity finder keeps just that
    part; the whole name is what a misspelling changes. A word that starts a sentence is
    not taken on the left (`The Labour leader`).
    """
    for _ in range(MAX_EXTEND):
        m = _NEXT_WORD.match(text, end, hi)
        if m is None or not m.group(1)[0].isupper():
            break
        end = m.end()
    for _ in range(MAX_EXTEND):
        m = _PREVIOUS_WORD.search(text, max(lo, start - 40), start)
        if m is None or not m.group(1)[0].isupper():
            break
        before = text[lo : m.start()].rstrip()
        if not before or before[-1] in _SENTENCE_END:
            break
        start = m.start()
    return start, end


def name_tokens(key: str) -> list[str]:
    return [t for t in re.split(r"[^\w]+", key) if t]


def same_stem(x: str, y: str) -> bool:
    """Two words that are one name inflected: one starts the other and the other adds a short
    ending (`corbyn` ~ `corbynin`), or the shorter one's last letter changes before a longer
    ending (`kyrgios` ~ `kyrgioksen`, `farages` ~ `faragensa`)."""
    short, long = sorted((x, y), key=len)
    extra = len(long) - len(short)
    if short == long:
        return True
    if len(short) < 3 or extra > MAX_SUFFIX + 1:
        return False
    if long.startswith(short):
        return extra <= MAX_SUFFIX
    return len(short) >= 5 and extra >= 2 and long.startswith(short[:-1])


def _token_in(token: str, words: list[str]) -> bool:
    """`token` is one of `words`, or one of them inflected."""
    return any(same_stem(token, w) for w in words)


def name_said(key: str, words: list[str]) -> bool:
    """Whether a text with these words (match keys) names `key` (or, for a gazetteer id,
    whether its label's words are there: the caller checks ids first)."""
    tokens = name_tokens(key)
    longer = [t for t in tokens if len(t) >= 3]  # titles and particles (`Mr`, `de`) may go
    return all(_token_in(t, words) for t in longer or tokens)


def text_words(text: str) -> list[str]:
    """Match-key words of a text (transliterated, case-folded), for `name_said`."""
    return name_tokens(match_key(text))


def name_likeness(a: str, b: str) -> float:
    """0..1 similarity of two name keys (a misspelling scores high, different names low)."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
