"""Language identification: script first, then a choice among languages sharing the script.

The choice scores each candidate by how many tokens are its function words
(`resources/languages/function_words.json`) and how many of the text's non-ASCII
letters fall outside its CLDR exemplar characters (ICU `LocaleData`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache

import icu

from reader.corpus.text import dominant_script, script_of_char
from reader.paths import resource

# Script -> the language assumed when only one language writes it here.
SCRIPT_LANGUAGE = {
    "Khmr": "km",
    "Thai": "th",
    "Laoo": "lo",
    "Mymr": "my",
    "Hani": "zh",
    "Jpan": "ja",
    "Kore": "ko",
    "Hang": "ko",
    "Grek": "el",
    "Hebr": "he",
    "Deva": "hi",
    "Beng": "bn",
    "Taml": "ta",
    "Telu": "te",
    "Knda": "kn",
    "Mlym": "ml",
    "Gujr": "gu",
    "Guru": "pa",
    "Geor": "ka",
    "Armn": "hy",
    "Ethi": "am",
    "Sinh": "si",
    "Tibt": "bo",
    "Orya": "or",
}
# Scripts shared by several languages this module can tell apart (first is the fallback).
SHARED_SCRIPTS = {"Latn": "en", "Cyrl": "ru", "Arab": "ar"}

_TOKEN = re.compile(r"[^\W\d_]+")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isalpha())
OOV_WEIGHT = 3.0
SAMPLE_CHARS = 6000


@cache
def _function_words() -> dict[str, frozenset[str]]:
    data = json.loads(resource("languages", "function_words.json").read_text("utf-8"))
    return {lang: frozenset(words) for lang, words in data.items() if not lang.startswith("_")}


@cache
def _exemplars(lang: str) -> icu.UnicodeSet:
    return icu.LocaleData(lang).getExemplarSet(0, 0)


@cache
def _exemplar_chars(lang: str) -> frozenset[str]:
    """The single characters of `lang`'s exemplar set (a set difference then finds the
    text's letters outside it in one C-level step)."""
    return frozenset(s for s in _exemplars(lang) if len(s) == 1)


@cache
def _candidates(script: str) -> tuple[str, ...]:
    out = []
    for lang, words in _function_words().items():
        sample = next(iter(words))
        if script_of_char(sample[0]) == script:
            out.append(lang)
    return tuple(out)


@cache
def _languages_of_words(script: str) -> dict[str, tuple[str, ...]]:
    """Function word -> the candidate languages of `script` it is a function word of."""
    out: dict[str, list[str]] = {}
    for lang in _candidates(script):
        for word in _function_words()[lang]:
            out.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in out.items()}


def score_languages(text: str, script: str) -> dict[str, float]:
    """Score each candidate language of `script` for `text`; higher is likelier."""
    sample = text[:SAMPLE_CHARS].casefold()
    found = _TOKEN.findall(sample)
    n_tokens = len(found)
    languages_of = _languages_of_words(script)
    tokens = Counter(filter(languages_of.__contains__, found))  # function words only
    # Letters of `script`: the ASCII ones (Latin) counted in one C-level pass over the bytes,
    # the others per distinct character (each is then tested once).
    non_ascii = {
        ch: n
        for ch, n in Counter(_ASCII_RUNS.sub("", sample)).items()
        if ch.isalpha() and script_of_char(ch) == script
    }
    n_letters = sum(non_ascii.values())
    if script == "Latn":
        n_letters += len(sample.encode("utf-8").translate(None, _NOT_ASCII_LETTERS))
    # Function words of every candidate counted in one pass over the distinct tokens.
    hits = dict.fromkeys(_candidates(script), 0)
    for token in tokens:
        for lang in languages_of[token]:
            hits[lang] += tokens[token]
    scores: dict[str, float] = {}
    for lang in _candidates(script):
        fw = hits[lang] / n_tokens if n_tokens else 0.0
        outside = sum(map(non_ascii.__getitem__, non_ascii.keys() - _exemplar_chars(lang)))
        oov = outside / n_letters if n_letters else 0.0
        scores[lang] = fw - OOV_WEIGHT * oov
    return scores


def detect_language(text: str, script: str | None = None) -> tuple[str, str]:
    """Return (BCP 47 language, ISO 15924 script) of `text`; `und` when unknown."""
    script = script or dominant_script(text)
    if script in SCRIPT_LANGUAGE:
        return SCRIPT_LANGUAGE[script], script
    if script in SHARED_SCRIPTS:
        scores = score_languages(text, script)
        if scores and max(scores.values()) > 0:
            return max(scores.items(), key=lambda kv: kv[1])[0], script
        return SHARED_SCRIPTS[script], script
    return "und", script


@cache
def _known_languages() -> frozenset[str]:
    codes = set(icu.Locale.getISOLanguages())
    codes.update(icu.Locale(c).getISO3Language() for c in list(codes))
    return frozenset(c for c in codes if c)


def language_tag(tag: str) -> str:
    """The language documents are filed under for a BCP 47 tag, by fallback (`zh-CN`,
    `zh-Hant-TW` -> `zh`; `PT_br` -> `pt`); ValueError for a tag that names no language."""
    cleaned = tag.strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", cleaned):
        raise ValueError(f"not a BCP 47 language tag: {tag!r}")
    locale = icu.Locale.forLanguageTag(cleaned)
    language = locale.getLanguage()
    if not language or language not in _known_languages():
        raise ValueError(f"unknown language: {tag!r} (use a BCP 47 tag such as vi, km, zh-CN)")
    return language
