"""Opening again with the mismatches panel left open, under X (found on a keyboard tour:
the topics panel took 1318 of 1400 px and the columns kept 76)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.xvfb_drive import start_xvfb

SCRIPT = Path(__file__).with_name("restore_docks_x.py")


def test_a_restored_layout_leaves_the_columns_their_room():
    display, xvfb = start_xvfb()
    if not display:
        pytest.skip("no X display and no Xvfb")
    try:
        env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        result = subprocess.run(
            [sys.executable, str(SCRIPT)],
            env={**env, "DISPLAY": display},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        if xvfb is not None:
            xvfb.terminate()
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
