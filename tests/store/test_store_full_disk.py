"""A full disk (a 2 MB tmpfs, mounted in a private namespace) and a read-only store."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import REPO

DRIVER = r"""
import json, os, subprocess, sys
from pathlib import Path
mnt = Path(sys.argv[1])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], check=True)
(mnt / "c").mkdir()
(mnt / "c" / "a.txt").write_text("The ferry to Phnom Penh left at dawn.\n", "utf-8")
db = str(mnt / "s.sqlite3")
def cli(*argv):
    done = subprocess.run([sys.executable, "-m", "reader", *argv], capture_output=True, text=True)
    return {"rc": done.returncode, "out": done.stdout, "err": done.stderr}
out = {"setup": [cli("annotate", str(mnt / "c" / "a.txt"), "--quote", "ferry", "--db", db),
                 cli("index", str(mnt / "c"), "--db", db, "--quiet")]}
fd = os.open(mnt / "fill", os.O_WRONLY | os.O_CREAT)  # fill the disk
try:
    while True:
        os.write(fd, b"\0" * 4096)
except OSError:
    os.close(fd)
out["annotations"] = cli("annotations", "--json", "--db", db)
out["export"] = cli("export", "--db", db)
out["docs"] = cli("docs", str(mnt / "c"), "--json", "--db", db)
out["search"] = cli("search", "ferry", str(mnt / "c"), "--json", "--db", db)
out["annotate"] = cli("annotate", str(mnt / "c" / "a.txt"), "--quote", "dawn", "--db", db)
out["create"] = cli("annotate", str(mnt / "c" / "a.txt"), "--quote", "dawn",
                    "--db", str(mnt / "new.sqlite3"))
out["files"] = sorted(p.name for p in mnt.iterdir())
print(json.dumps(out))
"""


def _in_namespace(tmp_path: Path) -> dict:
    if not shutil.which("unshare") or sys.platform != "linux":
        pytest.skip("needs Linux unshare to mount a small tmpfs")
    mnt = tmp_path / "m"
    mnt.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        ["unshare", "-rm", sys.executable, "-c", DRIVER, str(mnt)],
        capture_output=True, text=True, env=env, timeout=240,
    )  # fmt: skip
    if done.returncode != 0 and "mount" in done.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip().splitlines()[-1]}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_full_disk_lets_reads_work_and_says_writes_cannot(tmp_path: Path):
    out = _in_namespace(tmp_path)
    assert [r["rc"] for r in out["setup"]] == [0, 0], out["setup"]
    for name in ("annotations", "export", "docs", "search"):
        assert out[name]["rc"] == 0, (name, out[name]["err"])
        assert "Traceback" not in out[name]["err"]
    [ann] = json.loads(out["annotations"]["out"])["annotations"]
    assert ann["quote"] == "ferry"
    assert json.loads(out["export"]["out"])["total"] == 1
    assert [d["path"] for d in json.loads(out["docs"]["out"])["documents"]] == ["a.txt"]
    assert json.loads(out["search"]["out"])["total"] == 1
    for name in ("annotate", "create"):
        err = out[name]["err"]
        assert out[name]["rc"] == 1 and "disk is full" in err and err.count("\n") == 1, err
    # the store that could not be created left nothing behind
    assert not [f for f in out["files"] if f.startswith("new.sqlite3")], out["files"]
