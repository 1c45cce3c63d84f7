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
    assert _han_syllables("特朗普·") is None  # a middle dot is not a Han reading
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
