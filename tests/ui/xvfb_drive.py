"""Drive the real app under X with xdotool keys, take screenshots, and check the store.

    python tests/ui/xvfb_drive.py [--out DIR]

Uses $DISPLAY when an X server answers there, else starts its own Xvfb. The app runs as a
separate process (`python -m reader --db ...`) with its own state and config folders, so the
user's files are never touched. Exit code 0 when every check passed; 77 when xdotool, Xvfb or
ImageMagick's `import` is missing (the pytest wrapper skips then).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP = 77
ROOT = Path(__file__).resolve().parents[2]


class DriveError(AssertionError):
    """A check of the driven app failed."""


def missing_tools() -> list[str]:
    return [tool for tool in ("xdotool", "import") if shutil.which(tool) is None]


def display_works(display: str) -> bool:
    if not display:
        return False
    result = subprocess.run(
        ["xdotool", "getdisplaygeometry"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        timeout=10,
    )
    return result.returncode == 0


def start_xvfb() -> tuple[str, subprocess.Popen | None]:
    """An X display to use: $DISPLAY if it answers, else a new Xvfb (None when impossible)."""
    display = os.environ.get("DISPLAY", "")
    if display_works(display):
        return display, None
    if shutil.which("Xvfb") is None:
        return "", None
    for n in range(120, 140):
        if Path(f"/tmp/.X11-unix/X{n}").exists():
            continue
        proc = subprocess.Popen(
            ["Xvfb", f":{n}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if display_works(f":{n}"):
                return f":{n}", proc
            time.sleep(0.1)
        proc.terminate()
    return "", None


class Driver:
    """The app process and the xdotool calls that drive it."""

    def __init__(self, display: str, workdir: Path) -> None:
        self.display = display
        self.env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "XDG_CONFIG_HOME": str(workdir / "config"),
            "XDG_DATA_HOME": str(workdir / "data"),
            "CORPUS_READER_STATE": str(workdir / "state.json"),
        }
        self.db = workdir / "notes.db"
        self.log = open(workdir / "app.log", "w")  # noqa: SIM115 (closed in stop)
        self.proc: subprocess.Popen | None = None
        self.window = ""

    def xdo(self, *args: str) -> str:
        result = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        return result.stdout.strip()

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reader", "--db", str(self.db)],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise DriveError(f"the app exited with {self.proc.returncode}")
            ids = self.xdo("search", "--name", "— Corpus Reader").split()
            if ids:
                self.window = ids[-1]
                break
            time.sleep(0.3)
        else:
            raise DriveError("no window titled '… — Corpus Reader' within 60 s")
        self.xdo("windowfocus", "--sync", self.window)
        time.sleep(2.0)

    def keys(self, *names: str, pause: float = 0.15) -> None:
        for name in names:
            self.xdo("key", "--clearmodifiers", name)
            time.sleep(pause)

    def type(self, text: str) -> None:
        self.xdo("type", "--delay", "30", text)
        time.sleep(0.3)

    def screenshot(self, path: Path) -> Path:
        subprocess.run(
            ["import", "-window", "root", str(path)], env=self.env, check=True, timeout=30
        )
        return path

    def stop(self) -> int:
        code = -1
        if self.proc is not None:
            try:
                code = self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                code = self.proc.wait(timeout=10)
        self.log.close()
        return code


def wait_for(check, timeout: float):
    """`check()` once it is truthy (a busy machine is slow to answer keys), else its last value."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(0.3)
        value = check()
    return value


def notes_in_store(db: Path) -> list[tuple[str, str]]:
    """(note, quote) of the live annotations, read with plain sqlite3."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT note, quote FROM annotations WHERE deleted IS NULL").fetchall()


def mean_brightness(path: Path) -> float:
    """Average grey level (0-255) of the window area of a screenshot."""
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    if image.isNull():
        raise DriveError(f"unreadable screenshot {path}")
    total = count = 0
    for y in range(0, min(image.height(), 900), 9):
        for x in range(0, min(image.width(), 1400), 9):
            c = image.pixelColor(x, y)
            total += (c.red() + c.green() + c.blue()) / 3
            count += 1
    return total / count


SOAK_KEYS = [
    "j", "j", "j", "k", "l", "h", "bracketright", "bracketleft", "e", "shift+e", "shift+g",
    "g", "x", "shift+x", "s", "s", "question", "Escape", "ctrl+d", "ctrl+u", "v", "w", "Escape",
    "o", "Escape", "BackSpace", "ctrl+equal", "ctrl+minus", "Escape",
]  # fmt: skip


def window_size(driver: Driver) -> tuple[int, int]:
    """The app window's size (xdotool)."""
    for line in driver.xdo("getwindowgeometry", driver.window).splitlines():
        if "Geometry:" in line:
            w, h = line.split(":", 1)[1].strip().split("x")
            return int(w), int(h)
    raise DriveError("no window geometry")


