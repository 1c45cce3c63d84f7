"""A generated corpus in six languages with topics of 6 and 24 documents (made once per run
with the benchmark's story generator, tests/bench/gen_stories.py)."""

from __future__ import annotations

import sys
import tempfile
from functools import cache
from pathlib import Path

from reader.corpus.loading import load_corpus
from reader.corpus.pipeline import Analysis, analyse

BENCH = Path(__file__).resolve().parents[1] / "bench"


@cache
def big_corpus_dir() -> Path:
    """60 story versions in six languages: topics of 24 (four versions per language), 20
    and 6."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from gen_stories import generate_stories

    out = Path(tempfile.mkdtemp(prefix="reader-big-")) / "corpus"
    generate_stories(out, 60, [24, 6], seed=3)
    return out


@cache
def big_analysis() -> Analysis:
    return analyse(load_corpus(big_corpus_dir()))


def biggest_topic(analysis: Analysis) -> int:
    return max(range(len(analysis.topics)), key=lambda i: len(analysis.topics[i].documents))
