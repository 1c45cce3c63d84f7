"""The whole-text scans for entity candidates (numbers, dates, month words) find what one
pattern tried at every place finds."""

from __future__ import annotations

import re

from reader.corpus.numbers_dates import date_matches, number_matches, trie_regex


def test_a_merged_word_pattern_matches_the_longest_word_as_an_alternation_does() -> None:
    words = {
        "tháng 1",
        "tháng 10",
        "tháng 11",
        "Tháng 1",
        "Tháng 12",
        "ngày",
        "NGÀY",
        "a.b",
        "ab",
        "abc",
    }
    text = "Tháng 10 và tháng 1, tháng 12; ngày NGÀY ngàyx a.b ab abcd aXb tháng"
    longest_first = sorted(words, key=lambda w: (-len(w), w))
    plain = re.compile("|".join(re.escape(w) for w in longest_first))
    merged = re.compile(trie_regex(words))
    assert [m.span() for m in merged.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert [m.group() for m in merged.finditer(text)][:3] == ["Tháng 1", "tháng 1", "tháng 1"]


def test_dates_of_every_pattern_are_found() -> None:
    cases = {
        "pt": ("Em 16 de fevereiro de 2024 e 2024-02-16, em 16/02/2024.", "date:2024-02-16"),
        "en": ("On February 16, 2024 they met.", "date:2024-02-16"),
        "vi": ("Ngày 16 tháng 2 năm 2024 và ngày 16.2.2024.", "date:2024-02-16"),
        "zh": ("2024年2月16日和2月16日。", "date:2024-02-16"),
    }
    for lang, (text, key) in cases.items():
        found = [m.key for m in date_matches(text, lang)]
        assert key in found, (lang, found)
    assert [m.key for m in date_matches("2月16日", "zh")] == ["date:02-16"]


def test_numbers_start_on_their_first_digit_only() -> None:
    text = "A380 bay 1.677 km, 12,5% và 3 triệu người; 2024 300 x9"
    found = {text[m.start : m.end]: m.key for m in number_matches(text, "vi")}
    assert found == {
        "1.677": "num:1677",
        "12,5": "num:12.5",
        "3": "num:3000000",
        "2024": "num:2024",
        "300": "num:300",
    }
    # a range that starts inside a number: its digits after the range start are not a number
    assert [m.key for m in number_matches("1.677", "vi", 2)] == []
