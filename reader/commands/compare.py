"""`compare`: the numbers, dates and names two versions (or all versions of a topic) disagree on."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from reader.cli import Refused, UsageError, add_db_option, print_json, print_table
from reader.corpus.compare import DEFAULT_MIN_CONFIDENCE, Comparison, Mismatch, compare_pair
from reader.corpus.compare_values import KINDS, Mention
from reader.corpus.entities import find_entities
from reader.corpus.loading import LoadError
from reader.paths import seeds_dir
from reader.store.db import StoreError


def confidence(value: str) -> float:
    try:
        c = float(value)
    except ValueError:
        c = -1.0
    if not 0.0 <= c <= 1.0:
        raise argparse.ArgumentTypeError(f"not a number from 0 to 1: {value}")
    return c


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="numbers, dates and names two versions of a story disagree on",
        description="compare FILE_A FILE_B, or compare [DIR] --topic ID (every pair of a topic)",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="FILE_A FILE_B, or DIR with --topic")
    p.add_argument("--topic", metavar="ID", help="compare every pair of this topic of DIR")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--min-confidence",
        type=confidence,
        default=DEFAULT_MIN_CONFIDENCE,
        metavar="C",
        help=f"list mismatches at least this confident (0..1, default {DEFAULT_MIN_CONFIDENCE})",
    )
    p.add_argument(
        "--hide", action="append", default=[], choices=KINDS, help="leave out a kind (repeatable)"
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="list everything: any confidence, dismissed ones and hidden kinds too",
    )
    p.add_argument(
        "--dismiss",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="dismiss mismatch number N of the table (stored; repeatable)",
    )
    add_db_option(p, "store with your entity links, topic edits and dismissals")
    p.set_defaults(run=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    if args.topic is not None:
        return _run_topic(args)
    if len(args.paths) != 2:
        raise UsageError("compare needs two files (FILE_A FILE_B), or --topic ID [DIR]")
    paths = []
    for raw in args.paths:
        path = Path(raw).expanduser()
        if not path.is_file():
            raise UsageError(f"not a file: {raw}")
        paths.append(path.resolve())
    from reader.store.indexed import read_documents
    from reader.store.user_edits import stored_user_edits

    root = Path(os.path.commonpath([p.parent for p in paths]))
    try:
        links, _ = stored_user_edits(args.db)
        doc_a, doc_b = read_documents(paths, root, args.db)
    except LoadError as exc:
        raise UsageError(str(exc)) from exc
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    index = find_entities([doc_a, doc_b] if doc_a.id != doc_b.id else [doc_a], links=links)
    comparison = compare_pair(doc_a, doc_b, index)
    gone, hidden = _decisions(args)
    shown = comparison.visible(*_filters(args, gone, hidden))
    if args.dismiss:
        _dismiss(args, comparison, shown)
        return 0
    if args.json:
        print_json(comparison.to_json(shown))
        return 0
    _print_pair(comparison, shown)
    return 0


def _decisions(args: argparse.Namespace) -> tuple[set[str], set[str]]:
    from reader.store.mismatch_decisions import stored_decisions

    try:
        return stored_decisions(args.db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def _filters(
    args: argparse.Namespace, gone: set[str], hidden: set[str]
) -> tuple[float, set[str], set[str]]:
    if args.all:
        return 0.0, set(), set()
    return args.min_confidence, gone, hidden | set(args.hide)


def _dismiss(args: argparse.Namespace, comparison: Comparison, shown: list[Mismatch]) -> None:
    from reader.store.annotations import Store
    from reader.store.mismatch_decisions import dismiss

    bad = [n for n in args.dismiss if not 1 <= n <= len(shown)]
    if bad:
        raise UsageError(f"--dismiss {bad[0]}: the table lists mismatches 1 to {len(shown)}")
    try:
        with Store(args.db) as store:
            for n in args.dismiss:
                m = shown[n - 1]
                dismiss(
                    store,
                    comparison.fingerprint(m),
                    m.kind,
                    comparison.doc_a.path,
                    comparison.doc_b.path,
                    m.a.text if m.a else "",
                    m.b.text if m.b else "",
                )
                print(f"dismissed {n}: {m.kind} {_side(m.a)} / {_side(m.b)}")
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def _side(m: Mention | None) -> str:
    return f"p{m.passage} {m.text}" if m else "-"


def _print_pair(c: Comparison, shown: list[Mismatch], header: bool = True) -> None:
    if header:
        print(f"a: {c.doc_a.path} ({c.doc_a.language})   b: {c.doc_b.path} ({c.doc_b.language})")
    rows = [
        (n, m.kind, f"{m.confidence:.2f}", _side(m.a), _side(m.b)) for n, m in enumerate(shown, 1)
    ]
    if rows:
        print_table(rows, ("#", "kind", "conf", "a", "b"))
    else:
        print("no mismatches")
    for side, doc in (("a", c.doc_a), ("b", c.doc_b)):
        for passage, mentions in c.unmatched_mentions(side).items():
            said = ", ".join(m.text for m in mentions) or "no numbers or names"
            print(f"{side} passage {passage} ({doc.path}) has no partner: {said}")


def _run_topic(args: argparse.Namespace) -> int:
    from reader.commands.progress import read_corpus
    from reader.corpus.compare_topic import compare_topic
    from reader.corpus.topics import DEFAULT_THRESHOLD, ManifestError, find_topics, read_manifest
    from reader.store.user_edits import stored_user_edits

    if len(args.paths) > 1:
        raise UsageError("--topic takes one corpus folder (DIR)")
    if args.dismiss:
        raise UsageError("--dismiss works on a pair: compare FILE_A FILE_B --dismiss N")
    root = Path(args.paths[0]).expanduser() if args.paths else seeds_dir()
    if not root.is_dir():
        raise UsageError(f"not a folder: {args.paths[0]}")
    try:
        manifest = read_manifest(root)
    except ManifestError as exc:
        raise UsageError(str(exc)) from exc
    try:
        links, edits = stored_user_edits(args.db)
        corpus = read_corpus(root, args.db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    index = find_entities(corpus.documents, links=links)
    topics = find_topics(corpus.documents, index, DEFAULT_THRESHOLD, manifest, edits)
    try:
        topic = topics.by_id(args.topic)
    except KeyError:
        known = ", ".join(t.id for t in topics.topics[:10])
        raise UsageError(f"no topic {args.topic!r} in this corpus (topics: {known})") from None
    docs = [corpus.by_id(d) for d in topic.documents]
    result = compare_topic(docs, index)
    gone, hidden = _decisions(args)
    filters = _filters(args, gone, hidden)
    if args.json:
        print_json({"topic": {"id": topic.id, "label": topic.label}, **result.to_json(*filters)})
        return 0
    print(f"topic {topic.id}: {topic.label} ({len(docs)} documents)")
    for c in result.pairs:
        print()
        _print_pair(c, c.visible(*filters))
    return 0
