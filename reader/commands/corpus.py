"""`docs` and `passages`: what the corpus core sees in files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader.cli import (
    Refused,
    UsageError,
    add_db_option,
    existing_dir,
    existing_file,
    print_json,
    print_table,
    printable,
    warn,
)
from reader.commands.progress import read_corpus
from reader.corpus.loading import LoadError, load_document
from reader.corpus.passages import passage_sentences
from reader.paths import seeds_dir
from reader.store.db import StoreError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("docs", help="list the documents of a corpus")
    p.add_argument("dir", nargs="?", type=existing_dir, help="corpus folder (default: seeds)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_option(p, "store whose index is used and refreshed (default: yours, if any)")
    p.set_defaults(run=run_docs)

    p = sub.add_parser("passages", help="show the passages of one file")
    p.add_argument("file", type=existing_file, help="a text or Markdown file")
    p.add_argument("--sentences", action="store_true", help="include sentence spans")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run_passages)


def run_docs(args: argparse.Namespace) -> int:
    root = Path(args.dir or seeds_dir())
    try:
        corpus = read_corpus(root, args.db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    for message in corpus.warnings:
        warn(message)
    if not corpus.documents:
        warn(f"{root}: no documents (no readable .txt or .md files)")
    if args.json:
        print_json(
            {
                "corpus": {"name": corpus.name, "root": str(corpus.root)},
                "documents": [d.summary() for d in corpus.documents],
                "skipped": [s.to_json() for s in corpus.skipped],
                "warnings": [
                    {"path": d.path, "warning": w} for d in corpus.documents for w in d.warnings
                ]
                + [{"path": None, "warning": w} for w in corpus.warnings],
            }
        )
        return 0
    rows = [
        (d.id, d.language, d.script, d.chars, len(d.passages), d.path, d.title[:50])
        for d in corpus.documents
    ]
    print_table(rows, ("id", "lang", "script", "chars", "passages", "path", "title"))
    for d in corpus.documents:
        for message in d.warnings:
            warn(f"{d.path}: {message}")
    for s in corpus.skipped:
        sys.stderr.write(f"corpus-reader: skipped {printable(s.path)}: {printable(s.reason)}\n")
    return 0


def run_passages(args: argparse.Namespace) -> int:
    try:
        doc = load_document(args.file.resolve(), args.file.resolve().parent)
    except LoadError as exc:
        raise UsageError(f"{args.file}: {exc}") from exc
    items = []
    for p in doc.passages:
        item: dict[str, object] = {
            "index": p.index,
            "start": p.start,
            "end": p.end,
            "kind": p.kind,
            "text": doc.passage_text(p),
            **p.extra(),
        }
        if args.sentences:
            item["sentences"] = [[s, e] for s, e in passage_sentences(doc.text, p, doc.language)]
        items.append(item)
    if args.json:
        print_json({"document": doc.summary(), "passages": items})
        return 0
    print(f"{doc.path}  {doc.language}/{doc.script}  {doc.title}")
    rows = [(i["index"], i["kind"], f"{i['start']}-{i['end']}", str(i["text"])[:70]) for i in items]
    print_table(rows, ("#", "kind", "span", "text"))
    return 0
