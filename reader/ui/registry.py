"""One registry of named commands, run by keys, the palette and menus alike."""

from __future__ import annotations

import inspect
import logging
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class CommandError(Exception):
    """A failure the user should read (shown in the status bar), not a bug."""


@dataclass
class Command:
    """A named action: what it does, its help line, the modes it belongs to."""

    name: str
    func: Callable[..., object]
    help: str
    modes: tuple[str, ...]

    def signature(self) -> inspect.Signature | None:
        """The function's signature (None for builtins that have none), computed once."""
        if not hasattr(self, "_signature"):
            try:
                self._signature: inspect.Signature | None = inspect.signature(self.func)
            except (TypeError, ValueError):
                self._signature = None
        return self._signature

    def accepts_count(self) -> bool:
        """True when the function takes a `count` keyword (for `3j`)."""
        sig = self.signature()
        if sig is None:
            return False
        params = sig.parameters
        return "count" in params or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
        )


def first_doc_line(func: Callable[..., object]) -> str:
    doc = inspect.getdoc(func) or ""
    return doc.strip().splitlines()[0].strip() if doc.strip() else ""


def _convert(command: Command, args: list[str]) -> list[object]:
    """Convert text arguments to the int/float/bool annotations of the function."""
    if not args:
        return []
    sig = command.signature()
    if sig is None:
        return list(args)
    params = [
        p
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "count"
    ]
    if "count" in sig.parameters and len(args) > len(params):
        params.append(sig.parameters["count"])  # `column-wider 3`: a number after all else
    out: list[object] = []
    for i, arg in enumerate(args):
        kind = params[i].annotation if i < len(params) else str
        name = getattr(kind, "__name__", kind)
        try:
            if name in (int, "int"):
                out.append(int(arg))
            elif name in (float, "float"):
                out.append(float(arg))
            elif name in (bool, "bool"):
                if arg.lower() not in ("true", "false", "yes", "no", "on", "off", "1", "0"):
                    raise ValueError(arg)
                out.append(arg.lower() in ("true", "yes", "on", "1"))
            else:
                out.append(arg)
        except ValueError:
            raise CommandError(
                f"{command.name}: argument {params[i].name!r} must be {name}, not {arg!r}"
            ) from None
    return out


class CommandRegistry(QObject):
    """Named commands; `run("name arg", count)` calls one and reports errors as a signal."""

    error = Signal(str)
    executed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._commands: dict[str, Command] = {}

    def register(
        self,
        name: str,
        func: Callable[..., object],
        help: str | None = None,
        modes: tuple[str, ...] = ("normal",),
    ) -> Command:
        """Add a command; `help` defaults to the first line of the function's docstring."""
        if not name or any(ch.isspace() for ch in name):
            raise ValueError(f"command name must be one word: {name!r}")
        if name in self._commands:
            raise ValueError(f"command {name!r} is already registered")
        command = Command(name, func, help if help is not None else first_doc_line(func), modes)
        self._commands[name] = command
        return command

    def command(
        self, name: str | None = None, modes: tuple[str, ...] = ("normal",)
    ) -> Callable[[Callable[..., object]], Callable[..., object]]:
        """Decorator: register a function; its name (`_` → `-`) unless `name` is given."""

        def decorate(func: Callable[..., object]) -> Callable[..., object]:
            self.register(name or func.__name__.replace("_", "-"), func, None, modes)
            return func

        return decorate

    def get(self, name: str) -> Command | None:
        """The command called `name`, or None."""
        return self._commands.get(name)

    def names(self) -> list[str]:
        """All command names, sorted."""
        return sorted(self._commands)

    def commands(self) -> list[Command]:
        """All commands, sorted by name."""
        return [self._commands[n] for n in self.names()]

    def run(self, line: str, count: int | None = None) -> bool:
        """Run `"name arg1 arg2"`; errors go to the `error` signal and give False.

        The function gets `count=` only if it accepts that keyword; otherwise the count
        is ignored. Arguments are split like a shell line and converted to the
        int/float/bool annotations of the function.
        """
        try:
            words = shlex.split(line) if any(c in line for c in "\"'\\") else line.split()
        except ValueError as exc:
            self.error.emit(f"Cannot read command {line!r}: {exc}")
            return False
        if not words:
            self.error.emit("Empty command")
            return False
        name, args = words[0], words[1:]
        command = self._commands.get(name)
        if command is None:
            self.error.emit(f"Unknown command: {name}")
            return False
        try:
            values = _convert(command, args)
            kwargs = {"count": count} if count is not None and command.accepts_count() else {}
            sig = command.signature()
            if sig is not None:  # builtins without a signature are just called
                try:
                    sig.bind(*values, **kwargs)
                except TypeError as exc:
                    raise CommandError(f"{name}: {exc}") from None
            command.func(*values, **kwargs)
        except CommandError as exc:
            self.error.emit(str(exc))
            return False
        except Exception as exc:  # a bug in a command must not take the window down
            log.exception("command %s failed", name)
            self.error.emit(f"{name} failed: {type(exc).__name__}: {exc}")
            return False
        self.executed.emit(name)
        return True
