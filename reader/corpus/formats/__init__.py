"""One reader per input format: each turns a file's bytes into a reading text with passages.

A reader module has `read(data: bytes) -> Extracted` and raises `FormatError` with the reason a
file cannot be read. Modules are imported only when a file of their kind is met, so the libraries
behind PDF, EPUB, DOCX and web pages cost nothing to a corpus of plain text.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import PurePath

from reader.corpus.model import Link, Passage

#: File suffix -> format (the reader module of that name in this package).
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".epub": "epub",
    ".docx": "docx",
    ".srt": "subtitles",
    ".vtt": "subtitles",
    ".pdf": "pdf",
}
SUFFIXES = frozenset(FORMATS)


class FormatError(Exception):
    """A file of a known format cannot be read; the message is the reason shown to the user."""


@dataclass(slots=True)
class Extracted:
    """What a format reader found: reading text, passages, links, and what the file declares."""

    text: str
    passages: list[Passage] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    language: str | None = None  # as the file declares it (lang attribute, dc:language, …)
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)


def format_of(name: str) -> str | None:
    """The format of a file name from its suffix, or None when the app does not read it."""
    return FORMATS.get(PurePath(name).suffix.lower())


def read(fmt: str, data: bytes) -> Extracted:
    """Read `data` as format `fmt` (importing its reader now); raise FormatError when unusable."""
    if fmt not in set(FORMATS.values()):
        raise FormatError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    return module.read(data)


_HAN = {"Hani", "Hans", "Hant"}


#: How much better (share of function words) the detected language must score than the declared
#: one among languages sharing a script before a declaration is overruled (lang="en" left by a
#: site template on a Vietnamese page).
OVERRULE_MARGIN = 0.15


def honour_declared(
    declared: str | None, detected: str, script: str, text: str = ""
) -> tuple[str, str | None]:
    """The document language: what the file declares (`pt-BR` -> `pt`) when that language
    writes the text's script and the text does not clearly read as another language sharing
    the script; else what was detected, with a warning saying why."""
    if not declared:
        return detected, None
    import icu

    from reader.corpus.language import score_languages

    tag = declared.strip().replace("_", "-")
    try:
        locale = icu.Locale.forLanguageTag(tag)
        lang = locale.getLanguage()
        likely = icu.Locale.forLanguageTag(tag)
        likely.addLikelySubtags()
        expected = likely.getScript()
    except icu.ICUError:
        return detected, f"declared language {tag!r} is not a language tag; using {detected}"
    if not lang or lang in ("und", "mul", "zxx"):
        return detected, None
    same = (
        expected == script
        or (expected in _HAN and script in _HAN | {"Jpan"})
        or (lang == "ja" and script in _HAN | {"Jpan"})
        or (lang == "ko" and script in ("Kore", "Hang"))
    )
    if not (same or not script or script == "Zyyy"):
        return detected, f"declared language {tag!r} does not write {script}; using {detected}"
    if lang != detected and text:
        scores = score_languages(text, script)
        if lang in scores and scores.get(detected, 0.0) - scores[lang] > OVERRULE_MARGIN:
            return detected, f"declared language {tag!r} but the text reads as {detected}"
    return lang, None
