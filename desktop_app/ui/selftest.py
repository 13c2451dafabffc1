"""The self-check (issue 5): the real window on a fresh database does a counter job end to end."""

from __future__ import annotations

import json
import shutil
import traceback
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QElapsedTimer
from PySide6.QtWidgets import QApplication

# A fixed business date: the check is about the installed program working, not about today's figures.
BUSINESS_DAY = date(2025, 6, 16)
PERSON = {"id_number": "41150219850315003X", "name": "自检张伟", "phone": "13800000000",
          "address": "信阳市浉河区自检路1号"}
OFFICE = ("xinyang", "自检经办窗口（示例）")


class SelftestError(Exception):
    pass


def _settle(app: QApplication, ms: int = 200) -> None:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        app.processEvents()


def _fresh(path: Path) -> None:
    from desktop_app.services.anchors import forget

    forget(path)  # the old file's audit anchor: a new file has a chain of its own
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


def _check(condition: bool, step: str, detail: str = "") -> None:
    if not condition:
        raise SelftestError(f"{step}: {detail}")


def _enrol(window) -> int:
    tab = window.enrolment_tab
    ui = tab.ui
    window.new_person()
    ui.id_number_edit.setText(PERSON["id_number"])
    ui.name_edit.setText(PERSON["name"])
    ui.phone_edit.setText(PERSON["phone"])
    ui.address_edit.setText(PERSON["address"])
    ui.hukou_check.setChecked(True)
    ui.first_month_edit.setDate(QDate(2025, 2, 1))
    ui.save_button.click()
    _check(tab.enrolment is not None and tab.enrolment.created, "参保登记",
           ui.result_label.text() or ui.id_number_error.text() or ui.name_error.text())
    return tab.enrolment.person_id


def _pay(window, month: QDate, paid_on: QDate, receipt: str) -> None:
    tab = window.payments_tab
    window.ui.tab_widget.setCurrentWidget(tab)
    tab.ui.pay_from_edit.setDate(month)
    tab.ui.pay_to_edit.setDate(month)
    tab.ui.paid_on_edit.setDate(paid_on)
    tab.ui.receipt_no_edit.setText(receipt)
    tab.ui.record_button.click()
    _check("已登记" in tab.ui.record_result_label.text(), "登记缴费",
           tab.ui.months_error.text() or tab.ui.paid_on_error.text() or tab.ui.receipt_no_error.text())


def _save_notice(dialog, path: Path, step: str) -> str:
    _check(dialog is not None, step, "告知书未生成")
    _check(dialog.page_count() >= 1 and dialog.pdf.startswith(b"%PDF"), step, "PDF 无法打开")
    dialog.save_to(path)
    dialog.close()
    return str(path)


def _backup_and_check(session, outdir: Path) -> None:
    """An encrypted backup made, opened again and checked; then the whole audit check of the file."""
    from desktop_app.services import backup, restore
    from desktop_app.services.audit_log import check_file

    backup.set_backup_passphrase(session, "自检用的备份口令 selftest 2025")
    folder = outdir / "备份"
    shutil.rmtree(folder, ignore_errors=True)
    made = backup.run_backup(backup.BackupJob(session.path, folder, 2, session.stamp(), "manual"))
    check = restore.verify_backup(made.path, data_path=session.path, key=backup.current_key(session.db))
    _check(check.ok and check.people == 1, "加密备份", check.message)
    audit_check = check_file(session.path)
    _check(audit_check.ok, "审计校验", audit_check.message)


