"""Re-anchoring in one process never undoes another process's edits (real processes)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from store_helpers import REPO
from store_race import setup

from reader.store.annotations import Store

RACE = Path(__file__).with_name("store_race.py")
EDITS = 300


def _env() -> dict[str, str]:
    env = dict(os.environ)
    here = str(Path(__file__).parent)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), here, env.get("PYTHONPATH", "")])
    return env


def test_reanchoring_process_keeps_every_committed_edit_and_delete(store_path: Path, tmp_path):
    with Store(store_path) as store:
        setup(store)
    go, stop = tmp_path / "go", tmp_path / "stop"
    seed = random.randrange(1 << 30)
    reanchorer = subprocess.Popen(
        [sys.executable, str(RACE), str(store_path), "reanchor", str(go), str(stop)],
        stdout=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip
    try:
        editor = subprocess.run(
            [sys.executable, str(RACE), str(store_path), "edit", str(EDITS), str(seed), str(go)],
            capture_output=True, text=True, env=_env(), timeout=120,
        )  # fmt: skip
    finally:
        stop.touch()
        rounds_out, _ = reanchorer.communicate(timeout=60)
    assert editor.returncode == 0, editor.stderr
    rounds = int(rounds_out.split()[1])
    assert rounds >= 20, f"the two processes hardly overlapped ({rounds} re-anchorings)"
    notes: dict[str, str] = {}
    deleted: set[str] = set()
    for line in editor.stdout.splitlines():
        kind, ann_id, *rest = line.split()
        if kind == "U":
            notes[ann_id] = rest[0]
        else:
            deleted.add(ann_id)
    assert len(notes) + len(deleted) > 30
    with Store(store_path) as store:
        live = {a.id: a for a in store.list()}
        resurrected = sorted(deleted & set(live))
        reverted = sorted(i for i, note in notes.items() if i in live and live[i].note != note)
        # positions follow the text: every live annotation sits on its quote in one version
        assert all(a.status in ("anchored", "moved") for a in live.values())
    assert (resurrected, reverted) == ([], []), f"seed {seed}, {rounds} re-anchorings"
