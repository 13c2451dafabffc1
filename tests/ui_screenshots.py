"""Screenshots of every tab and dialog at 1366x768 on the demo database, to look at (issue 3), and what can be
checked in them: the widgets each view must show, visible and filled in, and no text cut off (issue 16).

Used in-process by tests/test_ui_screenshots.py (offscreen) and as a script under a real X server:
    python tests/ui_screenshots.py OUTDIR LABEL DEMO_DB     (prints the report as one JSON line)
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QElapsedTimer  # noqa: E402
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QGroupBox, QLabel,  # noqa: E402
                               QMessageBox, QWidget)

DAY = date(2025, 6, 16)  # the demo database's business date (tests/conftest.py builds it on this day)
BAD_ID = "411502198503150034"


def settle(app: QApplication, ms: int = 150) -> None:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        app.processEvents()


def pick(session, sql: str) -> int:
    return session.db.execute(sql).fetchone()[0]


def _text_of(widget) -> str:
    if isinstance(widget, (QLabel, QAbstractButton)):
        return widget.text()
    if isinstance(widget, QGroupBox):
        return widget.title()
    return ""


def clipped(root: QWidget) -> list[str]:
    """The visible texts that do not fit their widget: a label, button or box title narrower than its text (or a
    wrapping label shorter than its lines). Line edits and table cells scroll or elide by design."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        text = _text_of(w).strip()
        if not text or not w.isVisible() or w.width() <= 0:
            continue
        if isinstance(w, QLabel):
            if w.pixmap() is not None and not w.pixmap().isNull():
                continue
            need = (w.width(), w.heightForWidth(w.width())) if w.wordWrap() else (w.sizeHint().width(), 0)
        elif isinstance(w, QAbstractButton):
            need = (w.sizeHint().width(), 0)
        else:   # a group box's title
            need = (w.fontMetrics().horizontalAdvance(text) + 16, 0)
        if need[0] > w.width() + 1 or need[1] > w.height() + 1:
            out.append(f"{type(w).__name__} {w.objectName() or '?'}: {text[:40]!r} is {w.width()}x{w.height()}, "
                       f"needs {need[0]}x{need[1] or w.height()}")
    return out


def missing(widgets: dict) -> list[str]:
    """The widgets a view must show that are hidden, empty ("" or "—"), or lists with no row."""
    out = []
    for name, w in widgets.items():
        if w is None or not w.isVisible():
            out.append(f"{name}: not visible")
        elif isinstance(w, QAbstractItemView):
            if w.model() is None or w.model().rowCount() == 0:
                out.append(f"{name}: no rows")
        elif not isinstance(w, (QLabel, QAbstractButton, QGroupBox)):
            continue   # shown is all a view like the PDF viewer can say
        elif _text_of(w).strip() in ("", "—"):
            out.append(f"{name}: empty")
    return out


