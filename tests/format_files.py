# ruff: noqa: E501
"""Small real files of each format, written with the libraries of the test extras."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

NEWS_HTML = """<!DOCTYPE html>
<html lang="pt-BR"><head><meta charset="windows-1252">
<title>Chuva forte atinge Lisboa | Jornal Exemplo</title>
<script>var ads = "Publicidade script";</script><style>body{color:red}</style></head>
<body>
<header><nav><ul><li><a href="/">Início</a></li><li><a href="/mundo">Mundo</a></li>
<li><a href="/esportes">Esportes</a></li></ul></nav></header>
<div class="ad">Anúncio: compre já o seu carro novo</div>
<main><article>
<h1>Chuva forte atinge Lisboa e deixa ruas alagadas</h1>
<p>A chuva intensa que caiu sobre Lisboa na madrugada desta terça-feira deixou várias ruas
alagadas no centro da cidade, segundo a Proteção Civil.</p>
<h2>Bombeiros atendem centenas de ocorrências</h2>
<p>Os bombeiros registaram mais de 300 ocorrências entre a meia-noite e as seis da manhã, a
maioria por inundações em caves e garagens. <a href="https://example.org/mapa">Veja o mapa</a>
das zonas afetadas.</p>
<ul><li>Alcântara e Belém foram as zonas mais afetadas pela água.</li>
<li>O metro esteve parado durante duas horas na linha verde.</li></ul>
<blockquote><p>“Nunca vi tanta água nesta rua”, disse um morador de Alcântara aos jornalistas
que visitaram o bairro.</p></blockquote>
<p>O Instituto Português do Mar e da Atmosfera manteve o aviso amarelo para a região até ao
fim do dia de quarta-feira, com mais chuva prevista para a tarde.</p>
</article>
<div class="share"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a></div>
<aside class="related"><h3>Leia também</h3><ul>
<li><a href="/a">Temporal no Porto causa estragos em armazéns</a></li>
<li><a href="/b">Seca no Alentejo preocupa agricultores da região</a></li></ul></aside>
</main>
<footer><p>© 2024 Jornal Exemplo. Todos os direitos reservados.</p>
<p><a href="/privacidade">Política de privacidade</a></p></footer>
</body></html>
"""

THAI_CH1 = (
    "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย และเป็นเมืองที่มีประชากรมากที่สุดในประเทศ",
    "แม่น้ำเจ้าพระยาไหลผ่านใจกลางเมืองและเป็นเส้นทางคมนาคมที่สำคัญ",
)
THAI_CH2 = ("เชียงใหม่อยู่ทางภาคเหนือของประเทศ มีภูเขาและวัดเก่าแก่มากมาย",)


def write_news(path: Path) -> Path:
    path.write_bytes(NEWS_HTML.encode("cp1252", errors="xmlcharrefreplace"))
    return path


def write_epub3(path: Path, chapters: list[tuple[str, list[str]]] | None = None) -> Path:
    """An EPUB 3 written by ebooklib: cover page, nav document, chapters with headings."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("urn:test:thai-book")
    book.set_title("เมืองของประเทศไทย")
    book.set_language("th")
    cover = epub.EpubHtml(title="Cover", file_name="cover.xhtml", lang="th")
    cover.content = "<html><body><p>ปกหนังสือ</p><img src='cover.jpg' alt=''/></body></html>"
    chapters = chapters or [("บทที่ 1 กรุงเทพ", list(THAI_CH1)), ("บทที่ 2 เชียงใหม่", list(THAI_CH2))]
    items = []
    for n, (heading, paragraphs) in enumerate(chapters, 1):
        item = epub.EpubHtml(title=heading, file_name=f"ch{n}.xhtml", lang="th")
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        body += f"<p><img src='i{n}.jpg' alt='Illo{n}'/></p>"  # an illustration
        item.content = f"<html><body><h1>{heading}</h1>{body}</body></html>"
        items.append(item)
    for item in (cover, *items):
        book.add_item(item)
    book.toc = tuple(items)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.guide = [{"type": "cover", "href": "cover.xhtml", "title": "Cover"}]
    book.spine = [cover, "nav", *items]
    epub.write_epub(str(path), book)
    return path


OPF2 = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">
 <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title>Contos</dc:title><dc:language>{lang}</dc:language><dc:identifier id="id">x</dc:identifier>
 </metadata>
 <manifest>
  <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
  <item id="c1" href="text/um.html" media-type="application/xhtml+xml"/>
  <item id="c2" href="text/dois.html" media-type="application/xhtml+xml"/>
 </manifest>
 <spine toc="ncx"><itemref idref="c2"/><itemref idref="c1"/></spine>
