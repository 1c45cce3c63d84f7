"""Bytes -> text: BOMs, UTF-8, ICU charset detection, binary refusal, normalisation."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import icu

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MIN_DETECT_CONFIDENCE = 10
# C0/C1 controls other than tab, line feed, vertical tab, form feed and carriage return.
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


class DecodeError(ValueError):
    """The bytes are not text this app can read; the message says why."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


# Bytes that do not count as control bytes in `looks_binary` (deleted before counting).
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and b not in (9, 10, 12, 13, 11, 27)))


def looks_binary(data: bytes) -> bool:
    """True when `data` (without a UTF-16/32 BOM) holds NUL bytes or many control bytes."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL))
    return bool(sample) and controls / len(sample) > 0.05


def decode_bytes(data: bytes) -> Decoded:
    """Decode file bytes to text; raise DecodeError for binary or undecodable data."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(name), name.split("-le")[0].split("-be")[0])
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"invalid {name} after its byte order mark: {exc.reason}"
                ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if looks_binary(data):
        raise DecodeError("binary file (NUL or control bytes)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _detect(data)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte order mark, or None. Told by its high bytes: a NUL for each
    Latin letter, digit, space or line end, and only a few values in all (one script's
    block), while the low bytes vary; what it decodes to must be text, not control codes."""
    sample = data[: 8192 - 8192 % 2]
    if len(data) < 4 or len(data) % 2 or b"\x00" not in sample:
        return None
    pairs = len(sample) // 2
    for name, high, low in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        nuls = high.count(0)
        if not nuls or low.count(0) > pairs * 0.02:
            continue
        top = sorted((high.count(b) for b in set(high)), reverse=True)[:3]
        if nuls >= pairs * 0.2 or (sum(top) >= pairs * 0.95 and len(set(low)) >= 8):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            if len(_STRAY_CONTROLS.findall(text)) > len(text) * 0.01:
                continue
            warning = f"not UTF-8: decoded as {name.upper()} (no byte order mark)"
            return Decoded(text, "utf-16", warning)
    return None


def _detect(data: bytes) -> Decoded:
    try:
        matches = list(icu.CharsetDetector(data).detectAll())
    except icu.ICUError as exc:
        raise DecodeError("not UTF-8 and its encoding could not be detected") from exc
    for match in matches:
        name = match.getName()
        confidence = match.getConfidence()
        if confidence < MIN_DETECT_CONFIDENCE or name.upper().startswith("UTF"):
            continue
        try:
            text = _decode_with(data, name)
        except (LookupError, ValueError, icu.ICUError):
            continue
        warning = f"not UTF-8: decoded as {name} (ICU detection, confidence {confidence}%)"
        return Decoded(text, name, warning)
    raise DecodeError("not UTF-8 and no known encoding fits")


def _decode_with(data: bytes, name: str) -> str:
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return str(icu.UnicodeString(data, name))
    return data.decode(codec.name)


def normalise_text(text: str) -> str:
    """Reading-text normal form: no BOM, LF line ends, NFC, no stray control characters."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = _STRAY_CONTROLS.sub("", text)
    text = text.replace("\f", "\n").replace("\v", "\n")
    return unicodedata.normalize("NFC", text)
