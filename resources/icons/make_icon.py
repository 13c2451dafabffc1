"""Draw the app icon (a blue tile with a white cross over a ledger line) as PNGs and a multi-size .ico.

Run once: .venv/bin/python resources/icons/make_icon.py  (QT_QPA_PLATFORM=offscreen works).
"""

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 256)


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 16.0
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(0.5 * s, 0.5 * s, 15 * s, 15 * s), 3 * s, 3 * s)
    p.fillPath(tile, QColor("#1f6fb2"))
    white = QColor("#ffffff")
    p.fillRect(QRectF(6.5 * s, 2.5 * s, 3 * s, 9 * s), white)   # cross, vertical
    p.fillRect(QRectF(3.5 * s, 5.5 * s, 9 * s, 3 * s), white)   # cross, horizontal
    p.fillRect(QRectF(3 * s, 12.5 * s, 10 * s, 1.2 * s), QColor("#9fd0f5"))  # ledger line
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data)


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """ICO with PNG-compressed entries (Windows Vista and later read them)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images.items():
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    path.write_bytes(header + entries + blobs)


def main() -> None:
    app = QGuiApplication(sys.argv)  # noqa: F841 (needed for QPainter)
    images = {size: png_bytes(draw(size)) for size in SIZES}
    for size in (16, 32, 64, 256):
        (HERE / f"app-{size}.png").write_bytes(images[size])
    write_ico(HERE / "app.ico", images)


if __name__ == "__main__":
    main()