</package>"""
NCX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE ncx PUBLIC "-//NISO//DTD ncx 2005-1//EN" "http://www.daisy.org/z3986/2005/ncx-2005-1.dtd">
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
 <navPoint id="a"><navLabel><text>Primeiro conto</text></navLabel><content src="text/dois.html"/></navPoint>
 <navPoint id="b"><navLabel><text>Segundo conto</text></navLabel><content src="text/um.html#top"/></navPoint>
</navMap></ncx>"""
XHTML11 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body>{body}</body></html>"""


def write_epub2(
    path: Path,
    opf: str | None = None,
    lang: str = "pt",
    second: str | None = None,
    ncx: str | None = None,
) -> Path:
    """A hand-packed EPUB 2 (OPF 2.0 + NCX, XHTML 1.1 with &nbsp;), spine order ≠ file order."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
            'opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>',
        )
        z.writestr("OEBPS/content.opf", opf or OPF2.format(lang=lang))
        z.writestr("OEBPS/toc.ncx", ncx or NCX)
        z.writestr(
            "OEBPS/text/dois.html",
            XHTML11.format(body="<h2>O rio</h2><p>O rio corria&nbsp;devagar pela aldeia.</p>"),
        )
        z.writestr(
            "OEBPS/text/um.html",
            second
            or XHTML11.format(body="<h2>A ponte</h2><p>A ponte velha caiu numa noite de inverno.</p>"),
        )
    return path


def write_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.core_properties.language = "vi-VN"
    d.add_heading("Báo cáo thời tiết năm 2024", 0)
    d.add_heading("Phần một: mưa ở Hà Nội", 1)
    d.add_paragraph("Năm nay Hà Nội có lượng mưa cao nhất trong mười năm qua, theo cơ quan khí tượng.")
    d.add_paragraph("Tháng bảy mưa nhiều nhất", style="List Bullet")
    d.add_paragraph("Tháng hai khô nhất", style="List Number")
    d.add_paragraph("Chúng tôi chưa từng thấy mưa như vậy.", style="Quote")
    table = d.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Tháng", (0, 1): "Lượng mưa", (1, 0): "Bảy", (1, 1): "320 mm"}.items():
        table.cell(r, c).text = text
    section = d.sections[0]
    section.header.paragraphs[0].text = "Tiêu đề đầu trang lặp lại"
    section.footer.paragraphs[0].text = "Chân trang số 1"
    d.save(str(path))
    return path


SRT = (
    "1\r\n00:00:01,250 --> 00:00:03,500\r\n<i>Olá,</i> tudo\r\nbem contigo?\r\n\r\n"
    "2\r\n00:00:04,000 --> 00:00:06,000\r\n{\\an8}- Quem és tu?\r\n- Sou o teu vizinho.\r\n\r\n"
    "3\r\n00:01:02,000 --> 00:01:05,125\r\nVamos embora daqui.\r\n"
)
VTT = (
    "WEBVTT\n\nNOTE written by hand for the tests\n\nSTYLE\n::cue { color: yellow }\n\n"
    "intro\n00:01.250 --> 00:03.500 align:start\n<v Ana>Hello, <b>how</b> are you?\n\n"
    "00:00:04.000 --> 00:00:06.000\n- Who are you?\n- I am your neighbour.\n\n"
    "00:01:02.000 --> 00:01:05.125\nLet us leave this place.\n"
)


def write_pdf(path: Path) -> Path:
    """Two pages: running header, page numbers, a heading, hyphenation, a paragraph cut by
    the page break."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pages = [
        [
            ("h", ["Relatório sobre a água em Lisboa"]),
            ("p", ["A cidade de Lisboa registou em 2024 o ano mais chuvoso da última",
                   "década, com precipitação acima da média em quase todos os meses do",
                   "ano, segundo o instituto de meteorologia."]),
            ("p", ["Os técnicos municipais acompanharam a evolução dos níveis dos rios e",
                   "das reservas de água, e concluíram que o abasteci-",
                   "mento está garantido, mas pediram que as obras de drenagem"]),
        ],
        [
            ("p", ["avancem antes do próximo inverno, com um custo estimado de duzentos",
                   "milhões de euros."]),
            ("p", ["Os moradores das zonas baixas da cidade pediram mais informação",
                   "sobre os trabalhos e sobre os planos de emergência."]),
        ],
    ]
    for n, blocks in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(20, 10)
        pdf.cell(0, 5, "Câmara Municipal de Lisboa - Relatório 2024")
        pdf.set_xy(100, 285)
        pdf.cell(0, 5, f"Página {n} de {len(pages)}")
        y = 30.0
        for kind, lines in blocks:
            pdf.set_font("Helvetica", "B" if kind == "h" else "", size=18 if kind == "h" else 11)
            for line in lines:
                pdf.set_xy(20, y)
                pdf.cell(0, 6, line)
                y += 8 if kind == "h" else 5.5
            y += 6
    pdf.output(str(path))
    return path


def write_image_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100, style="F")
    pdf.output(str(path))
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def write_two_column_pdf(path: Path) -> Path:
    """One page, two columns: a bold heading in body size, a paragraph that goes on from the
    foot of the left column to the top of the right one, a ligature."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    left = [
        ("B", "1 Introdução"),
        ("", "O projeto de drenagem da cidade foi apresentado"),
        ("", "aos moradores em março, numa sessão pública"),
        ("", "onde os técnicos explicaram as obras e os"),
    ]
    right = [
        ("", "prazos previstos para os próximos dois anos."),
        ("B", "2 Custos"),
        ("", "O orçamento total é de duzentos milhões."),
    ]
    for x, lines in ((15, left), (110, right)):
        y = 40.0
        for style, text in lines:
            pdf.set_font("Helvetica", style, size=11)
            pdf.set_xy(x, y)
            pdf.cell(85, 6, text)
            y += 12 if style else 5.5
    pdf.output(str(path))
    return path
