"""The persistent, incremental index of a corpus in the store's SQLite file.

For each file of a corpus folder the index records size, mtime and SHA-256 (`index_files`).
Everything derived from a file's bytes is keyed by its hash: the reading text with passages,
sentences and entity candidates (`doc_cache`, one row per kind), and the search shadow text of
every passage (`index_passages` + the FTS5 table `index_fts`).

`refresh_index` brings the index up to date: files whose path, size and mtime are unchanged are
not read; a changed file whose content the index already knows is not processed again; new and
changed files are processed in worker processes (ICU objects live per process); deleted files
drop out. Results are written in short transactions, one file at a time never half, so an
interrupted run (Ctrl+C, a killed process, a GUI cancel) leaves a consistent index that the
next run continues.

The parts: `model` (what is stored and reported), `worker` (one file processed, in a worker
process), `writer` (results into SQLite), `refresh` (what changed, the worker pool), `status`
(how far a folder's index is, from the store alone), `read` (documents back from the index)
and `search` (full-text search); `pool` runs the
per-document work in this process, local worker processes or on a Dask cluster (`cluster`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from reader.store.index.model import (
    PIPELINE,
    BlobSpans,
    IndexProgress,
    IndexReport,
    ProgressFn,
    corpus_root,
    file_format,
    pipeline_version,
)
from reader.store.index.read import (
    load_indexed_corpus,
    stored_facts,
    stored_sentences,
)
from reader.store.index.refresh import (
    _is_current,
    _known_files,
    open_indexed_corpus,
    refresh_corpus,
    refresh_index,
)
from reader.store.index.status import IndexStatus, forget_corpus, index_status, known_corpus
from reader.store.index.writer import collect_garbage

if TYPE_CHECKING:
    from reader.store.index.search import (
        SearchResult,
        _plain_corpus,
        _search_all_rows,
        search_index,
    )
    from reader.store.index.worker import process_file

# Names of `search` and `worker`, imported when first asked for: a command that reads the
# index as it is (`topics`, `entities`) needs neither.
_LAZY = {
    "SearchResult": "search",
    "_plain_corpus": "search",
    "_search_all_rows": "search",
    "search_index": "search",
    "process_file": "worker",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "PIPELINE",
    "BlobSpans",
    "IndexProgress",
    "IndexReport",
    "IndexStatus",
    "ProgressFn",
    "SearchResult",
    "_is_current",
    "_known_files",
    "_plain_corpus",
    "_search_all_rows",
    "collect_garbage",
    "corpus_root",
    "file_format",
    "forget_corpus",
    "index_status",
    "known_corpus",
    "load_indexed_corpus",
    "open_indexed_corpus",
    "pipeline_version",
    "process_file",
    "refresh_corpus",
    "refresh_index",
    "search_index",
    "stored_facts",
    "stored_sentences",
]
