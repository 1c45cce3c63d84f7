# ruff: noqa: E501
"""Web pages, EPUB books, DOCX, subtitles and PDF become documents like text files do."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from format_files import (
    SRT,
    VTT,
    write_docx,
    write_epub2,
    write_epub3,
    write_image_pdf,
    write_news,
    write_pdf,
    zip_bytes,
)

from reader.cli import main
from reader.corpus.loading import LoadError, document_from_bytes, load_corpus, load_document


def kinds(doc) -> list[tuple[str, str]]:
    return [(p.kind, doc.passage_text(p)) for p in doc.passages]


# --- HTML ----------------------------------------------------------------------------------


def test_news_page_gives_the_article_without_the_page_furniture(tmp_path: Path) -> None:
    doc = load_document(write_news(tmp_path / "news.html"), tmp_path)
    assert doc.format == "html"
    assert doc.language == "pt"  # lang="pt-BR"; windows-1252 from <meta charset>
    assert doc.title == "Chuva forte atinge Lisboa e deixa ruas alagadas"
    found = kinds(doc)
    assert found[0] == ("heading", doc.title)
    assert ("heading", "Bombeiros atendem centenas de ocorrências") in found
    assert ("list_item", "O metro esteve parado durante duas horas na linha verde.") in found
    assert [k for k, t in found if t.startswith("“Nunca vi")] == ["quote"]
    for furniture in ("Início", "Esportes", "Anúncio", "Facebook", "Leia também", "Temporal",
                      "direitos reservados", "privacidade", "Publicidade script", "color:red"):
        assert furniture not in doc.text
    [link] = doc.links
    assert doc.text[link.start : link.end] == "Veja o mapa"
    assert link.href == "https://example.org/mapa"


def test_declared_language_that_does_not_write_the_text_is_overruled() -> None:
    page = "<html lang='vi'><body><article>" + "<p>กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย</p>" * 3
    doc = document_from_bytes("th.html", (page + "</article></body></html>").encode())
    assert (doc.language, doc.script) == ("th", "Thai")
    assert any("'vi'" in w for w in doc.warnings)


def test_a_template_lang_attribute_does_not_relabel_another_language() -> None:
    text = (
        "Hôm nay Thủ tướng đã gặp các nhà báo tại Hà Nội và nói về kế hoạch của chính phủ "
        "cho năm tới. Ông cho biết các dự án sẽ được triển khai trong những tháng đầu năm."
    )
    page = f"<html lang='en-US'><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    doc = document_from_bytes("vi.html", page.encode())
    assert doc.language == "vi"
    assert any("'en-US'" in w and "vi" in w for w in doc.warnings)
    odd = document_from_bytes("x.html", b"<html lang='!!'><body><p>Um texto.</p></body></html>")
    assert odd.text == "Um texto."


def test_the_page_title_heads_an_article_without_a_heading() -> None:
    body = "".join(
        f"<p>Paragraph {n} of a long enough article about the river and the old bridge in "
        "the town, written for the test of titles.</p>"
        for n in range(1, 6)
    )
    page = f"<html><head><title>The old bridge | Town News</title></head><body><article>{body}"
    doc = document_from_bytes("bridge.html", (page + "</article></body></html>").encode())
    assert kinds(doc)[0] == ("heading", "The old bridge")
    assert doc.title == "The old bridge"
    assert doc.passage_text(doc.passages[1]).startswith("Paragraph 1 ")
    assert [p.index for p in doc.passages] == list(range(len(doc.passages)))


def test_a_page_without_an_article_is_read_whole_without_navigation() -> None:
    page = "<html><body><nav><a href='/'>Home</a></nav><p>Short note.</p></body></html>"
    doc = document_from_bytes("note.htm", page.encode())
    assert doc.text == "Short note."


# --- EPUB ----------------------------------------------------------------------------------


def test_epub3_reads_the_spine_with_chapters_and_skips_nav_and_cover(tmp_path: Path) -> None:
    doc = load_document(write_epub3(tmp_path / "book.epub"), tmp_path)
    assert (doc.format, doc.language, doc.script) == ("epub", "th", "Thai")
    assert doc.title == "เมืองของประเทศไทย"
    assert "ปกหนังสือ" not in doc.text  # the cover page
    assert "Illo" not in doc.text  # image alt text is not reading text
    assert doc.text.count("บทที่ 1 กรุงเทพ") == 1  # not again from the navigation document
    headings = [(doc.passage_text(p), p.chapter) for p in doc.passages if p.kind == "heading"]
    assert headings == [("บทที่ 1 กรุงเทพ", "บทที่ 1 กรุงเทพ"), ("บทที่ 2 เชียงใหม่", "บทที่ 2 เชียงใหม่")]
    chapters = [p.chapter for p in doc.passages]
    assert chapters == ["บทที่ 1 กรุงเทพ"] * 3 + ["บทที่ 2 เชียงใหม่"] * 2


def test_epub2_follows_the_spine_order_and_names_chapters_from_the_ncx(tmp_path: Path) -> None:
    doc = load_document(write_epub2(tmp_path / "contos.epub"), tmp_path)
    assert doc.language == "pt"
    assert kinds(doc) == [
        ("heading", "O rio"),
        ("paragraph", "O rio corria devagar pela aldeia."),  # &nbsp; without its DTD
        ("heading", "A ponte"),
        ("paragraph", "A ponte velha caiu numa noite de inverno."),
    ]
    assert [p.chapter for p in doc.passages] == ["Primeiro conto"] * 2 + ["Segundo conto"] * 2


def test_chapters_that_start_at_anchors_inside_one_file_are_told_apart(tmp_path: Path) -> None:
    from format_files import NCX, XHTML11

    ncx = NCX.replace("text/dois.html", "text/um.html#c1").replace("um.html#top", "um.html#c2")
    body = (
        "<p>Prefácio antes de tudo.</p>"
        "<div id='c1'><h2>I</h2><p>O rio corria devagar.</p></div>"
        "<div id='c2'><h2>II</h2><p>A ponte velha caiu.</p></div>"
    )
    epub = write_epub2(tmp_path / "one.epub", ncx=ncx, second=XHTML11.format(body=body))
    doc = load_document(epub, tmp_path)
    chapters = {doc.passage_text(p): p.chapter for p in doc.passages}
    assert chapters["Prefácio antes de tudo."] == "I"  # before the first anchor: the first heading
    assert chapters["O rio corria devagar."] == "Primeiro conto"
    assert chapters["A ponte velha caiu."] == "Segundo conto"


def test_a_large_book_is_one_document_with_all_its_chapters(tmp_path: Path) -> None:
    para = "Era uma vez uma cidade à beira do rio, onde as pessoas liam livros à noite. " * 4
    chapters = [(f"Capítulo {n}", [f"{n}: {para}"] * 40) for n in range(1, 101)]
    doc = load_document(write_epub3(tmp_path / "big.epub", chapters), tmp_path)
    assert len(doc.text) > 1_200_000
    assert len(doc.passages) == 100 * 41
    assert doc.passages[-1].chapter == "Capítulo 100"


# --- DOCX ----------------------------------------------------------------------------------


def test_docx_headings_by_style_lists_quotes_tables_and_no_page_header(tmp_path: Path) -> None:
    doc = load_document(write_docx(tmp_path / "report.docx"), tmp_path)
    assert (doc.format, doc.language) == ("docx", "vi")
    assert doc.title == "Báo cáo thời tiết năm 2024"
    assert kinds(doc) == [
        ("heading", "Báo cáo thời tiết năm 2024"),
        ("heading", "Phần một: mưa ở Hà Nội"),
        ("paragraph", "Năm nay Hà Nội có lượng mưa cao nhất trong mười năm qua, theo cơ quan khí tượng."),
        ("list_item", "Tháng bảy mưa nhiều nhất"),
        ("list_item", "Tháng hai khô nhất"),
        ("quote", "Chúng tôi chưa từng thấy mưa như vậy."),
        ("table", "Tháng | Lượng mưa\nBảy | 320 mm"),
    ]
    assert "Tiêu đề đầu trang" not in doc.text and "Chân trang" not in doc.text


# --- subtitles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "texts"),
    [
        ("film.pt.srt", SRT.encode("cp1252"),
         ["Olá, tudo bem contigo?", "- Quem és tu?\n- Sou o teu vizinho.", "Vamos embora daqui."]),
        ("film.en.vtt", VTT.encode(),
         ["Hello, how are you?", "- Who are you?\n- I am your neighbour.", "Let us leave this place."]),
    ],
)
def test_subtitle_cues_are_passages_with_their_times(name: str, data: bytes, texts) -> None:
    doc = document_from_bytes(name, data)
    assert doc.format == "subtitles"
    assert [doc.passage_text(p) for p in doc.passages] == texts
    assert {p.kind for p in doc.passages} == {"cue"}
    assert [p.time for p in doc.passages] == [(1.25, 3.5), (4.0, 6.0), (62.0, 65.125)]
    for noise in ("-->", "00:0", "WEBVTT", "NOTE", "color", "<", "{"):
        assert noise not in doc.text


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_paragraphs_rebuilt_without_headers_footers_or_page_numbers(tmp_path: Path) -> None:
    doc = load_document(write_pdf(tmp_path / "relatorio.pdf"), tmp_path)
    assert (doc.format, doc.language) == ("pdf", "pt")
    found = kinds(doc)
    assert found[0] == ("heading", "Relatório sobre a água em Lisboa")
    assert [k for k, _ in found] == ["heading", "paragraph", "paragraph", "paragraph"]
    assert found[1][1].startswith("A cidade de Lisboa") and found[1][1].endswith("meteorologia.")
    assert "abastecimento está garantido" in found[2][1]  # hyphenation at the line end joined
    assert "drenagem avancem antes" in found[2][1]  # one paragraph across the page break
    assert [p.page for p in doc.passages] == [1, 1, 1, 2]
    assert "Câmara Municipal" not in doc.text and "Página" not in doc.text


def test_pdf_columns_joined_where_a_paragraph_goes_on_and_bold_lines_are_headings(
    tmp_path: Path,
) -> None:
    from format_files import write_two_column_pdf

    doc = load_document(write_two_column_pdf(tmp_path / "cols.pdf"), tmp_path)
    assert kinds(doc) == [
        ("heading", "1 Introdução"),
        ("paragraph", "O projeto de drenagem da cidade foi apresentado aos moradores em março, "
         "numa sessão pública onde os técnicos explicaram as obras e os prazos previstos para "
         "os próximos dois anos."),
        ("heading", "2 Custos"),
        ("paragraph", "O orçamento total é de duzentos milhões."),
    ]


def test_pdf_without_a_text_layer_is_skipped_with_that_reason(tmp_path: Path) -> None:
    write_image_pdf(tmp_path / "scan.pdf")
    (tmp_path / "ok.txt").write_text("Um texto qualquer.\n")
    corpus = load_corpus(tmp_path)
    assert [d.path for d in corpus.documents] == ["ok.txt"]
    [skipped] = corpus.skipped
    assert skipped.path == "scan.pdf" and "without a text layer" in skipped.reason


# --- a folder of every kind ------------------------------------------------------------------


def test_a_folder_of_each_kind_loads_every_document(tmp_path: Path) -> None:
    write_news(tmp_path / "news.html")
    write_epub3(tmp_path / "book.epub")
    write_docx(tmp_path / "report.docx")
    (tmp_path / "film.srt").write_bytes(SRT.encode())
    write_pdf(tmp_path / "report.pdf")
    corpus = load_corpus(tmp_path)
    assert corpus.skipped == []
    assert sorted(d.format for d in corpus.documents) == ["docx", "epub", "html", "pdf", "subtitles"]


# --- hostile files -------------------------------------------------------------------------


def _reason(name: str, data: bytes) -> str:
    with pytest.raises(LoadError) as caught:
        document_from_bytes(name, data)
    return str(caught.value)


@pytest.mark.parametrize("suffix", ["html", "epub", "docx", "srt", "vtt", "pdf"])
def test_garbage_of_each_kind_is_skipped_with_a_reason(suffix: str) -> None:
    for data in (b"\0" * 100, bytes(range(256)) * 8, b"PK\x03\x04" + b"\x07" * 400):
        assert _reason(f"junk.{suffix}", data)


def test_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    bomb = zip_bytes({"mimetype": b"application/epub+zip", "OEBPS/a.xhtml": b"\0" * 80 * 2**20})
    assert len(bomb) < 200_000
    assert "zip bomb" in _reason("bomb.epub", bomb)
    assert "zip bomb" in _reason("bomb.docx", bomb)


def test_broken_archives_say_so() -> None:
    assert "broken EPUB archive" in _reason("cut.epub", zip_bytes({"a": b"x" * 5000})[:-30])
    assert "broken DOCX archive" in _reason("not.docx", b"PK\x03\x04 not really a zip")


def test_external_and_internal_entities_are_refused(tmp_path: Path) -> None:
    opf = (
        '<?xml version="1.0"?><!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata>&xxe;</metadata>'
        "</package>"
    )
    reason = _reason("x.epub", write_epub2(tmp_path / "x.epub", opf=opf).read_bytes())
    assert "refused" in reason and "Entities" in reason
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    docx = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": laughs.encode()})
    assert "refused" in _reason("laughs.docx", docx)


def test_deeply_nested_xml_is_refused_not_a_crash(tmp_path: Path) -> None:
    deep = "<div>" * 100_000 + "x" + "</div>" * 100_000
    chapter = f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{deep}</body></html>'
    epub = write_epub2(tmp_path / "deep.epub", second=chapter)
    assert "EPUB chapter refused" in _reason("deep.epub", epub.read_bytes())
    word = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": deep.encode()})
    assert "DOCX" in _reason("deep.docx", word)


def test_huge_web_page_and_pdf_stream_bomb_are_refused() -> None:
    assert "too large" in _reason("huge.html", b"<p>" + b"a" * (13 * 2**20))
    stream = zlib.compress(b" " * (70 * 2**20), 9)
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 600 800]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length " + str(len(stream)).encode() + b"/Filter/FlateDecode>>stream\n"
        + stream + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    assert "inflates past" in _reason("bomb.pdf", pdf)


# --- annotations on each kind ------------------------------------------------------------


QUOTES = {
    "news.html": "Veja o mapa",
    "book.epub": "แม่น้ำเจ้าพระยา",
    "report.docx": "Tháng hai khô nhất",
    "film.srt": "Sou o teu vizinho",
    "report.pdf": "abastecimento está garantido",
}


def test_an_annotation_on_each_kind_round_trips_through_export_and_import(
    tmp_path: Path, capsys
) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    write_news(root / "news.html")
    write_epub3(root / "book.epub")
    write_docx(root / "report.docx")
    (root / "film.srt").write_bytes(SRT.encode())
    write_pdf(root / "report.pdf")
    first, second = str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3")
    for name, quote in QUOTES.items():
        code = main(["annotate", str(root / name), "--quote", quote, "--note", f"on {name}",
                     "--corpus", str(root), "--db", first])
        assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    export = tmp_path / "notes.json"
    assert main(["export", "-o", str(export), "--db", first]) == 0
    assert main(["import", str(export), "--db", second]) == 0
    capsys.readouterr()
    assert main(["annotations", "--corpus", str(root), "--json", "--db", second]) == 0
    listed = json.loads(capsys.readouterr().out)["annotations"]
    got = {a["document"]: (a["quote"], a["status"], a["note"]) for a in listed}
    assert got == {name: (quote, "anchored", f"on {name}") for name, quote in QUOTES.items()}
    for a in listed:
        doc = load_document(root / a["document"], root)
        assert doc.text[a["start"] : a["end"]] == a["quote"]


# --- the index keeps what each format found --------------------------------------------------


def test_the_index_keeps_chapters_pages_and_cue_times(tmp_path: Path) -> None:
    from reader.store.db import connect
    from reader.store.index import load_indexed_corpus, refresh_index

    root = tmp_path / "corpus"
    root.mkdir()
    write_epub3(root / "book.epub")
    (root / "film.srt").write_bytes(SRT.encode())
    write_pdf(root / "report.pdf")
    conn = connect(tmp_path / "store.sqlite3")
    try:
        report = refresh_index(conn, root)
        assert (report.files, report.processed, report.errors) == (3, 3, 0)
        indexed = load_indexed_corpus(conn, root)
    finally:
        conn.close()
    loaded = load_corpus(root)
    assert [d.format for d in indexed.documents] == ["epub", "subtitles", "pdf"]
    for a, b in zip(indexed.documents, loaded.documents, strict=True):
        assert (a.text, a.language, a.title) == (b.text, b.language, b.title)
        assert a.passages == b.passages
    assert indexed.documents[1].passages[2].time == (62.0, 65.125)


def test_cues_of_two_subtitle_files_overlap_where_they_are_on_screen_together() -> None:
    from reader.corpus.model import time_overlap

    pt = document_from_bytes("film.pt.srt", SRT.encode()).passages
    en = document_from_bytes("film.en.vtt", VTT.encode()).passages
    assert time_overlap([pt[0]], [en[0]]) == 1.0
    assert time_overlap([pt[0]], [en[1]]) == 0.0
    assert time_overlap(pt[:2], [en[1]]) == 1.0
    assert 0.0 < time_overlap([pt[2]], [*en[2:]]) <= 1.0
    news = document_from_bytes("a.txt", b"No times here.").passages
    assert time_overlap(news, en) == 0.0
