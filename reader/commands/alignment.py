"""`align`, `align-links` and `coverage`: passage links of two versions, the reader's
corrections of them, and what each version of a topic lacks."""

from __future__ import annotations

import argparse
import json
import os
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
)
from reader.corpus.align import align_pair, align_topic
from reader.corpus.align.compare import coverage, pair_diffs
from reader.corpus.entities import find_entities
from reader.corpus.loading import LoadError
from reader.corpus.model import Document
from reader.paths import seeds_dir
from reader.store.db import StoreError, resolve_path
from reader.store.indexed import read_documents


def _index(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"not a passage index: {value}")
    return n


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("align", help="link the passages of two versions of a story")
    p.add_argument("file_a", type=existing_file, help="one version (a text or Markdown file)")
    p.add_argument("file_b", type=existing_file, help="the other version")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--diff", action="store_true", help="add word edits of each pair (JSON)")
    p.add_argument("--corpus", type=existing_dir, metavar="DIR", help="corpus folder of both")
    add_db_option(p, "store whose index and alignment links apply (default: yours)")
    p.set_defaults(run=run_align)

    p = sub.add_parser("align-links", help="the reader's alignment links: add, list, export")
    p.add_argument(
        "action",
        choices=("link", "confirm", "unlink", "remove", "list", "export", "import"),
        help="what to do with the reader's passage links",
    )
    p.add_argument("args", nargs="*", help="FILE_A FILE_B (link/confirm/unlink), ID, or FILE")
    p.add_argument("--a", type=_index, action="append", default=[], help="passage of FILE_A")
    p.add_argument("--b", type=_index, action="append", default=[], help="passage of FILE_B")
    p.add_argument("--corpus", type=existing_dir, metavar="DIR", help="corpus folder of both")
    p.add_argument("-o", "--output", help="export to this file (default: stdout)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_option(p, "store (default: yours)")
    p.set_defaults(run=run_links)

    p = sub.add_parser("coverage", help="what each version of a topic lacks of the others")
    p.add_argument("dir", nargs="?", type=existing_dir, help="corpus folder (default: seeds)")
    p.add_argument("--topic", required=True, help="topic id (from `topics --json`)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_db_option(p, "store (default: yours)")
    p.set_defaults(run=run_coverage)


def _documents(files: list[Path], corpus: Path | None, db: str | None) -> list[Document]:
    paths = [f.resolve() for f in files]
    root = corpus.resolve() if corpus else Path(os.path.commonpath([p.parent for p in paths]))
    for f, p in zip(files, paths, strict=True):
        if not p.is_relative_to(root):
            raise UsageError(f"{f} is not inside the corpus folder {corpus}")
    try:
        return read_documents(paths, root, db)
    except (LoadError, StoreError) as exc:
        raise UsageError(str(exc)) from exc


def _store(db: str | None, create: bool):
    """The store, or None when it does not exist and need not be created."""
    from reader.store.annotations import Store

    if not create and not resolve_path(db).is_file():
        return None
    try:
        return Store(db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc


def run_align(args: argparse.Namespace) -> int:
    from reader.store.alignment_links import resolve

    doc_a, doc_b = _documents([args.file_a, args.file_b], args.corpus, args.db)
    index = find_entities([doc_a, doc_b] if doc_a.id != doc_b.id else [doc_a])
    store = _store(args.db, create=False)
    lost = []
    if store is not None:
        with store:
            user = resolve(store, doc_a, doc_b)
        lost = user.lost
        alignment = align_pair(doc_a, doc_b, index, user.fixed, user.forbidden)
    else:
        alignment = align_pair(doc_a, doc_b, index)
    for link in lost:
        sys.stderr.write(f"corpus-reader: alignment link {link.id}: its text is gone (kept)\n")
    runs = coverage(doc_a, doc_b, alignment)
    langs = {doc_a.id: doc_a.language or "a", doc_b.id: doc_b.language or "b"}
    if args.json:
        data = {"a": doc_a.summary(), "b": doc_b.summary(), **alignment.to_json()}
        if args.diff:
            for pair, edits in zip(data["pairs"], pair_diffs(doc_a, doc_b, alignment), strict=True):
                pair["diff"] = [e.to_json() for e in edits]
        data["lost"] = [link.id for link in lost]
        print_json(data)
        return 0

    def snippet(doc, indexes) -> str:
        text = " / ".join(doc.passage_text(doc.passages[i]) for i in indexes)
        return " ".join(text.split())[:38]

    rows = [
        (
            ",".join(map(str, p.a)) or "-",
            ",".join(map(str, p.b)) or "-",
            f"{p.score:.2f}",
            p.kind,
            snippet(doc_a, p.a),
            snippet(doc_b, p.b),
        )
        for p in alignment.pairs
    ]
    print(f"a: {doc_a.path} ({doc_a.language})   b: {doc_b.path} ({doc_b.language})")
    print_table(rows, ("a", "b", "score", "kind", "a text", "b text"))
    if alignment.unlinked_a or alignment.unlinked_b:
        print(f"no partner: a {alignment.unlinked_a}  b {alignment.unlinked_b}")
    for run in runs:
        print(run.label(langs[run.lacking], langs[run.of]))
    return 0


def run_links(args: argparse.Namespace) -> int:
    from reader.store import alignment_links as al
    from reader.store.alignment_exchange import export_json, import_json

    action = args.action
    if action in ("link", "confirm", "unlink"):
        if len(args.args) != 2:
            raise UsageError(f"align-links {action} needs FILE_A FILE_B")
        files = [Path(x).expanduser() for x in args.args]
        for f in files:
            if not f.is_file():
                raise UsageError(f"not a file: {f}")
        if not args.a or not args.b:
            raise UsageError("name the passages with --a I and --b J")
        if action == "unlink" and (len(args.a) != 1 or len(args.b) != 1):
            raise UsageError("unlink takes one --a and one --b")
        doc_a, doc_b = _documents(files, args.corpus, args.db)
        store = _store(args.db, create=True)
        with store:
            try:
                if action == "unlink":
                    change = al.unlink(store, doc_a, doc_b, args.a[0], args.b[0])
                else:
                    kind = "confirmed" if action == "confirm" else "user"
                    change = al.add_link(store, doc_a, doc_b, args.a, args.b, kind)
            except al.LinkError as exc:
                raise UsageError(str(exc)) from exc
        print_json({"added": change.added, "removed": change.removed})
        return 0
    if action == "remove":
        if len(args.args) != 1:
            raise UsageError("align-links remove needs the link's ID")
        with _store(args.db, create=True) as store:
            try:
                change = al.remove(store, args.args[0])
            except al.LinkError as exc:
                raise UsageError(str(exc)) from exc
        print_json({"added": change.added, "removed": change.removed})
        return 0
    if action == "import":
        if len(args.args) != 1:
            raise UsageError("align-links import needs FILE")
        try:
            data = json.loads(Path(args.args[0]).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise Refused(f"{args.args[0]}: cannot read: {exc}; nothing was imported") from exc
        with _store(args.db, create=True) as store:
            try:
                result = import_json(store, data)
            except al.LinkError as exc:
                raise Refused(f"{exc}; nothing was imported") from exc
        print_json(result)
        return 0
    if args.args:
        raise UsageError(f"align-links {action} takes no files")
    store = _store(args.db, create=False)
    links = []
    if store is not None:
        with store:
            links = al.all_links(store)
    if action == "export":
        text = json.dumps(export_json(links), ensure_ascii=False, indent=2) + "\n"
        if args.output:
            out = Path(args.output)
            tmp = out.with_name(out.name + ".part")
            try:
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(out)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from exc
        else:
            sys.stdout.write(text)
        return 0
    if args.json:
        print_json({"links": [x.to_json() for x in links]})
        return 0
    rows = [
        (
            x.id[:8],
            x.kind,
            x.doc_a,
            ",".join(str(p.start) for p in x.a),
            x.doc_b,
            ",".join(str(p.start) for p in x.b),
        )
        for x in links
    ]
    print_table(rows, ("id", "kind", "a", "a starts", "b", "b starts"))
    return 0


def run_coverage(args: argparse.Namespace) -> int:
    from reader.commands.progress import read_corpus
    from reader.corpus.topics import ManifestError, find_topics, read_manifest
    from reader.store.alignment_links import all_links, user_alignment
    from reader.store.user_edits import stored_user_edits

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
    index = find_entities(corpus.documents, links=links)
    topics = find_topics(corpus.documents, index, manifest=manifest, edits=edits)
    try:
        topic = topics.by_id(args.topic)
    except KeyError:
        raise UsageError(f"no topic {args.topic!r} in this corpus") from None
    docs = [corpus.by_id(d) for d in topic.documents]
    store = _store(args.db, create=False)
    user = None
    if store is not None:
        with store:
            user = user_alignment(all_links(store))
    aligned = align_topic(docs, index, user)
    out = []
    for n, a in enumerate(docs):
        for b in docs[n + 1 :]:
            for run in coverage(a, b, aligned.between(a.id, b.id)):
                lacking, of = (a, b) if run.lacking == a.id else (b, a)
                out.append((lacking, of, run))
    if args.json:
        print_json(
            {
                "topic": topic.id,
                "missing": [
                    {
                        "lacking": x.path,
                        "of": y.path,
                        "passages": list(r.passages),
                        "label": r.label(x.language, y.language),
                    }
                    for x, y, r in out
                ],
            }
        )
        return 0
    for x, y, r in out:
        print(f"{r.label(x.language, y.language)}   ({x.path} / {y.path})")
    return 0
