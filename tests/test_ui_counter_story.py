"""Issue 13's contradictions on the real window: the payments tab tells one story."""

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QMessageBox

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
    assert all(r[4] == "已超过补缴期限" for r in rows[:5])
    assert rows[5][0] == "2026年12月" and rows[5][4] == "本期应缴"
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
