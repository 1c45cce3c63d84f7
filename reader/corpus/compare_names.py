"""Ranking a name written two ways in two versions: a misspelling, or the other language's form?

Two versions in one language should spell a name alike. Between languages, a form that
differs only by a changed or added ending is grammar (`Helsinki` / `Helsingin`); a form each
version keeps throughout is a convention (`England` / `Englanti`); a form one document also
writes the other way elsewhere is a slip at this place (`Donald` ... `Donad`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import icu

from reader.corpus.compare_groups import Side
from reader.corpus.compare_values import (
    MIN_NAME_SIMILARITY,
    Mention,
    extend_name,
    name_likeness,
    name_said,
    name_tokens,
    same_stem,
)
from reader.corpus.text import match_key

STRONG_BASE = 0.5  # + half the likeness: one document writes the other's form elsewhere
SAME_LANGUAGE_OVERLAP = 0.25  # share of words two texts in one language have in common
CONVENTION_STEM = 5  # letters of a name form that its inflected forms share
NAME_ENDING = 0.45  # two languages' forms differing in the last letters only (inflection)
ENDING_STEM = 4  # ... sharing at least this many first letters
ENDING_LETTERS = 3  # ... and all but this many letters of the shorter form
NAME_SAME_LANGUAGE = 0.85  # two versions in one language spell a name two ways
NAME_CONVENTION = 0.3  # each version keeps to its own form throughout
NAME_ONCE = 0.5  # a name written once in each, two ways, in two languages, at least
NAME_ONCE_LIKENESS = 0.84  # this alike (a letter changed); less alike ranks below the floor
NAME_ACROSS_SCRIPTS = 0.97  # ... and this alike when written in two scripts (transliterations
# differ by a letter or two: `Zhirinovsky` / `Жириновский`)


@dataclass(slots=True)
class Known:
    """Document-wide facts that rank name mismatches."""

    mentions_a: dict[int, list[Mention]]
    mentions_b: dict[int, list[Mention]]
    words: tuple[list[str], list[str]]  # words of each whole document
    same_language: bool

    vocabulary: tuple[Counter[str], Counter[str]] = field(init=False)
    names: tuple[Counter[str], Counter[str]] = field(init=False)  # words of each one's names

    def __post_init__(self) -> None:
        self.vocabulary = (Counter(self.words[0]), Counter(self.words[1]))
        self.names = (name_words(self.mentions_a), name_words(self.mentions_b))

    def forms(self, n: int, key: str, lang: str) -> list[str]:
        """How document n (0: a, 1: b) writes the name with this key anywhere (as written),
        and, for a country, its name in the document's language (CLDR)."""
        mentions = self.mentions_a if n == 0 else self.mentions_b
        out = {m.text for ms in mentions.values() for m in ms if m.key == key}
        code = key.removeprefix("region:")
        if code != key and len(code) == 2 and code.isalpha():
            name = icu.Locale("", code.upper()).getDisplayCountry(icu.Locale(lang or "en"))
            if name and name.upper() != code.upper():
                out.add(name)
        return sorted(out)

    def convention(self, tx: list[str], ty: list[str]) -> bool:
        """Whether each document keeps to its own form of a name: neither form is in the other
        document, and words starting like each form come back in its own (`London` ...
        `London`; `Lontoon`, `Lontoossa`). A misspelling made once is not a convention."""
        if not tx or not ty:
            return False
        for mine, theirs, vocab in ((tx, ty, self.vocabulary[0]), (ty, tx, self.vocabulary[1])):
            if any(t in vocab for t in theirs):
                return False
            for stem in (t[:CONVENTION_STEM] for t in mine):
                if sum(n for w, n in vocab.items() if w.startswith(stem)) < 2:
                    return False
        return True


def _endings_differ(tx: list[str], ty: list[str]) -> bool:
    """Whether every differing word of one form matches one of the other up to a changed or
    added ending (`Helsinki` / `Helsingin`, `Lukko` / `Lukon`): languages inflect names at
    the end, so between two languages that is grammar more often than a misspelling."""
    if not tx or not ty:
        return False
    return all(any(_ending_only(t, u) for u in ty) for t in tx)


def _ending_only(t: str, u: str) -> bool:
    common = 0
    for x, y in zip(t, u, strict=False):
        if x != y:
            break
        common += 1
    return (
        # an ending changed or added, not a letter inside the name
        t[-1:] != u[-1:]
        and common >= ENDING_STEM
        and common >= min(len(t), len(u)) - ENDING_LETTERS
    )


def name_pair_confidence(x: Mention, y: Mention, like: float, known: Known) -> float:
    """A name written two ways: a misspelling, or the other language's form of it?

    Between two languages, forms that differ only in their last letters are taken for an
    inflection (ranked just below the floor). Strong when either document writes the other's
    form verbatim somewhere (so this place differs from the rest) or both are in one
    language; weak when each keeps to its own form (a convention, like `England` /
    `Englanti`, `London` / `Lontoon`).
    """
    tx = [t for t in name_tokens(x.key) if t not in name_tokens(y.key)]
    ty = [t for t in name_tokens(y.key) if t not in name_tokens(x.key)]
    if not known.same_language and _endings_differ(tx, ty):
        return NAME_ENDING
    if (tx and all(t in known.vocabulary[1] for t in tx)) or (
        ty and all(t in known.vocabulary[0] for t in ty)
    ):
        return STRONG_BASE + 0.5 * like
    if known.same_language:
        return NAME_SAME_LANGUAGE
    if known.convention(tx, ty):
        return NAME_CONVENTION
    if _script(x.text) != _script(y.text):  # transliterated: conventions differ by a letter
        return NAME_ONCE + 0.5 * (like - NAME_ACROSS_SCRIPTS)
    return NAME_ONCE + 0.5 * (like - NAME_ONCE_LIKENESS)


