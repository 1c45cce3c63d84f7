"""PDF with a text layer (pdfminer.six layout analysis): paragraphs rebuilt from lines.

Lines at line ends are joined (a hyphen before a lower-case letter is dropped), running headers,
footers and page numbers are dropped (lines in the top or bottom band of the page that are page
numbers or repeat on many pages), larger type becomes a heading, and a paragraph cut by a page
break is joined again. A PDF without a text layer is skipped with that reason. Streams inflate to
at most MAX_STREAM_BYTES each, so a compressed bomb cannot exhaust memory.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from statistics import median

from reader.corpus.formats import Extracted, FormatError
from reader.corpus.formats.build import TextBuilder, tidy

MAX_PAGES = 5_000
MAX_TEXT_CHARS = 16_000_000
MAX_STREAM_BYTES = 64 * 1024 * 1024
BAND = 0.12  # top and bottom share of the page where running headers and footers live
HEADING_RATIO = 1.18
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^[-–—(\[]?\s*(?:(?:page|pág\.?|página|p\.|seite|trang|หน้า|стр\.?|pagina)\s*)?"
    r"(?:#|[ivxlcdm]+)(?:\s*(?:of|de|/|von|sur|из|trên)\s*#)?\s*[-–—)\]]?$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?。！？។။…:;\"'”’»)]$")
_BOLD = re.compile(r"bold|black|heavy|demi|medium|-medi\b", re.I)
# Typographic ligatures (ﬁ, ﬂ, …) as the letters they stand for.
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                           "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
_UNSPACED = re.compile(r"[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3040-\u30FF\u4E00-\u9FFF]")


class StreamTooLarge(Exception):
    pass


class _BoundedInflate:
    """zlib as pdfminer uses it, refusing any stream that inflates past MAX_STREAM_BYTES."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes, *args: object) -> bytes:
        obj = _BoundedInflate.decompressobj()
        out = obj.decompress(data)
        return out + obj.flush()

    class decompressobj:
        def __init__(self, *args: object) -> None:
            self._obj = zlib.decompressobj(*args)  # type: ignore[arg-type]
            self._size = 0

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self._obj.decompress(data, MAX_STREAM_BYTES + 1 - self._size)
            self._size += len(out)
            if self._size > MAX_STREAM_BYTES or self._obj.unconsumed_tail:
                raise StreamTooLarge(f"a stream inflates past {MAX_STREAM_BYTES // 2**20} MB")
            return out

        def flush(self, *args: object) -> bytes:
            return self._obj.flush()


@dataclass(slots=True)
class Line:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    box: int
    bold: bool = False


def _lines(data: bytes) -> tuple[list[Line], int, list[float]]:
    """Text lines of every page (top to bottom as laid out), page count, page heights."""
    import io

    import pdfminer.pdftypes
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    pdfminer.pdftypes.zlib = _BoundedInflate  # type: ignore[attr-defined]
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings are not the reader's
    lines: list[Line] = []
    heights: list[float] = []
    chars = 0
    box = 0
    try:
        for number, page in enumerate(
            extract_pages(io.BytesIO(data), laparams=LAParams(), maxpages=MAX_PAGES + 1), 1
        ):
            if number > MAX_PAGES:
                raise FormatError(f"PDF refused: more than {MAX_PAGES:,} pages")
            heights.append(page.height)
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                box += 1
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    text = tidy(line.get_text()).translate(LIGATURES)
                    if not text:
                        continue
                    chars_ = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()]
                    size = median(c.size for c in chars_) if chars_ else 0.0
                    bold = bool(chars_) and all(_BOLD.search(c.fontname) for c in chars_)
                    lines.append(
                        Line(number, text, line.x0, line.y0, line.x1, line.y1, size, box, bold)
                    )
                    chars += len(text)
                    if chars > MAX_TEXT_CHARS:
                        raise FormatError(f"PDF refused: more than {MAX_TEXT_CHARS:,} characters")
    except PDFPasswordIncorrect as exc:
        raise FormatError("encrypted PDF: it needs a password") from exc
    except StreamTooLarge as exc:
        raise FormatError(f"PDF refused: {exc}") from exc
    except PDFSyntaxError as exc:
        raise FormatError(f"broken PDF: {exc}") from exc
    except FormatError:
        raise
    except Exception as exc:  # pdfminer raises many kinds for damaged files
        raise FormatError(f"broken PDF: {type(exc).__name__}: {exc}") from exc
    return lines, len(heights), heights


