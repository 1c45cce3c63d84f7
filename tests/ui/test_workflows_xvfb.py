"""The real app under X, driven by xdotool keys (skipped where X tools are missing)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("xvfb_drive.py")


@pytest.mark.skipif(
    shutil.which("xdotool") is None or shutil.which("import") is None,
    reason="xdotool and ImageMagick's import are needed",
)
def test_real_app_driven_by_xdotool(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    if result.returncode == 77:
        pytest.skip(result.stdout.strip() or "no X display and no Xvfb")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "note saved by keys" in result.stdout
    assert (tmp_path / "xvfb_dark.png").is_file()
