"""EPUB 2 and 3 books: the spine in order, one document with each passage carrying its chapter.

The package files (container, OPF, NCX, navigation) are parsed with defusedxml; chapters with
lxml, entities unresolved and nothing loaded from outside. The navigation document and cover
pages are not read as text; `dc:language` is the declared language. Chapter names come from the
table of contents, else from the chapter's first heading.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import unquote, urldefrag

from reader.corpus.formats import Extracted, FormatError
from reader.corpus.formats.archive import check_xml, open_zip, read_member
from reader.corpus.formats.build import TextBuilder, tidy
from reader.corpus.formats.html_blocks import add_tree, local_name

MAX_TEXT_CHARS = 16_000_000
MAX_SPINE = 10_000
OPF_NS = "{http://www.idpf.org/2007/opf}"
DC_NS = "{http://purl.org/dc/elements/1.1/}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
_COVER = re.compile(r"cover|titlepage", re.I)
COVER_TEXT_MAX = 300


def _xml(archive, name: str):  # -> ElementTree root
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    data = read_member(archive, name, "EPUB")
    try:
        return safe_et.fromstring(data)
    except DefusedXmlException as exc:
        raise FormatError(f"EPUB refused: {name}: {type(exc).__name__}") from exc
    except Exception as exc:  # ParseError and friends: a broken package file
        raise FormatError(f"broken EPUB: {name}: {exc}") from exc


def _chapter_tree(data: bytes) -> Any:
    """Parse a chapter as XHTML (no entities resolved, no DTD or network), else as HTML."""
    import lxml.html
    from lxml import etree

    check_xml(data, "EPUB chapter")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "nest" in str(exc).lower() or "depth" in str(exc).lower():
            raise FormatError(f"EPUB chapter refused: {exc}") from exc
    html_parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)
    try:
        return lxml.html.document_fromstring(data, parser=html_parser)
    except (etree.ParserError, ValueError) as exc:
        raise FormatError(f"broken EPUB chapter: {exc}") from exc


def _join(base: str, href: str) -> str:
    """Archive path of `href` (fragment dropped) relative to the folder `base`."""
    return posixpath.normpath(posixpath.join(base, unquote(urldefrag(href)[0])))


def _toc_labels(
    archive, manifest: dict[str, dict[str, str]], toc_id: str | None
) -> dict[tuple[str, str], str]:
    """(archive path, fragment or '') -> the first table-of-contents label pointing there."""
    found: list[tuple[str, str, str]] = []  # base folder, href, label
    nav = next((m for m in manifest.values() if "nav" in m["properties"].split()), None)
    if nav is not None:
        base = posixpath.dirname(nav["path"])
        for el in _xml(archive, nav["path"]).iter():
            if local_name(el) == "nav" and el.get(f"{EPUB_NS}type", "toc") == "toc":
                found += [
                    (base, a.get("href"), " ".join(a.itertext()))
                    for a in el.iter()
                    if local_name(a) == "a" and a.get("href")
                ]
                break
    if not found and toc_id in manifest:
        ncx = manifest[toc_id]["path"]
        base = posixpath.dirname(ncx)
        for point in _xml(archive, ncx).iter():
            if local_name(point) != "navpoint":
                continue
            text = next((t for t in point.iter() if local_name(t) == "text"), None)
            src = next((c for c in point if local_name(c) == "content"), None)
            if text is not None and src is not None and src.get("src"):
                found.append((base, src.get("src"), " ".join(text.itertext())))
    labels: dict[tuple[str, str], str] = {}
    for base, href, label in found:
        if tidy(label):
            labels.setdefault((_join(base, href), unquote(urldefrag(href)[1])), tidy(label))
    return labels


def read(data: bytes) -> Extracted:
    archive = open_zip(data, "EPUB")
    container = _xml(archive, "META-INF/container.xml")
    rootfile = next((el for el in container.iter() if local_name(el) == "rootfile"), None)
    if rootfile is None or not rootfile.get("full-path"):
        raise FormatError("broken EPUB: container.xml names no package file")
    opf_path = unquote(rootfile.get("full-path"))
    opf = _xml(archive, opf_path)
    opf_dir = posixpath.dirname(opf_path)

    def find(tag: str):
        return next((el for el in opf.iter() if local_name(el) == tag), None)

    metadata = find("metadata")
    language = title = None
    if metadata is not None:
        lang_el = metadata.find(f"{DC_NS}language")
        title_el = metadata.find(f"{DC_NS}title")
        language = tidy(lang_el.text or "") if lang_el is not None else None
        title = tidy(title_el.text or "") if title_el is not None else None
    manifest: dict[str, dict[str, str]] = {}
    manifest_el = find("manifest")
    for item in manifest_el if manifest_el is not None else []:
        if local_name(item) == "item" and item.get("id") and item.get("href"):
            manifest[item.get("id")] = {
                "path": _join(opf_dir, item.get("href")),
                "type": item.get("media-type", ""),
                "properties": item.get("properties", ""),
            }
    spine = find("spine")
    if spine is None:
        raise FormatError("broken EPUB: the package has no spine")
    covers = set()
    guide = find("guide")
    for ref in guide if guide is not None else []:
        if (ref.get("type") or "").lower() == "cover" and ref.get("href"):
            covers.add(_join(opf_dir, ref.get("href")))
    labels = _toc_labels(archive, manifest, spine.get("toc"))
    builder = TextBuilder(MAX_TEXT_CHARS)
    refs = [el for el in spine if local_name(el) == "itemref"]
    if len(refs) > MAX_SPINE:
        raise FormatError(f"EPUB refused: {len(refs):,} spine items (limit {MAX_SPINE:,})")
    try:
        for ref in refs:
            item = manifest.get(ref.get("idref", ""))
            if item is None or "nav" in item["properties"].split():
                continue
            is_html = "html" in item["type"] or item["path"].endswith((".xhtml", ".html", ".htm"))
            if not is_html:
                continue
            first = len(builder.passages)
            root = _chapter_tree(read_member(archive, item["path"], "EPUB"))
            body = next((el for el in root.iter() if local_name(el) == "body"), root)
            # chapters that start at an anchor inside the file (#chap2) start there; a label
            # pointing at the file or at an id it lacks names the whole file
            ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
            mine = [(f, label) for (p, f), label in labels.items() if p == item["path"]]
            anchors = {f: label for f, label in mine if f in ids}
            file_label = next((label for f, label in mine if f not in ids), None)
            headings = add_tree(builder, body, anchors=anchors, chapter=None)
            added = builder.passages[first:]
            chars = sum(p.end - p.start for p in added)
            is_cover = item["path"] in covers or (
                _COVER.search(ref.get("idref", "") + " " + item["path"]) and chars < COVER_TEXT_MAX
            )
            if is_cover:
                _drop_from(builder, first)
                continue
            chapter = file_label or (headings[0] if headings else None)
            for p in added:
                if p.chapter is None:
                    p.chapter = chapter
    except OverflowError as exc:
        raise FormatError(f"EPUB refused: {exc}") from exc
    text = builder.text()
    if not text.strip():
        raise FormatError("no readable text in the EPUB (images only?)")
    return Extracted(text, builder.passages, builder.links, title or None, language or None)


def _drop_from(builder: TextBuilder, first: int) -> None:
    """Forget the passages (and their text) added since passage `first`."""
    if first >= len(builder.passages):
        return
    cut = builder.passages[first].start
    cut = cut - 2 if first else 0  # the block separator before it
    text = builder.text()[:cut]
    builder.parts = [text] if text else []
    builder.pos = len(text)
    del builder.passages[first:]
    builder.links = [link for link in builder.links if link.end <= cut]
