"""Command line: `corpus-reader [DIR]` opens the GUI; subcommands print text or stable JSON."""

from __future__ import annotations

import argparse
import codecs
import gc
import importlib
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

# Modules under reader/commands/ that each add subcommands through `register(subparsers)`, and
# the subcommands each adds: a command imports only its own module (the GUI none of them).
COMMANDS: dict[str, tuple[str, ...]] = {
    "corpus": ("docs", "passages"),
    "store": ("annotate", "annotations", "export", "import"),
    "entities": ("entities",),
    "index": ("index", "search", "tmx"),
    "analysis": ("topics",),
    "alignment": ("align", "align-links", "coverage"),
    "compare": ("compare",),
}
COMMAND_MODULES = tuple(COMMANDS)


class UsageError(Exception):
    """Bad arguments or input named on the command line: exit 2 with one line."""


class Refused(Exception):
    """A file the command needs (a store, an import) was refused: exit 1 with one line."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one clear line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def print_json(data: Any) -> None:
    """Write `data` as UTF-8 JSON to stdout (non-ASCII kept readable), indented by two."""
    # orjson spells small floats `1e-7` where json has `1e-07`: those go by json
    exact = _has_float(data)
    text = json.dumps(data, ensure_ascii=False, indent=2) if exact else _dumps(data)
    sys.stdout.write(text + "\n")


def _has_float(data: Any) -> bool:
    """Whether a float is anywhere in `data` (dicts and lists looked into)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def _dumps(item: Any) -> str:
    """`json.dumps(item, ensure_ascii=False, indent=2)` for data without floats: by orjson
    (Python's encoder indents in Python, 35x slower), by json for what orjson refuses (a
    lone surrogate, an integer over 64 bits, a key that is not text)."""
    import orjson

    try:
        return orjson.dumps(item, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(item, ensure_ascii=False, indent=2)


def print_json_stream(head: dict[str, Any], key: str, items: Iterable[Any]) -> None:
    """`print_json({**head, key: list(items)})`, byte for byte, written an item at a time (an
    entity list of 100,000 documents is never one string, nor one list of dicts). Items hold
    no floats (orjson, which writes them, spells small ones `1e-7` where json has `1e-07`).

    The items are made as they are written, with the cyclic collector off (many small objects
    and no cycles among them: it would only scan them, a sixth of the time of 5,000
    documents' entities); to a UTF-8 stdout the items go as orjson's bytes, never decoded and
    encoded again."""
    out = sys.stdout
    whole = json.dumps({**head, key: []}, ensure_ascii=False, indent=2)
    opening, closing = whole.rsplit("[]", 1)
    raw = _utf8_bytes(out)
    collecting = gc.isenabled()
    gc.disable()
    try:
        if raw is None:
            out.write(opening)
            first = True
            for item in items:
                out.write("[\n" if first else ",\n")
                out.write(_indented_item(item))
                first = False
            out.write("[]" if first else "\n  ]")
            out.write(closing + "\n")
            return
        out.flush()
        encoding, errors = out.encoding, out.errors or "strict"
        raw.write(opening.encode(encoding, errors))
        first = True
        for item in items:
            raw.write(b"[\n" if first else b",\n")
            raw.write(_indented_bytes(item, encoding, errors))
            first = False
        raw.write(b"[]" if first else b"\n  ]")
        raw.write((closing + "\n").encode(encoding, errors))
        raw.flush()
    finally:
        if collecting:
            gc.enable()


def _utf8_bytes(out: Any) -> Any:
    """The binary buffer under text stream `out` when what is written to it as text reaches
    it unchanged as UTF-8 (no newline translation), else None."""
    raw = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if raw is None or not encoding or os.linesep != "\n":
        return None
    try:
        if codecs.lookup(encoding).name != "utf-8":
            return None
    except LookupError:
        return None
    return raw


def _indented_item(item: Any) -> str:
    """`json.dumps(item, ensure_ascii=False, indent=2)` indented four spaces more (45 MB of
    entities took 1.7 s by Python's encoder, 0.05 s by orjson)."""
    return "    " + _dumps(item).replace("\n", "\n    ")  # a JSON line is never empty


def _indented_bytes(item: Any, encoding: str, errors: str) -> bytes:
    """`_indented_item(item)` encoded, by orjson without a string between."""
    import orjson

    try:
        data = orjson.dumps(item, option=orjson.OPT_INDENT_2)
    except TypeError:  # what orjson refuses, as `_dumps`
        return _indented_item(item).encode(encoding, errors)
    return b"    " + data.replace(b"\n", b"\n    ")


# Control characters (an escape sequence in a file name reaches the terminal as one) and the
# bidi controls that can reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with control characters written as escapes (`\\x1b`, `\\n`, `\\u202e`)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def print_table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """Write a plain aligned table (control characters in cells escaped)."""
    cells = [[printable(str(c)) for c in headers]]
    cells += [[printable(str(c)) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for row in cells:
        sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        sys.stdout.write("\n")


def warn(message: str) -> None:
    """One warning line on stderr (the output on stdout stays clean)."""
    sys.stderr.write(f"corpus-reader: warning: {printable(message)}\n")


DB_HELP = "store file (default: $CORPUS_READER_DB, else the user data directory)"


def add_db_option(parser: argparse.ArgumentParser, help: str = DB_HELP) -> None:
    """The `--db PATH` option every store-using command shares."""
    parser.add_argument("--db", metavar="PATH", help=help)


def existing_dir(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"not a folder: {value}")
    return path


def language_argument(value: str) -> str:
    """A `--lang` value: a BCP 47 tag, reduced by fallback to the language documents carry."""
    from reader.corpus.language import language_tag

    try:
        return language_tag(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def existing_file(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"not a file: {value}")
    return path


def command_module(command: str) -> str | None:
    """The module under reader/commands/ that adds `command`, or None."""
    return next((m for m, names in COMMANDS.items() if command in names), None)


def build_parser(
    modules: Sequence[str] = COMMAND_MODULES,
) -> tuple[ArgumentParser, argparse._SubParsersAction]:
    """The command-line parser with the subcommands of `modules` (default: all)."""
    parser = ArgumentParser(
        prog="corpus-reader",
        usage="%(prog)s [DIR] [--db PATH]\n       %(prog)s COMMAND ... (see %(prog)s COMMAND -h)",
        description="Read one story across languages. Without a command, opens the app on "
        "DIR (default: the corpus read last, else the samples).",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=ArgumentParser, prog="corpus-reader"
    )
    for name in modules:
        importlib.import_module(f"reader.commands.{name}").register(sub)
    return parser, sub


def gui_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="corpus-reader", description="Open the reading app.")
    parser.add_argument("dir", nargs="?", type=existing_dir, help="corpus folder (default: seeds)")
    add_db_option(parser)
    return parser


def _unknown_command(word: str) -> str | None:
    """The usage error for a first argument that is neither a command nor a folder."""
    if word.startswith("-") or Path(word).expanduser().is_dir():
        return None
    if "/" in word or "\\" in word or word.startswith((".", "~")):
        return f"not a folder: {word}"
    names = ", ".join(n for c in COMMANDS.values() for n in c)
    return f"unknown command {word!r} (commands: {names})"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `corpus-reader` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    module = command_module(argv[0]) if argv else None
    if module is None and (not argv or argv[0] not in ("-h", "--help")):
        problem = _unknown_command(argv[0]) if argv else None
        if problem:
            sys.stderr.write(f"corpus-reader: error: {problem}\n")
            return 2
        args = gui_parser().parse_args(argv)
        from reader.ui.app import run_app

        return run_app(args.dir, db=args.db)
    parser, _ = build_parser(COMMAND_MODULES if module is None else (module,))
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except UsageError as exc:
        sys.stderr.write(f"corpus-reader: error: {exc}\n")
        return 2
    except Refused as exc:
        sys.stderr.write(f"corpus-reader: error: {exc}\n")
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:  # Ctrl+C outside a command's own handling: no traceback
        sys.stderr.write("corpus-reader: interrupted\n")
        return 130
