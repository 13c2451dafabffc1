"""Issue 13's contradictions on the real window: the payments tab tells one story."""

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox

from ui_fixtures import ZHANG, click, enrol, type_into, ui_session, window  # noqa: F401

DEC6 = date(2026, 12, 6)


def june_only_person(qtbot, window, ui_session):
    from desktop_app.services.payments import record_payment

    window.clock = lambda: DEC6
    for tab in window.tabs:
        tab.clock = lambda: DEC6
    pid = enrol(qtbot, window, ZHANG, "张伟", date(2026, 6, 1))
    record_payment(ui_session, pid, [date(2026, 6, 1)], date(2026, 6, 10), "R202606", DEC6)
    window.set_person(None)
    window.set_person(pid)
    window.ui.tab_widget.setCurrentWidget(window.payments_tab)
    return pid, window.payments_tab


def arrears_rows(tab):
    model = tab.arrears_model
    return [[model.item(r, c).text() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_tab_says_which_months_are_past_the_limit_without_being_asked(qtbot, window, ui_session):
    pid, tab = june_only_person(qtbot, window, ui_session)
    rows = arrears_rows(tab)
    assert [r[0] for r in rows[:5]] == [f"2026年{m}月" for m in range(7, 12)]
    assert all(r[3] == "已超过补缴期限" for r in rows[:5])
    assert rows[5][0] == "2026年12月" and rows[5][3] == "本期应缴，2026-12-31前"
    text = tab.ui.deadline_label.text()
    assert "2026年7月" in text and "已超过补缴期限" in text and "2027年3月起享受待遇" in text
    # the 补缴通知书 is offered only where there are arrears to pay back
    assert not tab.ui.lump_sum_notice_button.isEnabled()


def test_recording_months_past_the_limit_asks_first(qtbot, window, ui_session):
    pid, tab = june_only_person(qtbot, window, ui_session)
    tab.ui.pay_from_edit.setDate(QDate(2026, 7, 1))
    tab.ui.pay_to_edit.setDate(QDate(2026, 11, 1))
    type_into(qtbot, tab.ui.receipt_no_edit, "R2026PAST")
    click(qtbot, tab.ui.record_button)
    box = tab.confirm_box
    assert box is not None and box.isVisible() and "已超过补缴期限" in box.text()
    assert ui_session.db["ledger"].count == 1        # nothing written while asking
    cancel = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole)
    click(qtbot, cancel)
    assert ui_session.db["ledger"].count == 1
    click(qtbot, tab.ui.record_button)
    box = tab.confirm_box
    record = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    click(qtbot, record)
    assert ui_session.db["ledger"].count == 6
    assert "另收滞纳金" in tab.ui.record_result_label.text()
    # the person's history shows each month's late fee beside its amount
    july = next(r for r in range(tab.model.rowCount()) if tab.model.index(r, 0).data() == "2026年7月")
    assert float(tab.model.index(july, 3).data().replace(",", "")) > 0
    # the form offers the next unpaid month
    assert tab.ui.pay_from_edit.date() == QDate(2026, 12, 1)


def test_a_waiting_person_sees_when_benefits_start(qtbot, window, ui_session):
    from desktop_app.services.payments import record_payment

    window.clock = lambda: DEC6
    for tab in window.tabs:
        tab.clock = lambda: DEC6
    pid = enrol(qtbot, window, ZHANG, "张伟", date(2026, 11, 1))
    record_payment(ui_session, pid, [date(2026, 11, 1), date(2026, 12, 1)], date(2026, 11, 10), "R2026A", DEC6)
    window.set_person(None)
    window.set_person(pid)
    summary = window.payments_tab.ui.summary_label.text()
    assert "待遇起始：2027年2月（等待期满后" in summary and "待遇起始：—" not in summary


def test_the_results_heading_counts_the_rows_shown(qtbot, window, ui_session):
    from ui_fixtures import LI

    enrol(qtbot, window, ZHANG, "张伟", date(2025, 6, 1))
    enrol(qtbot, window, LI, "张丽", date(2025, 6, 1))
    type_into(qtbot, window.ui.search_edit, "张")
    window.search()
    assert window.ui.results_label.text() == "查找结果：2 人" and window.people_model.rowCount() == 2
    # opening one person (after an enrolment) shows one row under a heading that says so
    window.open_person(window.people_model.person_at(0).id)
    assert window.people_model.rowCount() == 1 and window.ui.results_label.text() == "查找结果：1 人"
    type_into(qtbot, window.ui.search_edit, "无此人")
    window.search()
    assert window.ui.results_label.text() == "查找结果：未找到"
    enrol(qtbot, window, "411502199001011237", "王建国", date(2025, 6, 1))
    assert window.ui.results_label.text() == "查找结果：1 人"


def test_printing_the_same_notice_again_asks_reprint_or_correct(qtbot, window, ui_session):
    from PySide6.QtWidgets import QMessageBox

    tab = window.enrolment_tab
    enrol(qtbot, window, ZHANG, "张伟", date(2025, 6, 1))
    first = tab.print_notice()
    serial = first.serial if hasattr(first, "serial") else None
    first.close()
    count = ui_session.db["notices"].count
    box = tab.print_notice()
    assert isinstance(box, QMessageBox) and "已于" in box.text() and ui_session.db["notices"].count == count
    reprint = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    click(qtbot, reprint)
    assert ui_session.db["notices"].count == count          # 重印: no new serial
    assert "重新打印" in tab.last_notice.windowTitle()
    tab.last_notice.close()
    box = tab.print_notice()
    correct = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.ActionRole)
    click(qtbot, correct)                                  # the test session may correct
    assert ui_session.db["notices"].count == count + 1
    replaces = ui_session.db.execute("SELECT replaces FROM notices ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert replaces is not None and (serial is None or replaces == serial)


def test_search_by_phone_pinyin_initials_and_name_with_spaces_shows_status(qtbot, window, ui_session):
    from desktop_app.services.payments import record_payment
    from desktop_app.services.people import search_people

    window.clock = lambda: DEC6
    for tab in window.tabs:
        tab.clock = lambda: DEC6
    pid = enrol(qtbot, window, ZHANG, "曾志强", date(2026, 6, 1))
    record_payment(ui_session, pid, [date(2026, 6, 1)], date(2026, 6, 10), "R1", DEC6)
    assert [p.id for p in search_people(ui_session, "13800000000")] == [pid]      # the phone typed at enrolment
    assert [p.id for p in search_people(ui_session, "zzq")] == [pid]              # 曾 read zeng
    assert [p.id for p in search_people(ui_session, "CZQ")] == [pid]              # or ceng
    assert [p.id for p in search_people(ui_session, "曾 志强")] == [pid]           # spaces typed by habit
    type_into(qtbot, window.ui.search_edit, "zzq")
    window.search()
    status = window.people_model.index(0, 2)
    assert status.data() == "欠费5个月"   # July–November fell due unpaid; December is this month's
