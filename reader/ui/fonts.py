"""Register the bundled fonts and pick a font family per script."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from reader.paths import resource

_registered: dict[str, list[str]] = {}

# Families preferred for a script; the first one installed (or bundled) wins.
SCRIPT_FAMILIES = {
    "Khmr": ["Noto Sans Khmer"],
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
