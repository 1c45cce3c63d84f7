"""Search text preparation, queries, hits and the in-memory search (no database)."""

from __future__ import annotations

import pytest

from reader.corpus.loading import document_from_bytes
from reader.corpus.memory_search import MemorySearch
from reader.corpus.model import Document
from reader.corpus.search import (
    QueryError,
    document_shadows,
    fold_token,
    has_unspaced,
    hits_json,
    inner_suffixes,
    is_unspaced,
    kwic,
    parse_query,
    text_tokens,
)


def doc(text: str, name: str = "a.txt") -> Document:
    return document_from_bytes(name, text.encode("utf-8"))


def surfaces(document: Document, query: str, **kw) -> list[str]:
    hits = MemorySearch([document]).search(query, order="position", **kw)
    return [document.text[h.start : h.end] for h in hits]


VI = (
    "Trung Quốc công bố kế hoạch mới tại Đà Nẵng.\n\n"
    "Ông Nguyễn nói rằng trung quốc sẽ đầu tư vào cảng.\n\n"
    "Một đoạn khác không nhắc tới quốc gia nào."
)


def test_fold_removes_latin_accents_and_stroke_letters_but_keeps_other_marks():
    assert fold_token("Quốc") == "quoc"
    assert fold_token("ĐÀ") == "da"
    assert fold_token("Ação") == "acao"
    # Khmer subscripts and Japanese voicing marks change the letter: they stay.
    assert fold_token("ឆ្នាំ") == "ឆ្នាំ"
    assert fold_token("が") != fold_token("か")


def test_diacritic_insensitive_search_finds_accented_words():
    d = doc(VI)
    assert surfaces(d, "trung quoc") == ["Trung Quốc", "trung quốc"]
    assert surfaces(d, "da nang") == ["Đà Nẵng"]
    assert surfaces(d, "ĐÀ NẴNG") == ["Đà Nẵng"]


def test_exact_search_respects_case_and_diacritics():
    d = doc(VI)
    assert surfaces(d, "Trung Quốc", exact=True) == ["Trung Quốc"]
    assert surfaces(d, "trung quoc", exact=True) == []
    assert surfaces(d, "quốc", exact=True) == ["quốc", "quốc"]


def test_words_must_share_a_passage_and_phrases_must_be_adjacent():
    d = doc("the red car and a blue house\n\nred house blue car")
    assert surfaces(d, '"red car"') == ["red car"]
    assert surfaces(d, '"blue car"') == ["blue car"]
    # Unquoted: all words in one passage, each occurrence a hit (adjacent ones joined).
    assert surfaces(d, "red house") == ["red", "house", "red house"]
    assert surfaces(d, '"car red"') == []


def test_prefix_search():
    d = doc("Sora, Soraya and the sorcerer met Sorensen.")
    assert surfaces(d, "sora*") == ["Sora", "Soraya"]
    assert surfaces(d, "sor*") == ["Sora", "Soraya", "sorcerer", "Sorensen"]


def test_khmer_word_is_found_in_running_khmer_text():
    text = "ប្រទេសកម្ពុជាមានរាជធានីភ្នំពេញ ហើយទន្លេមេគង្គហូរកាត់ប្រទេសនេះ។"
    d = doc(text)
    hits = MemorySearch([d]).search("ភ្នំពេញ")
    assert [(h.start, h.end) for h in hits] == [(text.index("ភ្នំពេញ"), text.index("ភ្នំពេញ") + 7)]
    # A word ICU keeps inside a compound (ទន្លេមេគង្គ, "Mekong river") is found too.
    assert surfaces(d, "មេគង្គ") == ["មេគង្គ"]
    assert surfaces(d, "ប្រទេស") == ["ប្រទេស", "ប្រទេស"]
    # ...but never a consonant torn from its vowel sign, nor a subscript consonant.
    assert surfaces(d, "ធ") == []  # only in ធានី, followed by the vowel sign ា
    assert surfaces(d, "ល") == []  # only as the subscript of ទន្លេ


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("ประเทศไทยมีเมืองหลวงชื่อกรุงเทพมหานคร", "กรุงเทพมหานคร"),
        ("我们在北京大学学习中文", "北京"),
        ("東京大学で日本語を勉強しています", "日本語"),
        ("ຂ້ອຍຢູ່ນະຄອນຫຼວງວຽງຈັນ", "ວຽງຈັນ"),
        ("မြန်မာနိုင်ငံ၏မြို့တော်သည်နေပြည်တော်ဖြစ်သည်", "နေပြည်တော်"),
    ],
)
def test_words_of_other_unspaced_scripts_are_found(text, word):
    assert surfaces(doc(text), word) == [word]


def test_offsets_are_code_points_after_astral_characters_and_format_characters():
    text = "🙂🙂 Hà Nội 😀 mở cửa\n\nកម្ពុជា\u200bភ្នំពេញ"
    d = doc(text)
    [hit] = MemorySearch([d]).search("ha noi")
    assert text[hit.start : hit.end] == "Hà Nội"
    assert surfaces(d, "ភ្នំពេញ") == ["ភ្នំពេញ"]


def test_nfd_text_on_disk_is_found_by_nfc_query():
    d = doc("Tha\u0300nh pho\u0302\u0301 Hue\u0302\u0301")  # NFD Vietnamese
    assert surfaces(d, "Thành phố") == ["Thành phố"]


