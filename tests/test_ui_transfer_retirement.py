"""转移接续 and 退休资格 through the widgets: decide, save, and see the months and decisions written."""

from datetime import date

from ui_fixtures import (ZHANG, click, enrol, id_number, set_month, type_into, ui_session,  # noqa: F401
                         window)

NEAR_RETIREMENT = id_number("41150219650620001")  # man born 1965-06-20: statutory age not yet reached


def decisions(session, question: str) -> int:
    return session.db.execute("SELECT COUNT(*) FROM decisions WHERE question = ?", [question]).fetchone()[0]


def fill_transfer(qtbot, tab, last_paid: date, months: int, first_here: date, pay_gap: bool) -> None:
    ui = tab.ui
    type_into(qtbot, ui.previous_region_edit, "河南省郑州市")
    ui.scheme_combo.setCurrentIndex(ui.scheme_combo.findData("employee"))
    set_month(ui.last_paid_month_edit, last_paid)
    ui.contribution_months_spin.setValue(months)
    set_month(ui.first_month_here_edit, first_here)
    if ui.pay_gap_check.isChecked() != pay_gap:
        click(qtbot, ui.pay_gap_check)
    if pay_gap:
        type_into(qtbot, ui.receipt_no_edit, "B20250616")


def test_transfer_decide_then_save_puts_the_months_in_the_ledger(qtbot, window, ui_session):
    person_id = enrol(qtbot, window, ZHANG, "张伟", date(2025, 5, 1))
    window.ui.tab_widget.setCurrentWidget(window.transfer_tab)
    tab = window.transfer_tab
    assert tab.ui.first_month_here_edit.date().toPython() == date(2025, 5, 1)  # from the registration
    fill_transfer(qtbot, tab, date(2025, 2, 1), 120, date(2025, 5, 1), pay_gap=True)
    click(qtbot, tab.ui.decide_button)
    assert tab.decision is not None, tab.errors.last_message and tab.errors.last_message.text()
    assert tab.ui.gap_label.text().startswith("2 个月")
    assert tab.ui.continuous_label.text() == "是"
    assert "2025年3月" in tab.ui.back_pay_months_label.text()
    assert tab.ui.waiting_label.text() == "不设等待期"
    assert "信医保办〔2023〕46号" in tab.ui.citations_label.text()
    assert decisions(ui_session, "transfer") == 0            # deciding writes nothing

    click(qtbot, tab.ui.save_button)
    assert "已保存转移接续决定" in tab.ui.result_label.text()
    assert decisions(ui_session, "transfer") == 1
    sources = dict(ui_session.db.execute(
        "SELECT source, COUNT(*) FROM ledger WHERE person_id = ? GROUP BY source", [person_id]).fetchall())
    assert sources == {"transfer": 120, "back_payment": 2}
    # the payments tab was refreshed: the transferred months show with their source
    view = window.payments_tab.ui.ledger_view
    assert view.model().index(0, 5).data() == "转入"
    dialog = tab.print_notice("transfer")
    assert dialog is not None and dialog.page_count() >= 1
    dialog.close()


def test_transfer_with_a_bad_month_is_shown_at_the_field(qtbot, window, ui_session):
    enrol(qtbot, window, ZHANG, "张伟", date(2025, 5, 1))
    tab = window.transfer_tab
    fill_transfer(qtbot, tab, date(2025, 6, 1), 12, date(2025, 5, 1), pay_gap=False)
    click(qtbot, tab.ui.decide_button)
    assert tab.ui.first_month_here_error.text() or tab.ui.last_paid_month_error.text()
    click(qtbot, tab.ui.save_button)
    assert decisions(ui_session, "transfer") == 0


def test_retirement_correction_decide_and_save(qtbot, window, ui_session):
    person_id = enrol(qtbot, window, NEAR_RETIREMENT, "王强", date(2025, 1, 1))
    window.ui.tab_widget.setCurrentWidget(window.retirement_tab)
    tab = window.retirement_tab
    assert tab.ui.total_months_label.text().startswith("0 个月")
    # a correction needs a reason
    tab.ui.kind_combo.setCurrentIndex(tab.ui.kind_combo.findData("deemed"))
    tab.ui.months_spin.setValue(240)
    click(qtbot, tab.ui.add_correction_button)
    assert tab.ui.reason_error.text()
    type_into(qtbot, tab.ui.reason_edit, "原国有企业工龄，档案号 XY-1990-001")
    click(qtbot, tab.ui.add_correction_button)
    assert tab.ui.total_months_label.text().startswith("240 个月")
    assert tab.ui.corrections_view.model().rowCount() == 1

    click(qtbot, tab.ui.decide_button)
    assert tab.decision is not None, tab.errors.last_message and tab.errors.last_message.text()
    assert "2025" in tab.ui.retirement_month_label.text() or "2026" in tab.ui.retirement_month_label.text()
    assert tab.ui.qualified_label.text()
    assert tab.ui.shortfall_label.text() != "—"
    assert decisions(ui_session, "retirement") == 0

    click(qtbot, tab.ui.save_button)
    assert "已保存退休资格审核结论" in tab.ui.result_label.text()
    assert decisions(ui_session, "retirement") == 1
    stored = ui_session.db.execute("SELECT person_id FROM decisions WHERE question = 'retirement'").fetchone()
    assert stored[0] == person_id
    dialog = tab.print_notice("retirement")
    assert dialog is not None and dialog.page_count() >= 1
    dialog.close()
