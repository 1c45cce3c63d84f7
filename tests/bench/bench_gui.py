"""GUI figures: open a topic of five documents, move between passages, open a 10 MB document.

    QT_QPA_PLATFORM=offscreen uv run python tests/bench/bench_gui.py

Prints wall times measured on the GUI thread (what the user waits for), and for the 10 MB
document the longest stall of the event loop while Qt lays it out (a timer ticking every
10 ms measures it): the window must keep answering.
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from reader.ui.analysis import Analysis, TopicInfo, analyse

from reader.corpus.loading import load_corpus
from reader.corpus.model import Corpus, Document, Passage
from reader.paths import seeds_dir
from reader.ui.app import make_app
from reader.ui.window import MainWindow

WORDS = {
    "vi": "Trung Quốc Việt Nam công nghệ trí tuệ nhân tạo phát triển mô hình dữ liệu",
    "pt": "China Brasil tecnologia inteligência artificial modelo dados empresa",
    "en": "China Google model data company report market growth the of and",
}


def big_text(target_bytes: int, seed: int = 7) -> str:
    """Paragraphs of made-up multilingual news text, about `target_bytes` of UTF-8."""
    rng = random.Random(seed)
    paragraphs, size = [], 0
    while size < target_bytes:
        words = WORDS[rng.choice(list(WORDS))].split()
        sentence_count = rng.randint(2, 6)
        para = " ".join(
            " ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize() + "."
            for _ in range(sentence_count)
        )
        paragraphs.append(para)
        size += len(para.encode("utf-8")) + 2
    return "\n\n".join(paragraphs) + "\n"


def big_document(text: str) -> Document:
    """The 10 MB document, its paragraphs split here (loading is the core's business and is
    measured elsewhere; this measures what the window does with it)."""
    passages, pos = [], 0
    for n, para in enumerate(text.split("\n\n")):
        passages.append(Passage(n, pos, pos + len(para.rstrip("\n"))))
        pos += len(para) + 2
    return Document(
        id="big",
        path="big.txt",
        title="A 10 MB document",
        language="en",
        script="Latn",
        sha256="0" * 64,
        text=text,
        passages=passages,
    )


def settle(app, seconds: float = 0.0) -> float:
    """Run the event loop for `seconds` (at least once); returns the longest stall seen."""
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    end = time.perf_counter() + seconds
    app.processEvents()
    while time.perf_counter() < end:
        app.processEvents()
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return max(gaps, default=0.0)


def main() -> None:
    app = make_app()
    corpus = load_corpus(seeds_dir())
    t = time.perf_counter()
    analysis = analyse(corpus)
    analyse_s = time.perf_counter() - t
    five = TopicInfo("five", "all five seeds", [d.id for d in corpus.documents])
    bench = Analysis(corpus, [five, *analysis.topics], analysis.entities, [], analysis.index)
    tmp = Path(tempfile.mkdtemp())
    window = MainWindow(state_path=tmp / "state.json", keymap_path=tmp / "k.toml", restore=False)
    window.resize(1600, 1000)
    window.show()
    settle(app, 0.2)
    window.set_analysis(bench)
    settle(app, 0.2)

    opens = []
    for n in range(6):
        window.open_topic(1 if n % 2 else 0)
        settle(app)
        if n % 2 == 0:
            window.open_topic(1)
            settle(app)
        t = time.perf_counter()
        window.open_topic(0)
        settle(app)
        opens.append(time.perf_counter() - t)
    assert len(window.columns) == 5

    moves = []
    for column in range(5):
        window._set_focus(column)
        window.registry.run("passage-first")
        settle(app)
        for _ in range(12):
            t = time.perf_counter()
            window.registry.run("passage-next")
            settle(app)
            moves.append(time.perf_counter() - t)

    text = big_text(10 * 1024 * 1024)
    doc = big_document(text)
    big = Analysis(Corpus(root=tmp, documents=[doc]), [TopicInfo("big", "big", [doc.id])])
    window.set_analysis(big)
    settle(app, 0.3)
    t = time.perf_counter()
    window.open_document(doc.id)
    settle(app)
    open_big = time.perf_counter() - t
    stall = settle(app, 2.0)
    t = time.perf_counter()
    window.registry.run("passage-last")
    settle(app)
    to_end = time.perf_counter() - t
    t = time.perf_counter()
    window.registry.run("passage-first")
    settle(app)
    back = time.perf_counter() - t

    print(f"seeds analysis (entities + topics, worker thread): {analyse_s * 1000:.0f} ms")
    print(
        f"open a topic of five documents: first {opens[0] * 1000:.0f} ms (computes the "
        f"alignment), median {statistics.median(opens) * 1000:.0f} ms"
    )
    print(
        f"move to the next passage (5 aligned columns): median "
        f"{statistics.median(moves) * 1000:.1f} ms, max {max(moves) * 1000:.1f} ms "
        f"over {len(moves)} moves"
    )
    mb = len(text.encode("utf-8")) / 2**20
    print(
        f"10 MB document ({mb:.1f} MB, {len(doc.passages)} passages): "
        f"open on the GUI thread {open_big * 1000:.0f} ms; longest event-loop "
        f"stall while laid out {stall * 1000:.0f} ms; jump to the last passage "
        f"{to_end * 1000:.0f} ms, back to the first {back * 1000:.0f} ms"
    )
    window.close()


if __name__ == "__main__":
    main()
