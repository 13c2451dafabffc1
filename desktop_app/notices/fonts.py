"""The bundled TrueType CJK fonts, registered with reportlab once per process: WenQuanYi Micro Hei for
everything, BabelStone Han (the ideographs Micro Hei lacks: Extensions A–H) as the fallback for a rare name."""

import io
import sys
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from .errors import NoticeError

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = "wqy-microhei.ttc"
FALLBACK_NAME = "BabelStoneHanExt"
FALLBACK_FILE = "babelstone-han-ext.ttf"


_reportlab_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname, subset):
    """reportlab writes a character beyond the BMP (𠮷 U+20BB7) as five hex digits, which PDF readers take as
    U+20BB and a stray digit: copy, search and pdftotext then lose the name. Write it as its UTF-16 pair."""
    text = _reportlab_cmap(fontname, [min(v, 0xFFFF) for v in subset])
    if all(v <= 0xFFFF for v in subset):
        return text
    lines = text.split("\n")
    for i, v in enumerate(subset):
        if v > 0xFFFF:
            u = v - 0x10000
            pair = f"{0xD800 + (u >> 10):04X}{0xDC00 + (u & 0x3FF):04X}"
            lines = [f"<{i:02X}> <{pair}>" if line == f"<{i:02X}> <FFFF>" else line for line in lines]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def fonts_dir() -> Path:
    """resources/fonts, from the PyInstaller bundle when frozen, else from the repository root."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parents[2]
    return root / "resources" / "fonts"


@cache
def font() -> TTFont:
    """Register the font (about 0.3 s the first time) and return it; later calls are free."""
    path = fonts_dir() / FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"notice font missing: {path}")
    # Face 0 of the collection is the proportional "WenQuanYi Micro Hei". Read by Python and given as bytes, as
    # the window's font is (ui/app.py): no library opens a path under C:\users\张三 by itself.
    ttf = TTFont(FONT_NAME, io.BytesIO(path.read_bytes()), subfontIndex=0)
    pdfmetrics.registerFont(ttf)
    return ttf


@cache
def fallback() -> TTFont:
    """The fallback font, loaded only when a text needs it (about 0.2 s)."""
    path = fonts_dir() / FALLBACK_FILE
    if not path.is_file():
        raise FileNotFoundError(f"notice fallback font missing: {path}")
    ttf = TTFont(FALLBACK_NAME, str(path))
    pdfmetrics.registerFont(ttf)
    return ttf


def _in_primary(ch: str) -> bool:
    return ch.isspace() or ord(ch) in font().face.charToGlyph


def missing_glyphs(text: str) -> list[str]:
    """Characters of text (whitespace aside) no bundled font has a glyph for, in order of appearance."""
    seen: list[str] = []
    for ch in text:
        if not _in_primary(ch) and ord(ch) not in fallback().face.charToGlyph and ch not in seen:
            seen.append(ch)
    return seen


@lru_cache(maxsize=65536)
def runs(text: str) -> tuple[tuple[str, str], ...]:
    """(font name, piece) runs: the fallback only for the characters the main font lacks."""
    if all(_in_primary(ch) for ch in text):
        return ((font().fontName, text),) if text else ()
    out: list[list[str]] = []
    for ch in text:
        name = font().fontName if _in_primary(ch) else fallback().fontName
        if out and out[-1][0] == name:
            out[-1][1] += ch
        else:
            out.append([name, ch])
    return tuple((name, piece) for name, piece in out)


@lru_cache(maxsize=65536)
def width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in runs(text))


def draw_string(canvas, x: float, y: float, text: str, size: float, align: str = "left") -> None:
    """canvas.drawString with the fallback font where needed; align left, center or right of x."""
    w = width(text, size)
    x = x - w / 2 if align == "center" else x - w if align == "right" else x
    for name, piece in runs(text):
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, name, size)


def checked(text: str) -> str:
    """text unchanged, or NoticeError if no font would print a character of it (it would come out blank)."""
    missing = missing_glyphs(text)
    if missing:
        raise NoticeError(
            "missing_glyph",
            f"通知书字体缺少字符“{''.join(missing)}”，无法打印；请核对录入内容。",
        )
    return text


def coverage_lines() -> list[str]:
    """The code point ranges the fonts cover together, as resources/fonts/coverage.txt lists them."""
    points = sorted(set(font().face.charToGlyph) | set(fallback().face.charToGlyph))
    lines, start, prev = [], None, None
    for cp in points:
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            lines.append(f"{start:X}-{prev:X}" if prev != start else f"{start:X}")
            start = prev = cp
    if start is not None:
        lines.append(f"{start:X}-{prev:X}" if prev != start else f"{start:X}")
    return lines


if __name__ == "__main__":  # python -m desktop_app.notices.fonts: write coverage.txt after changing a font
    (fonts_dir() / "coverage.txt").write_text("\n".join(coverage_lines()) + "\n", encoding="ascii")
