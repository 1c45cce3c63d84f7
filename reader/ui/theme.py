"""Light and dark themes: colour variables, the stylesheet built from them, entity colours."""

from __future__ import annotations

from dataclasses import dataclass, fields
from string import Template

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from reader.paths import resource

THEME_CHOICES = ("system", "light", "dark")

# One hue per entity colour index, as (light-theme background, dark-theme background). Light
# backgrounds are pale enough for dark text, dark ones deep enough for light text (WCAG AA, tested).
ENTITY_COLOURS: tuple[tuple[str, str], ...] = (
    ("#ffd99a", "#6b4a00"),  # amber
    ("#b8dcff", "#1d4f80"),  # sky
    ("#b9f0c9", "#1e5c33"),  # mint
    ("#ffc2dc", "#7a2550"),  # pink
    ("#d9c8ff", "#4d3380"),  # lavender
    ("#ffc9a8", "#7a3d14"),  # peach
    ("#a8ece6", "#0f5c57"),  # teal
    ("#dcf29b", "#4b5e0f"),  # lime
    ("#ffb8b8", "#7a2424"),  # rose
    ("#c2cbff", "#2f3d80"),  # periwinkle
    ("#eadbb8", "#5e4e2b"),  # sand
    ("#b3ecff", "#0f5370"),  # aqua
)

# Annotation colours the note editor offers: name -> (light underline, dark underline).
NOTE_COLOURS: dict[str, tuple[str, str]] = {
    "yellow": ("#c79100", "#ffd54f"),
    "red": ("#c62828", "#ff8a80"),
    "green": ("#2e7d32", "#9ccc65"),
    "blue": ("#1565c0", "#82b1ff"),
    "purple": ("#6a1b9a", "#ce93d8"),
}
DEFAULT_NOTE_COLOUR = "yellow"


@dataclass(frozen=True)
class Theme:
    """The colour variables of one theme (names are used as `$name` in app.qss)."""

    name: str
    window: str
    base: str
    text: str
    muted: str
    dim: str
    border: str
    accent: str
    current: str
    partner: str
    gap: str
    search: str
    search_current: str
    search_text: str  # the words of a hit (the dark theme's hits are bright: dark words)
    selection: str
    focus_entity: str
    tooltip: str
    error: str
    link: str

    @property
    def dark(self) -> bool:
        return self.name == "dark"

    def entity_colour(self, index: int) -> QColor:
        """Background of the entity with colour index `index`."""
        light, dark = ENTITY_COLOURS[index % len(ENTITY_COLOURS)]
        return QColor(dark if self.dark else light)

    def note_colour(self, name: str) -> QColor:
        """Underline colour of an annotation colour name (or a #rrggbb value)."""
        pair = NOTE_COLOURS.get(name)
        if pair:
            return QColor(pair[1] if self.dark else pair[0])
        colour = QColor(name)
        return colour if colour.isValid() else QColor(NOTE_COLOURS[DEFAULT_NOTE_COLOUR][0])

    def variables(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


LIGHT = Theme(
    name="light",
    window="#f3f1ec",
    base="#fcfbf8",
    text="#1f2328",
    muted="#5f6368",
    dim="#8a8d91",
    border="#d8d4cb",
    accent="#2f6fb3",
    current="#e6eefa",
    partner="#e7f4e1",
    gap="#efe9dc",
    search="#fff06a",
    search_current="#ffb300",
    search_text="#1f2328",
    selection="#b3d4ff",
    focus_entity="#1f2328",
    tooltip="#fffdf5",
    error="#b3261e",
    link="#1a5fb4",
)

DARK = Theme(
    name="dark",
    window="#1d1f23",
    base="#23262b",
    text="#e4e4e4",
    muted="#a3a8ae",
    dim="#7b8087",
    border="#3a3e45",
    accent="#6ea8fe",
    current="#2b3a50",
    partner="#2b3f2e",
    gap="#2f2b24",
    search="#f0d55c",  # bright, as no entity colour of the dark theme is (those are deep)
    search_current="#ff9a3d",
    search_text="#1d1f23",
    selection="#264f78",
    focus_entity="#f5f5f5",
    tooltip="#2b2e33",
    error="#ff8a80",
    link="#8ab4f8",
)


def system_prefers_dark() -> bool:
    """True when the desktop asks for a dark colour scheme.

    The first call costs tens of milliseconds (Qt's namespace of enums is built): the window
    paints its first frame with the scheme it saw last time and asks after that.
    """
    app = QGuiApplication.instance()
    if app is None:
        return False
    from PySide6.QtCore import Qt

    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve_theme(choice: str, system_dark: bool | None = None) -> Theme:
    """The theme for a setting: "light", "dark", or "system" (follows the desktop; with
    `system_dark` given, that answer is taken instead of asking the desktop)."""
    if choice == "dark":
        return DARK
    if choice == "light":
        return LIGHT
    dark = system_prefers_dark() if system_dark is None else system_dark
    return DARK if dark else LIGHT


def stylesheet(theme: Theme) -> str:
    """The application stylesheet: resources/styles/app.qss with the theme's colours."""
    template = Template(resource("styles", "app.qss").read_text(encoding="utf-8"))
    return template.safe_substitute(theme.variables())


def palette(theme: Theme) -> QPalette:
    """A QPalette matching the theme (for widgets the stylesheet does not reach)."""
    pal = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, theme.window),
        (role.WindowText, theme.text),
        (role.Base, theme.base),
        (role.AlternateBase, theme.window),
        (role.Text, theme.text),
        (role.Button, theme.window),
        (role.ButtonText, theme.text),
        (role.Highlight, theme.selection),
        (role.HighlightedText, theme.text),
        (role.ToolTipBase, theme.tooltip),
        (role.ToolTipText, theme.text),
        (role.PlaceholderText, theme.dim),
        (role.Link, theme.link),
        (role.Mid, theme.border),
    ):
        pal.setColor(r, QColor(value))
    pal.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(theme.dim))
    pal.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(theme.dim))
    return pal


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Give the whole application the theme's palette and stylesheet."""
    app.setPalette(palette(theme))
    app.setStyleSheet(stylesheet(theme))


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
