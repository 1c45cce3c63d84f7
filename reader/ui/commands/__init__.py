"""The window's commands, registered where they belong (one module per concern).

Each module defines plain functions taking the window first, marked with `@command`; the
registry (`reader.ui.registry`) calls them by name from keys, the palette and buttons alike.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from reader.ui.registry import Command, CommandError, CommandRegistry, first_doc_line

if TYPE_CHECKING:
    from reader.ui.window import MainWindow

__all__ = ["Command", "CommandError", "CommandRegistry", "command", "register_all"]

MODULES = ("navigation", "layout", "selection", "notes", "entities", "topics", "search", "view")
MODULES += ("alignment", "mismatches")
NORMAL = ("normal",)
NORMAL_VISUAL = ("normal", "visual")

_SPECS: list[tuple[str, Callable[..., object], tuple[str, ...]]] = []


def command(
    name: str | None = None, modes: tuple[str, ...] = NORMAL
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Mark `func(window, ...)` as the command `name` (default: the function's name with
    `-` for `_`); its help is the first line of its docstring."""

    def decorate(func: Callable[..., object]) -> Callable[..., object]:
        _SPECS.append((name or func.__name__.replace("_", "-"), func, modes))
        return func

    return decorate


def register_all(window: MainWindow, registry: CommandRegistry) -> None:
    """Register every command of every command module, bound to `window`."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    for name, func, modes in _SPECS:
        bound = functools.partial(func, window)
        registry.register(name, bound, help=first_doc_line(func), modes=modes)
