"""A few short documents in three scripts, written to a folder and indexed (shared by the
tests of reading a corpus back from the index)."""

from __future__ import annotations

from pathlib import Path

from reader.cli import main

TEXTS = {
    "a.txt": "Hun Sen met Vietnamese leaders in Hanoi.\n\nThe talks lasted two days.\n",
    "b.md": "# សម្តេច ហ៊ុន សែន\n\nលោក ហ៊ុន សែន បានជួបជាមួយមេដឹកនាំវៀតណាម។\n",
    "c.txt": "Ông Hun Sen gặp các lãnh đạo Việt Nam tại Hà Nội.\n",
}


def index_texts(tmp_path: Path, texts: dict[str, str]) -> tuple[Path, str]:
    """`texts` written to `tmp_path/corpus` and indexed into `tmp_path/store.sqlite3`."""
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in texts.items():
        (root / name).write_text(text, "utf-8")
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    return root, db
