"""Plain text: decoded, normalised, one passage per paragraph."""

from __future__ import annotations

from reader.corpus.decoding import DecodeError, decode_bytes, normalise_text
from reader.corpus.formats import Extracted, FormatError
from reader.corpus.passages import plain_passages


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Text, encoding and warnings of a text file's bytes (FormatError when not text)."""
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        raise FormatError(str(exc)) from exc
    text = normalise_text(decoded.text)
    if not text.strip():
        raise FormatError("empty file (only white space)")
    return text, decoded.encoding, [decoded.warning] if decoded.warning else []


def read(data: bytes) -> Extracted:
    text, encoding, warnings = decode(data)
    return Extracted(text, plain_passages(text), encoding=encoding, warnings=warnings)
