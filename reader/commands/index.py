"""`index`, `search` and `tmx`: the persistent corpus index from the command line."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sqlite3
import sys
import threading
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
    warn,
)
from reader.commands.progress import StderrProgress
from reader.corpus.search import QueryError, hits_json
from reader.paths import seeds_dir
from reader.store.db import StoreError, connect, connect_for_reading
from reader.store.index import (
    IndexReport,
    forget_corpus,
    load_indexed_corpus,
    refresh_index,
    search_index,
)
from reader.store.index.cluster import ClusterError
from reader.store.index.pool import LocalWorkers, default_workers


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
        help="skip entity candidates, shared entities and topics (the analysis computes them "
        "when it needs them)",
    )
    p.add_argument(
        "--no-analysis",
        action="store_true",
        help="stop after entity candidates: leave the shared entities and topics to the first "
        "command or window that needs them",
    )
    p.add_argument(
        "--phase",
        type=int,
        choices=(1, 2),
        help="1: only texts, passages, sentences and search (the corpus is readable and "
        "searchable); 2: only entity candidates of what is indexed, then the shared entities "
        "and topics (default: both)",
    )
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the per-document work on a Dask scheduler, e.g. tcp://host:8786 "
        "(needs the cluster extra)",
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


def _open_for_reading(db: str | None) -> tuple[sqlite3.Connection, bool]:
    try:
        return connect_for_reading(db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def _refresh(
    conn: sqlite3.Connection,
    root: Path,
    quiet: bool,
    workers: int | LocalWorkers | None = None,
    entities: bool = True,
    phase: int | None = None,
    cluster: str | None = None,
) -> IndexReport:
    """Refresh the index; Ctrl+C stops it after what is done is committed, and the report
    says `cancelled` (the caller exits 130)."""
    progress = None if quiet else StderrProgress()
    cancel = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        report = refresh_index(
            conn,
            root,
            workers=workers,
            progress=progress,
            entities=entities,
            cancel=cancel,
            phase=phase,
            cluster=cluster,
        )
    except KeyboardInterrupt:
        report = IndexReport(root=str(root), cancelled=True)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    except ClusterError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if progress:
            progress.finish()
    if report.cancelled or cancel.is_set():
        report.cancelled = True
        sys.stderr.write(
            "corpus-reader: interrupted; what was indexed is kept, run again to continue\n"
        )
    return report


def run_index(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    root = Path(args.dir or seeds_dir())
    conn = _open(args.db)
    # One set of worker processes (started when first needed) for both phases and the
    # options after them: starting them again for the options cost ~0.4 s each.
    workers = LocalWorkers(args.workers or default_workers())
    try:
        if args.rebuild:
            forget_corpus(conn, root)
        report = _refresh(
            conn,
            root,
            args.quiet,
            workers,
            not args.no_entities,
            phase=args.phase,
            cluster=args.cluster,
        )
        if not report.cancelled and not args.no_entities and args.phase != 1:
            from reader.store.index.prepare import prepare_entities

            prepare_entities(conn, root, workers=workers)
    finally:
        workers.close()
        conn.close()
    analysed = None
    if _analyses(args, report):
        analysed = _analyse(root, args.db, args.quiet)
        report.cancelled = analysed is None
    if args.json:
        print_json({**report.to_json(), "analysis": analysed})
    else:
        print(_summary(report) + (_analysis_summary(analysed) if analysed else ""))
    return 130 if report.cancelled else 0


def _analyses(args: argparse.Namespace, report: IndexReport) -> bool:
    """Whether phase 2 ends with the shared entities and topics (stored for every command and
    the app): not when stopped, asked not to, or some documents still lack candidates."""
    return not (
        report.cancelled
        or args.no_entities
        or args.no_analysis
        or args.phase == 1
        or report.entities_pending
    )


def _analyse(root: Path, db: str | None, quiet: bool) -> dict[str, float] | None:
    """Find the corpus's shared entities and topics and keep them in the store (what
    `topics`, `entities` and the app then read); None when Ctrl+C stopped it (the index is
    complete; the analysis is made when next asked for)."""
    import time

    from reader.commands.analysed import analysed_corpus
    from reader.commands.progress import ElapsedLine

    started = time.perf_counter()
    try:
        with (
            contextlib.nullcontext() if quiet else ElapsedLine("finding shared entities and topics")
        ):
            found = analysed_corpus(root, db, strict_manifest=False, refreshed=True)
    except KeyboardInterrupt:
        sys.stderr.write(
            "corpus-reader: interrupted; the index is complete, entities and topics are "
            "found when next asked for\n"
        )
        return None
    return {
        "entities": len(found.index.entity_ids())
        if hasattr(found.index, "entity_ids")
        else len(found.index.entities),
        "topics": len(found.topics),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _analysis_summary(analysed: dict[str, float]) -> str:
    return (
        f"; {analysed['entities']:.0f} shared entities, {analysed['topics']:.0f} topics "
        f"in {analysed['seconds']:.1f} s"
    )


def _summary(r: IndexReport) -> str:
    size = _size(r.bytes_processed)
    if r.seconds >= 1:
        size += f", {_size(r.bytes_processed / r.seconds)}/s"
    parts = [f"{r.files} files", f"{r.processed} processed ({size})", f"{r.unchanged} unchanged"]
    if r.reused:
        parts.append(f"{r.reused} known content")
    if r.deleted:
        parts.append(f"{r.deleted} dropped")
    if r.errors:
        parts.append(f"{r.errors} skipped")
    if r.entities_processed:
        parts.append(f"entities of {r.entities_processed}")
    if r.entities_pending:
        parts.append(f"{r.entities_pending} still without entities")
    return f"{r.root}: " + ", ".join(parts) + f" in {r.seconds:.1f} s"


def _size(n: float) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def run_search(args: argparse.Namespace) -> int:
    if args.limit < 0 or args.offset < 0:
        raise UsageError("--limit and --offset must not be negative")
    root = Path(args.dir or seeds_dir())
    conn, read_only = _open_for_reading(args.db)
    try:
        try:
            if not read_only and _refresh(conn, root, quiet=args.json).cancelled:
                return 130
        except Refused as exc:
            if getattr(exc.__cause__, "reason", "") not in ("full", "readonly"):
                raise
            read_only = True
        if read_only:
            warn("the store cannot be written; searching the index as it was last built")
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
        found = load_indexed_corpus(conn, root, only={h.path for h in result.hits})
    finally:
        conn.close()
    for message in found.warnings:
        warn(message)
    docs = found.documents
    texts = {d.id: (d.text, d.passages) for d in docs}
    hits = hits_json(result.hits, texts)
    if args.json:
        print_json(
            {
                "query": args.query,
                "exact": args.exact,
                "hits": hits,
                "total": result.total,
                "total_exact": result.total_exact,
            }
        )
        return 0
    rows = [(h["path"], f"{h['start']}-{h['end']}", _kwic_line(h)) for h in hits]
    print_table(rows, ("document", "span", "hit"))
    shown = f"{len(hits)} shown" if len(hits) < result.total else "all shown"
    if result.ranked:  # very many passages match: the page is the best of a sample of them
        shown += f"; the best of {result.ranked:,} of {result.matched:,} matching passages"
    total = str(result.total) if result.total_exact else f"{result.total:,}+"  # a lower bound
    print(f"{total} hits ({shown})")
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
    from reader.store.alignment_links import all_links
    from reader.store.annotations import Store
    from reader.store.user_edits import entity_link_records, topic_edit_records

    root = Path(args.dir or seeds_dir())
    try:
        store = Store(args.db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    try:
        if _refresh(store.conn, root, quiet=True).cancelled:
            return 130
        corpus = load_indexed_corpus(store.conn, root)
        links = entity_link_records(store.entity_links())
        edits = topic_edit_records(store.topic_edits())
        passage_links = all_links(store)
    finally:
        store.close()
    try:
        data = topic_tmx(
            corpus,
            args.topic,
            links=links,
            edits=edits,
            all_groups=args.all_passages,
            alignment_links=passage_links,
        )
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
