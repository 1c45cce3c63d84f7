"""Names across scripts (Han, Thai, Khmer, ...) and fewer false names."""

from __future__ import annotations

import json

from reader.cli import main
from reader.corpus.entities import document_candidates, find_entities
from reader.corpus.khmer_latin import khmer_to_latin
from reader.corpus.loading import document_from_bytes
from reader.corpus.phonetic import phonetic_key, similarity


def news(path: str, *paragraphs: str):
    return document_from_bytes(path, "\n\n".join(paragraphs).encode("utf-8"))


def close(latin: str, other: str, script: str) -> float:
    return similarity(phonetic_key(latin, "Latn"), phonetic_key(other, script))


# --------------------------------------------------------------------------- phonetic keys


def test_transliterations_sound_alike_and_other_words_do_not():
    assert close("Trump", "特朗普", "Hani") >= 0.8
    assert close("Trump", "ทรัมป์", "Thai") >= 0.9
    assert close("Trump", "ត្រាំ", "Khmr") >= 0.8
    assert close("Corbyn", "科尔宾", "Hani") >= 0.9
    assert close("Rosenstein", "罗森斯坦", "Hani") >= 0.9
    assert close("Trump", "Трамп", "Cyrl") >= 0.9
    assert close("Trump", "ترامب", "Arab") >= 0.9
    assert close("Trump", "ट्रंप", "Deva") >= 0.8
    assert close("Trump", "트럼프", "Hang") >= 0.8
    assert close("Toyota", "トヨタ", "Kana") >= 0.9
    assert close("Trump", "问题", "Hani") < 0.5
    assert close("Paddington", "星期六", "Hani") < 0.5


def test_khmer_is_romanised_by_its_own_table():
    assert khmer_to_latin("ហ៊ីត្លែរ") == "heitlaer"  # triisap dropped, subscript l kept
    assert khmer_to_latin("ស៊ីនេម៉ា") == "seinema"
    assert close("Hitler", "ហ៊ីត្លែរ", "Khmr") >= 0.9


# --------------------------------------------------------------------------- linking by sound

EN = news(
    "story_en.txt",
    "Corbyn rejects the latest offer",
    "Labour leader Jeremy Corbyn on Wednesday rejected the offer from the government, "
    "saying it did not protect 40,000 jobs.",
    "Speaking in Leeds, Corbyn said the plan would leave the country worse off.",
    "Corbyn will meet union leaders in 2026.",
)
ZH = news(
    "story_zh.txt",
    "科尔宾拒绝最新方案",
    "工党领袖杰里米·科尔宾周三拒绝了政府的方案，称该方案不能保护40,000个工作岗位。",
    "科尔宾在利兹发表讲话时说，这一计划将使国家的处境更糟。",
    "科尔宾将于2026年会见工会领导人。",
)
KM = news(
    "story_km.txt",
    "ខូប៊ីនបដិសេធសំណើចុងក្រោយ",
    "លោក ជេរ៉េមី ខូប៊ីន មេដឹកនាំគណបក្សពលករ បានបដិសេធសំណើរបស់រដ្ឋាភិបាល ដោយនិយាយថាវាមិនការពារការងារ 40,000 ទេ។",
    "ថ្លែងនៅទីក្រុងលីដ លោក ខូប៊ីន បាននិយាយថាផែនការនេះនឹងធ្វើឲ្យប្រទេសកាន់តែអាក្រក់។",
    "លោក ខូប៊ីន នឹងជួបមេដឹកនាំសហជីពនៅឆ្នាំ 2026។",
)


def test_a_name_and_its_chinese_and_khmer_forms_are_one_entity_by_transliteration():
    index = find_entities([EN, ZH, KM])
    corbyn = index.by_key("corbyn")
    assert corbyn is not None
    texts = {(o.text, o.evidence) for o in corbyn.occurrences}
    assert ("科尔宾", "transliteration") in texts
    assert ("ខូប៊ីន", "transliteration") in texts
    assert ("Corbyn", "") in texts
    assert set(corbyn.languages) == {"en", "zh", "km"}


