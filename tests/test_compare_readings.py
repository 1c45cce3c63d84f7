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


def test_a_number_written_in_parts_is_their_sum() -> None:
    en = "Revenue from airports was $169.4 million, and 11,000 people work there.\n"
    ja = "空港からの収入は1億6940万ドルで、1万1000人が働いている。\n"
    assert compare(en, ja).visible() == []


def test_scale_words_of_a_language_the_finder_does_not_know_are_read() -> None:
    # Icelandic is read as English by the language finder; its `milljónir` still scale.
    en = "Revenue from transport was $169.4 million, the Outdoor Media Association said.\n"
    icelandic = "Tekjur af samgöngum voru 169,4 milljónir dala, segir Outdoor Media Association.\n"
    assert compare(en, icelandic).visible() == []


def test_a_name_its_own_version_spells_otherwise_everywhere_else_is_a_slip() -> None:
    ja = (
        "サムスンは東京で新しいサービスを発表した。\n\n"
        "サムスンによると、利用者は300万人を超えた。\n\n"
        "サムスンの株価は5%上昇した。\n"
    )
    en = (
        "Samsung announced a new service in Tokyo.\n\n"
        "According to Samsung, users passed 3 million.\n\n"
        "Shares in Samsng rose 5%.\n"
    )
    found = listed(compare(ja, en))
    # alone, or paired with the Japanese form once names are linked across scripts
    assert {("name", "", "Samsng"), ("name", "サムスン", "Samsng")} & set(found)
