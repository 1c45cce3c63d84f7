"""Sentence spans and search words as the index's first phase makes them (offsets in code
points, words filed into the passage that holds them)."""

from __future__ import annotations

from reader.corpus.model import Passage
from reader.corpus.search_words import Shadow, inner_suffixes, passage_shadows
from reader.corpus.text import sentence_spans


def test_sentences_after_characters_outside_the_bmp_keep_code_point_offsets():
    text = "  Hi 😀 there. Bye now 𝐀.  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Hi 😀 there.", "Bye now 𝐀."]
    assert spans == [(2, 13), (14, 24)]


def test_khmer_sentences_split_at_khan_with_an_emoji_between():
    text = "ថ្ងៃនេះ\u200bភ្លៀង។ 😀 ស្អែក\u200bក្តៅ។"
    assert [text[s:e] for s, e in sentence_spans(text, "km")] == [
        "ថ្ងៃនេះ\u200bភ្លៀង។",
        "😀 ស្អែក\u200bក្តៅ។",
    ]


def _p(i: int, start: int, end: int) -> Passage:
    return Passage(i, start, end, "paragraph", None)


def test_a_word_running_past_its_passage_is_not_searchable_there():
    text = "alpha beta gamma delta"
    shadows = passage_shadows(text, [_p(0, 0, 8), _p(1, 11, 22)], "en")
    assert [(s.tokens, s.spans) for s in shadows] == [
        (["alpha"], [(0, 5)]),
        (["gamma", "delta"], [(11, 16), (17, 22)]),
    ]


def test_a_word_in_two_overlapping_passages_goes_to_the_first():
    text = "alpha beta gamma delta"
    shadows = passage_shadows(text, [_p(0, 0, 16), _p(1, 6, 22)], "en")
    assert [s.tokens for s in shadows] == [["alpha", "beta", "gamma"], ["delta"]]


def test_passages_out_of_order_get_their_own_words():
    text = "Quốc gia. Đà Nẵng"
    shadows = passage_shadows(text, [_p(0, 10, 17), _p(1, 0, 9)], "vi")
    assert [s.tokens for s in shadows] == [["da", "nang"], ["quoc", "gia"]]


def test_inner_text_lists_the_inner_suffixes_of_unspaced_words_only():
    shadow = Shadow(0, ["ទន្លេមេគង្គ", "nexora", "ក"], [(0, 11), (12, 18), (19, 20)])
    assert shadow.inner_text == " ".join(inner_suffixes("ទន្លេមេគង្គ"))
    assert "មេគង្គ" in shadow.inner_text.split(" ")
