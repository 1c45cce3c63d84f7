"""Files outside the corpus folder are never read, whichever command lists the folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main

SECRET = "root:x:0:0:secret-account:/root:/bin/bash\n"
OUTSIDE = "a link to a file outside the corpus folder; not read"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "c"
    (root / "sub").mkdir(parents=True)
    (root / "ok.txt").write_text("The ferry crossed the river at dawn.\n", "utf-8")
    (root / "sub" / "inner.txt").write_text("A second story about the bridge.\n", "utf-8")
    secret = tmp_path / "passwd.txt"
    secret.write_text(SECRET, "utf-8")
    (root / "evil.txt").symlink_to(secret)
    (root / "alias.txt").symlink_to(root / "sub" / "inner.txt")  # inside: read as usual
    return root


def _json(capsys, *argv: str) -> dict:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("with_store", [False, True])
def test_docs_skips_a_link_to_a_file_outside_and_says_so(corpus, tmp_path, capsys, with_store):
    store = ["--db", str(tmp_path / "s.sqlite3")] if with_store else []
    data = _json(capsys, "docs", str(corpus), "--json", *store)
    assert [d["path"] for d in data["documents"]] == ["alias.txt", "ok.txt", "sub/inner.txt"]
    assert {"path": "evil.txt", "reason": OUTSIDE} in data["skipped"]
    assert "secret" not in json.dumps(data)


def test_index_and_search_never_see_the_outside_file(corpus, tmp_path, capsys):
    db = str(tmp_path / "s.sqlite3")
    report = _json(capsys, "index", str(corpus), "--db", db, "--json", "--quiet")
    assert report["errors"] == 1
    found = _json(capsys, "search", "secret", str(corpus), "--db", db, "--json")
    assert found["total"] == 0 and found["hits"] == []
    assert _json(capsys, "search", "ferry", str(corpus), "--db", db, "--json")["total"] == 1


def test_annotate_and_annotations_decide_alike(corpus, tmp_path, capsys):
    db = str(tmp_path / "s.sqlite3")
    code = main(["annotate", str(corpus / "evil.txt"), "--quote", "root", "--corpus", str(corpus),
                 "--db", db])  # fmt: skip
    assert code == 2 and "not inside the corpus folder" in capsys.readouterr().err
    assert main(["annotate", str(corpus / "ok.txt"), "--quote", "ferry", "--db", db]) == 0
    capsys.readouterr()
    # the file is replaced by a link out of the corpus: re-anchoring does not read it
    (corpus / "ok.txt").unlink()
    (corpus / "ok.txt").symlink_to(tmp_path / "passwd.txt")
    listed = _json(capsys, "annotations", "--corpus", str(corpus), "--db", db, "--json")
    [ann] = listed["annotations"]
    assert ann["quote"] == "ferry" and ann["status"] == "anchored"


def _unprivileged() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def test_an_unreadable_folder_is_listed_as_skipped(corpus, tmp_path):
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "hidden.txt").write_text("Behind a locked door.\n", "utf-8")
    locked.chmod(0)
    try:
        env = {**os.environ, "CORPUS_READER_DB": str(tmp_path / "none" / "s.sqlite3")}
        done = subprocess.run(
            [*_unprivileged(), sys.executable, "-m", "reader", "docs", str(corpus), "--json"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
    finally:
        locked.chmod(0o755)
    assert done.returncode == 0, done.stderr
    skipped = json.loads(done.stdout)["skipped"]
    assert {"path": "locked/", "reason": "folder cannot be read: Permission denied"} in skipped
