"""The light pairing of passages that linking by sound compares (not the app's aligner)."""

from __future__ import annotations

from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes
from reader.corpus.passage_pairing import pair_sides


def news(path: str, *paragraphs: str):
    return document_from_bytes(path, "\n\n".join(paragraphs).encode("utf-8"))


def linked(index, key: str) -> set[str]:
    entity = index.by_key(key)
    return {o.text for o in entity.occurrences if o.evidence} if entity else set()


EN = news(
    "inquiry_en.txt",
    "Inquiry into 3 banks goes on",
    "The inquiry into 3 banks will go on until 2027, the ministry said on 12 March 2026.",
    "The banks paid 40,000 dollars in fines last year and 75,000 dollars the year before.",
    "Deputy Attorney General Rod Rosenstein told reporters that Rosenstein's office would "
    "publish its findings. Officials from 14 states are taking part.",
    "About 1,200 people have been questioned so far.",
)
# The paragraph naming Rosenstein comes second here (moved up), not fourth.
ZH_MOVED = news(
    "inquiry_zh.txt",
    "对3家银行的调查仍在继续",
    "司法部副部长罗森斯坦对记者说，罗森斯坦的办公室将公布调查结果。来自14个州的官员参与其中。",
    "该部于2026年3月12日表示，对3家银行的调查将持续到2027年。",
    "这些银行去年支付了40,000美元罚款，前年支付了75,000美元。",
    "到目前为止，约有1,200人接受了问询。",
)
# The paragraph naming Rosenstein is split in two, its first half naming nothing both know.
ZH_SPLIT = news(
    "inquiry_split_zh.txt",
    "对3家银行的调查仍在继续",
    "该部于2026年3月12日表示，对3家银行的调查将持续到2027年。",
    "这些银行去年支付了40,000美元罚款，前年支付了75,000美元。",
    "司法部副部长罗森斯坦对记者说，罗森斯坦的办公室将公布调查结果。",
    "来自14个州的官员参与其中。",
    "到目前为止，约有1,200人接受了问询。",
)


def test_a_name_whose_translation_sits_in_another_paragraph_position_is_linked():
    index = find_entities([EN, ZH_MOVED])
    assert "罗森斯坦" in linked(index, "rosenstein")


def test_a_name_in_a_paragraph_split_in_two_is_linked():
    index = find_entities([EN, ZH_SPLIT])
    assert "罗森斯坦" in linked(index, "rosenstein")


def side(*keys: set[str], size: int = 100) -> list[tuple[int, set[str], int]]:
    return [(i, k, size) for i, k in enumerate(keys)]


def test_passages_that_share_the_rarest_keys_are_paired_whatever_their_place():
    a = side({"num:3", "date:x"}, {"num:40000"}, {"num:14"}, {"num:1200"})
    b = side({"num:14"}, {"num:3", "date:x"}, {"num:40000"}, {"num:1200"})
    groups = pair_sides(a, b)
    assert ([2], [0]) in groups  # the moved paragraph
    assert ([0], [1]) in groups and ([1], [2]) in groups and ([3], [3]) in groups


def test_a_passage_that_names_nothing_is_paired_with_what_lies_between_its_neighbours():
    # b's passage 2 translates a's passage 2 but names nothing both versions know.
    a = side({"num:3"}, {"num:40000"}, {"rosenstein"}, {"num:1200"})
    b = side({"num:3"}, {"num:40000"}, set(), {"num:1200"})
    assert ([2], [2]) in pair_sides(a, b)


def test_both_halves_of_a_split_passage_are_paired_with_it():
    a = [(0, {"num:3"}, 100), (1, {"num:40000", "num:75000"}, 200), (2, {"num:1200"}, 100)]
    b = [(0, {"num:3"}, 100), (1, {"num:40000"}, 100), (2, {"num:75000"}, 100),
         (3, {"num:1200"}, 100)]  # fmt: skip
    assert ([1], [1, 2]) in pair_sides(a, b)


def test_a_passage_in_the_middle_of_a_reordered_stretch_is_not_paired_by_guess():
    # Anchors cross (a 1 -> b 2, a 2 -> b 0): nothing lies "between" them to pair with.
    a = side({"num:3"}, {"num:14"}, {"num:40000"}, set())
    b = side({"num:40000"}, {"num:3"}, {"num:14"}, set())
    groups = pair_sides(a, b)
    assert ([0], [1]) in groups and ([1], [2]) in groups and ([2], [0]) in groups
    assert all(3 not in ga or gb == [3] for ga, gb in groups)
