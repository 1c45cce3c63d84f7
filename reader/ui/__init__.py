"""The Qt user interface (the only package that imports Qt).

PySide6 6.12 on CPython < 3.12 drops one reference to `None` on every call of a C++ method
returning void; after a few thousand calls CPython aborts with "deallocating None". Python 3.12
made `None` immortal; on older versions we give it enough references that it never reaches zero.
"""

from __future__ import annotations

import sys


def _keep_none_alive() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is PyObject's first field
    if refcount.value < 1 << 40:
        refcount.value += 1 << 40


_keep_none_alive()
