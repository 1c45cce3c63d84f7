"""The shortcuts that make linking names across scripts fast give the same keys and scores."""

from __future__ import annotations

import random
from itertools import product

from reader.corpus.phonetic import (
    _class_counts,
    _han_syllables,
    _unshared_cost,
    distance,
    latin_form,
    phonetic_key,
    similarity,
    skeleton,
)

# Chinese news text with transliterated names (特朗普 Trump, 科尔宾 Corbyn, 罗森斯坦 Rosenstein).
NEWS = (
    "美国总统特朗普周六在华盛顿表示，他将与英国工党领袖杰里米·科尔宾会面。"
    "副司法部长罗森斯坦说，调查将继续进行。藏文报纸和重庆、秘鲁的记者都报道了这条新闻。"
)


def test_han_runs_read_character_by_character_have_icus_key() -> None:
    rng = random.Random(3)
    letters = [c for c in NEWS if "\u4e00" <= c <= "\u9fff"]
    runs = [NEWS[i : i + n] for i in range(len(NEWS)) for n in range(1, 10)]
    runs += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(500)]
    fast = 0
    for run in runs:
        syllables = _han_syllables(run)
        if syllables is not None:
            fast += 1
            assert skeleton(syllables) == skeleton(latin_form(run, "Hani")), run
        assert phonetic_key(run, "Hani") == skeleton(latin_form(run, "Hani")), run
    assert fast > len(runs) // 2


def test_characters_read_by_their_neighbour_take_icus_way() -> None:
    # 秘 is bì before 鲁 (Peru) and mì alone: ICU's own context rule decides.
    assert _han_syllables("秘鲁") is None
    assert phonetic_key("秘鲁", "Hani") == skeleton(latin_form("秘鲁", "Hani")) == "PVLV"
    assert phonetic_key("秘鲁", "Hani") != skeleton(
        latin_form("秘", "Hani") + latin_form("鲁", "Hani")
    )
    # a middle dot is no reading, and ICU leaves it without letters: the key is ICU's
    assert phonetic_key("特朗普·", "Hani") == skeleton(latin_form("特朗普·", "Hani"))
    assert _han_syllables("文") is None  # a neighbour a rule looks at: ICU reads the run


def test_the_class_bound_never_exceeds_the_distance() -> None:
    keys = ["".join(p) for n in range(1, 5) for p in product("PTKSLNWV", repeat=n)]
    rng = random.Random(1)
    for _ in range(20000):
        a, b = rng.choice(keys), rng.choice(keys)
        assert _unshared_cost(_class_counts(a), _class_counts(b)) <= distance(a, b) + 1e-9


def test_a_name_and_its_transliteration_still_match() -> None:
    trump = phonetic_key("Trump", "Latn")
    assert similarity(trump, phonetic_key("特朗普", "Hani"), 0.8) >= 0.8
    assert similarity(trump, phonetic_key("总统", "Hani"), 0.8) < 0.8


# --------------------------------------------------------------------------- corpus-pass shortcuts

THAI_NEWS = (
    "ประธานาธิบดีทรัมป์กล่าวที่กรุงวอชิงตันว่า เขาจะพบกับนายเจเรมี คอร์บิน ผู้นำพรรคแรงงาน "
    "และนายอีวาน โอบามา ที่อินโดนีเซียในเดือนหน้า"
)
KHMER_NEWS = "លោកប្រធានាធិបតីត្រាំបានថ្លែងនៅទីក្រុងវ៉ាស៊ីនតោនថា លោកនឹងជួបលោកអ៊ីវ៉ាន់ អូបាម៉ា"


def _naive_near(runs: dict[str, list], name_key: str) -> set[str]:
    """The rule `PassageRuns.near` files keys for, applied to every run key."""
    first, size = name_key[0], len(name_key) - name_key.count("V")
    return {
        wk
        for wk in runs
        if (first == "V" or wk[0] in (first, "V")) and abs(len(wk) - wk.count("V") - size) <= 2
    }


def test_a_name_meets_the_same_runs_through_the_index_as_by_the_rule() -> None:
    from reader.corpus.names import word_segments
    from reader.corpus.passage_runs import passage_runs

    names = ["Trump", "Washington", "Jeremy Corbyn", "Obama", "Ivan", "Indonesia", "Al"]
    vowel_runs_met = 0
    for text, lang, script in ((THAI_NEWS, "th", "Thai"), (KHMER_NEWS, "km", "Khmr"),
                               (NEWS, "zh", "Hani")):  # fmt: skip
        segments = word_segments(text, lang, script)
        found = passage_runs(text, script, segments, 0, len(text))
        assert len(found.runs) > 20
        for name in names:
            key = phonetic_key(name, "Latn")
            near = found.near(key[0], len(key) - key.count("V"))
            assert len(near) == len(set(near))
            assert set(near) == _naive_near(found.runs, key), (name, script)
            if key[0] != "V":  # runs that start with a vowel are met by every name
                vowel_runs_met += sum(wk[0] == "V" for wk in near)
    assert vowel_runs_met > 0