def test_without_alignment_evidence_there_is_no_link():
    index = find_entities([EN, ZH, KM], transliterate=False)
    corbyn = index.by_key("corbyn")
    assert corbyn is None or corbyn.languages == ["en"]


def test_a_common_word_that_sounds_like_the_name_is_not_linked_when_it_occurs_elsewhere():
    # `កាលពី` ("on", "ago") sounds like `Corbyn` (kalpi ~ korbyn); it also occurs in a story
    # where Corbyn does not, so it is an ordinary word, not his name.
    en = news(
        "c_en.txt", "Labour leader Corbyn spoke on Monday.", "Then Corbyn left on 12 May 2025."
    )
    km = news(
        "c_km.txt",
        "លោក ខូប៊ីន បាននិយាយកាលពីថ្ងៃច័ន្ទ។",
        "លោក ខូប៊ីន បានចាកចេញទៅលីដកាលពីថ្ងៃទី 12 ខែឧសភា ឆ្នាំ 2025។",
    )
    other = news("o_km.txt", "ក្រុមហ៊ុនបានប្រកាសកាលពីថ្ងៃអង្គារ ថាខ្លួននឹងបើកហាង 300 ថ្មី។")
    other_en = news("o_en.txt", "The company said on Tuesday that it will open 300 new shops.")
    index = find_entities([en, km, other, other_en])
    linked = {o.text for e in index.entities for o in e.occurrences if o.evidence}
    assert "កាលពី" not in linked
    assert "ខូប៊ីន" in linked


def test_the_users_unlink_wins_over_a_transliteration():
    from reader.corpus.candidates import name_key

    surface = name_key("科尔宾")
    index = find_entities([EN, ZH, KM], links=[("corbyn", surface, False)])
    corbyn = index.by_key("corbyn")
    assert corbyn is not None
    assert "科尔宾" not in {o.text for o in corbyn.occurrences}
    assert "ខូប៊ីន" in {o.text for o in corbyn.occurrences}


def test_a_one_letter_variant_of_a_cldr_name_is_that_place():
    km = news("v_km.txt", "ប្រទេសឥណ្ឌូនេស៊ីបានប្រកាសថា ខ្លួននឹងផ្លាស់រាជធានីនៅឆ្នាំ 2028។")
    en = news("v_en.txt", "Indonesia said that it will move its capital in 2028.")
    entity = find_entities([km, en]).by_key("region:ID")
    assert entity is not None
    assert ("ឥណ្ឌូនេស៊ី", "variant") in {(o.text, o.evidence) for o in entity.occurrences}


