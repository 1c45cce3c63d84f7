"""Paragraph passages, sentences and page furniture in plain text."""

from __future__ import annotations

import pytest

from reader.corpus.boilerplate import boilerplate_reason
from reader.corpus.loading import document_from_bytes
from reader.corpus.passages import passage_sentences, plain_passages
from tests.conftest import seed


def texts(text: str) -> list[str]:
    return [p.text(text) for p in plain_passages(text)]


def test_one_paragraph_a_line() -> None:
    text = "First paragraph, a long line of text.\nSecond paragraph here.\nThird."
    assert texts(text) == [
        "First paragraph, a long line of text.",
        "Second paragraph here.",
        "Third.",
    ]


def test_blank_lines_between_paragraphs() -> None:
    text = "\n\nOne.\n\n\nTwo is here.\n\n  \nThree.\n"
    assert texts(text) == ["One.", "Two is here.", "Three."]


def test_hard_wrapped_paragraphs_join_their_lines() -> None:
    text = (
        "The committee met on Tuesday to discuss the budget for the coming\n"
        "year, and members agreed that spending on schools should rise by\n"
        "four percent.\n"
        "\n"
        "A second paragraph follows, wrapped at the same width as the first\n"
        "one, and it ends here.\n"
    )
    got = texts(text)
    assert len(got) == 2
    assert got[0].startswith("The committee") and got[0].endswith("four percent.")
    assert got[1].endswith("ends here.")


def test_one_sentence_a_line_is_one_passage_a_line() -> None:
    text = (
        "The council approved the new budget on Monday.\n"
        "Spending on schools will rise by four percent.\n"
        "The mayor said the plan was fair to everyone.\n"
        "Opposition members voted against the measure.\n"
    )
    assert len(texts(text)) == 4
    assert len(texts(text.replace(".\n", ".\n\n", 1) + "\nLast one.")) == 5


def test_file_name_line_next_to_caption_stays_separate() -> None:
    text = "Body paragraph one.\n\nriver-flood-2024.jpg\nThe flooded river seen from the bridge.\n"
    plain = plain_passages(text)
    assert [p.text(text) for p in plain][1:] == [
        "river-flood-2024.jpg",
        "The flooded river seen from the bridge.",
    ]
    assert [p.kind for p in plain] == ["paragraph", "boilerplate", "paragraph"]


@pytest.mark.parametrize(
    "line",
    [
        "[advertisement_3]",
        "{{ads}}",
        "IMG_2041.JPG",
        "https://example.org/news/123",
        "Comments (12)",
        "Bình luận (3)",
        "(0) Comentarios",
        "12 shares",
        "Powered by WordPress",
        "© 2024 Daily Planet. All rights reserved",
        "Source",
        "Fuente: Reuters",
        "Quelle: dpa",
        "(According to AP)",
        "Share Tweet Email",
    ],
)
def test_page_furniture_is_boilerplate(line: str) -> None:
    assert boilerplate_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Economy",
        "Nguyễn Văn An",
        "The minister said 12 schools would close.",
        "Sources say the deal is close to done",
        "Apple (AAPL) rose 3% on Monday after strong results.",
        "O governo anunciou (ontem) um novo plano de investimentos para o setor.",
    ],
)
def test_article_lines_are_not_boilerplate(line: str) -> None:
    assert boilerplate_reason(line) is None


def test_repeated_lines_and_related_links_tail_are_boilerplate() -> None:
    body = [f"Paragraph {i} of the story tells what happened next in detail." for i in range(8)]
    lines = [
        "Big Storm Hits Coast",
        *body,
        "Related articles",
        "Another story",
        "Big Storm Hits Coast",
    ]
    text = "\n".join(lines)
    kinds = [p.kind for p in plain_passages(text)]
    assert kinds[:9] == ["paragraph"] * 9
    assert kinds[9:] == ["boilerplate"] * 3


def test_related_label_early_in_text_does_not_swallow_the_article() -> None:
    lines = ["Read more", *[f"Paragraph {i} with real article text." for i in range(6)]]
    kinds = [p.kind for p in plain_passages("\n".join(lines))]
    assert kinds.count("paragraph") >= 6


def test_khmer_sentences_end_with_khan() -> None:
    text = "ប្រទេសចិនបានប្រកាស។ ក្រុមហ៊ុនបានឆ្លើយតប។ វាជាការចាប់ផ្តើម។"
    doc = document_from_bytes("km.txt", text.encode())
    assert doc.language == "km"
    spans = passage_sentences(doc.text, doc.passages[0], doc.language)
    assert [doc.text[s:e] for s, e in spans] == [
        "ប្រទេសចិនបានប្រកាស។",
        "ក្រុមហ៊ុនបានឆ្លើយតប។",
        "វាជាការចាប់ផ្តើម។",
    ]


def test_seed_passages_in_three_languages(seeds) -> None:
    vi_lines = seed(seeds, "000")  # one paragraph a line
    vi_blank = seed(seeds, "001")  # blank lines between paragraphs
    km = seed(seeds, "003")
    pt = seed(seeds, "004")
    for doc in (vi_lines, vi_blank, km, pt):
        raw = doc.abs_path.read_text("utf-8")
        nonblank = [line.strip() for line in raw.splitlines() if line.strip()]
        assert [doc.passage_text(p) for p in doc.passages] == nonblank
        assert all("\n" not in doc.passage_text(p) for p in doc.passages)
    # Khmer and Portuguese are translations: same count of article paragraphs.
    article = [sum(p.kind != "boilerplate" for p in d.passages) for d in (km, pt)]
    assert article[0] == article[1]
    km_sentences = passage_sentences(km.text, km.passages[4], "km")
    assert len(km_sentences) >= 2
    assert all(
        km.text[s:e].endswith(("។", "៕", ".", "?", "!", "”", '"')) for s, e in km_sentences[:-1]
    )


def test_seed_page_furniture_found_by_general_rules(seeds) -> None:
    pt = seed(seeds, "004")
    tail = [pt.passage_text(p) for p in pt.passages if p.kind == "boilerplate"]
    assert "[anúncio_2]" in tail and "Fonte" in tail
    assert all(p.kind == "paragraph" for p in pt.passages[:20])
