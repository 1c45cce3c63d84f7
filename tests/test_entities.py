"""Shared entities: what lights up together across documents in different languages."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest

from reader.cli import main
from reader.corpus.entities import (
    COLOUR_COUNT,
    document_candidates,
    entity_colour,
    find_entities,
)
from reader.corpus.model import Document, Passage
from reader.corpus.numbers_dates import number_value
from tests.conftest import seed


def doc(doc_id: str, lang: str, text: str, script: str = "Latn", passages=None) -> Document:
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        title=doc_id,
        language=lang,
        script=script,
        sha256="0" * 64,
        text=text,
        passages=passages or [],
    )


def keys(candidates) -> dict[str, str]:
    return {c.text: c.key for c in candidates}


# --------------------------------------------------------------------------- numbers and dates


def test_group_separators_differ_by_language_but_keys_agree():
    vi = doc("vi", "vi", "Trong số 1.677 thành viên, có 23 người và 1,5 năm.")
    en = doc("en", "en", "Of its 1,677 members, 23 studied there for 1.5 years.")
    km = doc("km", "km", "ក្នុងចំណោមសមាជិក 1,677 មាន 23 នាក់។", "Khmr")
    for d in (vi, en, km):
        assert "num:1677" in keys(document_candidates(d)).values(), d.id
    assert keys(document_candidates(vi))["1,5"] == "num:1.5"
    assert keys(document_candidates(en))["1.5"] == "num:1.5"
    index = find_entities([vi, en, km])
    assert index.by_key("num:1677").languages == ["en", "km", "vi"]


def test_native_digits_are_numbers():
    km = doc("km", "km", "សមាជិក ១៦៧៧ នាក់ ក្នុងឆ្នាំ ២០២៣។", "Khmr")
    th = doc("th", "th", "ในปี ๒๐๒๓ มีสมาชิก 1,677 คน", "Thai")
    assert {"num:1677", "num:2023"} <= set(keys(document_candidates(km)).values())
    assert {"num:1677", "num:2023"} <= set(keys(document_candidates(th)).values())


@pytest.mark.parametrize(
    ("raw", "lang", "value"),
    [("1.677", "vi", "1677"), ("1,677", "en", "1677"), ("1.234,5", "pt", "1234.5"),
     ("1,234.5", "en", "1234.5"), ("3.5", "vi", "3.5"), ("2 300", "fr", "2300"),
     ("12.500", "es", "12500"), ("0,677", "pt", "0.677")],
)  # fmt: skip
def test_number_values(raw, lang, value):
    assert str(number_value(raw, lang)) == value


def test_scale_words_count_in_the_key():
    en = doc("en", "en", "Samsung will invest $1.8 billion; Toyota recalls 1.2 million cars.")
    vi = doc("vi", "vi", "Samsung sẽ đầu tư thêm 1,8 tỷ USD.")
    ja = doc("ja", "ja", "トヨタは約120万台をリコールする。", "Jpan")
    it = doc("it", "it", "Il progetto costa 466 mila miliardi di rupie.")
    id_ = doc("id", "id", "Proyek ini menelan biaya 466 triliun rupiah.")
    assert keys(document_candidates(en))["1.8"] == "num:1800000000"
    assert keys(document_candidates(vi))["1,8"] == "num:1800000000"
    assert keys(document_candidates(en))["1.2"] == "num:1200000"
    assert keys(document_candidates(ja))["120"] == "num:1200000"
    assert keys(document_candidates(it))["466"] == keys(document_candidates(id_))["466"]


def test_single_digits_are_not_entities():
    d = doc("en", "en", "He has 3 cats and 2 dogs.")
    assert not [c for c in document_candidates(d) if c.kind == "number"]


def test_dates_with_month_names_of_the_document_language():
    pt = doc("pt", "pt", "O lançamento do Sora em 16 de fevereiro surpreendeu.")
    km = doc("km", "km", "ការដាក់ឱ្យដំណើរការរបស់ Sora នៅថ្ងៃទី 16 ខែកុម្ភៈ កើតឡើង។", "Khmr")
    en = doc("en", "en", "The deal was signed on March 14, 2025 in Tokyo.")
    vi = doc("vi", "vi", "Vào tháng 10.2023, Mỹ siết chặt. Công bố ngày 5/3/2025 tại Hà Nội.")
    assert "date:02-16" in keys(document_candidates(pt)).values()
    assert "date:02-16" in keys(document_candidates(km)).values()
    assert keys(document_candidates(en))["March 14, 2025"] == "date:2025-03-14"
    found = keys(document_candidates(vi))
    assert found["tháng 10.2023"] == "date:2023-10"
    assert found["5/3/2025"] == "date:2025-03-05"  # the day word is left out of the span
    index = find_entities([pt, km])
    date = index.by_key("date:02-16")
    assert date is not None and date.kind == "date"
    assert sorted(o.text for o in date.occurrences) == ["16 de fevereiro", "16 ខែកុម្ភៈ"]


# --------------------------------------------------------------------------- names


def test_places_in_three_languages_are_one_entity():
    vi = doc("vi", "vi", "Nhiều công ty ở Trung Quốc và Mỹ cạnh tranh.")
    pt = doc("pt", "pt", "Muitas empresas da China e dos EUA competem.")
    km = doc("km", "km", "ក្រុមហ៊ុនជាច្រើននៅប្រទេសចិន និងសហរដ្ឋអាមេរិក។", "Khmr")
    index = find_entities([vi, pt, km])
    china = index.by_key("region:CN")
    assert china is not None and china.kind == "place" and china.label == "China"
    assert sorted(o.text for o in china.occurrences) == ["China", "Trung Quốc", "ចិន"]
    us = index.by_key("region:US")
    assert sorted(o.text for o in us.occurrences) == ["EUA", "Mỹ", "សហរដ្ឋអាមេរិក"]


def test_sentence_initial_ordinary_words_are_not_names():
    vi = doc(
        "vi",
        "vi",
        "Theo các nhà phân tích, Nvidia dẫn đầu. Trong khi đó Huawei đuổi theo. "
        "Ông nói thêm rằng Nvidia sẽ thắng, trong năm nay.",
    )
    pt = doc(
        "pt",
        "pt",
        "Em 2023, a Nvidia cresceu. Na China, a Huawei avançou. Mas a Nvidia vende mais "
        "em todo o mundo, na Europa e na Ásia.",
    )
    for d in (vi, pt):
        texts = {c.text for c in document_candidates(d)}
        assert "Nvidia" in texts and "Huawei" in texts
        assert not texts & {"Theo", "Trong", "Ông", "Em", "Na", "Mas"}, texts


def test_capitalised_words_seen_in_lower_case_are_not_names():
    vi = doc(
        "vi", "vi", "Ông là Giám đốc của Baidu. Bà là giám đốc của Alibaba, theo Đại học Yale."
    )
    texts = {c.text for c in document_candidates(vi)}
    assert "Giám" not in texts
    assert {"Baidu", "Alibaba", "Yale"} <= texts


def test_latin_names_inside_khmer_text():
    km = doc(
        "km",
        "km",
        "ក្រុមហ៊ុនមេ TikTok ByteDance និយាយថា iFlyTek និង AWS's Trainium គឺល្អ។",
        "Khmr",
    )
    found = keys(document_candidates(km))
    assert found["iFlyTek"] == "iflytek"  # a name may start in lower case
    assert found["AWS"] == "aws"  # possessive left out
    assert "Trainium" in found


def test_longer_shared_name_wins_and_falls_back_to_shared_parts():
    km = doc("km", "km", "ក្រុមហ៊ុនមេ TikTok ByteDance និយាយថា Ping An Securities ព្រមាន។", "Khmr")
    pt = doc("pt", "pt", "A ByteDance, dona do TikTok, disse que a Ping An Securities alertou.")
    vi = doc("vi", "vi", "Theo Ping An Securities, ByteDance sẽ thắng. Ping An là công ty lớn.")
    index = find_entities([km, pt, vi])
    bytedance = index.by_key("bytedance")
    assert bytedance is not None
    assert {o.doc for o in bytedance.occurrences} == {"km", "pt", "vi"}
    assert {o.text for o in bytedance.occurrences} == {"ByteDance"}  # not "A ByteDance"
    assert index.by_key("tiktok") is not None
    assert index.by_key("ping an securities") is not None  # longer shared name wins
    assert index.by_key("tiktok bytedance") is None


def test_plural_acronyms_share_a_key():
    en = doc("en", "en", "Nvidia sells GPUs to many firms.")
    vi = doc("vi", "vi", "Nvidia bán GPU cho nhiều công ty.")
    index = find_entities([en, vi])
    assert {o.text for o in index.by_key("gpu").occurrences} == {"GPUs", "GPU"}


def test_boilerplate_passages_are_skipped():
    text = "Sora impressed Google.\nPOWERED BY ONECMS"
    furniture = [Passage(0, 0, 22, "paragraph"), Passage(1, 23, len(text), "boilerplate")]
    a = doc("a", "en", text, passages=furniture)
    b = doc("b", "en", "Google tried Sora.\nPOWERED BY ONECMS")
    index = find_entities([a, b])
    assert index.by_key("google") is not None
    assert not [c for c in index.candidates["a"] if c.start >= 23]
    assert not any("ONECMS" in o.text for e in index.entities for o in e.occurrences)
    read_all = find_entities([doc("a", "en", text), b])  # the same line as reading text
    assert any("ONECMS" in o.text for e in read_all.entities for o in e.occurrences)


def test_occurrences_keep_spans_and_surface_text():
    vi = doc("vi", "vi", "Sora của OpenAI gây sốt ở Trung Quốc 😀 và Mỹ.")
    pt = doc("pt", "pt", "O Sora da OpenAI impressionou a China e os EUA.")
    texts = {"vi": vi.text, "pt": pt.text}
    index = find_entities([vi, pt])
    assert index.entities
    for entity in index.entities:
        for occ in entity.occurrences:
            assert texts[occ.doc][occ.start : occ.end] == occ.text
    for cand, entity in index.for_document("vi"):
        assert entity.key == cand.key
    spans = [(c.start, c.end) for c in index.candidates["vi"]]
    assert spans == sorted(spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in pairwise(spans))


def test_colours_are_stable_per_key():
    assert entity_colour("region:CN") == entity_colour("region:CN")
    assert all(0 <= entity_colour(k) < COLOUR_COUNT for k in ("a", "b", "region:US", "num:1"))
    a = find_entities([doc("x", "en", "OpenAI and Google."), doc("y", "en", "Google and OpenAI.")])
    b = find_entities([doc("z", "en", "Google met OpenAI.."), doc("w", "en", "OpenAI, Google.")])
    assert a.by_key("google").colour == b.by_key("google").colour
    assert a.by_key("google").id == b.by_key("google").id


def test_user_links_merge_and_split_keys():
    vi = doc("vi", "vi", "Mỹ và Sora của OpenAI.")
    pt = doc("pt", "pt", "Os EUA e o Sora da empresa.")
    index = find_entities([vi, pt])
    assert index.by_key("region:US") is not None
    split = find_entities([vi, pt], links=[("region:US", "my", False)])
    assert split.by_key("region:US") is None  # "Mỹ" no longer counts as the United States
    d2 = doc("pt2", "pt", "A Microsoft investiu no Sora.")
    merged = find_entities([vi, d2], links=[("openai", "microsoft", True)])
    entity = merged.by_key("microsoft") or merged.by_key("openai")
    assert entity is not None and {o.text for o in entity.occurrences} == {"OpenAI", "Microsoft"}


# --------------------------------------------------------------------------- seeds and CLI


def test_seed_versions_share_places_names_and_numbers(seeds):
    index = find_entities(seeds.documents)
    china = index.by_key("region:CN")
    assert {"Trung Quốc", "China", "ចិន"} <= {o.text for o in china.occurrences}
    km, pt = seed(seeds, "003"), seed(seeds, "004")
    members = index.by_key("num:1677")
    assert {km.id, pt.id} <= set(members.documents)
    assert index.by_key("region:US") is not None
    assert {"EUA", "សហរដ្ឋអាមេរិក", "Mỹ"} <= {o.text for o in index.by_key("region:US").occurrences}


def _write_corpus(tmp_path):
    (tmp_path / "vi.txt").write_text(
        "Tập đoàn Samsung của Hàn Quốc đầu tư thêm 1,8 tỷ USD vào Việt Nam. "
        "Thủ tướng Phạm Minh Chính đã tiếp Chủ tịch Lee Jae-yong tại Hà Nội.\n",
        encoding="utf-8",
    )
    (tmp_path / "en.txt").write_text(
        "South Korea's Samsung will invest another $1.8 billion in Vietnam. "
        "Prime Minister Pham Minh Chinh received chairman Lee Jae-yong in Hanoi.\n",
        encoding="utf-8",
    )
    return tmp_path


def test_cli_entities_json_contract(tmp_path, capsys):
    root = _write_corpus(tmp_path)
    assert main(["entities", str(root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"documents", "entities"}
    assert {d["path"] for d in data["documents"]} == {"vi.txt", "en.txt"}
    assert all(set(d) == {"id", "path", "language"} for d in data["documents"])
    fields = {"id", "key", "label", "kind", "languages", "documents", "occurrences"}
    assert data["entities"] and all(set(e) == fields for e in data["entities"])
    by_key = {e["key"]: e for e in data["entities"]}
    for key in (
        "samsung",
        "region:KR",
        "region:VN",
        "num:1800000000",
        "lee jae-yong",
        "city:hanoi",
    ):
        assert key in by_key, key
        assert len(by_key[key]["documents"]) == 2
    occ = by_key["pham minh chinh"]["occurrences"][0]
    assert set(occ) == {"doc", "start", "end", "text"}
    texts = {(tmp_path / d["path"]).read_text("utf-8") for d in data["documents"]}
    assert any(t[occ["start"] : occ["end"]] == occ["text"] for t in texts)

    assert main(["entities", str(root), "--json", "--all"]) == 0
    everything = json.loads(capsys.readouterr().out)["entities"]
    assert len(everything) > len(data["entities"])
    assert any(len(e["documents"]) == 1 for e in everything)


def test_cli_entities_table_and_bad_folder(tmp_path, capsys):
    root = _write_corpus(tmp_path)
    assert main(["entities", str(root)]) == 0
    out = capsys.readouterr().out
    assert "Samsung" in out and "region:KR" in out
    with pytest.raises(SystemExit) as exc:
        main(["entities", str(tmp_path / "missing"), "--json"])
    assert exc.value.code == 2


def test_a_name_that_begins_with_a_particle_keeps_it() -> None:
    """`in Da Nang`, `by Le Monde`: a capitalised particle inside a sentence starts the name
    (it was dropped, leaving `Nang` and `Monde` as names); a lower-case one still joins."""
    en = doc("a", "en", "The minister visited Da Nang on Monday. Le Monde and the paper "
             "reported it, citing Leonardo da Vinci experts in Da Nang and readers of Le Monde.")
    pt = doc("b", "pt", "O ministro esteve em Da Nang na segunda-feira, segundo o jornal Le "
             "Monde, que citou especialistas em Leonardo da Vinci.")
    labels = {e.label for e in find_entities([en, pt]).entities}
    assert {"Da Nang", "Le Monde", "Leonardo da Vinci"} <= labels
    assert not {"Nang", "Monde"} & labels


def test_resolving_again_after_links_across_scripts_equals_a_full_resolution(monkeypatch):
    """After names are linked across scripts, only the documents the new options concern are
    chosen again; the entities and every document's candidates are those of a full run."""
    from pathlib import Path

    import reader.corpus.entities as entities
    from reader.corpus.loading import load_corpus

    documents = load_corpus(Path(__file__).parent / "data" / "entities").documents

    again = entities._Resolution.again
    changed: list[list[str]] = []

    def counted(self, docs):
        changed.append(list(docs))
        return again(self, docs)

    monkeypatch.setattr(entities._Resolution, "again", counted)
    fast = find_entities(documents)
    assert changed, "the gold folders link names across scripts"

    def full(self, docs):
        self.__init__(list(self.by_id.values()), self.options)
        return self.index

    monkeypatch.setattr(entities._Resolution, "again", full)
    slow = find_entities(documents)
    assert [e.to_json() for e in fast.entities] == [e.to_json() for e in slow.entities]
    assert dict(fast.candidates) == dict(slow.candidates)


def test_a_document_whose_name_becomes_shared_is_chosen_again():
    """`Nexora Quantum Labs` is read whole while `Nexora Quantum` is in no other document;
    once another document gains `Nexora Quantum` (a link across scripts), the shared shorter
    name wins in the first document too, although its own options did not change."""
    from types import SimpleNamespace

    from reader.corpus.candidates import Option
    from reader.corpus.entities import _Resolution

    text = "Nexora Quantum Labs"
    docs = [SimpleNamespace(id=i, language="en", text=text) for i in ("a", "b", "c")]
    short = Option(0, 14, "nexora quantum", "person_org", "nexora quantum", False)
    whole = Option(0, 19, "nexora quantum labs", "person_org", "nexora quantum labs", False)
    options = {"a": [short, whole], "b": [], "c": []}
    resolution = _Resolution(docs, options)
    assert [c.text for c in resolution.index.candidates["a"]] == [text]
    options["b"].append(short)
    again = resolution.again(["b"])
    full = _Resolution(docs, options).index
    assert [c.text for c in again.candidates["a"]] == ["Nexora Quantum"]
    assert [e.to_json() for e in again.entities] == [e.to_json() for e in full.entities]
