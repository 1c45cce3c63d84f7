"""ICU text primitives: offsets, scripts, words, keys."""

from __future__ import annotations

from reader.corpus.text import (
    Utf16Map,
    cp_to_utf16,
    dominant_script,
    fold_key,
    match_key,
    utf16_len,
    utf16_to_cp,
    word_spans,
)


def test_utf16_offsets_round_trip_with_astral_characters() -> None:
    text = "a😀b𝄞c ចិន"
    for cp in range(len(text) + 1):
        assert utf16_to_cp(text, cp_to_utf16(text, cp)) == cp
    assert utf16_len(text) == len(text) + 2
    assert Utf16Map(text).to_cp(cp_to_utf16(text, 4)) == 4


def test_word_spans_are_code_points_even_after_emoji() -> None:
    text = "😀😀 Trung Quốc 1.677"
    words = [text[s:e] for s, e in word_spans(text, "vi")]
    assert words == ["Trung", "Quốc", "1.677"]


def test_khmer_words_are_segmented_without_spaces() -> None:
    text = "ប្រទេសចិនបានប្រកាស"
    words = [text[s:e] for s, e in word_spans(text, "km")]
    assert len(words) >= 3 and "".join(words) == text


def test_scripts() -> None:
    assert dominant_script("Trung Quốc") == "Latn"
    assert dominant_script("លោក Zhou Hongyi និង OpenAI បាននិយាយថា") == "Khmr"
    assert dominant_script("東京で会議が開かれた") == "Jpan"
    assert dominant_script("서울에서 회의가 열렸다") == "Kore"
    assert dominant_script("12 345") == "Zyyy"


def test_match_keys_fold_case_marks_and_script() -> None:
    assert match_key("Trung Quốc") == match_key("TRUNG QUOC")
    assert match_key("Москва") == "moskva"
    assert match_key("ﬁnance") == "finance"
    assert fold_key("Đà Nẵng") == "da nang"
    assert fold_key("ចិន") == "ចិន"


def test_snap_to_graphemes_keeps_marks_stacks_and_emoji_whole() -> None:
    from reader.corpus.text import snap_to_graphemes

    km = "ក្សត្រ"
    assert snap_to_graphemes(km, 0, 1) == (0, 3)  # ក + coeng + ស is one stack
    assert snap_to_graphemes(km, 2, 4) == (0, 6)
    nfd = "Vie\u0323\u0302t"
    assert snap_to_graphemes(nfd, 0, 3) == (0, 5)  # the marks stay with their letter
    emoji = "ok 👍🏽 ok"
    assert snap_to_graphemes(emoji, 3, 4) == (3, 5)
    assert snap_to_graphemes("abc", 1, 2) == (1, 2)  # already whole: unchanged
