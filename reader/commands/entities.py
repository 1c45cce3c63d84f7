"""`entities`: names, places, numbers and dates that documents of a corpus share."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.cli import add_db_option, existing_dir, print_json_stream, print_table, warn
from reader.commands.analysed import analysed_corpus
from reader.paths import seeds_dir


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("entities", help="list the entities documents share")
    p.add_argument("dir", nargs="?", type=existing_dir, help="corpus folder (default: seeds)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--all", action="store_true", help="every candidate, not only shared ones")
    add_db_option(p, "store whose entity links and index apply (default: yours, if any)")
    p.set_defaults(run=run_entities)


def run_entities(args: argparse.Namespace) -> int:
    found = analysed_corpus(Path(args.dir or seeds_dir()), args.db, strict_manifest=False)
    corpus, index = found.corpus, found.index
    for message in corpus.warnings:
        warn(message)
    if not corpus.documents:
        warn(f"{corpus.root}: no documents (no readable .txt or .md files)")
    entities = index.every_entity() if args.all else index.entities
    if args.json:
        documents = [{"id": d.id, "path": d.path, "language": d.language} for d in corpus.documents]
        print_json_stream({"documents": documents}, "entities", (e.to_json() for e in entities))
        return 0
    rows = [
        (
            e.kind,
            e.label[:40],
            e.key[:40],
            ",".join(e.languages),
            len(e.documents),
            len(e.occurrences),
        )
        for e in entities
    ]
    print_table(rows, ("kind", "label", "key", "languages", "docs", "mentions"))
    return 0
