"""The CLDR gazetteer and alias tables: the same place under its names in several languages."""

from __future__ import annotations

import pytest

from reader.corpus.gazetteer import fold, gazetteer_for, month_names
from reader.corpus.names import word_segments


@pytest.fixture(scope="module")
def gaz():
    return gazetteer_for(frozenset({"vi", "pt", "km", "en", "th"}))


@pytest.mark.parametrize(
    ("surface", "entry_id"),
    [
        ("Trung Quốc", "region:CN"),  # vi, CLDR
        ("China", "region:CN"),  # pt and en
        ("ចិន", "region:CN"),  # km
        ("EUA", "region:US"),  # pt short form from the CLDR region bundle
        ("សហរដ្ឋអាមេរិក", "region:US"),  # km
        ("Estados Unidos", "region:US"),
        ("Mỹ", "region:US"),  # vi exonym from the alias table
        ("Xangai", "city:shanghai"),  # pt time-zone exemplar city
        ("Thượng Hải", "city:shanghai"),
        ("Pequim", "city:beijing"),  # aliases: Beijing is no time-zone city
        ("Bắc Kinh", "city:beijing"),
        ("Beijing", "city:beijing"),
        ("ប៉េកាំង", "city:beijing"),
        ("Singapura", "region:SG"),
        ("chinês", "lang:zh"),  # pt language name, written in lower case
        ("ภาษาไทย", "lang:th"),  # Thai names a language with the word "language" first
    ],
)
def test_names_in_several_languages_resolve_to_one_entry(gaz, surface, entry_id):
    entry = gaz.lookup(surface)
    assert entry is not None, surface
    assert entry.id == entry_id


def test_entries_have_kinds_and_english_labels(gaz):
    assert gaz.lookup("Trung Quốc").label == "China"
    assert gaz.lookup("Trung Quốc").kind == "place"
    assert gaz.lookup("Pequim").label == "Beijing"
    assert gaz.lookup("chinês").kind == "other"


def test_capitalised_names_need_a_capital_and_their_accents(gaz):
    assert gaz.lookup("china") is None  # porcelain, not the country
    assert gaz.lookup("Ảnh") is None  # vi "photo" is not Anh (England): accents must agree
    assert gaz.lookup("Sao Paulo") is not None  # written without any accents: still found


def _words(text: str, lang: str) -> list[tuple[int, int]]:
    return word_segments(text, lang, "Latn")


def test_found_inside_running_khmer_text_on_word_breaks(gaz):
    text = "កាលពីប៉ុន្មានឆ្នាំមុន ប្រទេសចិនបានស្រមៃថាខ្លួននឹងឈ្នះ។"
    hits = gaz.find(text, word_segments(text, "km", "Khmr"), "km")
    assert [(text[h.start : h.end], h.entry.id) for h in hits] == [("ចិន", "region:CN")]


def test_longest_name_wins_on_word_boundaries(gaz):
    text = "Ông đến Hoa Kỳ rồi sang Trung Quốc."
    hits = gaz.find(text, _words(text, "vi"), "vi")
    assert [(text[h.start : h.end], h.entry.id) for h in hits] == [
        ("Hoa Kỳ", "region:US"),
        ("Trung Quốc", "region:CN"),
    ]


def test_lower_case_names_only_match_in_their_own_language(gaz):
    text = "o suporte ao chinês"
    assert [h.entry.id for h in gaz.find(text, _words(text, "pt"), "pt")] == ["lang:zh"]
    assert gaz.find(text, _words(text, "en"), "en") == []


def test_gazetteer_is_built_once_per_language_set():
    assert gazetteer_for(frozenset({"pt", "vi"})) is gazetteer_for(frozenset({"vi", "pt"}))


def test_month_names_come_from_cldr():
    assert dict(month_names("pt"))["fevereiro"] == 2
    assert dict(month_names("km"))["កុម្ភៈ"] == 2
    assert dict(month_names("vi"))["tháng 10"] == 10


def test_fold_keeps_length_for_offsets():
    text = "Trung Quốc ĐÀ NẴNG İstanbul"
    assert len(fold(text)) == len(text)
    assert fold("Trung Quốc") == "trung quoc"
