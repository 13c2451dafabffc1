"""Which characters the bundled fonts can show and print, without loading a font: resources/fonts/coverage.txt
lists the code point ranges the fonts cover together (made by `python -m desktop_app.notices.fonts`, checked
against the fonts by tests/test_fonts.py). Services check a name with it at entry."""

from __future__ import annotations

from bisect import bisect_right
from functools import cache

from desktop_app.paths import resource_path


@cache
def _ranges() -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for line in resource_path("fonts", "coverage.txt").read_text(encoding="ascii").split():
        a, _, b = line.partition("-")
        starts.append(int(a, 16))
        ends.append(int(b or a, 16))
    return starts, ends


def covered(ch: str) -> bool:
    starts, ends = _ranges()
    i = bisect_right(starts, ord(ch)) - 1
    return i >= 0 and ord(ch) <= ends[i]


def unprintable(text: str) -> list[str]:
    """Characters of text (whitespace aside) no bundled font has, in order, each once."""
    out: list[str] = []
    for ch in text:
        if not ch.isspace() and not covered(ch) and ch not in out:
            out.append(ch)
    return out