def soak(driver: Driver, keys: int, seed: int) -> str:
    """Seeded random keys at the real window; after every few, the app must be alive and
    within the screen."""
    import random

    rng = random.Random(seed)
    screen = tuple(int(v) for v in driver.xdo("getdisplaygeometry").split())
    for n in range(keys):
        driver.keys(rng.choice(SOAK_KEYS), pause=0.08)
        if n % 10 == 9:
            if driver.proc is not None and driver.proc.poll() is not None:
                raise DriveError(f"the app died during the key soak (key {n})")
            width, height = window_size(driver)
            if width > screen[0] or height > screen[1]:
                raise DriveError(f"window {width}x{height} past the screen {screen} (key {n})")
    driver.keys("Escape", "Escape", pause=0.3)
    return f"{keys} random keys: the app stayed alive and within the screen"


def run(out: Path) -> list[str]:
    """Drive the app; returns what was checked. Raises DriveError on a failed check."""
    out.mkdir(parents=True, exist_ok=True)
    display, xvfb = start_xvfb()
    if not display:
        raise SystemExit(SKIP)
    checked: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        driver = Driver(display, Path(tmp))
        try:
            driver.start()
            driver.keys("j", "j", "l")  # two passages down, next column
            driver.keys("v", "parenright")  # visual mode, select to the end of the sentence
            driver.keys("a")  # annotate: the note editor opens with the focus
            driver.type("noted under Xvfb")
            driver.keys("ctrl+Return", pause=0.8)
            notes = wait_for(lambda: notes_in_store(driver.db), timeout=15)
            if [n for n, _ in notes] != ["noted under Xvfb"]:
                raise DriveError(f"expected one note in the store, found {notes}")
            quote = notes[0][1]
            if not quote.strip() or len(quote) > 600:
                raise DriveError(f"the note is not on one sentence: {quote!r}")
            checked.append(f"note saved by keys on: {quote[:60]!r}")
            light = driver.screenshot(out / "xvfb_light.png")
            driver.keys("ctrl+t", pause=1.0)  # dark theme
            dark = driver.screenshot(out / "xvfb_dark.png")
            b_light, b_dark = mean_brightness(light), mean_brightness(dark)
            if not b_dark < b_light - 40:
                raise DriveError(f"dark theme not darker: {b_light:.0f} vs {b_dark:.0f}")
            checked.append(f"screenshots: light {b_light:.0f}, dark {b_dark:.0f} mean grey")
            driver.keys("u", pause=0.8)  # undo the note
            if wait_for(lambda: not notes_in_store(driver.db), timeout=15) is False:
                raise DriveError("u did not undo the note")
            checked.append("u undid the note in the store")
            checked.append(soak(driver, keys=80, seed=7))
            driver.keys("ctrl+t", "ctrl+q", pause=0.5)
            code = driver.stop()
            if code != 0:
                raise DriveError(f"the app exited with code {code} on Ctrl+Q")
            state = Path(tmp) / "state.json"
            if not state.is_file() or '"theme": "light"' not in state.read_text("utf-8"):
                raise DriveError("the window state was not saved on quit")
            checked.append("Ctrl+Q quit cleanly and saved the state")
        finally:
            if driver.proc is not None and driver.proc.poll() is None:
                driver.proc.kill()
            if xvfb is not None:
                xvfb.terminate()
    return checked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "xvfb_drive")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"skipped: {', '.join(missing)} not installed")
        return SKIP
    try:
        checked = run(args.out)
    except DriveError as exc:
        print(f"FAILED: {exc}")
        return 1
    for line in checked:
        print("ok:", line)
    print(f"screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
