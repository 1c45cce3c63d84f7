"""Word documents (python-docx): paragraphs, headings by style, list items, quotes, tables.

Page headers and footers, comments and footnotes live in other parts of the file and are not
reading text. The archive is checked for zip bombs and its XML for entity declarations first.
"""

from __future__ import annotations

import io

from reader.corpus.formats import Extracted, FormatError
from reader.corpus.formats.archive import check_xml, open_zip, read_member
from reader.corpus.formats.build import TextBuilder, tidy

MAX_TEXT_CHARS = 8_000_000
_XML_PARTS = ("word/document.xml", "word/styles.xml", "[Content_Types].xml", "docProps/core.xml")


def _kind(paragraph) -> str:
    style = paragraph.style
    names = []
    while style is not None and len(names) < 8:  # a style and the styles it is based on
        names.append((style.name or "").lower())
        style = style.base_style
    if any(n.startswith(("heading", "title", "subtitle")) for n in names):
        return "heading"
    ppr = paragraph._p.pPr
    if (ppr is not None and ppr.numPr is not None) or any(n.startswith("list") for n in names):
        return "list_item"
    if any("quote" in n for n in names):
        return "quote"
    return "paragraph"


def _table_text(table) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = tidy(cell.text)
            if not cells or text != cells[-1]:  # a merged cell repeats in each grid column
                cells.append(text)
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def read(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from lxml import etree

    archive = open_zip(data, "DOCX")
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        raise FormatError("not a Word document: word/document.xml is missing")
    for part in _XML_PARTS:
        if part in names:
            check_xml(read_member(archive, part, "DOCX"), f"DOCX part {part}")
    try:
        document = docx.Document(io.BytesIO(data))
    except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
        raise FormatError(f"broken DOCX: {exc}") from exc
    builder = TextBuilder(MAX_TEXT_CHARS)
    try:
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                builder.add(_table_text(block), "table")
            else:
                builder.add(tidy(block.text), _kind(block))
    except OverflowError as exc:
        raise FormatError(f"DOCX refused: {exc}") from exc
    props = document.core_properties
    title = tidy(props.title or "") or next(
        (builder.text()[p.start : p.end] for p in builder.passages if p.kind == "heading"), None
    )
    return Extracted(
        builder.text(), builder.passages, title=title, language=(props.language or None)
    )
