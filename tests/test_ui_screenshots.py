"""Screenshots of every tab and dialog at 1366x768: offscreen (grab) and as a real window under Xvfb.

The PNGs go to the test's own temporary folder (pytest keeps the last runs' under its basetemp, to look at); the
tests check what can be checked mechanically: every view was drawn by this run, it fits 1366x768, the widgets it
is about are visible and filled in, no label, button or box title has its text cut off, and Chinese is drawn with
the bundled font (no boxes)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QFontMetrics, QImage

import ui_screenshots

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ("1-enrolment-checked", "1-enrolment-error", "2-payments-transferred", "2-payments-quote",
         "3-transfer-decided", "4-retirement-decided", "5-settings", "6-notice-issued-before", "6-notice",
         "7-import-report")


def check(report: dict, outdir: Path) -> None:
    assert sorted(report) == sorted(VIEWS)
    assert sorted(p.name for p in outdir.glob("*.png")) == sorted(Path(v["png"]).name for v in report.values())
    for view, seen in report.items():
        image = QImage(seen["png"])
        assert not image.isNull(), view
        assert image.width() <= 1366 and image.height() <= 768, (view, image.size())
        assert seen["missing"] == [], (view, seen["missing"])
        assert seen["clipped"] == [], (view, seen["clipped"])


def test_offscreen_screenshots_of_every_tab(qapp, demo_db_path, tmp_path):
    from desktop_app.services.session import open_trusted_session
    from desktop_app.ui.app import setup_application

    setup_application(qapp)
    session = open_trusted_session(demo_db_path, "截图")
    outdir = tmp_path / "shots"
    try:
        report = ui_screenshots.take(qapp, session, outdir, "offscreen")
    finally:
        session.close()
    check(report, outdir)
    metrics = QFontMetrics(qapp.font())
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "参保登记缴费记录转移接续退休资格示例滞纳金趸缴")


def test_real_window_screenshots_under_xvfb(demo_db_path, tmp_path):
    xvfb = shutil.which("xvfb-run")
    assert xvfb, "xvfb-run is missing: scripts/setup installs xvfb and xauth"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    outdir = tmp_path / "shots"
    command = [xvfb, "-a", "-s", "-screen 0 1366x768x24", sys.executable,
               str(ROOT / "tests" / "ui_screenshots.py"), str(outdir), "xvfb", str(demo_db_path)]
    run = subprocess.run(command, env=env, capture_output=True, encoding="utf-8", timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    check(report["views"], outdir)


def test_a_text_cut_off_or_a_hidden_widget_is_found(qtbot):
    """The checks themselves can fail: a label narrower than its text, and a view's widget left hidden or empty."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    fits, cut, hidden, empty = QLabel("参保登记"), QLabel("这一行字很长，放不进这么窄的标签里"), QLabel("等待期"), QLabel("—")
    for label in (fits, cut, hidden, empty):
        layout.addWidget(label)
    cut.setFixedWidth(40)
    root.show()
    hidden.hide()
    qtbot.waitExposed(root)
    assert [c.split(":")[0] for c in ui_screenshots.clipped(root)] == ["QLabel ?"]
    assert ui_screenshots.missing({"fits": fits, "hidden": hidden, "empty": empty}) == \
        ["hidden: not visible", "empty: empty"]
