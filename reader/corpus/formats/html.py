"""Saved web pages: the article, not the page.

trafilatura (made for news pages) finds the main content and drops navigation, ads, share bars,
related links and footers; its cleaned HTML is then walked into passages. The page's `lang`
attribute and `<meta charset>` are honoured; links stay text and are never followed.
"""

from __future__ import annotations

import codecs
import re

from reader.corpus.decoding import DecodeError, decode_bytes, looks_binary
from reader.corpus.formats import Extracted, FormatError
from reader.corpus.formats.build import TextBuilder, tidy
from reader.corpus.formats.html_blocks import add_tree
from reader.corpus.passages import mark_boilerplate

MAX_HTML_BYTES = 12 * 1024 * 1024
MAX_TEXT_CHARS = 4_000_000
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_TITLE_SITE = re.compile(r"\s+[|–—-]\s+[^|–—-]{1,60}$")
PAGE_FURNITURE = {"nav", "header", "footer", "aside", "form", "menu"}


def decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """Text of an HTML file: BOM, then valid UTF-8 (saved pages are often re-encoded without
    their `<meta charset>` changed), then `<meta charset>`, then ICU detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = decode_bytes(data)
        return decoded.text, decoded.encoding, []
    if looks_binary(data):
        raise FormatError("binary file (NUL or control bytes), not a web page")
    meta = _META_CHARSET.search(data[:8192])
    declared = None
    if meta:
        try:
            declared = codecs.lookup(meta.group(1).decode("ascii").lower()).name
        except LookupError:
            declared = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        warnings = []
        if declared and declared != "utf-8" and not data.isascii():
            warnings.append(f"declares {declared} but is valid UTF-8: read as UTF-8")
        return text, "utf-8", warnings
    if declared and not declared.startswith("utf-"):
        return data.decode(declared, errors="replace"), declared, []
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        raise FormatError(str(exc)) from exc
    return decoded.text, decoded.encoding, [decoded.warning] if decoded.warning else []


def parse_html(text: str):  # -> lxml.html.HtmlElement
    """Parse HTML text with lxml: no network, no huge trees."""
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)
    try:
        return lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise FormatError(f"not a readable web page: {exc}") from exc


def declared_language(root) -> str | None:
    """The page's `lang` / `xml:lang` attribute or content-language meta."""
    for el in (root, root.find("body")):
        if el is not None:
            lang = el.get("lang") or el.get("{http://www.w3.org/XML/1998/namespace}lang")
            if lang and lang.strip():
                return lang.strip()
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language" and meta.get("content"):
            return meta.get("content").split(",")[0].strip()
    return None


def page_title(root) -> str | None:
    el = root.find(".//title")
    if el is None or not el.text_content().strip():
        return None
    return _TITLE_SITE.sub("", tidy(el.text_content())) or None


def read(data: bytes) -> Extracted:
    if len(data) > MAX_HTML_BYTES:
        raise FormatError(f"web page too large: {len(data) / 2**20:.1f} MB (limit 12 MB)")
    text, encoding, warnings = decode_html(data)
    root = parse_html(text)
    language = declared_language(root)
    title = page_title(root)
    builder = TextBuilder(MAX_TEXT_CHARS)
    main = _main_content(text)
    try:
        if main is not None:
            headings = add_tree(builder, main)
        else:
            warnings.append("no article found by trafilatura: the whole page was read")
            for el in list(root.iter(*PAGE_FURNITURE)):
                if el.getparent() is not None:
                    el.drop_tree()
            body = root.find("body")
            headings = add_tree(builder, body if body is not None else root)
    except OverflowError as exc:
        raise FormatError(f"web page refused: {exc}") from exc
    if title and not (builder.passages and builder.passages[0].kind == "heading"):
        _prepend_heading(builder, title)
    elif headings:
        title = headings[0]
    result = builder.text()
    if not result.strip():
        raise FormatError("no readable text in the web page")
    mark_boilerplate(result, builder.passages)
    return Extracted(result, builder.passages, builder.links, title, language, encoding, warnings)


def _main_content(text: str):
    """The article body as cleaned HTML (lxml element), or None when none is found."""
    import trafilatura

    html = trafilatura.extract(
        text,
        output_format="html",
        include_links=True,
        include_tables=True,
        include_comments=False,
        include_images=False,
        favor_precision=True,
        deduplicate=False,
        with_metadata=False,
    )
    if not html:
        return None
    body = parse_html(html).find("body")
    return body


def _prepend_heading(builder: TextBuilder, title: str) -> None:
    """Put the page title first, as a heading, when the article itself has none."""
    rest = TextBuilder()
    rest.add(title, "heading")
    shift = rest.pos + (len("\n\n") if builder.passages else 0)
    for p in builder.passages:
        p.index += 1
        p.start += shift
        p.end += shift
    for i, link in enumerate(builder.links):
        builder.links[i] = type(link)(link.start + shift, link.end + shift, link.href)
    builder.passages.insert(0, rest.passages[0])
    builder.parts[:0] = [title, "\n\n"] if builder.parts else [title]
    builder.pos += shift