def _script(text: str) -> str:
    """The script of a name's first letter (`LATIN`, `CYRILLIC`, `KATAKANA`...)."""
    letter = next((c for c in text if c.isalpha()), "")
    return unicodedata.name(letter, "").split(" ")[0] if letter else ""


def one_language(words_a: list[str], words_b: list[str]) -> bool:
    """Whether two texts are in one language: they share many of their words (language
    detection does not know every language, and a rewrite keeps its language)."""
    a, b = set(words_a), set(words_b)
    return bool(a and b) and len(a & b) / len(a | b) >= SAME_LANGUAGE_OVERLAP


def raw_partner(
    name: Mention, other: Side, mine: Side, forms: Sequence[str] = ()
) -> tuple[Mention, float, bool] | None:
    """A capitalised word of the other side that looks like a misspelling of a word of `name`
    (the entity finder may have kept only the part of a name both versions share), or of
    `forms`, the way the other document writes that name elsewhere (`Schweden` here and
    `Sude` for the `Suède` of the rest of a French version): (word, likeness, whether it
    was like one of `forms`)."""
    missing = [t for t in name_tokens(name.key) if len(t) >= 3 and not name_said(t, other.words)]
    theirs = [t for f in forms for t in name_tokens(match_key(f)) if len(t) >= 3]
    theirs = [t for t in theirs if not name_said(t, other.words)]
    best: tuple[float, Mention, bool] | None = None
    for w in _caseless_slips(forms, other):
        like = max(name_likeness(match_key(f), w.key) for f in forms)
        if like >= MIN_NAME_SIMILARITY and (best is None or like > best[0]):
            best = (like, w, True)
    for w in other.capitalised_words():
        if name_said(w.key, mine.words) or w.text in forms:
            continue
        own = max((name_likeness(t, w.key) for t in missing), default=0.0)
        if any(_ending_only(t, w.key) or same_stem(t, w.key) for t in theirs):
            continue  # the other document's form, inflected (`Китай` ... `Китая`)
        # a slip: one letter inside the word dropped, added or replaced (not an ending)
        slips = [t for t in theirs if len(t) > 3 and _one_edit(t, w.key)]
        like_form = max((name_likeness(t, w.key) for t in slips), default=0.0)
        like, via_form = max((own, False), (like_form, True))
        if like < MIN_NAME_SIMILARITY:
            continue
        text = other.doc.text
        p = other.doc.passages[w.passage]
        start, end = extend_name(text, w.start, w.end, p.start, p.end)
        if (start, end) != (w.start, w.end):
            w = Mention(w.passage, start, end, text[start:end], match_key(text[start:end]), "name")
            if not via_form:
                like = max(like, name_likeness(name.key, w.key))
        if like >= MIN_NAME_SIMILARITY and (best is None or like > best[0]):
            best = (like, w, via_form)
    return (best[1], best[0], best[2]) if best else None


def _caseless_slips(forms: Sequence[str], other: Side) -> list[Mention]:
    """Spans of the other side one letter off a form of the name, in scripts without
    capitals (`オートラリア` for `オーストラリア`), where no capitalised word marks a name:
    same first and last letter, one letter dropped, added or replaced."""
    out = []
    for form in forms:
        if len(form) < 3 or any(c.isupper() or c.islower() for c in form):
            continue
        for i in other.indexes:
            p = other.doc.passages[i]
            text = other.doc.text[p.start : p.end]
            for size in (len(form) - 1, len(form), len(form) + 1):
                for start in range(len(text) - size + 1):
                    window = text[start : start + size]
                    if window != form and _one_edit(form, window):
                        s = p.start + start
                        out.append(Mention(i, s, s + size, window, match_key(window), "name"))
    return out


def _one_edit(form: str, window: str) -> bool:
    if window[0] != form[0] or window[-1] != form[-1]:
        return False
    if len(window) == len(form):
        return sum(x != y for x, y in zip(window, form, strict=True)) == 1
    short, long = sorted((form, window), key=len)
    return any(long[:k] + long[k + 1 :] == short for k in range(1, len(long) - 1))


def slip_of_own_form(
    name: Mention, own: Side, names: Counter[str], vocabulary: Counter[str]
) -> bool:
    """Whether a name is a slip of its own document: a word of it (five letters or more) is
    in no other name of the document, which elsewhere names something one letter inside it
    otherwise (`Yaho` here, `Yahoo` in the rest of the story). `names`: words of the
    document's names, counted; `vocabulary`: all its words (a word also written as a plain
    word, `While` starting a sentence, is no name)."""
    here = Counter(t for m in own.mentions if m.kind == "name" for t in _name_words(m))
    words = _name_words(name)
    if name.start == own.doc.passages[name.passage].start:
        words = words[1:]  # a capital starting the passage marks no name (`While ...`)
    for t in words:
        if len(t) < 5 or names[t] > here[t] or vocabulary[t] > names[t]:
            continue
        if any(n > here[w] and len(w) >= 5 and _one_edit(t, w) for w, n in names.items()):
            return True
    return False


def name_words(mentions: dict[int, list[Mention]]) -> Counter[str]:
    """Words of a document's names, counted (for `slip_of_own_form`)."""
    return Counter(
        t for ms in mentions.values() for m in ms if m.kind == "name" for t in _name_words(m)
    )


def _name_words(m: Mention) -> list[str]:
    return name_tokens(match_key(m.text))
