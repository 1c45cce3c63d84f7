"""A writer killed with SIGKILL loses nothing it committed; two writers at once both succeed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_helpers import REPO, integrity

from reader.store.annotations import Store

WRITER = Path(__file__).with_name("store_writer.py")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _parse(lines: list[str]) -> list[list[str]]:
    # the last line may be cut off by the kill; complete lines end with a newline
    return [line.split() for line in lines if line.endswith("\n")]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_at_random_moments_loses_no_committed_write(store_path: Path):
    Store(store_path).close()
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    notes: dict[str, int] = {}  # id -> last update the writer reported as committed
    deleted: set[str] = set()
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(store_path), "forever"],
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        assert proc.stdout is not None
        lines = [proc.stdout.readline()]  # it is writing now
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        lines += proc.stdout.readlines()
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
        for parts in _parse(lines):
            if parts[0] == "A":
                notes[parts[1]] = 0
            elif parts[0] == "U":
                notes[parts[1]] = int(parts[2])
            elif parts[0] == "D":
                deleted.add(parts[1])
        assert integrity(store_path) == "ok", f"seed {seed}"
        with Store(store_path) as store:
            for ann_id, version in notes.items():
                ann = store.get(ann_id, include_deleted=True)
                assert ann is not None, f"committed annotation lost (seed {seed})"
                stored = 0 if ann.note == "0" else len(ann.note) // 50
                assert stored >= version, f"committed update lost (seed {seed})"
                assert ann.tags == ("t",)
                if ann_id in deleted:
                    assert ann.deleted is not None
    assert len(notes) >= 6


def test_two_processes_writing_at_once_both_succeed(tmp_path: Path):
    path = tmp_path / "fresh" / "store.sqlite3"  # neither finds a store: both create it
    go = tmp_path / "go"
    n = 120
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(path), "count", str(n), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for _ in range(2)
    ]
    time.sleep(0.3)  # both have started and wait for the signal
    go.touch()
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert len(out.splitlines()) == n
    ids = {line.split()[1] for out, _ in outputs for line in out.splitlines()}
    assert len(ids) == 2 * n
    with Store(path) as store:
        assert {a.id for a in store.list()} == ids
    assert integrity(path) == "ok"
