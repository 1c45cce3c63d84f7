"""The Qt user interface (the only package that imports Qt).

PySide6 is pinned below 6.12: 6.12.0 on CPython 3.11 drops a reference to `None` on every
call of a C++ method returning void, and the interpreter aborts after a few thousand calls.
"""
