"""`topics`: which documents tell one story (`align` is in reader/commands/alignment.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.cli import (
    Refused,
    UsageError,
    add_db_option,
    existing_dir,
    print_json,
    warn,
)
from reader.commands.progress import read_corpus
from reader.corpus.entities import find_entities
from reader.corpus.topics import DEFAULT_THRESHOLD, ManifestError, find_topics, read_manifest
from reader.paths import seeds_dir
from reader.store.db import StoreError
from reader.store.user_edits import stored_user_edits


def threshold(value: str) -> float:
    try:
        t = float(value)
    except ValueError:
        t = -1.0
    if not 0.0 <= t <= 1.0:
        raise argparse.ArgumentTypeError(f"not a number from 0 to 1: {value}")
    return t


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("topics", help="group the documents of a corpus into topics")
    p.add_argument("dir", nargs="?", type=existing_dir, help="corpus folder (default: seeds)")
    p.add_argument(
        "--threshold",
        type=threshold,
        default=DEFAULT_THRESHOLD,
        help=f"0..1, higher keeps only close versions together (default {DEFAULT_THRESHOLD})",
    )
    add_db_option(p, "store whose topic edits, entity links and index apply (default: yours)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=run_topics)


def run_topics(args: argparse.Namespace) -> int:
    root = Path(args.dir or seeds_dir())
    try:
        manifest = read_manifest(root)
    except ManifestError as exc:
        raise UsageError(str(exc)) from exc
    try:
        links, edits = stored_user_edits(args.db)
        corpus = read_corpus(root, args.db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    for message in corpus.warnings:
        warn(message)
    if not corpus.documents:
        warn(f"{root}: no documents (no readable .txt or .md files)")
    index = find_entities(corpus.documents, links=links)
    topics = find_topics(corpus.documents, index, args.threshold, manifest, edits)
    if args.json:
        print_json(topics.to_json())
        return 0
    for topic in topics.topics:
        print(f"{topic.id}  {topic.label}")
        for doc_id in topic.documents:
            doc = corpus.by_id(doc_id)
            print(f"    {doc.language:<4}{doc.path}")
    for warning in topics.warnings:
        print(f"warning: {warning}")
    return 0
