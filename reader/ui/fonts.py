"""Register the bundled fonts, pick a font family per script, and tell which scripts no font
covers (with what to install)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetricsF

from reader.paths import resource

_registered: dict[str, list[str]] = {}

# Families preferred for a script; the first one installed (or bundled) wins.
SCRIPT_FAMILIES = {
    "Khmr": ["Noto Sans Khmer"],
    "Thai": ["Noto Sans Thai"],
    "Laoo": ["Noto Sans Lao"],
    "Mymr": ["Noto Sans Myanmar"],
    "Sinh": ["Noto Sans Sinhala"],
    "Ethi": ["Noto Sans Ethiopic"],
}


@dataclass(frozen=True, slots=True)
class ScriptFont:
    """What the coverage check knows of a script: its name, letters to test, Debian package."""

    name: str
    sample: str
    debian: str = "fonts-noto-core"
    system: QFontDatabase.WritingSystem | None = None


_WS = QFontDatabase.WritingSystem
# ISO 15924 -> name, characters a covering font must have, Debian/Ubuntu package that gives one.
SCRIPTS: dict[str, ScriptFont] = {
    "Latn": ScriptFont("Latin", "aẠ", "fonts-dejavu-core", _WS.Latin),
    "Cyrl": ScriptFont("Cyrillic", "жЯ", "fonts-dejavu-core", _WS.Cyrillic),
    "Grek": ScriptFont("Greek", "αΩ", "fonts-dejavu-core", _WS.Greek),
    "Armn": ScriptFont("Armenian", "աԱ", "fonts-dejavu-core", _WS.Armenian),
    "Geor": ScriptFont("Georgian", "აბ", "fonts-dejavu-core", _WS.Georgian),
    "Hebr": ScriptFont("Hebrew", "אש", "fonts-dejavu-core", _WS.Hebrew),
    "Arab": ScriptFont("Arabic", "بع", "fonts-noto-core", _WS.Arabic),
    "Thai": ScriptFont("Thai", "กำ", "fonts-noto-core (or fonts-thai-tlwg)", _WS.Thai),
    "Laoo": ScriptFont("Lao", "ກຳ", "fonts-noto-core (or fonts-lao)", _WS.Lao),
    "Khmr": ScriptFont("Khmer", "កា", "fonts-noto-core (or fonts-khmeros)", _WS.Khmer),
    "Mymr": ScriptFont("Myanmar", "ကာ", "fonts-noto-core (or fonts-sil-padauk)", _WS.Myanmar),
    "Sinh": ScriptFont("Sinhala", "අා", "fonts-noto-core", _WS.Sinhala),
    "Ethi": ScriptFont("Ethiopic", "ሀሰ", "fonts-noto-core (or fonts-sil-abyssinica)"),
    "Tibt": ScriptFont("Tibetan", "ཀག", "fonts-noto-core (or fonts-tibetan-machine)", _WS.Tibetan),
    "Deva": ScriptFont("Devanagari", "कि", "fonts-noto-core", _WS.Devanagari),
    "Beng": ScriptFont("Bengali", "কি", "fonts-noto-core", _WS.Bengali),
    "Guru": ScriptFont("Gurmukhi", "ਕਿ", "fonts-noto-core", _WS.Gurmukhi),
    "Gujr": ScriptFont("Gujarati", "કિ", "fonts-noto-core", _WS.Gujarati),
    "Orya": ScriptFont("Oriya", "କି", "fonts-noto-core", _WS.Oriya),
    "Taml": ScriptFont("Tamil", "கி", "fonts-noto-core", _WS.Tamil),
    "Telu": ScriptFont("Telugu", "కి", "fonts-noto-core", _WS.Telugu),
    "Knda": ScriptFont("Kannada", "ಕಿ", "fonts-noto-core", _WS.Kannada),
    "Mlym": ScriptFont("Malayalam", "കി", "fonts-noto-core", _WS.Malayalam),
    "Hani": ScriptFont("Chinese", "中國国", "fonts-noto-cjk", _WS.SimplifiedChinese),
    "Jpan": ScriptFont("Japanese", "あア中", "fonts-noto-cjk", _WS.Japanese),
    "Kore": ScriptFont("Korean", "한국", "fonts-noto-cjk", _WS.Korean),
    "Hang": ScriptFont("Korean", "한국", "fonts-noto-cjk", _WS.Korean),
}


def register_bundled_fonts() -> dict[str, list[str]]:
    """Add every font in resources/fonts to the application; returns file -> families."""
    if _registered:
        return _registered
    for path in sorted(resource("fonts").glob("*.[ot]tf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            _registered[path.name] = list(QFontDatabase.applicationFontFamilies(font_id))
    return _registered


def font_for_script(script: str, point_size: float = 12.0) -> QFont:
    """A QFont suited to `script` (falls back to the default UI family)."""
    font = QFont()
    families = [f for f in SCRIPT_FAMILIES.get(script, []) if f in QFontDatabase.families()]
    if families:
        font.setFamilies([*families, *font.families()])
    font.setPointSizeF(point_size)
    return font


def family_has(family: str, text: str) -> bool:
    """True when `family` itself (no fallback) has a glyph for every character of `text`."""
    font = QFont(family)
    if QFontInfo(font).family() != family:  # another family stood in for it
        return False
    metrics = QFontMetricsF(font)
    return all(metrics.inFontUcs4(ord(ch)) for ch in text)


@cache
def covering_family(script: str) -> str | None:
    """An installed or bundled family that draws `script`, or None (unknown scripts: None)."""
    info = SCRIPTS.get(script)
    if info is None:
        return None
    preferred = [f for f in SCRIPT_FAMILIES.get(script, []) if f in QFontDatabase.families()]
    # Families that claim the writing system; Qt has none for some scripts (Ethiopic): then all.
    if info.system is not None:
        candidates = list(QFontDatabase.families(info.system))
    else:
        candidates = list(QFontDatabase.families())
    for family in [*preferred, *candidates]:
        if family_has(family, info.sample):
            return family
    return None


def install_hint(script: str) -> str:
    """What to install for `script` on this system, in a few words."""
    info = SCRIPTS[script]
    if sys.platform.startswith("linux"):
        return f"install {info.debian} (Debian/Ubuntu) or another font with {info.name} letters"
    if sys.platform == "darwin":
        return f"install a font with {info.name} letters, e.g. Noto Sans {info.name} (Font Book)"
    return f"install a font with {info.name} letters, e.g. Noto Sans {info.name}"


@dataclass(frozen=True, slots=True)
class MissingFont:
    script: str
    name: str
    message: str


def missing_fonts(scripts: Iterable[str]) -> list[MissingFont]:
    """The scripts of a corpus that no installed or bundled font draws, each with a one-line
    message (script name and what to install). Call after `register_bundled_fonts()`."""
    out = []
    for script in dict.fromkeys(scripts):
        if script in SCRIPTS and covering_family(script) is None:
            name = SCRIPTS[script].name
            out.append(MissingFont(script, name, f"No font draws {name}: {install_hint(script)}"))
    return out


def missing_fonts_message(scripts: Iterable[str]) -> str | None:
    """One status-bar line naming every script without a font, or None when all are drawn."""
    missing = missing_fonts(scripts)
    if not missing:
        return None
    if len(missing) == 1:
        return missing[0].message
    names = ", ".join(m.name for m in missing)
    return f"No font draws {names}: " + "; ".join(
        f"{m.name}: {install_hint(m.script).removeprefix('install ')}" for m in missing
    )
