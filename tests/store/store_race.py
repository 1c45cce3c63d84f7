"""Processes for the re-anchoring race test (not a test module).

    python store_race.py DB reanchor GO STOP   re-anchor the shared document against its two
                                               versions in turn (creating GO after the first
                                               round) until file STOP exists
    python store_race.py DB edit N SEED GO     once GO exists, N committed edits (note
                                               changes and deletes) of random annotations

After each edit has committed the editor prints one line: `U id note` or `D id`.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from store_helpers import make_doc

from reader.store.annotations import Store

PATH = "news/race.txt"
SENTENCES = [f"Sentence {i} tells of the river crossing at ferry {i * 7}." for i in range(40)]
TEXT_A = " ".join(SENTENCES) + "\n"
TEXT_B = "A new opening paragraph was added above the story.\n\n" + TEXT_A


def setup(store: Store) -> list[str]:
    """Annotate each sentence of version A; returns the ids."""
    doc = make_doc(TEXT_A, PATH)
    ids = []
    for sentence in SENTENCES:
        start = doc.text.index(sentence)
        ids.append(store.annotate(doc, start, start + len(sentence), note="first").id)
    return ids


def reanchor(store: Store, go: Path, stop: Path) -> None:
    docs = [make_doc(TEXT_B, PATH), make_doc(TEXT_A, PATH)]
    rounds = 0
    while not stop.exists():
        store.reanchor(docs[rounds % 2])
        rounds += 1
        if rounds == 1:
            go.touch()
        time.sleep(0.002)  # and the editor between re-anchorings
    print("R", rounds, flush=True)


def edit(store: Store, n: int, seed: int, go: Path) -> None:
    rng = random.Random(seed)
    while not go.exists():
        time.sleep(0.005)
    live = [a.id for a in store.list()]
    for i in range(n):
        ann_id = rng.choice(live)
        if rng.random() < 0.15 and len(live) > 5:
            store.delete(ann_id)
            live.remove(ann_id)
            print("D", ann_id, flush=True)
        else:
            store.update(ann_id, note=f"edit-{i}")
            print("U", ann_id, f"edit-{i}", flush=True)
        time.sleep(0.002)  # let the re-anchoring process take the write lock in between


if __name__ == "__main__":
    with Store(sys.argv[1]) as opened:
        if sys.argv[2] == "reanchor":
            reanchor(opened, Path(sys.argv[3]), Path(sys.argv[4]))
        else:
            edit(opened, int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
