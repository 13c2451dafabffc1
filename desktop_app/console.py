"""Console output in UTF-8 whatever the Windows code page.

Piped or redirected, Python writes in the ANSI code page: on an English Windows that is cp1252, and printing a
path under C:\\users\\张三 raised UnicodeEncodeError ('charmap') and ended the program with exit 1 (issue 18).
A real console is unaffected (Python writes it as UTF-16); pythonw has no console at all (stdout is None).
"""

from __future__ import annotations

import sys


def utf8_console() -> None:
    """Make stdout and stderr write UTF-8; characters that still cannot be written come out escaped."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (OSError, ValueError):  # a stream already written to in a way that cannot change: leave it
            pass
