"""SRT and WebVTT subtitles (webvtt-py reads both): one passage of kind `cue` per cue.

Cue numbers, time codes, settings, styling tags and NOTE/STYLE blocks are not reading text; each
passage keeps its cue's `(start, end)` in seconds so two subtitle files of one film can be aligned
by time as well as by content.
"""

from __future__ import annotations

import io
import re

from reader.corpus.formats import Extracted, FormatError
from reader.corpus.formats.build import TextBuilder, tidy
from reader.corpus.formats.text import decode

MAX_CUES = 200_000
_ASS_TAGS = re.compile(r"\{\\[^{}]*\}")  # {\an8}, {\i1} left in SRT files by converters
_TAGS = re.compile(r"<[^<>\n]{0,200}>")
_DIALOGUE = re.compile(r"^[-‐–—]\s?")


def cue_text(raw: str) -> str:
    """A cue's reading text: no tags; its lines joined, except lines opening a new speaker."""
    lines = [tidy(_TAGS.sub("", _ASS_TAGS.sub("", line))) for line in raw.split("\n")]
    lines = [line for line in lines if line]
    out = ""
    for line in lines:
        if not out:
            out = line
        elif _DIALOGUE.match(line):
            out += "\n" + line
        else:
            out += " " + line
    return out


def read(data: bytes) -> Extracted:
    import webvtt
    from webvtt.errors import MalformedFileError

    text, encoding, warnings = decode(data)
    kind = "vtt" if text.lstrip().startswith("WEBVTT") else "srt"
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=kind)
    except MalformedFileError as exc:
        raise FormatError(f"not a readable {kind.upper()} subtitle file: {exc}") from exc
    except (ValueError, IndexError) as exc:
        raise FormatError(f"not a readable {kind.upper()} subtitle file: {exc}") from exc
    builder = TextBuilder()
    for n, caption in enumerate(captions):
        if n >= MAX_CUES:
            raise FormatError(f"more than {MAX_CUES:,} cues: not a subtitle file this app reads")
        start = caption.start_time.in_milliseconds() / 1000
        end = caption.end_time.in_milliseconds() / 1000
        builder.add(cue_text(caption.raw_text), "cue", time=(start, end))
    if not builder.passages:
        raise FormatError(f"no cues in the {kind.upper()} subtitle file")
    return Extracted(builder.text(), builder.passages, encoding=encoding, warnings=warnings)