def _server_client() -> str:
    """The office-server client as installed: psycopg with the libpq (and OpenSSL) DLLs its wheel ships. No
    server is asked: loading the library and parsing an address is what the installed files decide."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    version = psycopg.pq.version()
    _check(version >= 120000, "数据库服务器客户端", f"libpq {version}")
    _check(conninfo_to_dict("postgresql://jingban@192.168.1.10:5432/flexins")["dbname"] == "flexins",
           "数据库服务器客户端", "地址解析")
    return f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__}), libpq {version}"


def run(outdir: Path, app: QApplication) -> dict:
    """Do the check; return the result dict (ok false with the error when a step failed)."""
    from desktop_app.services.demo_parameters import enter_demo_parameters
    from desktop_app.services.notices import notices_for_person
    from desktop_app.services.payments import ledger
    from desktop_app.services.session import open_trusted_session
    from desktop_app.services.demo import DEMO_CONTACT
    from desktop_app.services.settings import set_office, set_office_contact
    from desktop_app.ui.main_window import MainWindow

    outdir = Path(outdir).resolve()
    database = outdir / "selftest.sqlite3"
    result = {"ok": False, "tabs": [], "database": str(database), "notices": [], "screenshot": None,
              "business_date": BUSINESS_DAY.isoformat(), "steps": []}
    session = window = None
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        _fresh(database)
        session = open_trusted_session(database, "自检")
        set_office(session, *OFFICE)
        set_office_contact(session, **DEMO_CONTACT)
        enter_demo_parameters(session, OFFICE[0], BUSINESS_DAY)
        window = MainWindow(session, demo=True, clock=lambda: BUSINESS_DAY)
        window.resize(1366, 768)
        window.show()
        _settle(app)
        tabs = window.ui.tab_widget
        result["tabs"] = [tabs.tabText(i) for i in range(tabs.count())]
        _check(len(result["tabs"]) == 4, "主窗口", f"标签页 {result['tabs']}")
        result["font"] = window.font().family()  # the bundled font, or Chinese shows as boxes
        result["steps"].append("window")

        person_id = _enrol(window)
        result["steps"].append("enrol")
        waiting = window.enrolment_tab.print_notice()
        result["notices"].append(_save_notice(waiting, outdir / "waiting_period.pdf", "等待期告知书"))
        result["steps"].append("waiting_period_notice")

        _pay(window, QDate(2025, 2, 1), QDate(2025, 2, 10), "ZJ0001")
        _pay(window, QDate(2025, 3, 1), QDate(2025, 3, 10), "ZJ0002")
        book = ledger(session, person_id, BUSINESS_DAY)
        paid = sum(1 for m in book.prior + book.months if m.paid)
        _check(paid == 2, "登记缴费", f"缴费记录 {paid} 条")
        result["steps"].append("payments")

        payments = window.payments_tab
        payments.quote_arrears()
        _check(payments.quote is not None, "补缴测算", "无测算结果")
        lump = payments.print_lump_sum_notice()
        result["notices"].append(_save_notice(lump, outdir / "lump_sum.pdf", "补缴通知书"))
        result["steps"].append("lump_sum_notice")
        issued = len(notices_for_person(session, person_id))  # the only person in the fresh file
        _check(issued == 2, "告知书存档", f"存档 {issued} 份")

        _backup_and_check(session, outdir)   # cryptography and the OS key store, as installed (issue 12)
        result["steps"] += ["encrypted_backup", "audit_check"]
        result["server_client"] = _server_client()   # psycopg and its libpq DLLs load as installed (issue 17)
        result["steps"].append("server_client")

        _settle(app)
        screenshot = outdir / "window.png"
        _check(window.grab().save(str(screenshot)), "截图", str(screenshot))
        result["screenshot"] = str(screenshot)
        result["ok"] = True
    except Exception as error:  # noqa: BLE001 (the self-check reports every failure, with its traceback)
        result["error"] = f"{type(error).__name__}: {error}"
        result["traceback"] = traceback.format_exc()
    finally:
        if window is not None:
            window.close()
        if session is not None:
            session.close()
    try:
        (outdir / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as error:   # the folder itself is the problem: the caller prints the result
        result["ok"] = False
        result["error"] = (result.get("error") or "") + f"（result.json 无法写入：{error}）"
    return result
