"""Starting the app where no window can be shown gives one clear line, not a Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland check is Linux only")
def test_no_display_is_a_clear_error() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    proc = subprocess.run(
        [sys.executable, "-m", "reader"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1
    assert "QT_QPA_PLATFORM=offscreen" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
