"""General rules that tell page furniture (counters, placeholders, footers) from article text."""

from __future__ import annotations

import re

_IMAGE_EXT = r"(?:jpe?g|png|gif|webp|svg|avif|bmp|tiff?|heic)"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # [ad_2], [anúncio_2], {{ads}}, <<banner>>, [embed]
    (
        "placeholder",
        re.compile(r"^\s*(?:\[[^\[\]\n]{1,40}\]|\{\{[^{}\n]{1,40}\}\}|<<[^<>\n]{1,40}>>)\s*$"),
    ),
    # photo-01.jpg, /img/2024/a_b.webp, https://x.y/z.png
    ("image file", re.compile(rf"^\s*\S{{0,300}}\.{_IMAGE_EXT}(?:\?\S*)?\s*$", re.IGNORECASE)),
    # a bare web address
    ("address", re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)),
    # Comments (12), Kommentar (0), Bình luận (3), 12 comments, Share 34, ❤ 120
    (
        "counter",
        re.compile(r"^\s*[^\W\d_]{1,20}(?:\s[^\W\d_]{1,20}){0,2}\s*[(\[]\s*\d[\d.,]*\s*[)\]]\s*$"),
    ),
    ("counter", re.compile(r"^\s*\d[\d.,]*\s*[kKmM]?\s+[^\W\d_]{1,20}(?:\s[^\W\d_]{1,20})?\s*$")),
    ("counter", re.compile(r"^\s*[^\w\s]{1,3}\s*\d[\d.,]*\s*$")),
    (
        "counter",
        re.compile(r"^\s*[(\[]\s*\d[\d.,]*\s*[)\]]\s*[^\W\d_]{1,20}(?:\s[^\W\d_]{1,20}){0,2}\s*$"),
    ),
    # powered by / all rights reserved / copyright footers
    (
        "footer",
        re.compile(
            r"^\s*(?:(?:proudly\s+)?powered\s+by\b|©|\(c\)\s|copyright\b|all rights reserved"
            r"|todos os direitos reservados|todos los derechos reservados|tous droits réservés"
            r"|alle rechte vorbehalten|bản quyền)",
            re.IGNORECASE,
        ),
    ),
    # lone labels ending a page: "Source", "Fonte", "Nguồn: VnExpress", "(Theo Reuters)"
    (
        "source label",
        re.compile(
            r"^\s*\(?\s*(?:source|sources|fonte|fontes|fuente|fuentes|quelle|quellen|nguồn|"
            r"sumber|ប្រភព|ที่มา|来源|來源|出典|출처|источник|المصدر|credit|credits|crédito|"
            r"créditos|photo|foto|ảnh|imagem|imagen|tags?|related|leia também|xem thêm|"
            r"read more|see also|lire aussi|siehe auch|baca juga)\b"
            r"(?:\s*\)?\s*$|\s*[:：].{0,200}$|(?:\s+[^\s:：]+){1,5}\s*[:：]\s*\S.{0,200}$)",
            re.IGNORECASE,
        ),
    ),
    # a short line wholly in brackets: "(According to Reuters)", "(De acordo com o SCMP)"
    ("attribution", re.compile(r"^\s*\([^()\n]{1,60}\)\s*$")),
    # share / social buttons
    (
        "share bar",
        re.compile(
            r"^\s*(?:(?:share|tweet|like|follow|print|email|facebook|twitter|x|linkedin|"
            r"whatsapp|telegram|zalo|compartilhar|partilhar|compartir|partager|teilen|"
            r"chia sẻ|bagikan|subscribe|inscreva-se|đăng ký)\b[\s|/·•,]*){1,6}$",
            re.IGNORECASE,
        ),
    ),
)
_MAX_LEN = 300


# Headings that open the page's tail of links to other stories.
_TAIL_LABEL = re.compile(
    r"^\s*(?:related(?: articles| stories| news)?|more stories|most read|most popular|trending"
    r"|read (?:more|next)|you may also like|recommended|latest(?: news)?|don'?t miss"
    r"|bài liên quan|tin liên quan|tin cùng chuyên mục|xem thêm|đừng bỏ lỡ|mới nhất|đọc nhiều"
    r"|leia também|veja também|notícias relacionadas|mais lidas|últimas notícias"
    r"|artículos relacionados|noticias relacionadas|lo más leído|te puede interesar"
    r"|à lire aussi|lire aussi|sur le même sujet|articles similaires|siehe auch|mehr zum thema"
    r"|meistgelesen|baca juga|berita terkait|terpopuler|terbaru"
    r"|អត្ថបទពាក់ព័ន្ធ|ព័ត៌មានពាក់ព័ន្ធ|ข่าวที่เกี่ยวข้อง|相关新闻|相关文章|関連記事|관련 기사"
    r"|похожие новости|читайте также)\s*[:：]?\s*$",
    re.IGNORECASE,
)


def is_tail_label(line: str) -> bool:
    """True for a heading such as "Related articles" that opens a page's tail of links."""
    return bool(_TAIL_LABEL.match(line))


def boilerplate_reason(line: str) -> str | None:
    """Why `line` is page furniture rather than article text, or None when it is article."""
    stripped = line.strip()
    if not stripped or (len(stripped) > _MAX_LEN and any(ch.isspace() for ch in stripped)):
        return None
    for name, pattern in _RULES:
        if pattern.match(stripped):
            return name
    return None


def is_boilerplate(line: str) -> bool:
    """True when `line` is page furniture."""
    return boilerplate_reason(line) is not None
