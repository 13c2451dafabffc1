"""Work around PySide6 6.12 returning None without a reference on CPython 3.11 (3.12+ has immortal None)."""

from __future__ import annotations

import sys

# Measured here: every call of a void Qt method (QLabel.setText, QWidget.show, processEvents …) through
# PySide6 6.12.0 on CPython 3.11 drops one reference to None; after a few thousand calls the process
# aborts with "Fatal Python error: none_dealloc". CPython 3.12 made None immortal (PEP 683), so the
# Windows build (Python 3.13) is not affected. Giving None a huge reference count makes it immortal here.
_PINNED = 1 << 48


def pin_none_refcount() -> bool:
    """Make None effectively immortal on CPython < 3.12; return True when it was needed."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    import ctypes

    refcount = ctypes.c_ssize_t.from_address(id(None))
    if refcount.value < _PINNED // 2:
        refcount.value += _PINNED
    return True
