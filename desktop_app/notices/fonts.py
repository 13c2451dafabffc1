"""The bundled TrueType CJK font, registered with reportlab once per process."""

import io
import sys
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .errors import NoticeError

FONT_NAME = "WenQuanYiMicroHei"
FONT_FILE = "wqy-microhei.ttc"


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


def missing_glyphs(text: str) -> list[str]:
    """Characters of text (whitespace aside) the font has no glyph for, in order of appearance."""
    cmap = font().face.charToGlyph
    seen: list[str] = []
    for ch in text:
        if not ch.isspace() and ord(ch) not in cmap and ch not in seen:
            seen.append(ch)
    return seen


@lru_cache(maxsize=65536)
def width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font().fontName, size)


def checked(text: str) -> str:
    """text unchanged, or NoticeError if the font would print a blank for one of its characters."""
    missing = missing_glyphs(text)
    if missing:
        raise NoticeError(
            "missing_glyph",
            f"通知书字体缺少字符“{''.join(missing)}”，无法打印；请核对录入内容。",
        )
    return text
