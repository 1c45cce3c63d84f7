"""`index`, `search` and `tmx`: the persistent corpus index from the command line."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import unicodedata
from pathlib import Path

from reader.cli import (
    Refused,
    UsageError,
    add_db_option,
    existing_dir,
    language_argument,
    print_json,
    print_table,
)
from reader.corpus.search import QueryError, hits_json
from reader.paths import seeds_dir
from reader.store.db import StoreError, connect
from reader.store.index import (
    IndexReport,
    StderrProgress,
    forget_corpus,
    load_indexed_corpus,
    refresh_index,
    search_index,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "index", help="build or refresh the corpus index (passages, sentences, entities, search)"
    )
    p.add_argument("dir", nargs="?", type=existing_dir, help="corpus folder (default: seeds)")
    p.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument(
        "--rebuild", action="store_true", help="forget what the index knows of DIR and redo it"
    )
    p.add_argument(
        "--no-entities",
        action="store_true",
        help="skip entity candidates (the analysis computes them when it needs them)",
    )
    p.add_argument("--json", action="store_true", help="print what was done as JSON")
    add_db_option(p)
    p.set_defaults(run=run_index)

    p = sub.add_parser("search", help="full-text search in a corpus (refreshes its index first)")
    p.add_argument("query", help='words (all must occur in a passage), "a phrase", prefix*')
    p.add_argument("dir", nargs="?", type=existing_dir, help="corpus folder (default: seeds)")
    p.add_argument(
        "--lang",
        type=language_argument,
        help="only documents in this language, a BCP 47 tag (vi, km, zh-CN falls back to zh)",
    )
    p.add_argument("--exact", action="store_true", help="match case and diacritics exactly")
    p.add_argument("--limit", type=int, default=50, help="hits to show (default 50; 0: all)")
    p.add_argument("--offset", type=int, default=0, help="skip this many hits first")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_option(p)
    p.set_defaults(run=run_search)

    p = sub.add_parser("tmx", help="export the alignment of a topic as TMX 1.4")
    p.add_argument("dir", nargs="?", type=existing_dir, help="corpus folder (default: seeds)")
    p.add_argument("--topic", required=True, help="topic id (see `topics --json`)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument(
        "--all-passages",
        action="store_true",
        help="also export groups where only one language has text",
    )
    add_db_option(p)
    p.set_defaults(run=run_tmx)


def _open(db: str | None) -> sqlite3.Connection:
    try:
        return connect(db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def _refresh(
    conn: sqlite3.Connection,
    root: Path,
    quiet: bool,
    workers: int | None = None,
    entities: bool = True,
) -> IndexReport:
    progress = None if quiet else StderrProgress()
    try:
        return refresh_index(conn, root, workers=workers, progress=progress, entities=entities)
    except KeyboardInterrupt:
        if progress:
            progress.finish()
            progress = None
        sys.stderr.write(
            "corpus-reader: interrupted; what was indexed is kept, run again to continue\n"
        )
        raise SystemExit(130) from None
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    finally:
        if progress:
            progress.finish()


def run_index(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    root = Path(args.dir or seeds_dir())
    conn = _open(args.db)
    try:
        if args.rebuild:
            forget_corpus(conn, root)
        report = _refresh(conn, root, args.quiet, args.workers, not args.no_entities)
    finally:
        conn.close()
    if args.json:
        print_json(report.to_json())
    else:
        print(_summary(report))
    return 0


def _summary(r: IndexReport) -> str:
    rate = r.bytes_processed / 1e6 / r.seconds if r.seconds > 0 else 0.0
    parts = [
        f"{r.files} files",
        f"{r.processed} processed ({r.bytes_processed / 1e6:.1f} MB, {rate:.1f} MB/s)",
        f"{r.unchanged} unchanged",
    ]
    if r.reused:
        parts.append(f"{r.reused} known content")
    if r.deleted:
        parts.append(f"{r.deleted} dropped")
    if r.errors:
        parts.append(f"{r.errors} skipped")
    return f"{r.root}: " + ", ".join(parts) + f" in {r.seconds:.1f} s"


def run_search(args: argparse.Namespace) -> int:
    if args.limit < 0 or args.offset < 0:
        raise UsageError("--limit and --offset must not be negative")
    root = Path(args.dir or seeds_dir())
    conn = _open(args.db)
    try:
        _refresh(conn, root, quiet=args.json)
        try:
            result = search_index(
                conn,
                root,
                args.query,
                language=args.lang,
                exact=args.exact,
                limit=args.limit or None,
                offset=args.offset,
            )
        except QueryError as exc:
            raise UsageError(str(exc)) from exc
        docs = load_indexed_corpus(conn, root, only={h.path for h in result.hits}).documents
    finally:
        conn.close()
    texts = {d.id: (d.text, d.passages) for d in docs}
    hits = hits_json(result.hits, texts)
    if args.json:
        print_json({"query": args.query, "exact": args.exact, "hits": hits, "total": result.total})
        return 0
    rows = [(h["path"], f"{h['start']}-{h['end']}", _kwic_line(h)) for h in hits]
    print_table(rows, ("document", "span", "hit"))
    shown = f"{len(hits)} shown" if len(hits) < result.total else "all shown"
    print(f"{result.total} hits ({shown})")
    return 0


def _kwic_line(hit: dict, width: int = 35) -> str:
    left, match, right = hit["left"][-width:], hit["text"], hit["right"][:width]
    while left and unicodedata.category(left[0]).startswith("M"):
        left = left[1:]  # do not start on a vowel sign torn from its letter
    while right and right[-1] in "\u17d2\u1039":
        right = right[:-1]  # nor end on a Khmer or Burmese subscript sign
    return f"{left:>{width}}[{match}]{right}"


def run_tmx(args: argparse.Namespace) -> int:
    from reader.corpus.tmx import TmxError, topic_tmx
    from reader.store.annotations import Store
    from reader.store.user_edits import entity_link_records, topic_edit_records

    root = Path(args.dir or seeds_dir())
    try:
        store = Store(args.db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    try:
        _refresh(store.conn, root, quiet=True)
        corpus = load_indexed_corpus(store.conn, root)
        links = entity_link_records(store.entity_links())
        edits = topic_edit_records(store.topic_edits())
    finally:
        store.close()
    try:
        data = topic_tmx(corpus, args.topic, links=links, edits=edits, all_groups=args.all_passages)
    except TmxError as exc:
        raise UsageError(str(exc)) from exc
    if args.output:
        out = Path(args.output)
        tmp = out.with_name(out.name + ".part")
        try:
            tmp.write_bytes(data)
            tmp.replace(out)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from exc
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
