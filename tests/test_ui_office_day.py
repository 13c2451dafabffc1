"""The office's day in the window: 今日待办 in front at start with its counts, a double click opens the person, the
lists export, a batch of reminders with progress, the monthly report with its chart and the daily close; each view
is saved as a screenshot (FLEXINS_SHOTS=folder keeps them to look at)."""

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop_app.services import worklists
from desktop_app.services.session import open_trusted_session
from tests.notice_samples.poppler import poppler

DAY = date(2025, 6, 16)


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("FLEXINS_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo_window(qtbot, qapp, demo_db_path):
    from desktop_app.ui.app import setup_application
    from desktop_app.ui.main_window import MainWindow

    setup_application(qapp)
    session = open_trusted_session(demo_db_path, operator="测试员")
    w = MainWindow(session, demo=True, clock=lambda: DAY)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: bool(w.worklist_page.counts) and not w.worklist_page.busy, timeout=30000)
    yield w
    w.close()
    session.close()


def to_png(pdf: Path, root: Path, pages: int = 1) -> None:
    """The PDF's first pages as PNGs beside the screenshots (pdftoppm), to look at."""
    import subprocess

    done = subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(pages), str(pdf), str(root)],
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr


def save(widget, shots: Path, name: str) -> Path:
    path = shots / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def pick_list(qtbot, page, kind: str) -> None:
    for i in range(page.lists.count()):
        if page.lists.item(i).data(Qt.ItemDataRole.UserRole) == kind:
            page.lists.setCurrentRow(i)
    qtbot.waitUntil(lambda: page.model.kind == kind and not page.busy, timeout=30000)


# on the office's server too: the page refreshes the outlooks and reads the lists on a worker thread's connection
@pytest.mark.parametrize("engine", ["sqlite", "postgresql"], indirect=True)
def test_the_window_opens_on_the_days_lists_and_a_double_click_opens_the_person(engine, qtbot, demo_window, shots,
                                                                                tmp_path):
    w, page = demo_window, demo_window.worklist_page
    assert w.session.server == (engine == "postgresql")
    assert w.work_stack.currentWidget() is page and not page.status.text().startswith("读取待办清单失败")
    expected = worklists.counts(w.session, DAY)
    for i in range(page.lists.count()):
        kind = page.lists.item(i).data(Qt.ItemDataRole.UserRole)
        assert page.lists.item(i).text().endswith(f"（{expected[kind]}）")
    assert expected["stop_next_month"] and expected["recent_lapse"]
    pick_list(qtbot, page, "stop_next_month")
    assert page.model.rowCount() == expected["stop_next_month"]
    save(w, shots, "worklists")
    first = page.model.rows[0]
    index = page.model.index(0, 0)
    page.view.doubleClicked.emit(index)
    assert w.person_id == first.person_id and w.work_stack.currentWidget() is w.ui.work_panel
    assert first.name in w.ui.person_label.text()
    qtbot.keyClick(w, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert w.work_stack.currentWidget() is page
    qtbot.keyClick(w, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert w.work_stack.currentWidget() is w.ui.work_panel and w.ui.tab_widget.currentIndex() == 1

    written = page.export("xlsx", tmp_path / "list.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(written).active
    assert ws["A1"].value.startswith("次月将停止待遇") and ws.max_row == 2 + len(page.model.rows)
    assert page.export("csv", tmp_path / "list.csv").read_text(encoding="utf-8-sig").count("\n") == 1 + len(page.model.rows)


def test_the_jurisdiction_filter_empties_another_offices_lists(qtbot, demo_window):
    page = demo_window.worklist_page
    pick_list(qtbot, page, "stop_next_month")
    assert page.model.rowCount()
    page.jurisdiction_combo.setCurrentIndex(page.jurisdiction_combo.findData("jiangsu"))
    qtbot.waitUntil(lambda: not page.busy and page.model.rowCount() == 0, timeout=30000)


def test_a_batch_of_reminders_from_the_list_with_progress(qtbot, demo_window, shots, tmp_path):
    page = demo_window.worklist_page
    pick_list(qtbot, page, "arrears_closing")
    page.days_spin.setValue(90)
    page.reload()
    qtbot.waitUntil(lambda: not page.busy, timeout=30000)
    rows = list(page.model.rows)
    page.batch_button.click()
    dialog = demo_window.batch_dialog
    qtbot.addWidget(dialog)
    assert dialog.kind_combo.currentData() == "arrears_demand"
    save(dialog, shots, "batch-before")
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60000)
    save(dialog, shots, "batch-done")
    assert len(dialog.result.serials) == len(rows)
    pdf = dialog.save_pdf(tmp_path / "print.pdf")
    sign = dialog.save_sign_list(tmp_path / "sign.pdf")
    calls = dialog.save_call_list(tmp_path / "calls.xlsx")
    text = poppler("pdftotext", sign.read_bytes(), "-raw")
    assert "签收登记表" in text and dialog.result.serials[0] in text
    assert pdf.read_bytes().startswith(b"%PDF")
    from openpyxl import load_workbook

    ws = load_workbook(calls).active
    assert [c.value for c in ws[3]][:2] == ["姓名", "联系电话"] and ws.max_row == 3 + len(rows)
    to_png(pdf, shots / "batch-notice", 3)
    dialog.reject()


def test_the_monthly_report_with_its_chart_and_the_people_behind_a_figure(qtbot, demo_window, shots, tmp_path):
    w = demo_window
    dialog = w.open_report()
    qtbot.addWidget(dialog)
    dialog.first_edit.setDate(dialog.first_edit.date().addMonths(-4))
    dialog.run()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60000)
    assert dialog.table.rowCount() == len(dialog.report.figures) and not dialog.chart.pixmap().isNull()
    save(dialog, shots, "report")
    pdf = dialog.save_pdf(tmp_path / "report.pdf")
    to_png(pdf, shots / "report-pdf", 2)
    assert dialog.save_xlsx(tmp_path / "report.xlsx").exists()
    dialog.table.selectRow(0)
    people = dialog.show_people()
    qtbot.addWidget(people)
    assert people.list.count() == dialog.report.figures[0].value
    people.list.itemDoubleClicked.emit(people.list.item(0))
    assert w.person_id == people.list.item(0).data(Qt.ItemDataRole.UserRole)
    dialog.reject()


def test_the_daily_close_in_the_window(qtbot, demo_window, shots, tmp_path):
    w = demo_window
    dialog = w.open_daily_close()
    qtbot.addWidget(dialog)
    dialog.day_edit.setDate(dialog.day_edit.date())
    dialog._fill_operators()
    assert dialog.operator_combo.count() >= 1 and dialog.table.rowCount()
    save(dialog, shots, "daily-close")
    pdf = dialog.save_pdf(tmp_path / "close.pdf")
    to_png(pdf, shots / "daily-close-pdf")
    to_png(tmp_path / "close.pdf", shots / "daily-close-pdf")
    assert "经办日结单" in poppler("pdftotext", pdf.read_bytes(), "-raw")
    dialog.accept()
