"""Screenshots of every tab and dialog at 1366x768 on the demo database, to look at (issue 3).

Used in-process by tests/test_ui_screenshots.py (offscreen) and as a script under a real X server:
    python tests/ui_screenshots.py OUTDIR LABEL DEMO_DB
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
from PySide6.QtWidgets import QApplication  # noqa: E402

DAY = date(2025, 6, 16)  # the demo database's business date (tests/conftest.py builds it on this day)
BAD_ID = "411502198503150034"


def settle(app: QApplication, ms: int = 150) -> None:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        app.processEvents()


def pick(session, sql: str) -> int:
    return session.db.execute(sql).fetchone()[0]


def take(app: QApplication, session, outdir: Path, label: str) -> list[Path]:
    """Drive the window through each tab with demo people in it; save one PNG per view."""
    from desktop_app.services.payments import ledger
    from desktop_app.ui.import_dialog import ImportDialog
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.settings_dialog import SettingsDialog

    outdir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def save(widget, name: str, ms: int = 150) -> None:
        settle(app, ms)
        path = outdir / f"{label}-{name}.png"
        assert widget.grab().save(str(path)), path
        shots.append(path)

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
    save(window, "1-enrolment-checked")
    ui.id_number_edit.setText(BAD_ID)
    tab.save()
    save(window, "1-enrolment-error")

    # 缴费记录: a person transferred in, then the back-payment quote of someone in arrears
    window.open_person(transferred)
    window.ui.tab_widget.setCurrentWidget(window.payments_tab)
    save(window, "2-payments-transferred")
    arrears = None
    for person_id in [r[0] for r in session.db.execute("SELECT id FROM people ORDER BY id").fetchall()]:
        months = ledger(session, person_id, DAY).months
        if any(not m.paid for m in months[-4:-1]) and any(m.paid for m in months):
            arrears = person_id
            break
    if arrears is not None:
        window.open_person(arrears)
        window.payments_tab.quote_arrears()
        save(window, "2-payments-quote")

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
    save(window, "3-transfer-decided")

    # 退休资格: the oldest person, decided
    window.open_person(oldest)
    window.ui.tab_widget.setCurrentWidget(window.retirement_tab)
    window.retirement_tab.decide()
    save(window, "4-retirement-decided")

    # dialogs: settings, a notice preview, an import report
    settings = SettingsDialog(session, lambda: DAY, window)
    settings.show()
    save(settings, "5-settings")
    settings.close()

    window.open_person(waiting)
    notice = window.payments_tab.print_waiting_notice() or window.retirement_tab.print_notice("retirement")
    if notice is not None:
        save(notice, "6-notice", 1500)  # QPdfView renders pages in the background
        notice.close()

    bad = outdir / f"{label}-import.csv"
    bad.write_text("身份证号,姓名,费款所属期,缴费日期,缴费金额,票据号\n"
                   f"{BAD_ID},张三,2025-05,2025-05-10,437.50,T1\n"
                   "411502198001010012,李四,2025-13,2025-05-10,abc,\n", encoding="utf-8")
    dialog = ImportDialog(session, lambda: DAY, window)
    dialog.check_file(bad)
    dialog.wait()  # the dry run runs off the window's thread
    dialog.show()
    save(dialog, "7-import-report")
    dialog.close()

    window.close()
    return shots


def main(argv: list[str]) -> int:
    from desktop_app.services.session import open_trusted_session
    from desktop_app.ui.app import create_application

    outdir, label, database = Path(argv[0]), argv[1], Path(argv[2])
    app = create_application(sys.argv[:1])
    session = open_trusted_session(database, "截图")
    try:
        shots = take(app, session, outdir, label)
    finally:
        session.close()
    print(json.dumps({"platform": app.platformName(), "shots": [str(p) for p in shots]}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
