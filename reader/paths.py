"""Locate the bundled `resources/` and `seeds/` folders, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _data_root() -> Path:
    """Folder holding `resources/` and `seeds/`: inside the wheel, else the checkout root."""
    installed = _PACKAGE / "_data"
    if (installed / "resources").is_dir():
        return installed
    return _PACKAGE.parent


def resources_dir() -> Path:
    """The bundled resources folder (fonts, keymap, alias tables, styles)."""
    return _data_root() / "resources"


def resource(*parts: str) -> Path:
    """Path of one bundled resource file."""
    return resources_dir().joinpath(*parts)


def seeds_dir() -> Path:
    """The sample corpus opened when no folder is given."""
    return _data_root() / "seeds"
