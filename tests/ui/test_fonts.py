"""Every script of a corpus is drawn, or the user is told which font to install."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextLayout

from reader.ui import fonts
from reader.ui.fonts import (
    ScriptFont,
    covering_family,
    font_for_script,
    missing_fonts,
    missing_fonts_message,
    register_bundled_fonts,
)

SAMPLES = {
    "Thai": "กรุงเทพมหานคร",
    "Laoo": "ວຽງຈັນ",
    "Mymr": "မြန်မာ",
    "Khmr": "ភ្នំពេញ",
    "Sinh": "ශ්‍රී ලංකා",
    "Ethi": "አዲስ አበባ",
    "Hani": "中国北京",
    "Jpan": "東京とうきょう",
    "Kore": "서울",
}


def glyphs(text: str, script: str) -> list[int]:
    """Glyph indexes Qt lays out for `text` in the font chosen for `script` (0 = empty box)."""
    layout = QTextLayout(text, font_for_script(script))
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [g for run in layout.glyphRuns() for g in run.glyphIndexes()]


@pytest.mark.parametrize("script", ["Thai", "Laoo", "Mymr", "Khmr", "Sinh", "Ethi"])
def test_bundled_fonts_draw_the_scripts_systems_often_lack(qapp, script: str) -> None:
    registered = {f for families in register_bundled_fonts().values() for f in families}
    [family] = fonts.SCRIPT_FAMILIES[script]
    assert family in registered
    assert covering_family(script) is not None
    drawn = glyphs(SAMPLES[script], script)
    assert drawn and 0 not in drawn


@pytest.mark.parametrize("script", ["Hani", "Jpan", "Kore"])
def test_cjk_from_system_fonts_renders_when_one_is_installed(qapp, script: str) -> None:
    register_bundled_fonts()
    if covering_family(script) is None:
        assert missing_fonts([script])[0].message.startswith("No font draws")
        pytest.skip(f"no {script} font on this system (fonts-noto-cjk)")
    drawn = glyphs(SAMPLES[script], script)
    assert drawn and 0 not in drawn


def test_a_script_without_a_font_is_named_with_what_to_install(qapp, monkeypatch) -> None:
    register_bundled_fonts()
    # a script whose letters (private-use code points) no font has
    nko = fonts.QFontDatabase.WritingSystem.Nko
    fake = ScriptFont("Testscript", "\U000f0001\U000f0002", "fonts-test-script", nko)
    monkeypatch.setitem(fonts.SCRIPTS, "Zzzt", fake)
    other = ScriptFont("Otherscript", "\U000f0003", "fonts-o", nko)
    monkeypatch.setitem(fonts.SCRIPTS, "Zzzu", other)
    covering_family.cache_clear()
    try:
        assert missing_fonts(["Latn", "Thai"]) == []
        [missing] = missing_fonts(["Latn", "Zzzt", "Thai", "Zzzt"])
        assert missing.script == "Zzzt" and missing.name == "Testscript"
        assert "Testscript" in missing.message and "fonts-test-script" in missing.message
        line = missing_fonts_message(["Zzzt", "Zzzu", "Thai"])
        assert "\n" not in line and "Testscript" in line and "Otherscript" in line
        assert missing_fonts_message(["Thai", "Khmr"]) is None
    finally:
        covering_family.cache_clear()
