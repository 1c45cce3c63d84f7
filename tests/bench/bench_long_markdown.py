"""A 5 MB single-line Markdown file: load time and peak memory, in a fresh process.

    uv run --extra test python tests/bench/bench_long_markdown.py [--mb 5]

The paragraph is over `markdown.MAX_BLOCK_CHARS`, so it is read as plain text (with a warning);
before that bound markdown-it took ~18 s and ~900 MB on such a file.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import resource, sys, time
from pathlib import Path
from reader.corpus.loading import load_document
started = time.perf_counter()
doc = load_document(Path(sys.argv[1]))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"load: {seconds:.2f} s, peak memory {peak} MB, {len(doc.passages)} passages, "
      f"warnings: {doc.warnings}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0)
    args = parser.parse_args()
    rng = random.Random(15)
    words = [
        "the",
        "*ferry*",
        "crossed",
        "[the",
        "river](http://x)",
        "at",
        "`dawn`",
        "and",
        "**boats**",
        "waited",
    ]
    size = int(args.mb * 1e6)
    line = " ".join(rng.choice(words) for _ in range(size // 5))[:size]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "long.md")
        path.write_text(f"# A long line\n\n{line}\n", "utf-8")
        print(f"file: {path.stat().st_size / 1e6:.1f} MB, one paragraph on one line")
        subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True)


if __name__ == "__main__":
    main()