def take(app: QApplication, session, outdir: Path, label: str) -> dict[str, dict]:
    """Drive the window through each tab with demo people in it; save one PNG per view. Returns, per view, the
    PNG, the texts cut off and the expected widgets not shown."""
    from desktop_app.services.payments import ledger
    from desktop_app.ui.import_dialog import ImportDialog
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings_dialog import SettingsDialog

    outdir.mkdir(parents=True, exist_ok=True)
    report: dict[str, dict] = {}

    def save(widget, name: str, expected: dict, ms: int = 150) -> None:
        settle(app, ms)
        path = outdir / f"{label}-{name}.png"
        assert widget.grab().save(str(path)), path
        report[name] = {"png": str(path), "clipped": clipped(widget), "missing": missing(expected)}

    window = MainWindow(session, demo=True, clock=lambda: DAY)
    window.resize(1366, 768)
    window.show()
    settle(app, 300)
    transferred = pick(session, "SELECT person_id FROM ledger WHERE source = 'transfer' "
                                "GROUP BY person_id ORDER BY COUNT(*) DESC LIMIT 1")
    oldest = pick(session, "SELECT id FROM people WHERE jurisdiction = 'xinyang' ORDER BY birth_date LIMIT 1")
    waiting = pick(session, "SELECT id FROM people WHERE jurisdiction = 'xinyang' ORDER BY first_month DESC LIMIT 1")

    # 参保登记: a new person checked, then a wrong check digit at the field
    tab = window.enrolment_tab
    window.new_person()
    ui = tab.ui
    from desktop_app.rules.idcard import check_digit

    ui.id_number_edit.setText("41150319900720004" + check_digit("41150319900720004"))
    ui.name_edit.setText("欧阳明月")
    ui.phone_edit.setText("13900000000")
    ui.address_edit.setText("信阳市平桥区平桥大道188号金色家园3栋2单元501室")
    ui.residence_check.setChecked(True)
    ui.employment_check.setChecked(True)
    ui.category_combo.setCurrentIndex(ui.category_combo.findData("platform"))
    tab.check()
    save(window, "1-enrolment-checked", {n: getattr(ui, n) for n in (
        "decision_label", "monthly_base_label", "monthly_amount_label", "waiting_label", "benefit_start_label",
        "citations_label")})
    ui.id_number_edit.setText(BAD_ID)
    tab.save()
    save(window, "1-enrolment-error", {"id_number_error": ui.id_number_error})

    # 缴费记录: a person transferred in, then the back-payment quote of someone in arrears
    window.open_person(transferred)
    window.ui.tab_widget.setCurrentWidget(window.payments_tab)
    pui = window.payments_tab.ui
    save(window, "2-payments-transferred", {"summary_label": pui.summary_label, "ledger_view": pui.ledger_view})
    arrears = None
    for person_id in [r[0] for r in session.db.execute("SELECT id FROM people ORDER BY id").fetchall()]:
        months = ledger(session, person_id, DAY).months
        if any(not m.paid for m in months[-4:-1]) and any(m.paid for m in months):
            arrears = person_id
            break
    if arrears is not None:
        window.open_person(arrears)
        window.payments_tab.quote_arrears()
        save(window, "2-payments-quote", {"quote_months_label": pui.quote_months_label,
                                          "quote_amount_label": pui.quote_amount_label,
                                          "compare_view": pui.compare_view})

    # 转移接续: a decision on the form's figures
    window.open_person(waiting)
    window.ui.tab_widget.setCurrentWidget(window.transfer_tab)
    tui = window.transfer_tab.ui
    tui.previous_region_edit.setText("河南省郑州市")
    first = tui.first_month_here_edit.date()
    tui.last_paid_month_edit.setDate(first.addMonths(-3))
    tui.contribution_months_spin.setValue(96)
    tui.pay_gap_check.setChecked(True)
    tui.receipt_no_edit.setText("B2025061601")
    window.transfer_tab.decide()
    save(window, "3-transfer-decided", {n: getattr(tui, n) for n in (
        "gap_label", "continuous_label", "waiting_label", "benefit_start_label", "recognised_label",
        "citations_label")})

    # 退休资格: the oldest person, decided
    window.open_person(oldest)
    window.ui.tab_widget.setCurrentWidget(window.retirement_tab)
    window.retirement_tab.decide()
    rui = window.retirement_tab.ui
    save(window, "4-retirement-decided", {n: getattr(rui, n) for n in (
        "total_months_label", "qualified_label", "retirement_month_label")})

    # dialogs: settings, a notice preview, an import report
    settings = SettingsDialog(session, lambda: DAY, window)
    settings.show()
    sui = settings.ui
    save(settings, "5-settings", {"document_label": sui.document_label, "parameter_view": sui.parameter_view,
                                  "office_save_button": sui.office_save_button})
    settings.close()

    window.open_person(waiting)
    notice = window.payments_tab.print_waiting_notice() or window.retirement_tab.print_notice("retirement")
    if isinstance(notice, QMessageBox):   # the demo issued this person's notice already: 重印 shows the archived one
        tab = window.payments_tab if window.payments_tab.reprint_box is notice else window.retirement_tab
        settle(app)
        save(notice, "6-notice-issued-before", {"text": notice.findChild(QLabel, "qt_msgbox_label")})
        notice.buttons()[0].click()
        notice = tab.last_notice
    if notice is not None:
        save(notice, "6-notice", {"serial_label": notice.ui.serial_label, "pdf_view": notice.pdf_view,
                                  "print_button": notice.ui.print_button}, 1500)  # QPdfView renders in the background
        notice.close()

    bad = outdir / f"{label}-import.csv"
    bad.write_text("身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号\n"
                   f"{BAD_ID},张三,2025-05,2025-05-10,437.50,T1\n"
                   "411502198001010012,李四,2025-13,2025-05-10,abc,\n", encoding="utf-8")
    dialog = ImportDialog(session, lambda: DAY, window)
    dialog.check_file(bad)
    dialog.wait()  # the dry run runs off the window's thread
    dialog.show()
    save(dialog, "7-import-report", {"summary_label": dialog.ui.summary_label, "problems_view": dialog.ui.problems_view})
    dialog.close()

    window.close()
    return report


def main(argv: list[str]) -> int:
    from desktop_app.services.session import open_trusted_session
    from desktop_app.ui.app import create_application

    outdir, label, database = Path(argv[0]), argv[1], Path(argv[2])
    app = create_application(sys.argv[:1])
    session = open_trusted_session(database, "截图")
    try:
        report = take(app, session, outdir, label)
    finally:
        session.close()
    print(json.dumps({"platform": app.platformName(), "views": report}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
