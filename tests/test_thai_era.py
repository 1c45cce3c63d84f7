"""Thai years of the Buddhist Era (`ปี 2568` = 2025): keys shared with the other versions, no
false mismatch between a Thai version and the others, a bare count left alone."""

from __future__ import annotations

import pytest

from reader.corpus.compare import compare_pair
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes
from reader.corpus.numbers_dates import date_matches, number_matches

PT = (
    "A Andaman Air abriu a sua fábrica em Siem Reap em 2025, com 1.200 trabalhadores.\n\n"
    "A segunda fase termina em 10 de julho de 2029, segundo Rui Duarte.\n"
)
TH = (
    "Andaman Air เปิดโรงงานที่เสียมราฐในปี 2568 โดยมีพนักงาน 1,200 คน\n\n"
    "ระยะที่สองจะแล้วเสร็จในวันที่ 10 กรกฎาคม 2572 ตามที่ Rui Duarte กล่าว\n"
)


def keys(text: str) -> list[str]:
    return [m.key for m in number_matches(text, "th")] + [m.key for m in date_matches(text, "th")]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ภายในปี 2568 บริษัท", "num:2025"),
        ("ในปี พ.ศ. 2567 รัฐบาล", "num:2024"),
        ("พ.ศ.๒๕๗๒", "num:2029"),  # Thai digits
        ("วันที่ 12 มกราคม 2568 รัฐบาล", "date:2025-01-12"),
        ("12 มกราคม 2025", "date:2025-01-12"),  # a common-era date stays as it is
        ("ในปี ค.ศ. 2025", "num:2025"),
    ],
)
def test_a_thai_year_gets_the_key_of_its_common_era_year(text: str, key: str) -> None:
    assert key in keys(text)


def test_a_count_in_the_era_range_stays_a_number() -> None:
    assert keys("มีผู้เข้าร่วม 2568 คน") == ["num:2568"]  # 2,568 people, no year cue
    assert [m.key for m in number_matches("em 2568 casas", "pt")] == ["num:2568"]


def test_only_thai_reads_the_era() -> None:
    assert [m.key for m in number_matches("ปี 2568", "km")] == ["num:2568"]


def pair(th: str) -> tuple:
    a = document_from_bytes("pt.txt", PT.encode())
    b = document_from_bytes("th.txt", th.encode())
    assert (a.language, b.language) == ("pt", "th")
    return a, b


def test_the_thai_version_shares_the_years_with_the_portuguese_one() -> None:
    a, b = pair(TH)
    index = find_entities([a, b])
    shared = {e.key for e in index.entities}
    assert {"num:2025"} <= shared
    assert any(k.startswith("date:2029-07-10") for k in shared)


def test_a_faithful_thai_version_shows_no_year_mismatch() -> None:
    a, b = pair(TH)
    c = compare_pair(a, b, find_entities([a, b]))
    assert [(m.kind, m.a and m.a.text, m.b and m.b.text) for m in c.visible()] == []


def test_a_wrong_thai_year_is_still_a_mismatch() -> None:
    a, b = pair(TH.replace("ปี 2568", "ปี 2569"))
    c = compare_pair(a, b, find_entities([a, b]))
    said = {(m.kind, m.a and m.a.text, m.b and m.b.text) for m in c.visible()}
    assert ("number", "2025", "2569") in said
