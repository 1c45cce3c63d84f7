"""The reader's topic edits (move a document, rename, merge) replayed over the topics found."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.corpus.model import Document
    from reader.corpus.topics import Topic, TopicEdit


def _edit_parts(edit: Any) -> tuple[str, Mapping[str, Any]]:
    op, args = edit
    if not isinstance(op, str) or not isinstance(args, Mapping):
        raise TypeError
    return op, args


def apply_edits(
    topics: list[Topic],
    edits: Iterable[TopicEdit | tuple[str, Mapping[str, Any]]],
    documents: Sequence[Document],
    warnings: list[str],
) -> list[Topic]:
    """Replay user edits in order; an edit that no longer fits is skipped with a warning."""
    from reader.corpus.topics import Topic

    by_id = {t.id: t for t in topics}
    by_path = {d.path: d.id for d in documents}
    ids = {d.id for d in documents}
    for n, edit in enumerate(edits, 1):
        try:
            op, args = _edit_parts(edit)
        except (TypeError, ValueError):
            warnings.append(f"edit {n}: not an (op, args) record; skipped")
            continue
        if op == "move":
            ref, target = str(args.get("document", "")), str(args.get("topic", ""))
            doc_id = by_path.get(ref, ref if ref in ids else None)
            if doc_id is None or not target:
                warnings.append(f"edit {n}: move needs a known document and a topic; skipped")
                continue
            for t in by_id.values():
                if doc_id in t.documents:
                    t.documents.remove(doc_id)
            if target not in by_id:
                label = str(args.get("label") or "")
                by_id[target] = Topic(target, label, [], origin="user", renamed=bool(label))
            by_id[target].documents.append(doc_id)
        elif op == "rename":
            topic, label = by_id.get(str(args.get("topic", ""))), str(args.get("label", "")).strip()
            if topic is None or not label:
                warnings.append(f"edit {n}: rename of an unknown topic or to no name; skipped")
                continue
            topic.label, topic.renamed = label, True
        elif op == "merge":
            source = by_id.get(str(args.get("source", "")))
            target = by_id.get(str(args.get("target", "")))
            if source is None or target is None or source is target:
                warnings.append(f"edit {n}: merge needs two known topics; skipped")
                continue
            target.documents.extend(source.documents)
            source.documents.clear()
        else:
            warnings.append(f"edit {n}: unknown operation {op!r}; skipped")
            continue
        by_id = {i: t for i, t in by_id.items() if t.documents}
    return list(by_id.values())
