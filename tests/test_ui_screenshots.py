"""Screenshots of every tab and dialog at 1366x768: offscreen (grab) and as a real window under Xvfb.

The PNGs go to tests/screenshots/ to be looked at; the tests check what can be checked mechanically:
each view was drawn, the window fits 1366x768, and Chinese is drawn with the bundled font (no boxes)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QFontMetrics, QImage

import ui_screenshots

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "screenshots"
VIEWS = ("1-enrolment-checked", "1-enrolment-error", "2-payments-transferred", "2-payments-quote",
         "3-transfer-decided", "4-retirement-decided", "5-settings", "6-notice", "7-import-report")


def _check_pngs(label: str) -> None:
    for view in VIEWS:
        image = QImage(str(OUT / f"{label}-{view}.png"))
        assert not image.isNull(), view
        assert image.width() <= 1366 and image.height() <= 768, (view, image.size())
        # something was drawn: more than a handful of distinct colours
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 8, view


def test_offscreen_screenshots_of_every_tab(qapp, demo_db_path):
    from desktop_app.services.session import open_trusted_session
    from desktop_app.ui.app import setup_application

    setup_application(qapp)
    session = open_trusted_session(demo_db_path, "截图")
    try:
        ui_screenshots.take(qapp, session, OUT, "offscreen")
    finally:
        session.close()
    _check_pngs("offscreen")
    metrics = QFontMetrics(qapp.font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "参保登记缴费记录转移接续退休资格示例滞纳金趸缴")


def test_real_window_screenshots_under_xvfb(demo_db_path):
    xvfb = shutil.which("xvfb-run")
    assert xvfb, "xvfb-run is missing: scripts/setup installs xvfb and xauth"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    command = [xvfb, "-a", "-s", "-screen 0 1366x768x24", sys.executable,
               str(ROOT / "tests" / "ui_screenshots.py"), str(OUT), "xvfb", str(demo_db_path)]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    _check_pngs("xvfb")