def test_entities_json_records_the_evidence(tmp_path, capsys):
    for d in (EN, ZH, KM):
        (tmp_path / d.path).write_text(d.text, encoding="utf-8")
    assert main(["entities", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    corbyn = next(e for e in data["entities"] if e["key"] == "corbyn")
    zh = [o for o in corbyn["occurrences"] if o["text"] == "科尔宾"]
    assert zh and all(o["evidence"] == "transliteration" for o in zh)
    assert all("evidence" not in o for o in corbyn["occurrences"] if o["text"] == "Corbyn")


# --------------------------------------------------------------------------- fewer false names


def texts(doc) -> dict[str, str]:
    return {c.text: c.key for c in document_candidates(doc)}


def test_letters_titles_weekdays_and_headline_capitals_are_not_names():
    d = news(
        "f_en.txt",
        "Storm Hits Coastal Towns Overnight",
        "I met Mr Corbyn on Saturday in Plan B of the Army. Mr said A was fine.",
    )
    found = texts(d)
    for word in ("I", "Mr", "A", "B", "Storm", "Coastal"):
        assert word not in found, word
    assert found.get("Corbyn") == "corbyn"  # `Mr` is left out of the name
    assert found.get("Saturday") == "weekday:7"  # a day, not a name


def test_a_weekday_is_a_date_that_meets_its_translation_but_is_never_shared_alone():
    # `Wednesday` and `Mittwoch` are one day: the same key helps align the passages, but two
    # stories of one weekday do not share an entity for it.
    en = news("fund_en.txt", "The fund sold its shares on Wednesday, Norges Bank said.")
    de = news("fund_de.txt", "Der Fonds verkaufte seine Anteile am Mittwoch, so die Norges Bank.")
    keys = {doc.path: {c.text: c.key for c in document_candidates(doc)} for doc in (en, de)}
    assert keys["fund_en.txt"]["Wednesday"] == keys["fund_de.txt"]["Mittwoch"] == "weekday:4"
    shared = {e.key for e in find_entities([en, de]).entities}
    assert "norges bank" in shared and not any(k.startswith("weekday:") for k in shared)


def test_a_word_found_only_inside_longer_names_is_not_shared():
    a = news("h1_en.txt", "Wounded soldiers were taken to the Army Hospital in 2024.")
    b = news("h2_en.txt", "Doctors at the Naval Hospital treated them in 2024.")
    keys = {e.key for e in find_entities([a, b]).entities}
    assert "hospital" not in keys
    assert "num:2024" in keys


def test_clock_times_and_months_are_dates_not_numbers():
    en = news("t_en.txt", "The vote closes at 17:30 and results come at 5.30pm in October.")
    vi = news("t_vi.txt", "Cuộc bỏ phiếu kết thúc lúc 17:30, kết quả có vào tháng 10.")
    zh = news("t_zh.txt", "投票于17:30结束，结果将在10月公布。")
    for d in (en, vi, zh):
        found = texts(d)
        assert found.get("17:30") == "time:17:30", d.path
        assert "num:30" not in found.values() and "num:10" not in found.values(), d.path
    assert texts(en)["5.30pm"] == "time:17:30"
    assert texts(en)["October"] == "month:10"
    assert texts(vi)["tháng 10"] == "month:10"
    assert texts(zh)["10月"] == "month:10"
    shared = {e.key: e for e in find_entities([en, vi, zh]).entities}
    assert set(shared["time:17:30"].languages) == {"en", "vi", "zh"}
    assert "month:10" not in shared  # a month alone links every story of that month


def test_a_month_that_is_a_name_stays_a_name():
    d = news("m_en.txt", "Theresa May spoke in London. Later, May said the vote was close.")
    found = texts(d)
    assert found["Theresa May"] == "theresa may"
    assert found["May"] == "may"


def test_a_number_label_shows_the_value():
    en = news("n_en.txt", "The city has 11 million people.")
    pt = news("n_pt.txt", "A cidade tem 11 milhões de habitantes.")
    entity = find_entities([en, pt]).by_key("num:11000000")
    assert entity is not None and entity.label == "11 million"


def test_a_place_inside_a_longer_name_is_not_that_place():
    pt = news("p_pt.txt", "O Benfica perdeu a final da Liga Europa em Lisboa.")
    en = news("p_en.txt", "Benfica played in Europe and lost the final in Lisbon.")
    index = find_entities([pt, en])
    assert index.by_key("region:150") is None
    assert index.by_key("city:lisbon") is not None


def test_a_name_before_a_comma_and_a_country_is_a_place():
    a = news("k3_en.txt", "The quake hit Palu, Indonesia, on Friday. Donggala was hit too.")
    b = news("k4_en.txt", "Aid for Palu, Indonesia, arrived on Sunday.")
    entity = find_entities([a, b]).by_key("palu")
    assert entity is not None and entity.kind == "place"


def test_a_name_after_in_is_a_place():
    a = news("k1_en.txt", "The earthquake struck Palu on Friday. Rescuers in Palu found 80 people.")
    b = news("k2_en.txt", "Aid reached Palu on Sunday, officials in Palu said.")
    entity = find_entities([a, b]).by_key("palu")
    assert entity is not None and entity.kind == "place"


def test_a_french_number_grouped_with_a_plain_space_is_one_number():
    fr = news("g_fr.txt", "Plus de 2 300 logements ont été détruits en 2024.")
    en = news("g_en.txt", "More than 2,300 homes were destroyed in 2024.")
    assert texts(fr)["2 300"] == "num:2300"
    assert find_entities([fr, en]).by_key("num:2300") is not None


def test_st_dot_does_not_end_a_sentence_inside_a_name():
    found = texts(news("s_en.txt", "Officials in Sarasota and St. Petersburg asked residents."))
    assert "St. Petersburg" in found
    assert "St" not in found and "Petersburg" not in found


def test_latin_names_in_a_short_chinese_or_thai_paragraph_keep_their_full_form():
    # A short paragraph in an uncased script whose only capitals are the names is not a
    # title-case headline: `Goldman Sachs与Standard Chartered` holds two names, not four.
    en = news(
        "deal_en.txt",
        "Banks agree to share the cost of the new port",
        "Goldman Sachs and Standard Chartered announced a joint venture worth 5.2 billion dollars.",
    )
    zh = news(
        "deal_zh.txt",
        "银行同意分担新港口的费用",
        "Goldman Sachs与Standard Chartered宣布成立合资企业，价值52亿美元。",
    )
    th = news(
        "deal_th.txt",
        "ธนาคารตกลงร่วมรับภาระค่าใช้จ่ายท่าเรือใหม่",
        "Goldman Sachs และ Standard Chartered ประกาศตั้งบริษัทร่วมทุน",
    )
    for doc in (zh, th):
        names = {c.text for c in document_candidates(doc)}
        assert {"Goldman Sachs", "Standard Chartered"} <= names, doc.path
    index = find_entities([en, zh, th])
    keys = {e.key for e in index.entities}
    assert {"goldman sachs", "standard chartered"} <= keys
    assert not keys & {"goldman", "sachs", "standard", "chartered"}


def test_a_run_that_sounds_like_two_names_joins_the_one_written_in_more_documents():
    # Khmer `សៀមរាប` sounds like English/Portuguese `Siem Reap` and Vietnamese `Xiêm Riệp`;
    # the Vietnamese version names it in every paragraph, the others once. It joins the form
    # more versions write, not the one that happened to be matched more often.
    en = news(
        "siem_en.txt",
        "Tourism in Siem Reap grew 12% in 2024.",
        "Hotels reported 85,000 guests in March.",
        "The airport handled 1,250 flights.",
        "Officials expect 300,000 visitors in 2025.",
    )
    pt = news(
        "siem_pt.txt",
        "O turismo em Siem Reap cresceu 12% em 2024.",
        "Os hotéis receberam 85.000 hóspedes em março.",
        "O aeroporto recebeu 1.250 voos.",
        "As autoridades esperam 300.000 visitantes em 2025.",
    )
    vi = news(
        "siem_vi.txt",
        "Du lịch ở Xiêm Riệp tăng 12% trong năm 2024.",
        "Các khách sạn ở Xiêm Riệp đón 85.000 khách trong tháng 3.",
        "Sân bay Xiêm Riệp phục vụ 1.250 chuyến bay.",
        "Chính quyền Xiêm Riệp dự kiến đón 300.000 du khách vào năm 2025.",
    )
    km = news(
        "siem_km.txt",
        "ទេសចរណ៍នៅសៀមរាបកើនឡើង 12% ក្នុងឆ្នាំ 2024។",
        "សណ្ឋាគារនៅសៀមរាបបានទទួលភ្ញៀវ 85,000 នាក់ក្នុងខែមីនា។",
        "អាកាសយានដ្ឋានសៀមរាបបានទទួលជើងហោះហើរ 1,250។",
        "មន្ត្រីសៀមរាបរំពឹងថានឹងមានភ្ញៀវ 300,000 នាក់នៅឆ្នាំ 2025។",
    )
    index = find_entities([en, pt, vi, km])
    siem = index.by_key("siem reap")
    assert siem is not None
    assert ("សៀមរាប", "transliteration") in {(o.text, o.evidence) for o in siem.occurrences}
