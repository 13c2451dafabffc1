"""A screenshot of the Xvfb screen as PNG, from the frame buffer Xvfb keeps in a file (`Xvfb -fbdir DIR`).

    python3 screen.py DIR/Xvfb_screen0 OUT.png [LEFT TOP RIGHT BOTTOM]

The file is an XWD image (header, colour map, pixels); only the 24/32-bit TrueColor layout Xvfb writes is read.
Standard library only: the Wine proof runs with the system Python.
"""

import struct
import sys
import zlib
from pathlib import Path

FIELDS = ("header_size file_version pixmap_format depth width height xoffset byte_order bitmap_unit bit_order "
          "bitmap_pad bits_per_pixel bytes_per_line visual_class red_mask green_mask blue_mask bits_per_rgb "
          "colormap_entries ncolors").split()


def read_xwd(data: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, RGB rows)."""
    for order in (">", "<"):
        header = dict(zip(FIELDS, struct.unpack_from(order + "20I", data)))
        if header["file_version"] == 7:
            break
    else:
        raise ValueError("not an XWD file")
    if header["bits_per_pixel"] != 32 or header["red_mask"] not in (0xFF0000, 0x0000FF):
        raise ValueError(f"unsupported pixel layout: {header}")
    width, height, stride = header["width"], header["height"], header["bytes_per_line"]
    start = header["header_size"] + header["ncolors"] * 12
    # pixel value 0x00RRGGBB; in memory B G R X when the image is least-significant byte first
    little = header["byte_order"] == 0
    r, g, b = (2, 1, 0) if little else (1, 2, 3)
    if header["red_mask"] == 0x0000FF:
        r, b = b, r
    rows = []
    for y in range(height):
        row = data[start + y * stride:start + y * stride + width * 4]
        rgb = bytearray(width * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = row[r::4], row[g::4], row[b::4]
        rows.append(bytes(rgb))
    return width, height, rows


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def main(argv: list[str]) -> int:
    width, height, rows = read_xwd(Path(argv[0]).read_bytes())
    if len(argv) == 6:
        left, top, right, bottom = (int(v) for v in argv[2:6])
        left, top = max(left, 0), max(top, 0)
        right, bottom = min(right, width), min(bottom, height)
        rows = [row[left * 3:right * 3] for row in rows[top:bottom]]
        width, height = right - left, bottom - top
    Path(argv[1]).write_bytes(png(width, height, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
