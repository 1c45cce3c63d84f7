"""Print language-identification accuracy and speed on the hand-written test set.

    uv run python tests/bench/bench_language.py
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from reader.corpus.language import detect_language

DATA = Path(__file__).resolve().parent.parent / "data" / "langid"


def main() -> None:
    samples = sorted(DATA.glob("*.txt"))
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    confusions: list[str] = []
    start = time.perf_counter()
    for path in samples:
        want = path.name.split("_")[0]
        got, script = detect_language(path.read_text("utf-8"))
        total[want] += 1
        if got == want:
            right[want] += 1
        else:
            confusions.append(f"{path.name}: {want} -> {got} ({script})")
    elapsed = time.perf_counter() - start
    accuracy = sum(right.values()) / len(samples)
    print(f"language id on {len(samples)} samples: accuracy {accuracy:.3f}")
    for lang in sorted(total):
        print(f"  {lang}: {right[lang]}/{total[lang]}")
    for line in confusions:
        print("  wrong:", line)
    print(f"  {elapsed / len(samples) * 1000:.2f} ms per document")
    for chars in (120, 60):
        ok = sum(
            detect_language(p.read_text("utf-8")[:chars])[0] == p.name.split("_")[0]
            for p in samples
        )
        print(f"  first {chars} characters only: accuracy {ok / len(samples):.3f}")


if __name__ == "__main__":
    main()
