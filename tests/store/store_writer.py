"""A writer process for the crash and concurrency tests (not a test module).

    python store_writer.py DB forever     add, update and delete until killed
    python store_writer.py DB count N GO  wait for file GO, then add N annotations

After each write has committed it prints one line: `A id`, `U id n` or `D id`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from reader.store.annotations import Store

SHA = "cd" * 32


def forever(store: Store) -> None:
    n = 0
    while True:
        ann = store.add("news/a.txt", SHA, 0, 5, "Hello", note="0", tags=["t"])
        print("A", ann.id, flush=True)
        for i in range(1, 4):
            store.update(ann.id, note=str(i) * (50 * i))
            print("U", ann.id, i, flush=True)
        n += 1
        if n % 3 == 0:
            store.delete(ann.id)
            print("D", ann.id, flush=True)


def count(store_path: str, n: int, go: Path) -> None:
    while not go.exists():
        time.sleep(0.005)
    with Store(store_path) as store:
        for i in range(n):
            ann = store.add("news/a.txt", SHA, 0, 5, "Hello", note=f"{i}")
            print("A", ann.id, flush=True)


if __name__ == "__main__":
    if sys.argv[2] == "forever":
        with Store(sys.argv[1]) as opened:
            forever(opened)
    else:
        count(sys.argv[1], int(sys.argv[3]), Path(sys.argv[4]))
