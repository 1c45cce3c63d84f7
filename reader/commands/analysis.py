"""`topics` and `align`: which documents tell one story, and which passages match."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from reader.cli import (
    Refused,
    UsageError,
    add_db_option,
    existing_dir,
    existing_file,
    print_json,
    print_table,
    warn,
)
from reader.corpus.align import align_pair
from reader.corpus.entities import find_entities
from reader.corpus.loading import LoadError
from reader.corpus.topics import DEFAULT_THRESHOLD, ManifestError, find_topics, read_manifest
from reader.paths import seeds_dir
from reader.store.db import StoreError
from reader.store.indexed import read_corpus, read_documents
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

    p = sub.add_parser("align", help="link the passages of two versions of a story")
    p.add_argument("file_a", type=existing_file, help="one version (a text or Markdown file)")
    p.add_argument("file_b", type=existing_file, help="the other version")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_option(p, "store whose index is used where fresh (default: yours, if any)")
    p.set_defaults(run=run_align)


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


def run_align(args: argparse.Namespace) -> int:
    paths = [args.file_a.resolve(), args.file_b.resolve()]
    root = Path(os.path.commonpath([p.parent for p in paths]))
    try:
        doc_a, doc_b = read_documents(paths, root, args.db)
    except (LoadError, StoreError) as exc:
        raise UsageError(str(exc)) from exc
    index = find_entities([doc_a, doc_b] if doc_a.id != doc_b.id else [doc_a])
    alignment = align_pair(doc_a, doc_b, index)
    if args.json:
        print_json({"a": doc_a.summary(), "b": doc_b.summary(), **alignment.to_json()})
        return 0

    def snippet(doc, indexes) -> str:
        text = " / ".join(doc.passage_text(doc.passages[i]) for i in indexes)
        return " ".join(text.split())[:38]

    rows = [
        (
            ",".join(map(str, p.a)) or "-",
            ",".join(map(str, p.b)) or "-",
            f"{p.score:.2f}",
            snippet(doc_a, p.a),
            snippet(doc_b, p.b),
        )
        for p in alignment.pairs
    ]
    print(f"a: {doc_a.path} ({doc_a.language})   b: {doc_b.path} ({doc_b.language})")
    print_table(rows, ("a", "b", "score", "a text", "b text"))
    if alignment.unlinked_a or alignment.unlinked_b:
        print(f"no partner: a {alignment.unlinked_a}  b {alignment.unlinked_b}")
    return 0
