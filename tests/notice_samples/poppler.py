"""The poppler tools the notice tests read PDFs back with. Missing tools fail the test, never skip it."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    """Run `tool [args] file.pdf -` on the PDF bytes and return its stdout as text."""
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} not found: install poppler-utils and poppler-data (scripts/setup does)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(pdf)
        cmd = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
        done = subprocess.run(cmd, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout.decode("utf-8")


def png_size(pdf: bytes, dpi: int = 80) -> tuple[int, int]:
    """Render page 1 with pdftoppm -png and return the image's width and height in pixels."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm not found: install poppler-utils (scripts/setup does)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(path),
                        str(Path(tmp) / "page")], check=True, timeout=60)
        png = (Path(tmp) / "page.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
