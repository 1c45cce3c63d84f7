"""`annotate`, `annotations`, `export`, `import`: the annotation store from the command line."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import TextIO

from reader.cli import (
    UsageError,
    add_db_option,
    existing_dir,
    existing_file,
    print_json,
    print_table,
    warn,
)
from reader.corpus.loading import LoadError, document_from_bytes, find_files, load_document
from reader.corpus.model import Document
from reader.corpus.text import snap_to_graphemes
from reader.plural import counted
from reader.store.annotations import Annotation, AnnotationError, Store, check_color
from reader.store.db import StoreError
from reader.store.exchange import ExchangeError, import_file
from reader.store.exporting import write_markdown, write_w3c


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("annotate", help="add one annotation to a file; prints its id last")
    p.add_argument("file", type=existing_file, help="the text or Markdown file to annotate")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--start", type=int, metavar="S", help="first code point of the span")
    where.add_argument("--quote", metavar="TEXT", help="the text to annotate")
    p.add_argument("--end", type=int, metavar="E", help="code point after the span")
    p.add_argument(
        "--occurrence", type=int, default=1, metavar="N", help="with --quote: the Nth one (from 1)"
    )
    p.add_argument("--note", default="", metavar="MD", help="the note, in Markdown")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeatable)")
    p.add_argument(
        "--color", default="", metavar="C", help="#rgb, #rrggbb or a CSS colour name (yellow)"
    )
    p.add_argument(
        "--corpus",
        type=existing_dir,
        metavar="DIR",
        help="corpus folder the file belongs to (default: the file's folder)",
    )
    add_db_option(p)
    p.set_defaults(run=run_annotate)

    p = sub.add_parser(
        "annotations", help="list annotations (re-anchored to the files as they are)"
    )
    p.add_argument(
        "--corpus", type=existing_dir, metavar="DIR", help="re-anchor against this corpus folder"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_option(p)
    p.set_defaults(run=run_annotations)

    p = sub.add_parser("export", help="export annotations (W3C Web Annotation JSON or Markdown)")
    p.add_argument(
        "--format",
        choices=("w3c", "markdown"),
        default="w3c",
        help="w3c: W3C Web Annotation JSON-LD (default); markdown: a readable digest",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    add_db_option(p)
    p.set_defaults(run=run_export)

    p = sub.add_parser("import", help="import a W3C Web Annotation JSON file (all or nothing)")
    p.add_argument("file", type=existing_file, help="a W3C Web Annotation JSON(-LD) file")
    p.add_argument(
        "--restore-deleted",
        action="store_true",
        help="also bring back notes deleted here after the file was written (a backup)",
    )
    add_db_option(p)
    p.set_defaults(run=run_import)


def _fail(message: str) -> int:
    sys.stderr.write(f"corpus-reader: error: {message}\n")
    return 1


def _open(args: argparse.Namespace) -> Store:
    return Store(args.db)


def _open_for_reading(args: argparse.Namespace) -> Store:
    """The store for a command that only reads (export, annotations): read-only when it
    cannot be written, with a warning."""
    store = Store.open_for_reading(args.db)
    if store.read_only:
        warn(f"{store.path}: the store cannot be written (read-only or disk full); reading only")
    return store


# --- annotate --------------------------------------------------------------------------------


def _load(file: Path, corpus: Path | None) -> Document:
    path = file.resolve()
    root = corpus.resolve() if corpus else path.parent
    if not path.is_relative_to(root):
        raise UsageError(f"{file} is not inside the corpus folder {corpus}")
    try:
        return load_document(path, root)
    except LoadError as exc:
        raise UsageError(f"{file}: {exc}") from exc


def _span(doc: Document, args: argparse.Namespace) -> tuple[int, int]:
    if args.quote is not None:
        if args.end is not None:
            raise UsageError("--end goes with --start, not with --quote")
        needle = unicodedata.normalize("NFC", args.quote)
        if not needle:
            raise UsageError("--quote must not be empty")
        if args.occurrence < 1:
            raise UsageError("--occurrence counts from 1")
        found, pos = 0, doc.text.find(needle)
        while pos >= 0:
            found += 1
            if found == args.occurrence:
                return pos, pos + len(needle)
            pos = doc.text.find(needle, pos + 1)
        if found == 0:
            raise UsageError(f"{doc.path}: the quote does not occur in the reading text")
        raise UsageError(
            f"{doc.path}: the quote occurs {counted(found, 'time')}, not {args.occurrence}"
        )
    if args.end is None:
        raise UsageError("--start needs --end")
    if not 0 <= args.start < args.end <= len(doc.text):
        raise UsageError(
            f"span {args.start}-{args.end} is not inside the reading text (0-{len(doc.text)}, "
            "code points)"
        )
    return args.start, args.end


def run_annotate(args: argparse.Namespace) -> int:
    try:
        check_color(args.color, known=True)
    except AnnotationError as exc:
        raise UsageError(str(exc)) from exc
    doc = _load(args.file, args.corpus)
    start, end = _span(doc, args)
    whole = snap_to_graphemes(doc.text, start, end)
    if whole != (start, end):
        warn(f"span {start}-{end} cuts a character; widened to {whole[0]}-{whole[1]}")
        start, end = whole
    try:
        with _open(args) as store:
            ann = store.annotate(
                doc,
                start,
                end,
                note=args.note,
                tags=args.tag,
                color=args.color,
                location=doc.abs_path,
            )
    except AnnotationError as exc:
        raise UsageError(str(exc)) from exc
    except StoreError as exc:
        return _fail(str(exc))
    print(f"{ann.document} {ann.start}-{ann.end}: {_short(ann.quote, 60)}")
    print(ann.id)
    return 0


# --- annotations -----------------------------------------------------------------------------


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def reanchor_known(
    store: Store, corpus_dir: Path | None
) -> tuple[list[str], set[str], dict[str, Annotation]]:
    """Re-anchor annotations against the files as they are now.

    With a corpus folder, its documents are used. Otherwise each document is read from the
    location where the user last opened it, if a file is still there (imports never set one).
    Returns warnings, the documents no file was found for (their annotations are kept as they
    were) and the re-anchored annotations by id (not saved when the store is read-only).
    """
    warnings: list[str] = []
    missing: set[str] = set()
    changed: dict[str, Annotation] = {}
    wanted = {a.document for a in store.list()}
    records = {r.path: r for r in store.documents()}

    def reanchor(doc: Document, location: Path) -> None:
        changed.update((a.id, a) for a in store.reanchor(doc, location=location))

    if corpus_dir is not None:
        root = corpus_dir.resolve()
        found: set[str] = set()
        # stored paths are only compared with the files the corpus lists, never joined to it
        for path in find_files(root):
            rel = path.relative_to(root).as_posix()
            if rel not in wanted:
                continue
            found.add(rel)
            try:
                doc = load_document(path, root)
            except LoadError as exc:
                warnings.append(f"{rel}: not re-anchored: {exc}")
                continue
            reanchor(doc, path)
        for rel in sorted(wanted - found):
            record = records.get(rel)
            where = Path(record.location) if record and record.location else None
            if where is None or where.is_relative_to(root) or not where.is_file():
                missing.add(rel)
    else:
        for rel in sorted(wanted):
            record = records.get(rel)
            if record is None or not record.location:
                missing.add(rel)  # imported: no file was ever opened for it here
                continue
            location = Path(record.location)
            if not location.is_file():
                missing.add(rel)
                continue
            try:
                doc = document_from_bytes(rel, location.read_bytes(), abs_path=location)
            except (OSError, LoadError) as exc:
                warnings.append(f"{rel}: not re-anchored: {exc}")
                continue
            reanchor(doc, location)
    for rel in sorted(missing):
        record = records.get(rel)
        if record is not None and record.location:
            warnings.append(
                f"{rel}: file not found at {record.location}; its annotations are kept as "
                "they were (open the file where it is now to re-anchor them)"
            )
        else:
            warnings.append(
                f"{rel}: no file known for it (imported?); its annotations are kept as they "
                "were (use --corpus DIR, or open the file, to re-anchor them)"
            )
    return warnings, missing, changed


def run_annotations(args: argparse.Namespace) -> int:
    try:
        with _open_for_reading(args) as store:
            warnings, missing, changed = reanchor_known(store, args.corpus)
            annotations = [changed.get(a.id, a) for a in store.list()]
            read_only = store.read_only
    except StoreError as exc:
        return _fail(str(exc))
    for warning in warnings:
        warn(warning)
    if read_only and changed:
        warn(f"{counted(len(changed), 'annotation')} re-anchored for this listing; not saved")
    if args.json:
        items = [{**a.to_json(), "file_missing": a.document in missing} for a in annotations]
        print_json({"annotations": items})
        return 0
    rows = [_row(a, a.document in missing) for a in annotations]
    print_table(rows, ("id", "document", "span", "status", "tags", "quote"))
    return 0


def _row(ann: Annotation, file_missing: bool = False) -> tuple[str, ...]:
    return (
        ann.id[:8],
        ann.document,
        f"{ann.start}-{ann.end}",
        f"{ann.status}, file missing" if file_missing else ann.status,
        ",".join(ann.tags),
        _short(ann.quote, 50),
    )


# --- export / import -------------------------------------------------------------------------


def _write(args: argparse.Namespace, store: Store, out: TextIO) -> None:
    if args.format == "markdown":
        write_markdown(store.iter_annotations(), out)
    else:
        write_w3c(store, out)


def run_export(args: argparse.Namespace) -> int:
    """Stream the export to stdout, or to a temporary file renamed over `--output` at the end
    (a failed export leaves any earlier file as it was)."""
    try:
        with _open_for_reading(args) as store:
            if not args.output:
                _write(args, store, sys.stdout)
                return 0
            path = Path(args.output).expanduser()
            folder = path.parent if str(path.parent) else Path(".")
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
            except OSError as exc:
                return _fail(f"{args.output}: cannot write: {exc.strerror or exc}")
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                    _write(args, store, fh)
                os.replace(tmp, path)
            except BaseException as exc:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                if isinstance(exc, OSError):
                    return _fail(f"{args.output}: cannot write: {exc.strerror or exc}")
                raise
    except StoreError as exc:
        return _fail(str(exc))
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        with _open(args) as store:
            result = import_file(store, args.file, restore_deleted=args.restore_deleted)
    except (ExchangeError, StoreError) as exc:
        return _fail(f"{exc}; nothing was imported")
    print_json(result.to_json())
    sys.stderr.write(f"imported: {result.summary()}\n")
    return 0
