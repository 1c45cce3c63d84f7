"""Values and names the comparison reads the way each language writes them: abbreviated
scale words, numbers the entity finder read in part, names in scripts without capitals and
names transliterated between scripts."""

from __future__ import annotations

from reader.corpus.compare import Comparison, compare_pair
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes


def compare(text_a: str, text_b: str) -> Comparison:
    a = document_from_bytes("a.txt", text_a.encode())
    b = document_from_bytes("b.txt", text_b.encode())
    return compare_pair(a, b, find_entities([a, b]))


def listed(c: Comparison) -> set[tuple[str, str, str]]:
    return {(m.kind, m.a.text if m.a else "", m.b.text if m.b else "") for m in c.visible()}


def test_abbreviated_scale_words_state_the_same_value() -> None:
    ru = "Лидируют США (4 млн), за ними Бразилия (2,3 млн); в регионе 4 тыс. афер.\n"
    en = "The US leads (4 million), then Brazil (2.3 million); 4 thousand scams in the region.\n"
    assert compare(ru, en).visible() == []
    changed = en.replace("2.3 million", "2.3 billion")
    assert [m.kind for m in compare(ru, changed).visible()] == ["number"]


def test_a_number_grouped_with_a_space_is_one_number() -> None:
    de = "Im Kreis Fulda sind 20 Flächen mit 2600 Hektar geplant, sagte Anna Weber.\n"
    fr = "Dans le district de Fulda, 20 parcelles de 2 600 hectares sont prévues, dit Anna Weber.\n"
    assert compare(de, fr).visible() == []


def test_a_country_misspelt_in_a_script_without_capitals_is_found() -> None:
    en = (
        "Australia and Japan signed the agreement in Tokyo on Monday.\n\n"
        "Trade between Australia and Japan grew by 12 percent last year.\n"
    )
    ja = (
        "オーストラリアと日本は月曜日、東京で協定に署名した。\n\n"
        "オートラリアと日本の貿易は昨年12パーセント増加した。\n"
    )
    found = listed(compare(en, ja))
    assert ("name", "Australia", "オートラリア") in found


def test_a_name_transliterated_between_scripts_is_no_mismatch() -> None:
    ru = "Владимир Жириновский выступил в Москве 12 мая.\n"
    en = "Vladimir Zhirinovsky spoke in Moscow on 12 May.\n"
    assert compare(ru, en).visible() == []