def _furniture(lines: list[Line], pages: int, heights: list[float]) -> set[int]:
    """Indexes of running headers, footers and page numbers."""

    def in_band(line: Line) -> bool:
        height = heights[line.page - 1] or 1.0
        return line.y0 > height * (1 - BAND) or line.y1 < height * BAND

    keys = [_DIGITS.sub("#", line.text.lower()) for line in lines]
    seen: Counter[str] = Counter()
    for key, line_pages in _pages_by_key(lines, keys, in_band).items():
        seen[key] = len(line_pages)
    repeat = max(2, pages // 2)
    sizes = [line.size for line in lines if line.size]
    usual = median(sizes) if sizes else 0.0
    out = set()
    for i, line in enumerate(lines):
        if not in_band(line):
            continue
        # a title in large type that the running header repeats in small type stays
        small = not usual or line.size <= usual * 1.1
        if _PAGE_NUMBER.match(keys[i]) or (pages > 1 and small and seen[keys[i]] >= repeat):
            out.add(i)
    return out


def _pages_by_key(lines, keys, in_band) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for line, key in zip(lines, keys, strict=True):
        if in_band(line):
            found.setdefault(key, set()).add(line.page)
    return found


def join_lines(first: str, second: str) -> str:
    """Join two lines of one paragraph: hyphenation undone, no space between unspaced scripts."""
    if first.endswith("\xad"):
        return first[:-1] + second
    if (
        first.endswith("-")
        and len(first) > 1
        and first[-2].isalpha()
        and second[:1].isalpha()
        and second[:1].islower()
    ):
        return first[:-1] + second
    if _UNSPACED.match(first[-1:]) and _UNSPACED.match(second[:1]):
        return first + second
    return first + " " + second


def read(data: bytes) -> Extracted:
    lines, pages, heights = _lines(data)
    if not pages:
        raise FormatError("broken PDF: no pages found")
    if not any(any(ch.isalnum() for ch in line.text) for line in lines):
        raise FormatError(
            f"PDF without a text layer ({pages} page{'s' if pages != 1 else ''} of images?): "
            "run OCR on it first"
        )
    drop = _furniture(lines, pages, heights)
    # bullets drawn from symbol fonts ("!", "•") and rules have no letter or digit: not text
    body = [
        line
        for i, line in enumerate(lines)
        if i not in drop and any(ch.isalnum() for ch in line.text)
    ]
    sizes = [line.size for line in body for _ in range(len(line.text))]
    body_size = median(sizes) if sizes else 0.0
    widest: dict[int, float] = {}
    for line in body:
        widest[line.box] = max(widest.get(line.box, 0.0), line.x1 - line.x0)
    box_lines = Counter(line.box for line in body)
    bold_share = sum(len(line.text) for line in body if line.bold) / max(len(sizes), 1)
    blocks: list[tuple[str, str, int]] = []  # text, kind, page
    prev: Line | None = None
    for line in body:
        larger = body_size and line.size >= body_size * HEADING_RATIO
        # a short bold line standing alone, where the body is not bold ("3 Implementation")
        bold_title = (
            line.bold
            and bold_share < 0.3
            and box_lines[line.box] <= 2
            and len(line.text) <= 100
            and not _SENTENCE_END.search(line.text)
        )
        kind = "heading" if larger or bold_title else "paragraph"
        if prev is not None and _continues(blocks[-1], kind, prev, line, widest[prev.box]):
            text, prev_kind, page = blocks[-1]
            blocks[-1] = (join_lines(text, line.text), prev_kind, page)
        else:
            blocks.append((line.text, kind, line.page))
        prev = line
    builder = TextBuilder(MAX_TEXT_CHARS)
    for text, kind, page in blocks:
        builder.add(text, kind, page=page)
    return Extracted(builder.text(), builder.passages)


def _continues(
    block: tuple[str, str, int], kind: str, prev: Line, line: Line, widest: float
) -> bool:
    """True when `line` goes on the paragraph `block`, whose last line is `prev`."""
    text, prev_kind, _page = block
    if kind != prev_kind:
        return False
    if line.box != prev.box:  # a paragraph cut by a page or column break goes on in lower case
        return kind == "paragraph" and not _SENTENCE_END.search(text) and line.text[:1].islower()
    if kind == "heading":
        return True
    # a short line ending a sentence closes its paragraph even inside one layout box
    width = max(prev.x1 - prev.x0, 1.0)
    return not (_SENTENCE_END.search(prev.text) and width < 0.8 * widest)
