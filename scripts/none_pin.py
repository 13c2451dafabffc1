"""Development environment only, never shipped: keep PySide6 6.12 alive on this machine's CPython 3.11.

Measured here: every call of a void Qt method (QLabel.setText, QWidget.show, processEvents …) through
PySide6 6.12.0 on CPython 3.11 drops one reference to None; after a few thousand calls the process aborts
with "Fatal Python error: none_dealloc" (PySide6 6.11.3 does not; 6.12 is the first release with the QtPdf
add-on wheel the app uses). CPython 3.12 made None immortal (PEP 683): the Windows build runs 3.13, and
installer/test-under-wine runs the rule, store and service tests and the self-check on that interpreter
without this. Debian 12 has only 3.11, so scripts/setup installs this module into the venv with a .pth
file: every Python process of the venv (the tests, the programs they start, scripts/demo, the benchmark)
runs it at start-up, and desktop_app itself carries no such workaround.
"""

import sys

_PINNED = 1 << 48


def pin() -> bool:
    """Give None a huge reference count on CPython < 3.12 (effectively immortal); True when it was needed."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    import ctypes

    refcount = ctypes.c_ssize_t.from_address(id(None))
    if refcount.value < _PINNED // 2:
        refcount.value += _PINNED
    return True


pin()
