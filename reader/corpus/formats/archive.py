"""Zip containers (EPUB, DOCX) opened with limits: broken archives and zip bombs are refused."""

from __future__ import annotations

import io
import zipfile

from reader.corpus.formats import FormatError

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MB
MAX_XML_BYTES = 32 * 1024 * 1024


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Open `data` as a zip archive after checking its directory against the limits.

    Python's zipfile never yields more than a member's declared size, so declared sizes
    within limits bound the memory reading can take.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FormatError(f"broken {kind} archive: {exc}") from exc
    if len(members) > MAX_MEMBERS:
        raise FormatError(f"{kind} archive refused: {len(members):,} files (limit {MAX_MEMBERS:,})")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or (info.file_size > 2**20 and ratio > MAX_RATIO):
            raise FormatError(
                f"{kind} archive refused (zip bomb?): {info.filename} unpacks to "
                f"{info.file_size / 2**20:,.0f} MB from {info.compress_size / 2**20:,.1f} MB"
            )
    if total > MAX_TOTAL_BYTES:
        raise FormatError(f"{kind} archive refused (zip bomb?): unpacks to {total / 2**20:,.0f} MB")
    return archive


def read_member(
    archive: zipfile.ZipFile, name: str, kind: str, limit: int = MAX_XML_BYTES
) -> bytes:
    """One member's bytes; FormatError when missing, too large or damaged."""
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise FormatError(f"broken {kind}: {name} is missing") from exc
    if info.file_size > limit:
        raise FormatError(f"{kind} refused: {name} is {info.file_size / 2**20:,.0f} MB")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise FormatError(f"broken {kind} archive: {name}: {exc}") from exc


def check_xml(data: bytes, what: str) -> None:
    """Refuse XML that declares entities or external references (defusedxml), reading only up
    to the root element; deep nesting is left to the parsers' own depth limit."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        for _event, _el in safe_et.iterparse(io.BytesIO(data), events=("start",)):
            break
    except DefusedXmlException as exc:
        raise FormatError(f"{what} refused: {type(exc).__name__} ({exc})") from exc
    except ParseError as exc:
        raise FormatError(f"broken {what}: {exc}") from exc
