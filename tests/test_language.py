"""Language and script detection, measured on a hand-written test set (not the seeds)."""

from __future__ import annotations

from collections import Counter

import pytest

from reader.corpus.language import detect_language
from tests.conftest import DATA

SAMPLES = sorted((DATA / "langid").glob("*.txt"))
SCRIPT_OF = {
    "km": "Khmr",
    "th": "Thai",
    "zh": "Hani",
    "ja": "Jpan",
    "ko": "Kore",
    "ru": "Cyrl",
    "ar": "Arab",
}


def expected(path) -> str:
    return path.name.split("_")[0]


def test_the_test_set_covers_the_required_languages() -> None:
    langs = Counter(expected(p) for p in SAMPLES)
    for lang in ("en", "vi", "pt", "es", "fr", "de", "id"):
        assert langs[lang] >= 5, lang
    for lang in SCRIPT_OF:
        assert langs[lang] >= 3, lang


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_each_sample(path) -> None:
    lang, script = detect_language(path.read_text("utf-8"))
    assert lang == expected(path)
    if lang in SCRIPT_OF:
        assert script == SCRIPT_OF[lang]
    else:
        assert script == "Latn"


def test_seeds_languages(seeds) -> None:
    got = {d.path[:3]: (d.language, d.script) for d in seeds.documents}
    assert got == {
        "000": ("vi", "Latn"),
        "001": ("vi", "Latn"),
        "002": ("vi", "Latn"),
        "003": ("km", "Khmr"),
        "004": ("pt", "Latn"),
    }


def test_unknown_script_is_und() -> None:
    assert detect_language("12345 67890") == ("und", "Zyyy")
