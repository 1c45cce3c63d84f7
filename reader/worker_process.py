"""Set-up of the app's analysis worker process (no Qt: it is imported in the child)."""

from __future__ import annotations

import os
import threading
import time


def watch_parent(parent_pid: int, interval: float = 1.0) -> None:
    """Exit this worker when the process that started it is gone (a crash or `os._exit`
    there must not leave it running)."""

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent_pid:
                os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
