"""The core stays free of Qt, and the package ships its data."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import zipfile
from pathlib import Path

import reader

ROOT = Path(__file__).resolve().parent.parent


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(reader.__path__, "reader."):
        if not info.name.startswith("reader.ui") and info.name != "reader.__main__":
            names.append(info.name)
    return names


def test_core_modules_import_without_qt() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "print(bad)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_wheel_carries_resources_and_seeds(tmp_path: Path) -> None:
    proc = subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "reader/_data/resources/fonts/NotoSansKhmer-Regular.ttf" in names
    assert "reader/_data/resources/fonts/OFL.txt" in names
    seeds = {n for n in names if n.startswith("reader/_data/seeds/")}
    assert len(seeds) == 5
