"""拼音首字母 of a name, for finding a person by typing "zw" for 张伟 (pypinyin, a well-kept library). A character
read more than one way (曾 zeng/ceng, 单 shan/dan) gives each reading, so the clerk's reading is found."""

from __future__ import annotations

import itertools

from pypinyin import Style, pinyin

MAX_VARIANTS = 16   # 3 heteronyms in one name are rare; a cap keeps the index small


def initials(name: str) -> list[str]:
    """Every way of writing the name's initials, e.g. ["CZQ", "ZZQ"] for 曾志强; Latin words give their first
    letter; characters pypinyin does not know (rare extension ideographs) are skipped."""
    options: list[list[str]] = []
    for word in _pieces(name):
        if word.isascii():
            options.append([word[0].upper()])
            continue
        for reading in pinyin(word, style=Style.FIRST_LETTER, heteronym=True, errors="ignore"):
            letters = sorted({r[:1].upper() for r in reading if r[:1].isalpha()})
            if letters:
                options.append(letters)
    out = []
    for combo in itertools.islice(itertools.product(*options), MAX_VARIANTS):
        out.append("".join(combo))
    return sorted(set(out)) if options else []


def _pieces(name: str) -> list[str]:
    """Runs of Latin letters, and single other characters (separators dropped)."""
    out, run = [], ""
    for ch in name:
        if ch.isascii() and ch.isalpha():
            run += ch
            continue
        if run:
            out.append(run)
            run = ""
        if not ch.isspace() and ch not in "·•.-'":
            out.append(ch)
    if run:
        out.append(run)
    return out