def test_a_name_compared_with_many_runs_at_once_gets_similaritys_figures() -> None:
    from reader.corpus.phonetic import similarities

    rng = random.Random(4)
    keys = ["".join(rng.choice("PTKSLNWVV") for _ in range(rng.randint(1, 9))) for _ in range(800)]
    keys += [phonetic_key(w, "Latn") for w in ("Trump", "Corbyn", "Rosenstein", "Palin")]
    keys += [phonetic_key(w, "Hani") for w in ("特朗普", "科尔宾", "罗森斯坦", "佩林", "总统")]
    for name in keys[-9:] + keys[:40]:
        for floor in (0.8, 0.5, 0.0):
            got = similarities(name, keys, floor)
            assert got == {k: similarity(name, k, floor) for k in keys}


def _textbook_distance(a: str, b: str) -> float:
    """`distance` as the plain dynamic programme (no bound, costs recomputed per cell)."""
    from reader.corpus.phonetic import _NEAR, _indel

    prev = [0.0]
    for j, cb in enumerate(b, 1):
        prev.append(prev[-1] + _indel(cb, j == len(b)))
    for i, ca in enumerate(a, 1):
        cur = [prev[0] + _indel(ca, i == len(a))]
        for j, cb in enumerate(b, 1):
            if ca == cb:
                sub = 0.0
            elif (ca == "V") != (cb == "V"):
                sub = 1.0
            else:
                sub = _NEAR.get(frozenset((ca, cb)), 1.0)
            cur.append(min(prev[j - 1] + sub, prev[j] + _indel(ca, i == len(a)),
                           cur[j - 1] + _indel(cb, j == len(b))))  # fmt: skip
        prev = cur
    return prev[-1]


def test_the_written_out_distance_is_the_textbook_one() -> None:
    rng = random.Random(6)
    alphabet = "PTKSLNWVVx"  # `x`: a letter no skeleton has still gets a cost
    for _ in range(5000):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        full = _textbook_distance(a, b)
        assert distance(a, b) == full, (a, b)
        limit = rng.choice((0.4, 1.0, 2.0))
        bounded = distance(a, b, limit)
        assert bounded == full or (bounded == float("inf") and full > limit), (a, b, limit)


def test_a_han_name_with_a_middle_dot_is_read_character_by_character() -> None:
    for run in ("杰里米·科尔宾", "索·达拉", "唐纳德・特朗普"):
        assert _han_syllables(run) is not None
        assert phonetic_key(run, "Hani") == skeleton(latin_form(run, "Hani")), run
    assert _han_syllables("秘·鲁") is None  # 秘 is still read by ICU's context rule


def test_a_variant_with_its_first_letters_changed_is_found_for_the_place_wanted() -> None:
    from reader.corpus.gazetteer import gazetteer_for
    from reader.corpus.names import word_segments
    from reader.corpus.variants import find_variants

    gaz = gazetteer_for(frozenset({"km", "en"}))
    cldr = "ឥណ្ឌូណេស៊ី"  # Indonesia
    for variant in ("ឥណ្ឌូនេស៊ី", "អណ្ឌូណេស៊ី"):  # a letter changed late, then the first one
        text = f"ប្រទេស{variant}បានប្រកាសថា ខ្លួននឹងផ្លាស់រាជធានី។"
        words = word_segments(text, "km", "Khmr")
        every = find_variants(gaz, text, words, "km")
        wanted = find_variants(gaz, text, words, "km", {"region:ID"})
        assert [text[h.start : h.end] for h in wanted] == [variant], variant
        assert wanted == [h for h in every if h.entry.id == "region:ID"]
        assert find_variants(gaz, text, words, "km", {"region:TH"}) == []
        assert variant != cldr and len(variant) == len(cldr)


def test_thai_runs_read_character_by_character_have_icus_key() -> None:
    from reader.corpus.phonetic import _thai_letters

    rng = random.Random(8)
    letters = [c for c in THAI_NEWS if not c.isspace()]
    runs = [THAI_NEWS[i : i + n] for i in range(len(THAI_NEWS)) for n in range(1, 19)]
    runs += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    every_thai = [chr(x) for x in range(0x0E01, 0x0E5C)] + list(" \u200b-·")
    runs += [
        "".join(rng.choice(every_thai) for _ in range(rng.randint(1, 12))) for _ in range(3000)
    ]
    fast = 0
    for run in runs:
        letters_of_run = _thai_letters(run)
        if letters_of_run is not None:
            fast += 1
            assert skeleton(letters_of_run) == skeleton(latin_form(run, "Thai")), run
        assert phonetic_key(run, "Thai") == skeleton(latin_form(run, "Thai")), run
    assert fast > len(runs) // 2


def test_a_thai_vowel_written_first_is_read_after_its_consonant() -> None:
    # เพิ่ม "add": เ is written before พ and said after it (ICU reads `pheim`), and
    # เจเรมี (Jeremy) starts with a consonant, as the name does.
    for run in ("เพิ่ม", "เจเรมี", "ไทย"):
        in_written_order = "".join(latin_form(c, "Thai") for c in run)
        assert (
            phonetic_key(run, "Thai")
            == skeleton(latin_form(run, "Thai"))
            != skeleton(in_written_order)
        ), run
    assert phonetic_key("เจเรมี", "Thai")[0] == phonetic_key("Jeremy", "Latn")[0] == "S"
    assert phonetic_key("฿100", "Thai") == skeleton(latin_form("฿100", "Thai"))  # not a letter