def test_ranking_puts_the_passage_with_more_hits_first():
    first = doc("A harbour story.\n\nNothing here.", "a.txt")
    second = doc("Harbour, harbour, harbour: the harbour day.", "b.txt")
    hits = MemorySearch([first, second]).search("harbour")
    assert hits[0].path == "b.txt"
    assert {h.path for h in hits} == {"a.txt", "b.txt"}
    assert len(hits) == 5


def test_language_filter():
    vi = doc("Cảng Đà Nẵng mở cửa.", "vi.txt")
    pt = doc("O porto de Da Nang abriu as portas para os navios.", "pt.txt")
    assert {h.path for h in MemorySearch([vi, pt]).search("da nang")} == {"vi.txt", "pt.txt"}
    assert [h.path for h in MemorySearch([vi, pt]).search("da nang", language="pt")] == ["pt.txt"]


@pytest.mark.parametrize("query", ["", "   ", "…!?", '"unclosed'])
def test_queries_with_nothing_to_search_are_refused(query):
    with pytest.raises(QueryError):
        parse_query(query)


def test_shadow_tokens_map_back_to_their_words():
    d = doc("Hello, Wörld!\n\nSecond 1.677 line")
    for shadow in document_shadows(d):
        for token, (s, e) in zip(shadow.tokens, shadow.spans, strict=True):
            assert token == fold_token(d.text[s:e])
    assert [sh.tokens for sh in document_shadows(d)] == [
        ["hello", "world"],
        ["second", "1.677", "line"],
    ]


def test_kwic_keeps_context_in_the_passage_on_one_line():
    text = "First passage ends here.\n\nThe word target sits\nin the middle of this passage."
    start = text.index("target")
    bounds = (text.index("The"), len(text))
    left, match, right = kwic(text, start, start + 6, 40, bounds)
    assert match == "target"
    assert left == "The word "
    assert "\n" not in right and right.startswith(" sits in the middle")


def test_kwic_does_not_split_a_khmer_cluster():
    text = "ក" * 3 + "ប្រទេស" * 10
    _, _, right = kwic(text, 0, 3, 8)
    assert not right.endswith("\u17d2")  # never ends on a coeng (its consonant would be lost)
    assert right[0] not in "\u17d2"


def test_hits_json_shape():
    d = doc(VI)
    hits = MemorySearch([d]).search("da nang")
    [item] = hits_json(hits, {d.id: (d.text, d.passages)})
    assert {"doc", "start", "end", "snippet", "left", "right", "text"} <= set(item)
    assert item["snippet"] == item["left"] + item["text"] + item["right"]
    assert d.text[item["start"] : item["end"]] == item["text"] == "Đà Nẵng"


def _shadows_word_by_word(doc: Document) -> list[tuple[list[str], list[tuple[int, int]]]]:
    """The shadows as the index made them before its one-pass version: every word of the text
    folded, then placed in the passage that holds it."""
    out: list[tuple[list[str], list[tuple[int, int]]]] = [([], []) for _ in doc.passages]
    for key, s, e in text_tokens(doc.text, doc.language):
        for i, p in enumerate(doc.passages):
            if p.start <= s and e <= p.end:
                out[i][0].append(key)
                out[i][1].append((s, e))
    return out


@pytest.mark.parametrize(
    "name, text",
    [
        ("vi.txt", "Cảng Đà Nẵng\n\nTrung Quốc và Việt Nam ký 1.677 thỏa thuận.\n\n\n— Hết —\n"),
        ("km.txt", "ទន្លេមេគង្គ\n\nទឹកទន្លេមេគង្គឡើងខ្ពស់នៅភ្នំពេញ។ Nexora 2024\n"),
        ("mix.md", "# Titre 😀 ok\n\n- 東京で会議\n- ไทย ภาษา\n\n> Ωμέγα ΣΟΦΊΑ 𝒜lpha\n"),
        ("zwsp.txt", "a\u200bb c\u00ad d\n\n\ufeffe\u0301 f\n"),
    ],
)
def test_one_pass_shadows_are_the_word_by_word_shadows(name, text):
    doc = document_from_bytes(name, text.encode("utf-8"))
    got = [(sh.tokens, sh.spans) for sh in document_shadows(doc)]
    assert got == _shadows_word_by_word(doc)
    assert [sh.inner_text for sh in document_shadows(doc)] == [
        " ".join(x for tok in tokens if is_unspaced(tok) for x in inner_suffixes(tok))
        for tokens, _ in got
    ]
    assert has_unspaced(doc.text) == any(is_unspaced(t) for tokens, _ in got for t in tokens)


def test_the_cache_of_folded_words_stays_bounded_and_folds_alike(monkeypatch):
    """Shadows fold their words through a cache emptied when full: the keys are the same."""
    from reader.corpus import search_words

    monkeypatch.setattr(search_words, "FOLDED_MAX", 50)
    monkeypatch.setattr(search_words, "_FOLDED", search_words._FoldedWords())
    text = " ".join(f"Quốc{i} ĐÀ{i} Straße{i}" for i in range(200))
    doc = document_from_bytes("a.txt", text.encode())
    (shadow,) = search_words.document_shadows(doc)
    assert len(search_words._FOLDED) <= 50
    assert shadow.tokens == [search_words.fold_token(text[s:e]) for s, e in shadow.spans]
    assert shadow.tokens[:3] == ["quoc0", "da0", "strasse0"]
